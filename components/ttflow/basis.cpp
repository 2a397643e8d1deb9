// ttflow/basis: the box and degree of the H²-orthonormal Fourier basis
// (basis.hpp) that every dimension of a functional tensor train uses;
// sampler/ttflow rebuilds the basis from this node (FourierBasis::from_artifact),
// so a spec can sweep the box and the degree. Also reports how many functions
// the basis keeps.
#include "components/ttflow/basis.hpp"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "framework/core/registry.hpp"

namespace reprise {
namespace {

// Gauss–Legendre nodes and weights on [−1, 1] (Golub–Welsch: eigenvalues of the
// Jacobi matrix of the Legendre recurrence).
void gauss_legendre(int points, std::vector<double>& nodes, std::vector<double>& weights) {
  Eigen::MatrixXd jacobi = Eigen::MatrixXd::Zero(points, points);
  for (int k = 1; k < points; ++k) {
    const double beta = k / std::sqrt(4.0 * k * k - 1.0);
    jacobi(k, k - 1) = jacobi(k - 1, k) = beta;
  }
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(jacobi);
  nodes.resize(points);
  weights.resize(points);
  for (int k = 0; k < points; ++k) {
    nodes[k] = eig.eigenvalues()[k];
    weights[k] = 2.0 * eig.eigenvectors()(0, k) * eig.eigenvectors()(0, k);
  }
}

}  // namespace

FourierBasis::FourierBasis(double lo, double hi, int degree) : lo_(lo), hi_(hi), degree_(degree) {
  if (!(hi > lo)) throw std::invalid_argument("ttflow basis: the box needs low < high");
  if (degree < 0) throw std::invalid_argument("ttflow basis: degree must be >= 0");
  // G = V Λ Vᵀ; ψ = Λ^(−1/2) Vᵀ f over the eigenvalues above kRelativeCutoff·λ_max.
  // Half-period sines and cosines are each complete on the box, so together they
  // grow nearly dependent as the degree rises (on long boxes soonest, where the
  // L² part dominates); the directions they do not add are dropped.
  const Eigen::MatrixXd gram = raw_gram();
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(gram);
  const Eigen::VectorXd& lambda = eig.eigenvalues();  // ascending
  const double cutoff = kRelativeCutoff * lambda.maxCoeff();
  Eigen::Index first = 0;
  while (first < lambda.size() && lambda[first] <= cutoff) ++first;
  const Eigen::Index keep = lambda.size() - first;
  // Largest eigenvalues first: smooth, large-scale functions lead.
  transform_.resize(keep, gram.cols());
  for (Eigen::Index i = 0; i < keep; ++i) {
    const Eigen::Index src = lambda.size() - 1 - i;
    transform_.row(i) = eig.eigenvectors().col(src).transpose() / std::sqrt(lambda[src]);
  }
}

FourierBasis FourierBasis::from_artifact(const Artifact& a, const std::string& who) {
  for (const char* key : {"low", "high", "degree"})
    if (!a.scalars().count(key))
      throw std::invalid_argument(who + ": the input is not a ttflow/basis (no scalar '" + std::string(key) + "')");
  return FourierBasis(a.scalar("low"), a.scalar("high"), static_cast<int>(a.scalar("degree")));
}

void FourierBasis::eval_raw(double x, double* f, double* f1, double* f2) const {
  const double s = x - lo_, base = std::numbers::pi / (hi_ - lo_);
  f[0] = 1, f1[0] = 0, f2[0] = 0;
  // cos/sin of m·base·s by the angle-addition recurrence from one sin/cos pair:
  // the flow evaluates this for every particle, dimension and RK4 stage, and the
  // recurrence's rounding (about m ulps) is far below the fit's error.
  const double c1 = std::cos(base * s), s1 = std::sin(base * s);
  double c = c1, sn = s1;
  for (int m = 1; m <= degree_; ++m) {
    const double w = base * m;
    f[2 * m - 1] = c, f1[2 * m - 1] = -w * sn, f2[2 * m - 1] = -w * w * c;
    f[2 * m] = sn, f1[2 * m] = w * c, f2[2 * m] = -w * w * sn;
    const double next_c = c * c1 - sn * s1;
    sn = sn * c1 + c * s1;
    c = next_c;
  }
}

Eigen::MatrixXd FourierBasis::raw_gram() const {
  const auto n = static_cast<Eigen::Index>(2 * degree_ + 1);
  // Per panel the highest product frequency turns by less than π/2, where a
  // 12-point rule is exact far below rounding.
  const int panels = 4 * degree_ + 8, points = 12;
  std::vector<double> nodes, weights;
  gauss_legendre(points, nodes, weights);
  Eigen::MatrixXd gram = Eigen::MatrixXd::Zero(n, n);
  Eigen::VectorXd f(n), f1(n), f2(n);
  const double width = (hi_ - lo_) / panels;
  for (int p = 0; p < panels; ++p)
    for (int q = 0; q < points; ++q) {
      const double x = lo_ + width * (p + 0.5 * (nodes[q] + 1)), w = 0.5 * width * weights[q];
      eval_raw(x, f.data(), f1.data(), f2.data());
      gram.noalias() += w * (f * f.transpose() + f1 * f1.transpose() + f2 * f2.transpose());
    }
  return gram / (hi_ - lo_);
}

Eigen::VectorXd FourierBasis::constant_coefficients() const {
  // ψ = T f, so Σ c_j ψ_j = (Tᵀ c)ᵀ f = f_0 when Tᵀ c = e_0.
  Eigen::VectorXd e0 = Eigen::VectorXd::Zero(transform_.cols());
  e0[0] = 1;
  return transform_.transpose().colPivHouseholderQr().solve(e0);
}

void FourierBasis::eval(double x, double* value, double* d1, double* d2) const {
  const auto n = static_cast<Eigen::Index>(2 * degree_ + 1);
  Eigen::VectorXd f(n), f1(n), f2(n);
  eval_raw(x, f.data(), f1.data(), f2.data());
  const Eigen::Index m = transform_.rows();
  if (value) Eigen::Map<Eigen::VectorXd>(value, m) = transform_ * f;
  if (d1) Eigen::Map<Eigen::VectorXd>(d1, m) = transform_ * f1;
  if (d2) Eigen::Map<Eigen::VectorXd>(d2, m) = transform_ * f2;
}

namespace {

class FourierBasisComponent : public Component {
 public:
  Artifact run(const Inputs&, const Params& p, Context&) override {
    const double lo = p.get_double("low"), hi = p.get_double("high");
    if (!(hi > lo))
      throw std::invalid_argument("low = " + canonical(ParamValue(lo)) + " must be below high = " +
                                  canonical(ParamValue(hi)));
    const FourierBasis basis(lo, hi, static_cast<int>(p.get_int("degree")));
    Artifact a;
    a.set_scalar("low", lo).set_scalar("high", hi).set_scalar("degree", static_cast<double>(basis.degree()));
    a.set_scalar("size", static_cast<double>(basis.size()));
    a.set_scalar("raw_size", static_cast<double>(2 * basis.degree() + 1));
    return a;
  }
};

}  // namespace

REPRISE_COMPONENT(FourierBasisComponent, "ttflow/basis", "1",
                  "H²-orthonormal Fourier basis on a box, one per dimension of a functional tensor train",
                  param_int("degree", 6, "highest frequency m: 2*degree + 1 functions").range(0, 64),
                  param_double("low", -5.0, "lower edge of the box (every dimension)"),
                  param_double("high", 5.0, "upper edge of the box (every dimension)"),
                  output("low", "scalar"), output("high", "scalar"), output("degree", "scalar"),
                  output("size", "scalar: number of orthonormal functions kept (2*degree + 1 less the dependent directions)"),
                  output("raw_size", "scalar: 2*degree + 1 raw Fourier functions"))

}  // namespace reprise
