#include "components/samplers/continuous_chain.hpp"

#include "components/learners/energy_model.hpp"
#include "components/metrics/moments.hpp"
#include "framework/core/parallel.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace reprise {
namespace {

using Rng = std::mt19937_64;


// One block's random stream and the normal deviates it feeds (the distribution
// keeps its spare deviate between steps, so it lives with the stream).
struct Stream {
  Rng rng;
  std::normal_distribution<double> normal{0.0, 1.0};
  std::uniform_real_distribution<double> uniform{0.0, 1.0};
  void fill(RowMatrixXd& xi) {
    for (Eigen::Index q = 0; q < xi.size(); ++q) xi.data()[q] = normal(rng);
  }
};

Moments moments_of_rows(const RowMatrixXd& x) {
  Moments m;
  m.first = x.colwise().mean().transpose();
  m.second = Eigen::MatrixXd::Zero(x.cols(), x.cols());
  m.second.selfadjointView<Eigen::Upper>().rankUpdate(x.transpose(), 1.0 / static_cast<double>(x.rows()));
  return m;
}

std::string num(double v) { return canonical(v); }

[[noreturn]] void diverged(double h, std::size_t step, std::size_t chain) {
  throw std::runtime_error("the chains diverged: non-finite state at step " + std::to_string(step) +
                           " (chain " + std::to_string(chain) + ") with step size h = " + num(h) +
                           "; lower step (the discretised dynamics is unstable when h is comparable to the "
                           "smallest length scale of the energy, e.g. h >= 2 / largest precision eigenvalue)");
}

struct Plan {
  std::size_t chains = 0, steps = 0, d = 0;
  double h = 0;
  std::vector<std::size_t> recorded;  // sorted, <= steps (empty without truth)
};

// Start states at which `precondition: model` averages the energy's Hessian:
// enough to average a non-quadratic energy over its typical states, few enough
// that the d gradient pairs per state stay a small part of one run.
constexpr Eigen::Index kCurvatureStates = 256;
// Eigenvalues of the averaged Hessian are floored at this fraction of the
// largest: a flat or concave direction (a double well's top) would otherwise get
// an unbounded step.
constexpr double kCurvatureFloor = 1e-3;

// A constant preconditioner A for the proposal y = x − h A ∇E(x) + √(2h) A^{1/2} ξ.
// With A the inverse curvature of E, every direction relaxes at the same rate per
// step (for a Gaussian with A = P⁻¹: the factor 1 − h), so one step size serves
// every condition number, where plain Langevin needs h < 2/λ_max and then about
// λ_max/λ_min steps for the slowest direction.
struct Preconditioner {
  bool on = false;
  Eigen::MatrixXd A;     // the metric, d × d, symmetric positive definite
  Eigen::MatrixXd root;  // its symmetric square root A^{1/2}
};

// Mean Hessian of E over (up to kCurvatureStates evenly spaced) rows of x, by
// central differences of the gradient, exact for quadratic energies up to rounding.
Eigen::MatrixXd mean_hessian(const EnergyModel& model, const RowMatrixXd& x) {
  const Eigen::Index d = x.cols(), n = std::min<Eigen::Index>(kCurvatureStates, x.rows());
  const Eigen::Index stride = std::max<Eigen::Index>(1, x.rows() / n);
  Eigen::MatrixXd hessian = Eigen::MatrixXd::Zero(d, d);
  RowMatrixXd plus(d, d), minus(d, d), g_plus, g_minus;
  for (Eigen::Index k = 0; k < n; ++k) {
    const Eigen::RowVectorXd at = x.row(k * stride);
    const double eps = 1e-4 * std::max(1.0, at.cwiseAbs().maxCoeff());
    plus = at.replicate(d, 1);
    minus = plus;
    plus.diagonal().array() += eps;
    minus.diagonal().array() -= eps;
    model.gradient(plus, g_plus);
    model.gradient(minus, g_minus);
    hessian += (g_plus - g_minus) / (2.0 * eps);  // row v: ∂∇E/∂x_v
  }
  hessian /= static_cast<double>(n);
  return 0.5 * (hessian + hessian.transpose());
}

Preconditioner make_preconditioner(const EnergyModel& model, const RowMatrixXd& start) {
  Preconditioner pc;
  pc.on = true;
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(mean_hessian(model, start));
  Eigen::VectorXd lambda = eig.eigenvalues().cwiseAbs();
  const double top = lambda.maxCoeff();
  if (!(top > 0) || !std::isfinite(top))
    throw std::runtime_error("precondition: model: the energy has no curvature at the start states (largest "
                             "Hessian eigenvalue " + num(top) + "); use precondition: none");
  lambda = lambda.cwiseMax(kCurvatureFloor * top);
  const Eigen::MatrixXd& v = eig.eigenvectors();
  pc.A = v * lambda.cwiseInverse().asDiagonal() * v.transpose();
  pc.root = v * lambda.cwiseInverse().cwiseSqrt().asDiagonal() * v.transpose();
  return pc;
}

}  // namespace

Artifact run_continuous_chain(const Inputs& in, const Params& prm, Context& ctx, ChainKind kind) {
  const EnergyModel model = EnergyModel::from_artifact(in.get("model"), "model");
  Plan plan;
  plan.d = model.dim();
  plan.h = prm.get_double("step");
  if (!std::isfinite(plan.h)) throw std::invalid_argument("step must be finite, got " + num(plan.h));
  plan.steps = static_cast<std::size_t>(prm.get_int("steps"));
  const double init_scale = prm.get_double("init_scale");

  RowMatrixXd x;
  if (in.has("init")) {
    const Array& init = sample_matrix(in.get("init"), "init");
    if (init.shape()[1] != plan.d)
      throw std::invalid_argument("init.samples has " + std::to_string(init.shape()[1]) +
                                  " columns but the model has dim " + std::to_string(plan.d));
    const std::vector<double> v = init.to_double();
    for (std::size_t q = 0; q < v.size(); ++q)
      if (!std::isfinite(v[q]))
        throw std::invalid_argument("init.samples[" + std::to_string(q / plan.d) + "][" +
                                    std::to_string(q % plan.d) + "] is not finite");
    x = Eigen::Map<const RowMatrixXd>(v.data(), static_cast<Eigen::Index>(init.shape()[0]),
                                      static_cast<Eigen::Index>(plan.d));
  } else {
    x.resize(prm.get_int("chains"), static_cast<Eigen::Index>(plan.d));
  }
  plan.chains = static_cast<std::size_t>(x.rows());

  Moments truth;
  const bool have_truth = in.has("truth");
  if (have_truth) {
    const Array& t = sample_matrix(in.get("truth"), "truth");
    if (t.shape()[1] != plan.d)
      throw std::invalid_argument("truth.samples has " + std::to_string(t.shape()[1]) +
                                  " columns but the model has dim " + std::to_string(plan.d));
    truth = moments_of(t);
    for (std::int64_t s : prm.get_ints("record"))
      if (static_cast<std::size_t>(s) <= plan.steps) plan.recorded.push_back(static_cast<std::size_t>(s));
    std::sort(plan.recorded.begin(), plan.recorded.end());
    plan.recorded.erase(std::unique(plan.recorded.begin(), plan.recorded.end()), plan.recorded.end());
  }

  const std::size_t blocks = (plan.chains + kChainBlock - 1) / kChainBlock;
  std::vector<Stream> streams(blocks);
  for (std::size_t b = 0; b < blocks; ++b) streams[b].rng.seed(block_seed(ctx.seed(), b));
  if (!in.has("init"))
    for (std::size_t b = 0; b < blocks; ++b) {
      const auto first = static_cast<Eigen::Index>(b * kChainBlock);
      const auto n = std::min<Eigen::Index>(static_cast<Eigen::Index>(kChainBlock), x.rows() - first);
      RowMatrixXd z(n, x.cols());
      streams[b].fill(z);
      x.middleRows(first, n) = init_scale * z;
    }

  // MALA keeps each chain's energy and gradient at its current state.
  const bool mala = kind == ChainKind::Mala;
  Eigen::VectorXd energy;
  RowMatrixXd grad;
  if (mala) {
    model.energy(x, energy);
    model.gradient(x, grad);
    for (Eigen::Index c = 0; c < x.rows(); ++c)
      if (!std::isfinite(energy(c))) diverged(plan.h, 0, static_cast<std::size_t>(c));
  }
  std::vector<std::uint64_t> accepted(blocks, 0);

  Preconditioner pc;
  if (prm.get_string("precondition") == "model") pc = make_preconditioner(model, x);
  // Rows are states, so A ∇E is the row g A and A^{1/2} ξ the row ξ A^{1/2} (both symmetric).
  auto drift = [&](const RowMatrixXd& g) -> RowMatrixXd { return pc.on ? RowMatrixXd(g * pc.A) : g; };
  auto shaped = [&](const RowMatrixXd& xi) -> RowMatrixXd { return pc.on ? RowMatrixXd(xi * pc.root) : xi; };

  const double h = plan.h, noise = std::sqrt(2.0 * h);
  auto step_block = [&](std::size_t b, std::size_t step) {
    const auto first = static_cast<Eigen::Index>(b * kChainBlock);
    const auto n = std::min<Eigen::Index>(static_cast<Eigen::Index>(kChainBlock), x.rows() - first);
    auto xb = x.middleRows(first, n);
    RowMatrixXd xi(n, x.cols());
    streams[b].fill(xi);
    if (!mala) {
      RowMatrixXd g;
      model.gradient(RowMatrixXd(xb), g);
      xb += -h * drift(g) + noise * shaped(xi);
      for (Eigen::Index c = 0; c < n; ++c)
        if (!xb.row(c).allFinite()) diverged(h, step, static_cast<std::size_t>(first + c));
      return;
    }
    auto gx = grad.middleRows(first, n);
    const RowMatrixXd y = xb - h * drift(gx) + noise * shaped(xi);
    Eigen::VectorXd ey;
    RowMatrixXd gy;
    model.energy(y, ey);
    model.gradient(y, gy);
    // With the preconditioner the proposal residuals are whitened by A^{1/2}:
    // y − x + hA∇E(x) = √(2h) A^{1/2} ξ, so its A⁻¹-norm² is 2h|ξ|², and
    // x − y + hA∇E(y) = A^{1/2} (−√(2h) ξ + h A^{1/2}(∇E(x) + ∇E(y))): one GEMM
    // per block instead of a matrix-vector product per chain.
    RowMatrixXd whitened_back;
    if (pc.on) whitened_back = -noise * xi + h * RowMatrixXd((gy + gx) * pc.root);
    for (Eigen::Index c = 0; c < n; ++c) {
      const double u = streams[b].uniform(streams[b].rng);
      // log q(x | y) − log q(y | x) with q(y | x) ∝ exp(−|y − x + hA∇E(x)|²_{A⁻¹} / 4h).
      const double back = pc.on ? whitened_back.row(c).squaredNorm()
                                : (xb.row(c) - y.row(c) + h * gy.row(c)).squaredNorm();
      const double forth = pc.on ? 2.0 * h * xi.row(c).squaredNorm()
                                 : (y.row(c) - xb.row(c) + h * gx.row(c)).squaredNorm();
      const double log_alpha = -(ey(c) - energy(first + c)) - (back - forth) / (4.0 * h);
      if (std::isfinite(log_alpha) && gy.row(c).allFinite() && std::log(u) < log_alpha) {
        xb.row(c) = y.row(c);
        gx.row(c) = gy.row(c);
        energy(first + c) = ey(c);
        ++accepted[b];
      }
    }
  };

  std::vector<std::int64_t> rec_steps;
  std::vector<double> rec_max, rec_mean, rec_seconds;
  const unsigned workers = worker_count(prm.get_int("threads"), blocks);
  double loop_seconds = 0;  // wall time of the steps only, not of the recording
  std::size_t next_record = 0;
  std::atomic<std::uint64_t> ticks{0};
  for (std::size_t s = 0;; ++s) {
    if (next_record < plan.recorded.size() && plan.recorded[next_record] == s) {
      const MomentErrors e = compare_moments(moments_of_rows(x), truth, true);
      rec_steps.push_back(static_cast<std::int64_t>(s));
      rec_max.push_back(e.all.max_abs);
      rec_mean.push_back(e.all.mean_abs());
      rec_seconds.push_back(loop_seconds);
      ++next_record;
    }
    if (s == plan.steps) break;
    ctx.check_cancelled();
    const auto t0 = std::chrono::steady_clock::now();
    if (workers == 1) {
      for (std::size_t b = 0; b < blocks; ++b) step_block(b, s + 1);
    } else {
      parallel_for(blocks, workers, ctx, ticks, plan.steps, [&](std::size_t b, unsigned, const std::atomic<bool>& stop) {
        if (!stop.load()) step_block(b, s + 1);
      });
    }
    loop_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ticks = s + 1;
    ctx.progress(s + 1, plan.steps);
  }

  Artifact out;
  out.set_array("samples", Array::from<double>({plan.chains, plan.d}, std::vector<double>(x.data(), x.data() + x.size())));
  out.set_array("record_steps", Array::from<std::int64_t>({rec_steps.size()}, rec_steps));
  out.set_array("record_max_abs", Array::from<double>({rec_max.size()}, rec_max));
  out.set_array("record_mean_abs", Array::from<double>({rec_mean.size()}, rec_mean));
  out.set_array("record_seconds", Array::from<double>({rec_seconds.size()}, rec_seconds));
  out.set_scalar("steps", static_cast<double>(plan.steps));
  out.set_scalar("chains", static_cast<double>(plan.chains));
  out.set_scalar("step", h);
  out.set_scalar("seconds", loop_seconds);
  if (have_truth) {
    const MomentErrors e = compare_moments(moments_of_rows(x), truth, true);
    out.set_scalar("max_abs", e.all.max_abs);
    out.set_scalar("mean_abs", e.all.mean_abs());
  }
  if (mala) {
    std::uint64_t total = 0;
    for (std::uint64_t a : accepted) total += a;
    const double proposals = static_cast<double>(plan.steps) * static_cast<double>(plan.chains);
    out.set_scalar("acceptance", proposals > 0 ? static_cast<double>(total) / proposals : 0.0);
  }
  return out;
}

ParamSpec chain_param_step(double def) {
  return param_double("step", def, "step size h of the Langevin proposal x - h grad E(x) + sqrt(2h) xi").greater_than(0);
}
ParamSpec chain_param_precondition() {
  return param_string("precondition", "none",
                      "none: y = x - h grad E + sqrt(2h) xi; model: y = x - h A grad E + sqrt(2h) A^(1/2) xi with A "
                      "the inverse of the energy's Hessian averaged over the start states (the model covariance for "
                      "a Gaussian), so h is in units of the model's own length scales")
      .one_of({"none", "model"});
}
ParamSpec chain_param_steps() { return param_int("steps", 100, "number of steps (each moves every chain once)").at_least(0); }
ParamSpec chain_param_record() {
  return param_ints("record", {0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000},
                    "step counts at which to record the QoI error against truth; entries > steps are ignored")
      .at_least(0);
}
ParamSpec chain_param_chains() {
  return param_int("chains", 10000, "number of chains when init is random (with init: one per init row)").at_least(1);
}
ParamSpec chain_param_init_scale() {
  return param_double("init_scale", 1.0, "random init: every coordinate drawn i.i.d. from N(0, init_scale^2)")
      .at_least(0.0);
}
ParamSpec chain_param_threads() {
  return param_int("threads", 0, "worker threads; 0: all hardware threads (results do not depend on it)")
      .at_least(0)
      .output_neutral();
}
InputSpec chain_input_model() {
  return input("model", "energy model (family polynomial: terms, theta, optional Gaussian precision/mean), e.g. "
                        "learner/score-matching");
}
InputSpec chain_input_init() {
  return optional_input("init",
                        "artifact whose 'samples' {M, d} (e.g. codec/dct's decompressed samples) start the M chains; "
                        "`random` or absent: `chains` chains from N(0, init_scale^2)")
      .or_keywords({"random"});
}
InputSpec chain_input_truth() {
  return optional_input("truth", "artifact with 'samples' {N, d}: the QoI reference (first and second moments)");
}

}  // namespace reprise
