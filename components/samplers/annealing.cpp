#include "components/samplers/annealing.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>
#include <optional>
#include <random>
#include <stdexcept>

namespace reprise {
namespace {

using Index = Eigen::Index;

// Particles with the per-particle quantities the path needs: E_0 is |x|²/2σ₀²,
// E and ∇E the target's (so E_t and ∇E_t for any t cost no evaluation).
struct Particles {
  RowMatrixXd x, grad;     // {N, d}
  Eigen::VectorXd energy;  // E(x)
  Eigen::VectorXd log_w;   // normalised log weights (log-sum-exp = 0)
};

class Path {
 public:
  Path(const Target& target, double reference_std)
      : target_(target), inv_var_(1.0 / (reference_std * reference_std)) {}

  // Evaluates the target at every row of p.x (one evaluation per particle).
  void evaluate(Particles& p) {
    const Index n = p.x.rows();
    p.energy.resize(n);
    p.grad.resize(n, p.x.cols());
    for (Index i = 0; i < n; ++i) {
      p.energy[i] = target_.energy(p.x.row(i).data(), p.grad.row(i).data());
      // +inf (a particle thrown far out) is a zero weight or a rejected move;
      // NaN means the state itself is broken.
      if (std::isnan(p.energy[i]) || (std::isinf(p.energy[i]) && p.energy[i] < 0))
        throw std::runtime_error("the target's energy is " + std::to_string(p.energy[i]) +
                                 " at a particle (a non-finite position?)");
      if (std::isinf(p.energy[i])) p.grad.row(i).setZero();
    }
    evaluations_ += 1;
  }
  double reference_energy(const double* x, Index d) const {
    double s = 0;
    for (Index k = 0; k < d; ++k) s += x[k] * x[k];
    return 0.5 * inv_var_ * s;
  }
  // E_t of particle i and, when grad is given, ∇E_t.
  double energy_t(const Particles& p, Index i, double t, double* grad) const {
    const Index d = p.x.cols();
    if (grad)
      for (Index k = 0; k < d; ++k) grad[k] = (1 - t) * inv_var_ * p.x(i, k) + t * p.grad(i, k);
    return (1 - t) * reference_energy(p.x.row(i).data(), d) + t * p.energy[i];
  }
  double evaluations() const { return evaluations_; }
  double inv_var() const { return inv_var_; }

 private:
  const Target& target_;
  double inv_var_;
  double evaluations_ = 0;
};

double log_sum_exp(const Eigen::VectorXd& v) {
  const double top = v.maxCoeff();
  return top + std::log((v.array() - top).exp().sum());
}

double ess_fraction(const Eigen::VectorXd& log_w) {
  const Eigen::ArrayXd w = log_w.array().exp();
  return 1.0 / (w.square().sum() * static_cast<double>(log_w.size()));
}

// ESS/N of unnormalised log weights.
double ess_fraction_of(const Eigen::VectorXd& log_w) {
  const double top = log_w.maxCoeff();
  const Eigen::ArrayXd w = (log_w.array() - top).exp();
  return w.sum() * w.sum() / (w.square().sum() * static_cast<double>(log_w.size()));
}

// The particles at `rows`, in that order (repeats allowed).
Particles rows_of(const Particles& p, const std::vector<Index>& rows) {
  Particles out;
  const auto m = static_cast<Index>(rows.size());
  out.x.resize(m, p.x.cols());
  out.grad.resize(m, p.x.cols());
  out.energy.resize(m);
  out.log_w.resize(m);
  for (Index i = 0; i < m; ++i) {
    const Index r = rows[static_cast<std::size_t>(i)];
    out.x.row(i) = p.x.row(r);
    out.grad.row(i) = p.grad.row(r);
    out.energy[i] = p.energy[r];
    out.log_w[i] = p.log_w[r];
  }
  return out;
}

// Rows [begin, end) of the particles: an independent sub-population with its
// own weights (normalised within it), resampling and log Z estimate.
struct Group {
  Index begin = 0, end = 0;
  double log_z = 0;            // from the increments the particles were weighted with
  double log_z_annealing = 0;  // from the stay-put increments (see run_annealing)
  Index size() const { return end - begin; }
};

// Systematic resampling of one group: one uniform offset, evenly spaced points
// on the CDF of its weights; the picks stay inside the group.
void resample(Particles& p, const Group& g, std::mt19937_64& rng) {
  const Index n = g.size();
  const double offset = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
  std::vector<Index> pick(static_cast<std::size_t>(n));
  double cumulative = std::exp(p.log_w[g.begin]);
  Index j = 0;
  for (Index i = 0; i < n; ++i) {
    const double u = (static_cast<double>(i) + offset) / static_cast<double>(n);
    while (u > cumulative && j + 1 < n) cumulative += std::exp(p.log_w[g.begin + ++j]);
    pick[static_cast<std::size_t>(i)] = g.begin + j;
  }
  const Particles picked = rows_of(p, pick);
  p.x.middleRows(g.begin, n) = picked.x;
  p.grad.middleRows(g.begin, n) = picked.grad;
  p.energy.segment(g.begin, n) = picked.energy;
  p.log_w.segment(g.begin, n).setConstant(-std::log(static_cast<double>(n)));
}

// Adds incremental log weights to one group, renormalises them within it and
// returns log Σ W_i w_i (the group's log Z increment).
double reweight(Particles& p, const Group& g, const Eigen::VectorXd& log_increment) {
  const Eigen::VectorXd joint = p.log_w.segment(g.begin, g.size()) + log_increment.segment(g.begin, g.size());
  const double increment = log_sum_exp(joint);
  if (!std::isfinite(increment))
    throw std::runtime_error("every importance weight vanished (the particles left the target's support)");
  p.log_w.segment(g.begin, g.size()) = joint.array() - increment;
  return increment;
}

// log of the mean of the groups' Z estimates (Group::log_z or another estimate).
double pooled_log_z(const std::vector<Group>& groups, double Group::*estimate = &Group::log_z) {
  Eigen::VectorXd z(static_cast<Index>(groups.size()));
  for (std::size_t g = 0; g < groups.size(); ++g) z[static_cast<Index>(g)] = groups[g].*estimate;
  return log_sum_exp(z) - std::log(static_cast<double>(groups.size()));
}

// Log incremental weights of particles that stay put from t to t′ (annealed
// importance sampling): −(t′ − t)(E − E_0).
Eigen::VectorXd annealing_increment(const Particles& p, const Path& path, double t, double t_next) {
  Eigen::VectorXd inc(p.x.rows());
  for (Index i = 0; i < p.x.rows(); ++i)
    inc[i] = -(t_next - t) * (p.energy[i] - path.reference_energy(p.x.row(i).data(), p.x.cols()));
  return inc;
}

// One MALA sweep over every particle at time t; returns the acceptance rate.
double mala_sweep(Particles& p, Path& path, double t, double h, std::mt19937_64& rng) {
  const Index n = p.x.rows(), d = p.x.cols();
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  Particles proposal;
  proposal.x.resize(n, d);
  Eigen::VectorXd grad_now(d);
  for (Index i = 0; i < n; ++i) {
    path.energy_t(p, i, t, grad_now.data());
    for (Index k = 0; k < d; ++k) proposal.x(i, k) = p.x(i, k) - h * grad_now[k] + std::sqrt(2 * h) * normal(rng);
  }
  path.evaluate(proposal);
  std::size_t accepted = 0;
  Eigen::VectorXd grad_new(d);
  for (Index i = 0; i < n; ++i) {
    const double e_now = path.energy_t(p, i, t, grad_now.data());
    const double e_new = path.energy_t(proposal, i, t, grad_new.data());
    double forward = 0, backward = 0;  // |y − x + h∇E(x)|², |x − y + h∇E(y)|²
    for (Index k = 0; k < d; ++k) {
      const double step = proposal.x(i, k) - p.x(i, k);
      forward += (step + h * grad_now[k]) * (step + h * grad_now[k]);
      backward += (-step + h * grad_new[k]) * (-step + h * grad_new[k]);
    }
    const double log_alpha = -e_new + e_now - backward / (4 * h) + forward / (4 * h);
    if (std::log(uniform(rng)) < log_alpha) {
      p.x.row(i) = proposal.x.row(i);
      p.grad.row(i) = proposal.grad.row(i);
      p.energy[i] = proposal.energy[i];
      ++accepted;
    }
  }
  return static_cast<double>(accepted) / static_cast<double>(n);
}

// One fitted field: the potential φ and its fitting state.
struct FlowField {
  FunctionalTT phi;
  const FttSettings& settings;
  std::mt19937_64& rng;
  bool fitted = false;
  double taper_fraction = 0;  // the velocity's cut-off at the basis box (transport_rk4; 0: none)

  // Fits the field of time s on particles weighted for time t: the weights are
  // moved from ρ_t to ρ_s by the annealing factor exp(−(s − t)(E − E_0)). With
  // s the middle of the step the frozen field is right to second order in dt.
  double fit(const Particles& p, const Path& path, double t, double s_time) {
    const Index n = p.x.rows(), d = p.x.cols();
    const double t_fit = s_time;
    Eigen::VectorXd log_w = p.log_w;
    for (Index i = 0; i < n; ++i)
      log_w[i] -= (s_time - t) * (p.energy[i] - path.reference_energy(p.x.row(i).data(), d));
    // Particles at infinite energy have weight 0 and stay out of the fit.
    for (Index i = 0; i < n; ++i)
      if (!std::isfinite(p.energy[i])) log_w[i] = -std::numeric_limits<double>::infinity();
    Eigen::VectorXd weights = (log_w.array() - log_w.maxCoeff()).exp();
    weights /= weights.sum();
    Eigen::VectorXd rhs(n);
    RowMatrixXd drift(n, d);
    for (Index i = 0; i < n; ++i) {
      path.energy_t(p, i, t_fit, drift.row(i).data());
      rhs[i] = p.energy[i] - path.reference_energy(p.x.row(i).data(), d);  // ∂_t E_t
      if (weights[i] == 0) rhs[i] = 0, drift.row(i).setZero();
    }
    rhs.array() -= weights.dot(rhs);  // minus its expectation under the weighted particles
    AlsProblem problem;
    problem.x = &p.x;
    problem.drift = &drift;
    problem.rhs = &rhs;
    problem.weights = &weights;
    problem.value_coeff = 0;
    problem.laplace_coeff = 1;
    const bool adaptive = settings.rank == 0;
    FunctionalTT next = phi;
    if (adaptive && fitted) next.grow_ranks(settings.grow, settings.max_rank, rng);
    double residual = fit_als(next, problem, settings.als);
    // A fixed rank is reached from rank 1 one direction at a time, each new one
    // fitted with the rest in place: random rank-r starts make ALS land on large,
    // wild coefficients far more often.
    while (!adaptive && next.max_rank() < settings.rank) {
      const std::size_t before = next.max_rank();
      next.grow_ranks(1, settings.rank, rng);
      if (next.max_rank() == before) break;  // the dimension allows no more
      residual = fit_als(next, problem, settings.als);
    }
    // Adaptive ranks start at 1; before the first transport they grow while each
    // added direction still cuts the residual by a tenth (a rank-1 field moving
    // the particles would ruin the weights at once).
    for (int round = 0; adaptive && !fitted && round < 16; ++round) {
      FunctionalTT wider = next;
      wider.grow_ranks(std::max<std::size_t>(settings.grow, 1), settings.max_rank, rng);
      if (wider.max_rank() == next.max_rank()) break;
      const double wider_residual = fit_als(wider, problem, settings.als);
      if (wider_residual > 0.9 * residual) break;
      next = std::move(wider);
      residual = wider_residual;
    }
    if (fitted && settings.ema < 1) {
      phi = next.blend(settings.ema, phi, 1 - settings.ema);
      phi.round(adaptive ? settings.tol : 0.0, adaptive ? settings.max_rank : settings.rank);
    } else {
      phi = std::move(next);
      if (adaptive) phi.round(settings.tol, settings.max_rank);
    }
    fitted = true;
    return residual;
  }

  // `substeps` RK4 steps with the field frozen over [t, t + dt]; returns the log
  // det of the map. The weights are exact only as far as this integration is:
  // substeps cut its error where the field varies fast.
  Eigen::VectorXd transport(RowMatrixXd& x, double dt, std::size_t substeps) const {
    return transport_rk4(phi, x, dt, substeps, taper_fraction);
  }
};


// The transport of a time step, cross-fitted: the particles are split at random
// into two halves, a field is fitted on each, and each half is moved by the
// field fitted on the other. A field fitted on the very particles it moves is
// tuned to them: their weights come out too even and the estimates biased (on
// the 40-mode mixture, mode-mass errors of 0.15 at an ESS of 0.9); a map
// independent of the particles it moves keeps the importance weights honest.
// With cross_fit off, one field is fitted on all particles and moves them all.
struct Flow {
  FlowField first, second;
  bool cross_fit = true;
  bool fixed_halves = false;
  std::vector<Index> half_a, half_b;

  // Fixed halves (halves: fixed) are the two groups of run_annealing, kept for
  // the whole run and resampled each within itself: no particle of one half
  // ever descends from a particle of the other, so each half's field stays
  // independent of the particles it moves. Halves drawn afresh every step
  // share ancestors after the first resampling.
  void split(const Group& a, const Group& b) {
    fixed_halves = true;
    half_a.resize(static_cast<std::size_t>(a.size()));
    std::iota(half_a.begin(), half_a.end(), a.begin);
    half_b.resize(static_cast<std::size_t>(b.size()));
    std::iota(half_b.begin(), half_b.end(), b.begin);
  }

  double fit(const Particles& p, const Path& path, double t, double s_time, std::mt19937_64& rng) {
    if (!cross_fit) return first.fit(p, path, t, s_time);
    if (!fixed_halves) draw_halves(p.x.rows(), rng);
    const double ra = first.fit(rows_of(p, half_a), path, t, s_time);
    const double rb = second.fit(rows_of(p, half_b), path, t, s_time);
    return 0.5 * (ra + rb);
  }

  // Moves every row forward by dt, or, where `backward` is given and set,
  // backward (the inverse map, up to RK4's error; its log det is the
  // inverse's). Each row is moved by the field that moves its half.
  Eigen::VectorXd transport(RowMatrixXd& x, double dt, std::size_t substeps,
                            const std::vector<char>* backward = nullptr) const {
    Eigen::VectorXd log_det(x.rows());
    auto move = [&](const std::vector<Index>& rows, const FlowField& field) {
      std::vector<Index> ahead, back;
      for (Index r : rows) (backward && (*backward)[static_cast<std::size_t>(r)] ? back : ahead).push_back(r);
      move_rows(x, ahead, field, dt, substeps, log_det);
      move_rows(x, back, field, -dt, substeps, log_det);
    };
    if (!cross_fit) {
      std::vector<Index> all(static_cast<std::size_t>(x.rows()));
      std::iota(all.begin(), all.end(), Index{0});
      move(all, first);
    } else {
      move(half_b, first);   // fitted on A, moves B
      move(half_a, second);  // fitted on B, moves A
    }
    return log_det;
  }

  const FunctionalTT& phi() const { return first.phi; }
  std::size_t max_rank() const { return std::max(first.phi.max_rank(), cross_fit ? second.phi.max_rank() : 0); }

 private:
  void draw_halves(Index n, std::mt19937_64& rng) {
    std::vector<Index> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), Index{0});
    std::shuffle(order.begin(), order.end(), rng);
    const auto mid = order.begin() + static_cast<std::ptrdiff_t>(order.size() / 2);
    half_a.assign(order.begin(), mid);
    half_b.assign(mid, order.end());
  }

  static void move_rows(RowMatrixXd& x, const std::vector<Index>& rows, const FlowField& field, double dt,
                        std::size_t substeps, Eigen::VectorXd& log_det) {
    if (rows.empty()) return;
    RowMatrixXd sub(static_cast<Index>(rows.size()), x.cols());
    for (std::size_t i = 0; i < rows.size(); ++i) sub.row(static_cast<Index>(i)) = x.row(rows[i]);
    const Eigen::VectorXd ld = field.transport(sub, dt, substeps);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      x.row(rows[i]) = sub.row(static_cast<Index>(i));
      log_det[rows[i]] = ld[static_cast<Index>(i)];
    }
  }
};

// ESS/N of each group, its weights normalised within it.
std::vector<double> group_ess(const Particles& p, const std::vector<Group>& groups) {
  std::vector<double> ess;
  for (const Group& g : groups) ess.push_back(ess_fraction(p.log_w.segment(g.begin, g.size())));
  return ess;
}

// Time t_k of grid point k: (k / steps)^p. Exactly 0 and 1 at the ends, and
// k / steps itself at p = 1 (no pow, so uniform grids keep their bits).
double time_at(std::size_t k, const AnnealingOptions& o) {
  const double u = static_cast<double>(k) / static_cast<double>(o.steps);
  return o.time_power == 1.0 ? u : std::pow(u, o.time_power);
}

double mean(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); }

// Which particles the field moves this step when only a fraction is
// transported: in each group, round(fraction x size) of them at random (so
// each group's mixture is the one its weights assume).
std::vector<char> draw_stayers(const std::vector<Group>& groups, Index n, double fraction, std::mt19937_64& rng) {
  std::vector<char> stays(static_cast<std::size_t>(n), 0);
  for (const Group& g : groups) {
    std::vector<Index> order(static_cast<std::size_t>(g.size()));
    std::iota(order.begin(), order.end(), g.begin);
    std::shuffle(order.begin(), order.end(), rng);
    const auto movers = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(g.size())));
    for (std::size_t k = movers; k < order.size(); ++k) stays[static_cast<std::size_t>(order[k])] = 1;
  }
  return stays;
}

// A time step in which a fraction α of the particles is transported and the
// rest stays put. Every particle y is weighted against the mixture of the two
// moves applied to ρ_t (the deterministic-mixture, or balance-heuristic,
// weight; Del Moral, Doucet & Jasra 2006 call it the optimal backward kernel
// for a mixture move): w = γ_t′(y) / (α γ_t(T⁻¹y) |det ∇T⁻¹(y)| + (1 − α) γ_t(y)).
// The mixture's density at a stayer needs T⁻¹ of its position, found by running
// the field backwards, and the target's energy there: one evaluation per
// particle either way, as with every particle transported. Since the stay-put
// term bounds the denominator, w <= exp(−(t′ − t)(E − E_0)(y)) / (1 − α): the
// rare large transport weights (where T thins ρ_t′) cannot arise.
struct MixtureStep {
  Particles moved;            // the particles after the step
  Eigen::VectorXd increment;  // log incremental weights
};

MixtureStep mixture_step(const Particles& p, const Flow& flow, Path& path, const std::vector<char>& stays, double t,
                         double t_next, double fraction, std::size_t substeps) {
  const Index n = p.x.rows();
  Particles probe = p;  // movers: T x; stayers: T⁻¹ x
  const Eigen::VectorXd log_det = flow.transport(probe.x, t_next - t, substeps, &stays);
  path.evaluate(probe);
  const double log_alpha = std::log(fraction), log_rest = std::log1p(-fraction);
  auto log_mix = [&](double log_q_transport, double log_q_stay) {
    const double a = log_alpha + log_q_transport, b = log_rest + log_q_stay, top = std::max(a, b);
    return std::isinf(top) ? top : top + std::log(std::exp(a - top) + std::exp(b - top));
  };
  // E_t of a probe point; +inf stays +inf at t = 0 (where t E would be 0 x inf).
  auto probe_energy = [&](Index i, double time) {
    return std::isinf(probe.energy[i]) ? probe.energy[i] : path.energy_t(probe, i, time, nullptr);
  };
  MixtureStep out{p, Eigen::VectorXd(n)};
  for (Index i = 0; i < n; ++i) {
    if (stays[static_cast<std::size_t>(i)] && std::isinf(p.energy[i])) {
      out.increment[i] = -std::numeric_limits<double>::infinity();  // already weight 0; stays 0
    } else if (stays[static_cast<std::size_t>(i)]) {
      // y = x; T⁻¹y is the probe, log|det ∇T⁻¹(y)| the backward run's log det.
      const double log_q_transport = -probe_energy(i, t) + log_det[i];
      out.increment[i] = -path.energy_t(p, i, t_next, nullptr) - log_mix(log_q_transport, -path.energy_t(p, i, t, nullptr));
    } else {
      // y = T x; the transported density at y is γ_t(x) / |det ∇T(x)|.
      const double log_q_transport = -path.energy_t(p, i, t, nullptr) - log_det[i];
      out.increment[i] = -probe_energy(i, t_next) - log_mix(log_q_transport, -probe_energy(i, t));
      out.moved.x.row(i) = probe.x.row(i);
      out.moved.grad.row(i) = probe.grad.row(i);
      out.moved.energy[i] = probe.energy[i];
    }
  }
  return out;
}

}  // namespace

AnnealingResult run_annealing(const Target& target, const AnnealingOptions& o, Context& ctx) {
  const auto n = static_cast<Index>(o.particles);
  const auto d = static_cast<Index>(target.dim());
  std::mt19937_64 rng(ctx.seed());
  std::normal_distribution<double> normal;
  Path path(target, o.reference_std);

  Particles p;
  p.x.resize(n, d);
  for (Index i = 0; i < n; ++i)
    for (Index k = 0; k < d; ++k) p.x(i, k) = o.reference_std * normal(rng);
  path.evaluate(p);

  AnnealingResult r;
  const double log_z0 = 0.5 * static_cast<double>(d) * std::log(2 * std::numbers::pi * o.reference_std * o.reference_std);
  std::optional<Flow> flow;
  // Fixed rank 1 starts at rank 1; everything else from the additive rank-2 train.
  auto start = [&] {
    return o.ftt.rank == 1 ? FunctionalTT(target.dim(), *o.basis, 1, rng)
                           : FunctionalTT::additive(target.dim(), *o.basis, rng);
  };
  if (o.basis) {
    flow.emplace(Flow{FlowField{start(), o.ftt, rng, false, o.box_taper},
                      FlowField{start(), o.ftt, rng, false, o.box_taper}, o.cross_fit, false, {}, {}});
  }
  // One population, or with fixed cross-fitting halves two independent ones
  // (see Flow; below 4 particles the halves are drawn every step instead).
  std::vector<Group> groups;
  if (flow && o.cross_fit && o.fixed_halves && n >= 4) {
    groups = {Group{0, n / 2, log_z0, log_z0}, Group{n / 2, n, log_z0, log_z0}};
    flow->split(groups[0], groups[1]);
  } else {
    groups = {Group{0, n, log_z0, log_z0}};
  }
  p.log_w.resize(n);
  for (const Group& g : groups) p.log_w.segment(g.begin, g.size()).setConstant(-std::log(static_cast<double>(g.size())));

  double h = o.step_size, acceptance_sum = 0;
  std::size_t mala_sweeps = 0;
  r.times.push_back(0.0);
  for (std::size_t step = 0; step < o.steps; ++step) {
    const auto started = std::chrono::steady_clock::now();
    const double t = time_at(step, o), t_next = time_at(step + 1, o);
    Eigen::VectorXd log_increment(n);
    // The stay-put (annealed importance sampling) increments at the particles
    // before any transport: Σ W_i of them estimates Z_t′ / Z_t from the
    // weighted particles of ρ_t whatever moves them next.
    const Eigen::VectorXd stay_increment = annealing_increment(p, path, t, t_next);
    if (flow) {
      r.residual_history.push_back(flow->fit(p, path, t, 0.5 * (t + t_next), rng));
      r.rank_history.push_back(flow->phi().ranks());
      Particles moved;
      Eigen::VectorXd flow_increment(n);
      if (o.transport_fraction < 1) {
        MixtureStep step_result = mixture_step(p, *flow, path, draw_stayers(groups, n, o.transport_fraction, rng), t,
                                               t_next, o.transport_fraction, o.substeps);
        moved = std::move(step_result.moved);
        flow_increment = step_result.increment;
      } else {
        moved = p;
        const Eigen::VectorXd log_det = flow->transport(moved.x, t_next - t, o.substeps);
        path.evaluate(moved);
        for (Index i = 0; i < n; ++i)
          flow_increment[i] = -path.energy_t(moved, i, t_next, nullptr) + path.energy_t(p, i, t, nullptr) + log_det[i];
      }
      // Guard: a poor fit can hand one particle nearly all the weight. The map is
      // chosen from the whole population (as adaptive SMC chooses its
      // temperatures), so falling back to staying put for this step keeps the
      // weights valid; the count is reported.
      if (ess_fraction_of(p.log_w + flow_increment) >= o.flow_guard * ess_fraction_of(p.log_w + stay_increment)) {
        p = std::move(moved);
        log_increment = flow_increment;
      } else {
        log_increment = stay_increment;
        ++r.flow_rejections;
      }
    } else {
      log_increment = stay_increment;
    }
    for (Group& g : groups) {
      g.log_z_annealing += log_sum_exp(p.log_w.segment(g.begin, g.size()) + stay_increment.segment(g.begin, g.size()));
      g.log_z += reweight(p, g, log_increment);
    }
    r.log_z_history.push_back(pooled_log_z(groups));
    r.log_z_annealing_history.push_back(pooled_log_z(groups, &Group::log_z_annealing));
    const std::vector<double> ess_per_group = group_ess(p, groups);
    const double ess = mean(ess_per_group);
    r.ess_history.push_back(ess);
    r.min_ess = std::min(r.min_ess, ess);
    for (std::size_t g = 0; g < groups.size(); ++g)
      if (ess_per_group[g] < o.resample_threshold) {
        resample(p, groups[g], rng);
        ++r.resamplings;
      }
    for (std::size_t s = 0; s < o.langevin_steps; ++s) {
      const double acc = mala_sweep(p, path, t_next, h, rng);
      acceptance_sum += acc;
      ++mala_sweeps;
      h = std::clamp(h * std::exp(acc - o.target_acceptance), 1e-8, 1e4);
    }
    ctx.log("t = " + std::to_string(t_next) + ", ESS/N " + std::to_string(ess) +
            (flow ? ", ALS residual " + std::to_string(r.residual_history.back()) + ", max rank " +
                        std::to_string(flow->max_rank())
                  : std::string()) +
            ", MALA step " + std::to_string(h));
    r.times.push_back(t_next);
    r.step_seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    ctx.progress(step + 1, o.steps);
    ctx.check_cancelled();
  }
  r.log_z = pooled_log_z(groups);
  r.log_z_annealing = pooled_log_z(groups, &Group::log_z_annealing);
  r.final_ess = mean(group_ess(p, groups));
  // One set of weights over all particles: each group's carries its share of
  // the pooled Z.
  for (const Group& g : groups)
    p.log_w.segment(g.begin, g.size()).array() += g.log_z - r.log_z - std::log(static_cast<double>(groups.size()));
  r.final_log_weights = p.log_w;
  resample(p, Group{0, n, 0.0}, rng);
  r.samples = p.x;
  r.energy_evaluations = path.evaluations();
  r.acceptance = mala_sweeps ? acceptance_sum / static_cast<double>(mala_sweeps) : 0.0;
  return r;
}

// ------------------------------------------------------------------ schema

ParamSpec annealing_param_particles() {
  return param_int("particles", 2000, "number of particles N").at_least(2);
}
ParamSpec annealing_param_steps() { return param_int("steps", 20, "time steps from t = 0 to t = 1").at_least(1); }
ParamSpec annealing_param_time_power() {
  return param_double("time_power", 1.0,
                      "the time grid t_k = (k / steps)^time_power: 1 is uniform; above 1 the early steps are "
                      "shorter, where ρ_t changes fastest (E − E_0 varies most over the broad reference)")
      .range(1.0, 8.0)
      .added_later();  // at 1, earlier nodes keep their identities and seeds
}
ParamSpec annealing_param_langevin_steps(std::int64_t def) {
  return param_int("langevin_steps", def, "MALA steps after each time step").at_least(0);
}
ParamSpec annealing_param_step_size() {
  return param_double("step_size", 0.1, "initial MALA step size h (adapted towards target_acceptance)")
      .at_least(1e-12);
}
ParamSpec annealing_param_reference_std() {
  return param_double("reference_std", 1.0, "σ₀ of the Gaussian reference N(0, σ₀² I) at t = 0").at_least(1e-12);
}
ParamSpec annealing_param_resample_threshold() {
  return param_double("resample_threshold", 0.5, "resample when ESS/N falls below this (1: every step)")
      .range(0.0, 1.0);
}
ParamSpec flow_param_substeps() {
  return param_int("substeps", 4,
                   "RK4 steps per time step for the transport and its log det (the field stays frozen); the "
                   "integrated log det is the log |det| of the numerical map's Jacobian up to the integration's "
                   "error (1e-8 on many-well d = 32 at 8), so more substeps mostly help where the field is wild")
      .at_least(1);
}
ParamSpec flow_param_halves() {
  return param_string("halves", "per_step",
                      "the cross-fitting halves: per_step (drawn afresh every step from the whole population) or "
                      "fixed (two sub-populations for the whole run, each resampled within itself, so no particle "
                      "descends from the half whose field moves it; log Z is the mean of the two halves' estimates). "
                      "Only with cross_fit and at least 4 particles")
      .one_of({"per_step", "fixed"});
}
ParamSpec flow_param_transport_fraction() {
  return param_double("transport_fraction", 1.0,
                      "fraction of the particles the field moves each step (the rest stay put); below 1 every "
                      "particle is weighted against the mixture of both moves, which bounds each weight by its "
                      "stay-put increment / (1 - fraction) at the same target evaluations (the stayers' one goes to "
                      "the inverse map's point); 1: every particle is transported")
      .range(1e-6, 1.0)
      .added_later();  // at 1, sampler/ttflow v4's nodes keep their identities and seeds
}
ParamSpec flow_param_box_taper() {
  return param_double("box_taper", 0.0,
                      "cut the velocity off smoothly at the basis box: 1 inside the box less this fraction of its "
                      "width at each edge, 0 outside it, so particles outside the box stay put instead of being "
                      "carried by the Fourier series' periodic continuation (the log det includes the cut-off's "
                      "term); 0: no cut-off")
      .range(0.0, 0.5)
      .added_later();  // at 0, earlier nodes keep their identities and seeds
}
ParamSpec flow_param_cross_fit() {
  return param_bool("cross_fit", true,
                    "fit one field per random half of the particles and move each half by the other half's field "
                    "(keeps the weights unbiased); false: one field fitted on and moving all particles");
}
ParamSpec flow_param_guard() {
  return param_double("flow_guard", 0.1,
                      "a time step keeps the particles in place instead of transporting them when the flow's ESS "
                      "would fall below this fraction of staying put's (0: always transport)")
      .range(0.0, 1.0);
}
ParamSpec annealing_param_target_acceptance() {
  return param_double("target_acceptance", 0.6, "MALA acceptance the step size adapts to").range(0.05, 0.95);
}

AnnealingOptions annealing_options(const Params& p) {
  AnnealingOptions o;
  o.particles = static_cast<std::size_t>(p.get_int("particles"));
  o.steps = static_cast<std::size_t>(p.get_int("steps"));
  o.time_power = p.get_double("time_power");
  o.langevin_steps = static_cast<std::size_t>(p.get_int("langevin_steps"));
  o.step_size = p.get_double("step_size");
  o.reference_std = p.get_double("reference_std");
  o.resample_threshold = p.get_double("resample_threshold");
  o.target_acceptance = p.get_double("target_acceptance");
  return o;
}

void read_flow_options(const Params& p, AnnealingOptions& o) {
  o.cross_fit = p.get_bool("cross_fit");
  o.fixed_halves = p.get_string("halves") == "fixed";
  o.substeps = static_cast<std::size_t>(p.get_int("substeps"));
  o.flow_guard = p.get_double("flow_guard");
  o.transport_fraction = p.get_double("transport_fraction");
  o.box_taper = p.get_double("box_taper");
}

Artifact annealing_artifact(const AnnealingResult& r, std::size_t dim, double seconds) {
  Artifact a;
  const auto n = static_cast<std::size_t>(r.samples.rows());
  a.set_array("samples", Array::from<double>({n, dim}, std::vector<double>(r.samples.data(),
                                                                          r.samples.data() + r.samples.size())));
  a.set_array("log_weights", Array::from<double>({n}, std::vector<double>(r.final_log_weights.data(),
                                                                         r.final_log_weights.data() + n)));
  a.set_scalar("log_z", r.log_z).set_scalar("ess", r.final_ess).set_scalar("min_ess", r.min_ess);
  a.set_scalar("energy_evaluations", r.energy_evaluations).set_scalar("acceptance", r.acceptance);
  a.set_scalar("resamplings", static_cast<double>(r.resamplings)).set_scalar("seconds", seconds);
  a.set_array("times", Array::from<double>({r.times.size()}, r.times));
  a.set_array("ess_history", Array::from<double>({r.ess_history.size()}, r.ess_history));
  return a;
}

}  // namespace reprise
