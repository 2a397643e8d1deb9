// learner/grise: the discrete learner of the QoI-compression paper (seed 000).
//
// GRISE, the generalized regularized interaction screening estimator, fits the
// Ising model P(x) ∝ exp(Σ_{i<j} J_ij x_i x_j + Σ_i h_i x_i), x ∈ {−1,+1}^p,
// whose sufficient statistics are exactly the QoIs <x_i> and <x_i x_j>: it
// minimises each spin's l1-penalised interaction-screening objective
// (interaction_screening.hpp) on the histogram of distinct configurations, the
// spins in parallel, and reports the couplings symmetrised,
// J = (J_raw + J_rawᵀ) / 2, since spins u and j each estimate J_uj.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "components/learners/interaction_screening.hpp"
#include "framework/core/parallel.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

// λ = c sqrt(log(p²/δ) / M): the scaling under which Vuffray et al. prove
// structure recovery with probability 1 − δ; a given lambda >= 0 replaces it.
double regularisation(const Params& prm, std::size_t p, std::uint64_t m) {
  const double lambda = prm.get_double("lambda");
  if (lambda >= 0) return lambda;
  // The schema allows [-1, inf): only -1 itself stands for the formula.
  if (lambda != -1.0)
    throw std::invalid_argument("lambda must be >= 0, or -1 for the formula; got " + canonical(lambda));
  const double pd = static_cast<double>(p);
  return prm.get_double("c") * std::sqrt(std::log(pd * pd / prm.get_double("delta")) / static_cast<double>(m));
}

class GriseLearner : public Component {
 public:
  Artifact run(const Inputs& in, const Params& prm, Context& ctx) override {
    const Array& samples = in.get("data").array("samples");
    const unsigned threads = worker_count(prm.get_int("threads"), std::numeric_limits<std::size_t>::max());
    const SpinHistogram hist = spin_histogram(samples, threads);
    const std::size_t p = hist.p;
    const double lambda = regularisation(prm, p, hist.samples);
    ScreeningOptions options;
    options.lambda = lambda;
    options.tol = prm.get_double("tol");
    options.max_iter = static_cast<int>(prm.get_int("max_iter"));

    // Each spin's fit writes only its own slot, so results do not depend on which
    // worker solved it or in what order.
    std::vector<ScreeningFit> fits(p);
    std::atomic<std::uint64_t> done{0};
    parallel_for(p, std::min<unsigned>(threads, static_cast<unsigned>(p)), ctx, done, p,
                 [&](std::size_t u, unsigned, const std::atomic<bool>& stop) {
                   fits[u] = fit_screening_node(hist, u, options, &stop);
                   ++done;
                 });

    std::vector<double> j_raw(p * p, 0.0), j(p * p, 0.0), h(p), objective(p);
    std::vector<std::int32_t> iterations(p);
    bool converged = true;
    int max_iterations = 0;
    for (std::size_t u = 0; u < p; ++u) {
      for (std::size_t k = 0; k < p; ++k)
        if (k != u) j_raw[u * p + k] = fits[u].theta[k];
      h[u] = fits[u].theta[u];
      objective[u] = fits[u].objective;
      iterations[u] = fits[u].iterations;
      max_iterations = std::max(max_iterations, fits[u].iterations);
      converged = converged && fits[u].converged;
    }
    const bool symmetrize = prm.get_bool("symmetrize");
    for (std::size_t a = 0; a < p; ++a)
      for (std::size_t b = 0; b < p; ++b)
        j[a * p + b] = symmetrize ? 0.5 * (j_raw[a * p + b] + j_raw[b * p + a]) : j_raw[a * p + b];
    if (!converged) ctx.log("some spins stopped at max_iter before reaching tol");

    Artifact out;
    out.set_array("J", Array::from<double>({p, p}, j));
    out.set_array("h", Array::from<double>({p}, h));
    out.set_array("J_raw", Array::from<double>({p, p}, j_raw));
    out.set_array("objective", Array::from<double>({p}, objective));
    out.set_array("iterations", Array::from<std::int32_t>({p}, iterations));
    out.set_scalar("lambda", lambda);
    out.set_scalar("p", static_cast<double>(p));
    out.set_scalar("samples", static_cast<double>(hist.samples));
    out.set_scalar("unique_configurations", static_cast<double>(hist.unique()));
    out.set_scalar("max_iterations", max_iterations);
    out.set_scalar("converged", converged ? 1.0 : 0.0);
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(GriseLearner, "learner/grise", "3",
                  "Ising couplings and fields by l1-regularised interaction screening (GRISE), solved per spin "
                  "with FISTA on the histogram of distinct configurations",
                  param_double("c", 0.2,
                               "prefactor of the default regularisation lambda = c sqrt(log(p^2/delta) / M)")
                      .at_least(0),
                  param_double("delta", 1e-4, "failure probability in the default lambda").greater_than(0).less_than(1),
                  param_double("lambda", -1.0, "l1 weight on the couplings; -1: use c sqrt(log(p^2/delta) / M)")
                      .at_least(-1),
                  param_double("tol", 1e-8,
                               "stop a node when the relative objective change and the prox-gradient-mapping "
                               "norm are both below this")
                      .greater_than(0),
                  param_int("max_iter", 10000, "FISTA iterations per node at most").range(1, 100000000),
                  param_bool("symmetrize", true, "report J = (J_raw + J_raw^T) / 2"),
                  param_int("threads", 0, "worker threads; 0: all hardware threads (results do not depend on it)")
                      .at_least(0)
                      .output_neutral(),
                  input("data", "artifact with 'samples' {M, p}, any numeric dtype, values -1/+1 (or 0/1)"),
                  output("J", "float64 {p, p}: couplings, zero diagonal (symmetrised unless symmetrize: false)"),
                  output("h", "float64 {p}: fields"),
                  output("J_raw", "float64 {p, p}: row u is node u's estimate of J_u., before symmetrisation"),
                  output("objective", "float64 {p}: final S_u, penalty included"),
                  output("iterations", "int32 {p}: FISTA iterations per node"),
                  output("lambda", "scalar: the l1 weight used"),
                  output("p", "scalar: number of spins"),
                  output("samples", "scalar: M"),
                  output("unique_configurations", "scalar: distinct rows in the data"),
                  output("max_iterations", "scalar: largest per-node iteration count"),
                  output("converged", "scalar: 1 if every node met tol, else 0"))

}  // namespace reprise
