#include "components/samplers/coordinate_sampler.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace reprise::coords {

ParamSpec param_ratio() {
  return param_double("ratio", 0.1, "sampling ratio ρ: coordinates drawn per epoch / voxels in the volume")
      .range(1e-9, 1);
}
OutputSpec output_method() { return output("method", "string: full, random, importance or entropy"); }
OutputSpec output_ratio() { return output("ratio", "scalar: the sampling ratio ρ"); }

std::size_t draws_per_epoch(double ratio, std::size_t voxels) {
  const auto k = static_cast<std::size_t>(std::llround(ratio * static_cast<double>(voxels)));
  return std::clamp<std::size_t>(k, 1, std::max<std::size_t>(voxels, 1));
}

std::unique_ptr<CoordinateSampler> make_sampler(const Artifact* description, std::span<const float> values) {
  if (description == nullptr) return make_full_sampler(values.size());
  if (description->strings().count("method") == 0)
    throw std::runtime_error("input 'sampler' is not a sampler/full|random|importance|entropy node (no string 'method')");
  const std::string& method = description->string("method");
  if (method == "full") return make_full_sampler(values.size());
  const double ratio = description->scalar("ratio");
  if (method == "random") return make_random_sampler(values.size(), ratio);
  if (method == "importance") {
    // Descriptions cached before sampler/importance v2 have neither scalar: the paper's variant.
    const auto& s = description->scalars();
    const double alpha = s.count("uniform_fraction") ? s.at("uniform_fraction") : 0.0;
    const bool reweight = s.count("reweight") && s.at("reweight") != 0;
    return make_importance_sampler(values, ratio, description->scalar("epsilon"), alpha, reweight);
  }
  if (method == "entropy")
    return make_entropy_sampler(values, ratio, static_cast<std::size_t>(description->scalar("bins")));
  throw std::runtime_error("unknown sampling method '" + method + "' (expected full, random, importance or entropy)");
}

}  // namespace reprise::coords
