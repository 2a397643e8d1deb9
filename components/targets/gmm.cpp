// target/gmm: a Gaussian mixture target (gaussian_mixture.hpp), the multimodal
// benchmark of the tensor-train flow paper (seed 002), with exact samples as
// ground truth. The default 40-mode 2-D case is the one FAB (Midgley et al.
// 2023) introduced: means uniform in [−40, 40]², every component's standard
// deviation softplus(1) ≈ 1.3133, equal weights. FAB draws the means with
// torch's generator; reprise draws them with its own from `layout_seed`, so the
// layout is fixed and reproducible but not FAB's exact one. `means` (a flat K·d
// list) replaces the random layout, e.g. for the 2-mode case.
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "components/targets/gaussian_mixture.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

class GmmTargetComponent : public Component {
 public:
  Artifact run(const Inputs&, const Params& p, Context& ctx) override {
    const auto d = static_cast<Eigen::Index>(p.get_int("dim"));
    const std::vector<double>& given = p.get_doubles("means");
    Eigen::Index k = static_cast<Eigen::Index>(p.get_int("modes"));
    RowMatrixXd means;
    if (!given.empty()) {
      if (given.size() % static_cast<std::size_t>(d) != 0)
        throw std::invalid_argument("means has " + std::to_string(given.size()) +
                                    " numbers, not a multiple of dim = " + std::to_string(d) +
                                    " (list the K means one after another)");
      k = static_cast<Eigen::Index>(given.size()) / d;
      means = Eigen::Map<const RowMatrixXd>(given.data(), k, d);
    } else {
      // The layout is part of the problem, not of a run: it comes from layout_seed,
      // never from the node seed, so every seed of a sweep samples the same mixture.
      std::mt19937_64 layout(static_cast<std::uint64_t>(p.get_int("layout_seed")));
      std::uniform_real_distribution<double> uniform(-p.get_double("loc_scaling"), p.get_double("loc_scaling"));
      means.resize(k, d);
      for (Eigen::Index j = 0; j < k; ++j)
        for (Eigen::Index i = 0; i < d; ++i) means(j, i) = uniform(layout);
    }
    const GmmTarget target(means, RowMatrixXd::Constant(k, d, p.get_double("std")), Eigen::VectorXd::Ones(k));
    return target_artifact(target, static_cast<std::size_t>(p.get_int("truth_samples")), ctx.seed());
  }
};

}  // namespace

REPRISE_COMPONENT(GmmTargetComponent, "target/gmm", "1",
                  "Gaussian mixture target (FAB's 40-mode benchmark by default) with exact samples, energy, "
                  "gradient, log Z = 0 and mode masses",
                  param_int("dim", 2, "dimension d").at_least(1),
                  param_int("modes", 40, "number of components K (ignored when means are given)").at_least(1),
                  param_double("loc_scaling", 40.0, "means uniform in [-loc_scaling, loc_scaling]^d").at_least(0),
                  param_double("std", 1.3132616875182228,
                               "standard deviation of every component in every dimension (FAB: softplus(1))")
                      .at_least(1e-12),
                  param_doubles("means", {}, "explicit means, K*d numbers mean after mean (replaces the random layout)"),
                  param_int("layout_seed", 0, "seed of the random layout of the means").at_least(0),
                  param_int("truth_samples", 2000, "exact samples written as ground truth").at_least(1),
                  output("samples", "float64 {truth_samples, d}: exact samples"),
                  output("means", "float64 {K, d}"), output("stds", "float64 {K, d}"),
                  output("weights", "float64 {K}: equal mixture weights"),
                  output("log_z", "scalar: 0 (the density is normalised)"), output("dim", "scalar: d"))

}  // namespace reprise
