// dataset/phi4: samples of the 2-D lattice φ⁴ scalar field theory (phi4_lattice.hpp)
// by Hybrid (Hamiltonian) Monte Carlo: the lattice-field-theory case of the
// QoI-compression paper (seed 000), whose quantities of interest are ⟨φ⟩, ⟨φ²⟩,
// ⟨φ⁴⟩ and the nearest-neighbour ⟨φ_i φ_j⟩.
//
// `chains` independent HMC chains (each with its own random stream derived from
// ctx.seed() and the chain index, so the rows do not depend on the thread count)
// draw unit-mass Gaussian momenta and make `leapfrog_steps` leapfrog steps of a
// step size jittered uniformly within ±10 % per trajectory (avoids resonant,
// non-ergodic trajectory lengths), then accept or reject on ΔH (Metropolis). With
// step_size = 0 each chain tunes its step size during burn-in only
// (multiplicative Robbins–Monro updates towards target_acceptance), then freezes
// it, so every kept trajectory is an exact HMC step. Chain c writes rows c, c + C,
// c + 2C, ... The energy's exact polynomial form (terms, theta) is output too, for
// the learners.
#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "components/datasets/phi4_lattice.hpp"
#include "framework/core/parallel.hpp"
#include "framework/core/registry.hpp"

namespace reprise {

// ----------------------------------------------------- Phi4Lattice (phi4_lattice.hpp)

namespace {

// Neighbours of site x = r*L + c on the periodic lattice.
struct Around {
  std::size_t right, left, down, up;
};

inline Around around(std::size_t x, std::size_t L) {
  const std::size_t r = x / L, c = x % L;
  return {r * L + (c + 1) % L, r * L + (c + L - 1) % L, ((r + 1) % L) * L + c, ((r + L - 1) % L) * L + c};
}

}  // namespace

double Phi4Lattice::action(const std::vector<double>& phi) const {
  double s = 0;
  for (std::size_t x = 0; x < sites(); ++x) {
    const Around a = around(x, side);
    const double f = phi[x], dr = phi[a.right] - f, dd = phi[a.down] - f, f2 = f * f;
    s += 0.5 * (dr * dr + dd * dd) + 0.5 * m2 * f2 + lambda * f2 * f2;
  }
  return s;
}

void Phi4Lattice::force(const std::vector<double>& phi, std::vector<double>& out) const {
  out.resize(sites());
  const double diag = 4.0 + m2;
  for (std::size_t x = 0; x < sites(); ++x) {
    const Around a = around(x, side);
    const double f = phi[x];
    out[x] = phi[a.right] + phi[a.left] + phi[a.down] + phi[a.up] - diag * f - 4.0 * lambda * f * f * f;
  }
}

void Phi4Lattice::leapfrog(std::vector<double>& phi, std::vector<double>& pi, std::vector<double>& f, double eps,
                           std::size_t steps) const {
  const std::size_t n = sites();
  for (std::size_t i = 0; i < n; ++i) pi[i] += 0.5 * eps * f[i];
  for (std::size_t t = 0; t < steps; ++t) {
    for (std::size_t i = 0; i < n; ++i) phi[i] += eps * pi[i];
    force(phi, f);
    const double kick = t + 1 == steps ? 0.5 * eps : eps;
    for (std::size_t i = 0; i < n; ++i) pi[i] += kick * f[i];
  }
}

namespace {

// Trajectories of burn-in below which an automatic step size is refused: the
// tuner's average over the second half of burn-in needs a few tens of updates.
constexpr std::size_t kMinTuneTrajectories = 20;
// Relative jitter of the step size per trajectory (uniform in [1 − j, 1 + j]).
constexpr double kStepJitter = 0.1;

struct Settings {
  std::size_t side = 0, samples = 0, chains = 0, burn_in = 0, thin = 1, leapfrog_steps = 0;
  double m2 = 0, lambda = 0, step_size = 0, target = 0.8;
};

double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

Settings read_settings(const Params& p) {
  Settings s;
  s.side = static_cast<std::size_t>(p.get_int("L"));
  s.samples = static_cast<std::size_t>(p.get_int("samples"));
  s.chains = std::min(static_cast<std::size_t>(p.get_int("chains")), s.samples);
  s.burn_in = static_cast<std::size_t>(p.get_int("burn_in"));
  s.thin = static_cast<std::size_t>(p.get_int("thin"));
  s.leapfrog_steps = static_cast<std::size_t>(p.get_int("leapfrog_steps"));
  s.m2 = p.get_double("m2");
  s.lambda = p.get_double("lambda");
  s.step_size = p.get_double("step_size");
  s.target = p.get_double("target_acceptance");
  // The schema bounds these but lets an infinite value through.
  if (!std::isfinite(s.m2)) throw std::invalid_argument("m2 must be finite");
  if (!std::isfinite(s.lambda)) throw std::invalid_argument("lambda must be finite");
  if (!std::isfinite(s.step_size)) throw std::invalid_argument("step_size must be finite");
  if (s.lambda == 0 && !(s.m2 > 0))
    throw std::invalid_argument("lambda = 0 (free field) needs m2 > 0 for a normalisable density, got m2 = " +
                                std::to_string(s.m2));
  if (s.step_size == 0 && s.burn_in < kMinTuneTrajectories)
    throw std::invalid_argument("step_size = 0 tunes the step size during burn-in, which needs burn_in >= " +
                                std::to_string(kMinTuneTrajectories) + " trajectories, got " +
                                std::to_string(s.burn_in) + "; give a step_size or a longer burn_in");
  return s;
}

// The exact polynomial energy of S: terms (rows of up to 4 site indices, −1 padded)
// and θ with E = Σ_k θ_k Π (x at the listed indices). Order: φ_x² for every site,
// then the nearest-neighbour pairs (i < j, sorted), then φ_x⁴ when λ ≠ 0.
void energy_terms(const Phi4Lattice& lat, std::vector<std::int32_t>& terms, std::vector<double>& theta) {
  const std::size_t n = lat.sites();
  auto push = [&](std::array<std::int32_t, 4> t, double w) {
    terms.insert(terms.end(), t.begin(), t.end());
    theta.push_back(w);
  };
  for (std::size_t x = 0; x < n; ++x) {
    const auto i = static_cast<std::int32_t>(x);
    push({i, i, -1, -1}, 2.0 + 0.5 * lat.m2);
  }
  std::map<std::pair<std::int32_t, std::int32_t>, double> pairs;  // accumulates: L = 2 gives −2
  for (std::size_t x = 0; x < n; ++x) {
    const Around a = around(x, lat.side);
    for (std::size_t y : {a.right, a.down}) {
      const auto i = static_cast<std::int32_t>(std::min(x, y)), j = static_cast<std::int32_t>(std::max(x, y));
      pairs[{i, j}] -= 1.0;
    }
  }
  for (const auto& [ij, w] : pairs) push({ij.first, ij.second, -1, -1}, w);
  if (lat.lambda != 0)
    for (std::size_t x = 0; x < n; ++x) {
      const auto i = static_cast<std::int32_t>(x);
      push({i, i, i, i}, lat.lambda);
    }
}

struct ChainResult {
  std::size_t accepted = 0, kept_trajectories = 0;
  double step_size = 0;
};

// One HMC trajectory from (phi, force): returns min(1, exp(−ΔH)) (0 when the
// trajectory diverged) and leaves the accepted or the old state in place.
double hmc_step(const Phi4Lattice& lat, std::vector<double>& phi, std::vector<double>& f, double& action,
                double eps, std::size_t steps, std::mt19937_64& rng, std::normal_distribution<double>& normal,
                std::vector<double>& pi, std::vector<double>& phi_new, std::vector<double>& f_new, bool& accepted) {
  const std::size_t n = lat.sites();
  double kinetic0 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    pi[i] = normal(rng);
    kinetic0 += 0.5 * pi[i] * pi[i];
  }
  phi_new = phi;
  f_new = f;
  lat.leapfrog(phi_new, pi, f_new, eps, steps);
  double kinetic1 = 0;
  for (std::size_t i = 0; i < n; ++i) kinetic1 += 0.5 * pi[i] * pi[i];
  const double action1 = lat.action(phi_new);
  const double dh = (kinetic1 + action1) - (kinetic0 + action);
  const double prob = std::isfinite(dh) ? std::min(1.0, std::exp(-dh)) : 0.0;
  accepted = uniform01(rng) < prob;
  if (accepted) {
    phi.swap(phi_new);
    f.swap(f_new);
    action = action1;
  }
  return prob;
}

ChainResult run_chain(const Phi4Lattice& lat, const Settings& s, std::size_t c, std::uint64_t seed, double* out,
                      std::atomic<std::uint64_t>& ticks, const std::atomic<bool>& stop) {
  const std::size_t n = lat.sites();
  std::mt19937_64 rng(chain_seed(seed, c));
  std::normal_distribution<double> normal;
  std::vector<double> phi(n), f, pi(n), phi_new, f_new;
  for (double& v : phi) v = 0.5 * normal(rng);
  lat.force(phi, f);
  double action = lat.action(phi);
  bool accepted = false;

  // Burn-in, tuning log ε by Robbins–Monro steps (gain 1/√(t+10)) on the acceptance
  // probability; the frozen ε is the average of log ε over the second half.
  const bool tune = s.step_size == 0;
  double log_eps = std::log(tune ? 1.0 / static_cast<double>(s.leapfrog_steps) : s.step_size);
  double log_sum = 0;
  std::size_t log_count = 0;
  for (std::size_t t = 0; t < s.burn_in; ++t) {
    if (stop.load()) return {};
    const double eps = std::exp(log_eps) * (1.0 + kStepJitter * (2.0 * uniform01(rng) - 1.0));
    const double prob = hmc_step(lat, phi, f, action, eps, s.leapfrog_steps, rng, normal, pi, phi_new, f_new, accepted);
    if (tune) {
      log_eps += (prob - s.target) / std::sqrt(static_cast<double>(t) + 10.0);
      if (2 * t >= s.burn_in) {
        log_sum += log_eps;
        ++log_count;
      }
    }
    ticks.fetch_add(1);
  }
  ChainResult r;
  r.step_size = tune ? std::exp(log_sum / static_cast<double>(log_count)) : s.step_size;

  for (std::size_t row = c; row < s.samples; row += s.chains) {
    for (std::size_t t = 0; t < s.thin; ++t) {
      if (stop.load()) return r;
      const double eps = r.step_size * (1.0 + kStepJitter * (2.0 * uniform01(rng) - 1.0));
      hmc_step(lat, phi, f, action, eps, s.leapfrog_steps, rng, normal, pi, phi_new, f_new, accepted);
      r.accepted += accepted;
      ++r.kept_trajectories;
    }
    std::copy(phi.begin(), phi.end(), out + row * n);
    ticks.fetch_add(s.thin);
  }
  return r;
}

class Phi4Dataset : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

Artifact Phi4Dataset::run(const Inputs&, const Params& params, Context& ctx) {
  const Settings s = read_settings(params);
  const Phi4Lattice lat{s.side, s.m2, s.lambda};
  const std::size_t n = lat.sites();

  std::vector<double> x(s.samples * n);
  std::vector<ChainResult> results(s.chains);
  std::atomic<std::uint64_t> ticks{0};
  const std::uint64_t total = static_cast<std::uint64_t>(s.chains) * s.burn_in + static_cast<std::uint64_t>(s.samples) * s.thin;
  const std::uint64_t seed = splitmix64(ctx.seed() ^ 0x70686934484D4321ull);
  parallel_for(s.chains, worker_count(params.get_int("threads"), s.chains), ctx, ticks, total,
               [&](std::size_t c, unsigned, const std::atomic<bool>& stop) {
                 results[c] = run_chain(lat, s, c, seed, x.data(), ticks, stop);
               });

  std::size_t accepted = 0, kept = 0;
  double step_sum = 0;
  for (const ChainResult& r : results) {
    accepted += r.accepted;
    kept += r.kept_trajectories;
    step_sum += r.step_size;
  }

  // The QoIs, averaged over sites (and both lattice directions) and samples.
  double m1 = 0, m_abs = 0, m2 = 0, m4 = 0, nn = 0;
  for (std::size_t row = 0; row < s.samples; ++row) {
    const double* phi = &x[row * n];
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double f = phi[i], f2 = f * f;
      sum += f;
      m2 += f2;
      m4 += f2 * f2;
      const Around a = around(i, s.side);
      nn += f * (phi[a.right] + phi[a.down]);
    }
    m1 += sum;
    m_abs += std::abs(sum);
  }
  const double rows = static_cast<double>(s.samples), cells = rows * static_cast<double>(n);

  std::vector<std::int32_t> terms;
  std::vector<double> theta;
  energy_terms(lat, terms, theta);

  Artifact out;
  out.set_array("samples", Array::from<double>({s.samples, n}, x));
  out.set_array("terms", Array::from<std::int32_t>({theta.size(), 4}, terms));
  out.set_array("theta", Array::from<double>({theta.size()}, theta));
  out.set_string("family", "polynomial");
  out.set_scalar("dim", static_cast<double>(n));
  out.set_scalar("samples", rows);
  out.set_scalar("acceptance", kept ? static_cast<double>(accepted) / static_cast<double>(kept) : 0.0);
  out.set_scalar("step_size", step_sum / static_cast<double>(s.chains));
  out.set_scalar("mean_phi", m1 / cells);
  out.set_scalar("mean_abs_phi", m_abs / cells);
  out.set_scalar("mean_phi2", m2 / cells);
  out.set_scalar("mean_phi4", m4 / cells);
  out.set_scalar("mean_nn", nn / (2.0 * cells));
  return out;
}

}  // namespace

REPRISE_COMPONENT(
    Phi4Dataset, "dataset/phi4", "1",
    "2-D lattice phi^4 field samples by HMC: S = sum_x [1/2 sum_mu (phi_{x+mu} - phi_x)^2 + m2/2 phi_x^2 + "
    "lambda phi_x^4], periodic L x L",
    param_int("L", 8, "lattice side; the field has L*L sites, site (r, c) = r*L + c").range(2, 256),
    param_double("m2", 0.5, "bare mass squared m^2 (may be negative with lambda > 0: double well)"),
    param_double("lambda", 0.1, "quartic coupling lambda >= 0 (0: free field, needs m2 > 0)").at_least(0),
    param_int("samples", 10000, "number of field configurations (rows)").at_least(1),
    param_int("chains", 16, "independent HMC chains, each with its own random stream (capped at samples)").at_least(1),
    param_int("burn_in", 200, "trajectories discarded at the start of each chain (step-size tuning happens here)")
        .at_least(0),
    param_int("thin", 2, "trajectories between two kept configurations of a chain").at_least(1),
    param_int("leapfrog_steps", 10, "leapfrog steps per trajectory").range(1, 10000),
    param_double("step_size", 0.0,
                 "leapfrog step size; 0: tuned per chain during burn-in towards target_acceptance, then frozen")
        .at_least(0),
    param_double("target_acceptance", 0.8, "acceptance rate the burn-in tuner aims at (step_size = 0)")
        .range(0.05, 0.99),
    param_int("threads", 0, "worker threads over chains; 0: all hardware threads (results do not depend on it)")
        .at_least(0)
        .output_neutral(),
    output("samples", "float64 {samples, L*L}: field configurations, chains interleaved (row r from chain r mod C); "
                      "scalar 'samples': the row count"),
    output("terms", "int32 {K, 4}: monomials of the energy, up to 4 site indices each, -1 padded"),
    output("theta", "float64 {K}: coefficients, E(phi) = S(phi) = sum_k theta_k prod(phi at terms[k])"),
    output("family", "string: 'polynomial'"),
    output("dim", "scalar: L*L"),
    output("acceptance", "scalar: Metropolis acceptance rate of the kept (post burn-in) trajectories"),
    output("step_size", "scalar: leapfrog step size used after burn-in, averaged over chains"),
    output("mean_phi", "scalar: <phi_x>, averaged over sites and samples"),
    output("mean_abs_phi", "scalar: <|sum_x phi_x|> / (L*L), the absolute magnetisation"),
    output("mean_phi2", "scalar: <phi_x^2>"),
    output("mean_phi4", "scalar: <phi_x^4>"),
    output("mean_nn", "scalar: <phi_x phi_y> over nearest neighbours (both directions averaged)"))

}  // namespace reprise
