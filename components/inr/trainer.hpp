// Fitting an INR to a volume and decoding it on a grid: the two halves of
// codec/inr, kept apart from the component so benchmarks and tests drive them
// directly.
//
// Training minimises the mean squared error over mini-batches of the voxels a
// CoordinateSampler draws each epoch, with Adam; the inputs are the voxels'
// normalised coordinates (volume::GridFrame) and the targets their values
// divided by the largest magnitude, so every volume trains at the same scale.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "components/datasets/volume.hpp"
#include "components/inr/mlp.hpp"
#include "components/inr/model.hpp"
#include "components/samplers/coordinate_sampler.hpp"
#include "framework/core/registry.hpp"

namespace reprise::inr {

// The coordinates of a grid's voxels, filled into batch matrices by flat index.
class GridCoordinates {
 public:
  explicit GridCoordinates(const volume::GridFrame& frame);
  int dim() const { return static_cast<int>(axes_.size()); }
  std::size_t size() const { return size_; }
  // Column j of x = coordinates of voxel indices[j].
  void fill(std::span<const std::uint32_t> indices, Matrix& x) const;
  // Columns of x = coordinates of voxels first .. first + x.cols() - 1.
  void fill_range(std::size_t first, Matrix& x) const;

 private:
  void fill_column(std::size_t index, float* column) const;
  std::vector<std::vector<float>> axes_;  // per axis: coordinate of each sample
  std::vector<std::size_t> strides_;      // row-major
  std::size_t size_ = 1;
};

struct FitReport {
  std::vector<double> epoch_loss;  // mean squared error of each epoch's draws (normalised units)
  std::int64_t steps = 0;          // Adam steps
  std::int64_t samples = 0;        // coordinates trained on (forward + backward)
  double seconds = 0;              // wall time of the training loop
};

// Trains `net` in place. Throws std::runtime_error when the loss stops being
// finite (naming the epoch and the learning rate), Cancelled on Ctrl-C.
FitReport fit(Network& net, const GridCoordinates& grid, std::span<const float> targets,
              coords::CoordinateSampler& sampler, const TrainingOptions& options, unsigned threads,
              std::uint64_t seed, Context& ctx);

// net at every voxel of `grid`, row-major, times `scale`.
std::vector<float> decode(const Network& net, const GridCoordinates& grid, float scale, unsigned threads,
                          Context& ctx);

}  // namespace reprise::inr
