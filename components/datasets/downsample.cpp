// dataset/downsample: the paper's "sub-sampling" for super-resolution (seed 001,
// section 3.1 and Appendix D): keep every f-th sample along each axis.
//
// Input `data` is a volume (components/datasets/volume.hpp); `factors` holds one
// integer per axis. Sample j of the output along an axis is sample f * j of the
// input (starting at 0), so an axis of n samples keeps ceil(n / f). The paper's
// scales are products: [2, 2, 1] is S = 4 ({192, 249, 16} -> {96, 125, 16}),
// [2, 2, 2] is S = 8, [4, 4, 1] is S = 16. The dtype is kept.
//
// The output also carries the grid frame: step = input step * factor and
// extent = the input's extent, so coarse sample j sits at the full-grid position
// of input index f * j, and a model trained on it is decoded on the full grid
// (super-resolution) at the same normalised coordinates. Downsampling twice
// composes (steps multiply).
#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "components/datasets/volume.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

class DownsampleDataset : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

Artifact DownsampleDataset::run(const Inputs& in, const Params& p, Context& ctx) {
  const Artifact& data = in.get("data");
  const Array& volume = volume::volume_of(data, "data");
  const volume::GridFrame frame = volume::frame_of(data, "data");
  const std::vector<std::int64_t>& factors = p.get_ints("factors");
  const std::vector<std::size_t>& shape = volume.shape();
  const std::size_t rank = shape.size();
  if (factors.size() != rank)
    throw std::invalid_argument("factors " + canonical(factors) + " has " + std::to_string(factors.size()) +
                                " entries but input 'data' has a volume of shape " + shape_text(shape) +
                                " (rank " + std::to_string(rank) + "): give one factor per axis");
  std::vector<std::size_t> f(rank), out_shape(rank);
  double scale = 1;
  for (std::size_t a = 0; a < rank; ++a) {
    f[a] = static_cast<std::size_t>(factors[a]);
    out_shape[a] = (shape[a] + f[a] - 1) / f[a];
    scale *= static_cast<double>(f[a]);
  }

  // Strides in elements, row-major; the last axis is copied element by element
  // (bytes of any dtype), every other axis walked with an odometer over the output.
  const std::size_t element = dtype_size(volume.dtype());
  std::vector<std::size_t> in_stride(rank, 1);
  for (std::size_t a = rank - 1; a > 0; --a) in_stride[a - 1] = in_stride[a] * shape[a];
  std::size_t out_count = 1;
  for (std::size_t n : out_shape) out_count *= n;
  const std::size_t last = rank - 1, row = out_shape[last];
  const std::size_t rows = out_count / row;
  const std::byte* src = volume.bytes().data();
  std::vector<std::byte> out(out_count * element);
  std::vector<std::size_t> index(rank, 0);  // output index of the current row (last entry unused)
  for (std::size_t r = 0; r < rows; ++r) {
    if (r % 4096 == 0) {
      ctx.check_cancelled();
      ctx.progress(r, rows);
    }
    std::size_t base = 0;
    for (std::size_t a = 0; a < last; ++a) base += index[a] * f[a] * in_stride[a];
    std::byte* dst = out.data() + r * row * element;
    for (std::size_t j = 0; j < row; ++j) std::memcpy(dst + j * element, src + (base + j * f[last]) * element, element);
    for (std::size_t a = last; a-- > 0;) {  // advance the odometer
      if (++index[a] < out_shape[a]) break;
      index[a] = 0;
    }
  }

  volume::GridFrame coarse;
  coarse.shape = out_shape;
  coarse.extent = frame.extent;
  coarse.step.resize(rank);
  for (std::size_t a = 0; a < rank; ++a) coarse.step[a] = frame.step[a] * static_cast<double>(f[a]);
  Artifact result;
  result.set_array("volume", Array(volume.dtype(), out_shape, std::move(out)));
  volume::set_frame(result, coarse);
  result.set_scalar("scale", scale);
  return result;
}

}  // namespace

REPRISE_COMPONENT(DownsampleDataset, "dataset/downsample", "1",
                  "strided sub-sampling of a volume (every f-th sample per axis) with its full-grid frame, for "
                  "super-resolution",
                  input("data", "a volume (dataset/tpc, dataset/hdf5-array, ...)"),
                  param_ints("factors", {2, 2, 1},
                             "keep every f-th sample along each axis, one factor per axis ([2, 2, 1]: S = 4)")
                      .at_least(1),
                  output("volume", "the kept samples, same dtype, shape ceil(n / f) per axis"),
                  output("axis_step, axis_extent", "grid frame: input step * factor, input extent"),
                  output("scale", "scalar: product of the factors (the paper's S)"))

}  // namespace reprise
