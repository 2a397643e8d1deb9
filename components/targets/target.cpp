#include "components/targets/target.hpp"

#include <stdexcept>

#include "components/targets/double_well.hpp"
#include "components/targets/gaussian_mixture.hpp"

namespace reprise {

std::unique_ptr<Target> Target::from_artifact(const Artifact& a, const std::string& who) {
  if (!a.strings().count("family"))
    throw std::invalid_argument(who + ": the input is not a target (no 'family' string); feed it a target/* node");
  const std::string& family = a.string("family");
  if (family == "gmm") return std::make_unique<GmmTarget>(GmmTarget::from_artifact(a, who));
  if (family == "many-well") return std::make_unique<ManyWellTarget>(ManyWellTarget::from_artifact(a, who));
  throw std::invalid_argument(who + ": unknown target family '" + family + "' (known: gmm, many-well)");
}

Artifact target_artifact(const Target& t, std::size_t truth, std::uint64_t seed) {
  Artifact a;
  a.set_string("family", t.family());
  a.set_scalar("dim", static_cast<double>(t.dim()));
  a.set_scalar("log_z", t.log_z());
  t.describe(a);
  std::mt19937_64 rng(seed);
  const RowMatrixXd x = t.sample(truth, rng);
  a.set_array("samples", Array::from<double>({truth, t.dim()}, std::vector<double>(x.data(), x.data() + x.size())));
  return a;
}

}  // namespace reprise
