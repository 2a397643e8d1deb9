// learner/score-matching: the continuous learner of the QoI-compression paper
// (Vu & Lokhov, arXiv 2511.13675, seed 000; Hyvärinen 2005, "Estimation of
// non-normalized statistical models by score matching").
//
// The model is the exponential family p(x) ∝ exp(−E(x)), E(x) = θᵀT(x), whose
// sufficient statistics T are polynomial QoIs; it writes the energy-model
// artifact of energy_model.hpp. Its score is ψ = ∇ log p = −∇E, and Hyvärinen's objective
//     J(θ) = E_data[ ½ |ψ|² + Σ_i ∂_i ψ_i ] = E_data[ ½ |∇E|² − ΔE ]
//          = ½ θᵀ A θ − bᵀ θ,   A_kl = E_data[∇T_k · ∇T_l],  b_k = E_data[ΔT_k],
// needs no partition function and is quadratic in θ: its minimiser solves
//     (A + ridge · I) θ = b,
// a symmetric positive (semi)definite system, solved by LDLT.
//
// Term sets (`degree`, `neighbours`):
//   degree 2, neighbours all: x_i, then x_i x_j for i <= j (a full Gaussian);
//   otherwise: x_i, x_i², x_i x_j for the neighbour pairs (chain: (i, i+1) open;
//   lattice2d: right and down neighbours on an L × L periodic lattice, d = L²;
//   all: every i < j), and with degree 4 also x_i⁴ (the φ⁴ action's terms).
// A degree-2 model also gets the Gaussian fast path (precision, mean).
//
// Closed form (solver auto/closed-form, degree 2 with all pairs). For
// E = ½(x − μ)ᵀP(x − μ): ∇E = P(x − μ), ΔE = tr P, so with the sample mean m and
// the (1/M) sample covariance C,
//     J = ½ tr(P² (C + (m − μ)(m − μ)ᵀ)) − tr P.
// ∂J/∂μ = −P²(m − μ) = 0 gives μ = m, and ∂J/∂P = ½(PC + CP) − I = 0, a Lyapunov
// equation whose unique solution for SPD C is P = C⁻¹. So Gaussian score matching
// is the inverse sample covariance: O(M d² + d³) instead of a K × K system with
// K ≈ d²/2 (d = 500: K = 125 750). `ridge` there is added to C's diagonal. The
// unit test checks it against the generic linear solve.
#include <Eigen/Dense>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "components/learners/energy_model.hpp"
#include "framework/core/parallel.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

// The generic solve holds a dense K × K matrix: 4096² doubles = 128 MiB.
constexpr std::size_t kMaxGenericTerms = 4096;

Monomial mono(std::size_t a, std::size_t b = ~std::size_t{0}, int power = 1) {
  Monomial m;
  if (b == ~std::size_t{0}) {
    for (int s = 0; s < power; ++s) m.idx[static_cast<std::size_t>(s)] = static_cast<std::int32_t>(a);
  } else {
    m.idx[0] = static_cast<std::int32_t>(a);
    m.idx[1] = static_cast<std::int32_t>(b);
  }
  return m;
}

std::string fmt(double v) { return canonical(v); }

// The term set described at the top; throws std::invalid_argument naming the
// parameter when degree or lattice do not fit.
std::vector<Monomial> score_matching_terms(std::size_t d, int degree, const std::string& neighbours,
                                           std::size_t lattice) {
  if (degree != 2 && degree != 4)
    throw std::invalid_argument("degree must be 2 or 4, got " + std::to_string(degree));
  if (degree == 2 && neighbours == "all") return quadratic_terms(d);
  std::set<std::pair<std::size_t, std::size_t>> pairs;
  if (neighbours == "all") {
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t j = i + 1; j < d; ++j) pairs.insert({i, j});
  } else if (neighbours == "chain") {
    for (std::size_t i = 0; i + 1 < d; ++i) pairs.insert({i, i + 1});
  } else {  // lattice2d
    std::size_t l = lattice;
    if (l == 0) l = static_cast<std::size_t>(std::llround(std::sqrt(static_cast<double>(d))));
    if (l * l != d)
      throw std::invalid_argument("neighbours lattice2d needs dim = lattice², got dim " +
                                  std::to_string(d) + " and lattice " + std::to_string(lattice) +
                                  (lattice == 0 ? " (0: sqrt(dim), which is not an integer)" : ""));
    for (std::size_t r = 0; r < l; ++r)
      for (std::size_t c = 0; c < l; ++c) {
        const std::size_t i = r * l + c, right = r * l + (c + 1) % l, down = ((r + 1) % l) * l + c;
        if (right != i) pairs.insert({std::min(i, right), std::max(i, right)});
        if (down != i) pairs.insert({std::min(i, down), std::max(i, down)});
      }
  }
  std::vector<Monomial> t;
  for (std::size_t i = 0; i < d; ++i) t.push_back(mono(i));
  for (std::size_t i = 0; i < d; ++i) t.push_back(mono(i, ~std::size_t{0}, 2));
  for (const auto& [i, j] : pairs) t.push_back(mono(i, j));
  if (degree == 4)
    for (std::size_t i = 0; i < d; ++i) t.push_back(mono(i, ~std::size_t{0}, 4));
  return t;
}

struct Solution {
  std::vector<double> theta;
  Eigen::MatrixXd precision;  // degree 2 only
  Eigen::VectorXd mean;
  double residual = 0, condition = 0, objective = 0;
};

// Closed form of the Gaussian case (see the top): μ = m, P = (C + ridge I)⁻¹.
Solution solve_gaussian(const RowMatrixXd& x, double ridge, Context& ctx) {
  const Eigen::Index d = x.cols();
  const auto m = static_cast<double>(x.rows());
  Solution s;
  s.mean = x.colwise().mean().transpose();
  Eigen::MatrixXd c = Eigen::MatrixXd::Zero(d, d);
  // Fixed row chunks, added in order: the sum does not depend on scheduling.
  const Eigen::Index chunk = 8192;
  for (Eigen::Index first = 0; first < x.rows(); first += chunk) {
    ctx.check_cancelled();
    const Eigen::Index n = std::min(chunk, x.rows() - first);
    const RowMatrixXd centred = x.middleRows(first, n).rowwise() - s.mean.transpose();
    c.selfadjointView<Eigen::Lower>().rankUpdate(centred.transpose(), 1.0 / m);
    ctx.progress(static_cast<std::uint64_t>(first + n), static_cast<std::uint64_t>(x.rows()));
  }
  c = c.selfadjointView<Eigen::Lower>();
  c.diagonal().array() += ridge;
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(c);
  const double lo = eig.eigenvalues().minCoeff(), hi = eig.eigenvalues().maxCoeff();
  if (!(lo > 0))
    throw std::runtime_error("the sample covariance is singular (smallest eigenvalue " +
                             fmt(lo) + "; " + std::to_string(x.rows()) + " samples of " + std::to_string(d) +
                             " variables); give more samples or a positive `ridge`");
  s.condition = hi / lo;
  s.precision = eig.eigenvectors() * eig.eigenvalues().cwiseInverse().asDiagonal() * eig.eigenvectors().transpose();
  s.precision = 0.5 * (s.precision + s.precision.transpose()).eval();
  const Eigen::MatrixXd stationarity =
      s.precision * c + c * s.precision - 2.0 * Eigen::MatrixXd::Identity(d, d);
  s.residual = stationarity.norm() / (2.0 * std::sqrt(static_cast<double>(d)));
  s.theta = gaussian_theta(s.precision, s.mean);
  // At the optimum J = ½ tr(P² C) − tr P = ½ tr P − tr P.
  s.objective = -0.5 * s.precision.trace();
  return s;
}

// The generic system (A + ridge I) θ = b.
Solution solve_linear(const RowMatrixXd& x, const std::vector<Monomial>& terms, double ridge, unsigned workers,
                      Context& ctx) {
  const std::size_t d = static_cast<std::size_t>(x.cols()), k_count = terms.size();
  const auto rows = x.rows();
  if (k_count > kMaxGenericTerms)
    throw std::invalid_argument(std::to_string(k_count) +
                                " terms exceed the generic solver's limit of " + std::to_string(kMaxGenericTerms) +
                                " (a dense K × K system); use degree 2 with neighbours all (closed form) or sparser "
                                "neighbours");
  // Terms touching each variable, each once.
  std::vector<std::vector<std::size_t>> touching(d);
  for (std::size_t k = 0; k < k_count; ++k)
    for (std::size_t s = 0; s < 4; ++s) {
      const std::int32_t v = terms[k].idx[s];
      if (v < 0) break;
      auto& list = touching[static_cast<std::size_t>(v)];
      if (list.empty() || list.back() != k) list.push_back(k);
    }
  // A = Σ_i E[∇_i T ∇_i Tᵀ]: per variable i a small Gram matrix over the terms that
  // touch it, computed in parallel and added in variable order (deterministic).
  std::vector<Eigen::MatrixXd> gram(d);
  std::vector<double> b(k_count, 0.0);
  std::atomic<std::uint64_t> ticks{0};
  const std::uint64_t total = d + k_count;
  parallel_for(d, workers, ctx, ticks, total, [&](std::size_t i, unsigned, const std::atomic<bool>& stop) {
    if (stop.load()) return;
    const auto& list = touching[i];
    Eigen::MatrixXd deriv(rows, static_cast<Eigen::Index>(list.size()));
    for (Eigen::Index n = 0; n < rows; ++n) {
      const double* xn = x.row(n).data();
      for (std::size_t a = 0; a < list.size(); ++a)
        deriv(n, static_cast<Eigen::Index>(a)) = terms[list[a]].derivative(xn, static_cast<std::int32_t>(i));
    }
    gram[i] = (deriv.transpose() * deriv) / static_cast<double>(rows);
    ++ticks;
  });
  parallel_for(k_count, workers, ctx, ticks, total, [&](std::size_t k, unsigned, const std::atomic<bool>&) {
    const auto& idx = terms[k].idx;
    bool repeats = false;  // ΔT_k = 0 unless some variable appears twice
    for (std::size_t s = 0; s < 4; ++s)
      for (std::size_t t = s + 1; t < 4; ++t) repeats = repeats || (idx[s] >= 0 && idx[s] == idx[t]);
    double sum = 0.0;
    if (repeats)
      for (Eigen::Index n = 0; n < rows; ++n) sum += terms[k].laplacian(x.row(n).data());
    b[k] = sum / static_cast<double>(rows);
    ++ticks;
  });
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(k_count), static_cast<Eigen::Index>(k_count));
  for (std::size_t i = 0; i < d; ++i) {
    const auto& list = touching[i];
    for (std::size_t p = 0; p < list.size(); ++p)
      for (std::size_t q = 0; q < list.size(); ++q)
        a(static_cast<Eigen::Index>(list[p]), static_cast<Eigen::Index>(list[q])) +=
            gram[i](static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(q));
  }
  a.diagonal().array() += ridge;
  const Eigen::Map<const Eigen::VectorXd> bv(b.data(), static_cast<Eigen::Index>(k_count));
  Eigen::LDLT<Eigen::MatrixXd> ldlt(a);
  if (ldlt.info() != Eigen::Success || ldlt.rcond() <= 1e-15)
    throw std::runtime_error("the score-matching system (" + std::to_string(k_count) +
                             " terms) is singular (reciprocal condition " + fmt(ldlt.rcond()) +
                             "): some statistic does not vary in the data or two are collinear; give more samples "
                             "or a positive `ridge`");
  const Eigen::VectorXd theta = ldlt.solve(bv);
  Solution s;
  s.theta.assign(theta.data(), theta.data() + theta.size());
  s.condition = 1.0 / ldlt.rcond();
  s.residual = (a * theta - bv).norm() / std::max(bv.norm(), 1e-300);
  s.objective = 0.5 * theta.dot(a * theta) - bv.dot(theta);
  return s;
}

// The Gaussian fast path of a degree-2 θ: P_ii = 2θ_{x_i²}, P_ij = θ_{x_i x_j},
// μ = −P⁻¹ θ_{x_i}. Throws when P is not positive definite (no density).
void attach_gaussian(std::size_t d, const std::vector<Monomial>& terms, Solution& s) {
  const auto n = static_cast<Eigen::Index>(d);
  Eigen::MatrixXd p = Eigen::MatrixXd::Zero(n, n);
  Eigen::VectorXd linear = Eigen::VectorXd::Zero(n);
  for (std::size_t k = 0; k < terms.size(); ++k) {
    const auto i = terms[k].idx[0], j = terms[k].idx[1];
    if (j < 0)
      linear(i) += s.theta[k];
    else if (i == j)
      p(i, i) += 2.0 * s.theta[k];
    else {
      p(i, j) += s.theta[k];
      p(j, i) += s.theta[k];
    }
  }
  Eigen::LLT<Eigen::MatrixXd> llt(p);
  if (llt.info() != Eigen::Success)
    throw std::runtime_error("the learned quadratic form is not positive definite, so "
                             "exp(-E) has no density; give more samples or a positive `ridge`");
  s.precision = p;
  s.mean = -llt.solve(linear);
}

class ScoreMatchingLearner : public Component {
 public:
  Artifact run(const Inputs& in, const Params& prm, Context& ctx) override {
    const Array& samples = in.get("data").array("samples");
    if (samples.rank() != 2 || samples.shape()[0] < 2 || samples.shape()[1] == 0)
      throw std::invalid_argument("data.samples must be a {M, d} matrix with M >= 2, got " +
                                  shape_text(samples.shape()));
    const std::size_t m = samples.shape()[0], d = samples.shape()[1];
    const std::vector<double> values = samples.to_double();
    for (std::size_t q = 0; q < values.size(); ++q)
      if (!std::isfinite(values[q]))
        throw std::invalid_argument("data.samples[" + std::to_string(q / d) + "][" +
                                    std::to_string(q % d) + "] is not finite");
    const RowMatrixXd x =
        Eigen::Map<const RowMatrixXd>(values.data(), static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(d));

    const int degree = static_cast<int>(prm.get_int("degree"));
    const std::string& neighbours = prm.get_string("neighbours");
    const std::string& solver = prm.get_string("solver");
    const double ridge = prm.get_double("ridge");
    const std::vector<Monomial> terms =
        score_matching_terms(d, degree, neighbours, static_cast<std::size_t>(prm.get_int("lattice")));
    const bool closed_form_fits = degree == 2 && neighbours == "all";
    if (solver == "closed-form" && !closed_form_fits)
      throw std::invalid_argument("solver closed-form needs degree 2 with neighbours all (got degree " +
                                  std::to_string(degree) + ", neighbours " + neighbours + "); use solver linear or auto");
    const bool closed = closed_form_fits && solver != "linear";

    Solution s = closed ? solve_gaussian(x, ridge, ctx)
                        : solve_linear(x, terms, ridge, worker_count(prm.get_int("threads"), d), ctx);
    if (degree == 2 && !closed) attach_gaussian(d, terms, s);
    for (double t : s.theta)
      if (!std::isfinite(t))
        throw std::runtime_error("the solve produced non-finite coefficients; add a positive `ridge`");

    Artifact out = polynomial_energy_artifact(d, terms, s.theta, s.precision, s.mean);
    out.set_scalar("terms_count", static_cast<double>(terms.size()));
    out.set_scalar("residual", s.residual);
    out.set_scalar("condition", s.condition);
    out.set_scalar("objective", s.objective);
    out.set_scalar("samples", static_cast<double>(m));
    out.set_string("solver", closed ? "closed-form" : "linear");
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(ScoreMatchingLearner, "learner/score-matching", "1",
                  "exponential-family energy with polynomial sufficient statistics (Gaussian: degree 2; phi^4: "
                  "degree 4) fitted by Hyvarinen score matching, a linear system (closed form for a full Gaussian)",
                  param_int("degree", 2, "2: linear and quadratic terms (a Gaussian); 4: adds x_i^4 (phi^4 fields)")
                      .range(2, 4),
                  param_string("neighbours", "all",
                               "pairs x_i x_j in the model: all (i < j), chain ((i, i+1), open ends) or lattice2d "
                               "(nearest neighbours on an L x L periodic lattice, dim = L^2)")
                      .one_of({"all", "chain", "lattice2d"}),
                  param_int("lattice", 0, "side L of the lattice for neighbours lattice2d; 0: sqrt(dim)").at_least(0),
                  param_string("solver", "auto",
                               "auto: closed form (inverse sample covariance) for degree 2 with all pairs, the linear "
                               "system otherwise; closed-form; linear: the (A + ridge I) theta = b system always "
                               "(at most 4096 terms)")
                      .one_of({"auto", "closed-form", "linear"}),
                  param_double("ridge", 0.0,
                               "Tikhonov term: added to A's diagonal (linear) or to the sample covariance's (closed form)")
                      .at_least(0.0),
                  param_int("threads", 0, "worker threads for the linear system; 0: all (results do not depend on it)")
                      .at_least(0)
                      .output_neutral(),
                  input("data", "artifact with array 'samples' {M, d}, any numeric dtype"),
                  output("family", "string: 'polynomial' (the energy-model contract of energy_model.hpp)"),
                  output("dim", "scalar: d"),
                  output("terms", "int32 {K, 4}: the monomials' variable indices, -1 for unused slots"),
                  output("theta", "float64 {K}: coefficients; E(x) = sum_k theta_k T_k(x), density ~ exp(-E)"),
                  output("precision", "float64 {d, d} (degree 2): the Gaussian fast path's P"),
                  output("mean", "float64 {d} (degree 2): the Gaussian fast path's mean"),
                  output("terms_count", "scalar: K"),
                  output("residual", "scalar: relative residual of the solved stationarity condition"),
                  output("condition", "scalar: condition number of the system (closed form: of the covariance)"),
                  output("objective", "scalar: the score-matching objective J at the solution"),
                  output("samples", "scalar: M"),
                  output("solver", "string: closed-form or linear"))

}  // namespace reprise
