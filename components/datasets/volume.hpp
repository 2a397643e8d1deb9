// The conventions every gridded-volume component shares (dataset/tpc,
// dataset/hdf5-array, dataset/downsample, the volume codecs and metrics).
//
// A volume artifact holds array "volume" (any rank >= 1, row-major; the TPC
// volumes are {c, z, r}, uint16 raw ADC or float32 after a transform or a
// lossy round trip). A subsampled volume also says where its samples sit on the
// full-resolution grid it came from:
//   "axis_step"   float64 {rank}: distance between neighbouring samples, in
//                 full-grid index units (dataset/downsample's factors);
//   "axis_extent" float64 {rank}: the full grid's length along each axis.
// Absent, a volume is its own full grid (step 1, extent = shape). INR models
// see coordinate x = -1 + 2 * step * j / (extent - 1) along each axis, so a
// model trained on a coarse volume decodes at the same physical positions on
// the full grid: that is super-resolution.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "framework/core/artifact.hpp"

namespace reprise::volume {

// Where the samples of one volume sit on the full-resolution grid.
struct GridFrame {
  std::vector<std::size_t> shape;  // samples along each axis
  std::vector<double> step;        // full-grid index units between samples
  std::vector<double> extent;      // full-grid length along each axis

  // Normalised coordinate in [-1, 1] of sample j along `axis` (0 for a length-1 extent).
  double coordinate(std::size_t axis, std::size_t j) const;
  std::size_t size() const;  // number of samples
};

// The "volume" array of input `input` `a`; throws std::runtime_error naming the
// input when it is missing or empty.
const Array& volume_of(const Artifact& a, const std::string& input);

// The frame of `a`'s volume (defaults when axis_step / axis_extent are absent);
// throws naming the input when they do not match the volume's rank.
GridFrame frame_of(const Artifact& a, const std::string& input);

// Writes a frame's step and extent next to a volume (what dataset/downsample does).
void set_frame(Artifact& a, const GridFrame& f);

}  // namespace reprise::volume
