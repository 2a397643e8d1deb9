#include "components/datasets/volume.hpp"

#include <stdexcept>

namespace reprise::volume {

double GridFrame::coordinate(std::size_t axis, std::size_t j) const {
  const double span = extent[axis] - 1;
  if (span <= 0) return 0.0;
  return -1.0 + 2.0 * step[axis] * static_cast<double>(j) / span;
}

std::size_t GridFrame::size() const {
  std::size_t n = 1;
  for (std::size_t s : shape) n *= s;
  return n;
}

const Array& volume_of(const Artifact& a, const std::string& input) {
  if (!a.has_array("volume"))
    throw std::runtime_error("input '" + input + "' has no array 'volume' (is it a dataset/tpc, "
                             "dataset/hdf5-array or volume codec node?)");
  const Array& v = a.array("volume");
  if (v.size() == 0) throw std::runtime_error("input '" + input + "' has an empty volume");
  return v;
}

GridFrame frame_of(const Artifact& a, const std::string& input) {
  const Array& v = volume_of(a, input);
  GridFrame f;
  f.shape = v.shape();
  const std::size_t rank = f.shape.size();
  f.step.assign(rank, 1.0);
  f.extent.resize(rank);
  for (std::size_t i = 0; i < rank; ++i) f.extent[i] = static_cast<double>(f.shape[i]);
  auto read = [&](const char* key, std::vector<double>& into) {
    if (!a.has_array(key)) return;
    std::vector<double> values = a.array(key).to_double();
    if (values.size() != rank)
      throw std::runtime_error("input '" + input + "': '" + key + "' has " +
                               std::to_string(values.size()) + " entries for a volume of rank " +
                               std::to_string(rank));
    into = std::move(values);
  };
  read("axis_step", f.step);
  read("axis_extent", f.extent);
  return f;
}

void set_frame(Artifact& a, const GridFrame& f) {
  a.set_array("axis_step", Array::from<double>({f.step.size()}, f.step));
  a.set_array("axis_extent", Array::from<double>({f.extent.size()}, f.extent));
}

}  // namespace reprise::volume
