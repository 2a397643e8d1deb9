// dataset/mvn: samples of a multivariate normal whose covariance has a chosen,
// exact condition number. The continuous test case of the QoI-compression paper
// (seed 000): its first and second moments are the quantities of interest.
//
// Builds Σ = Q diag(λ) Qᵀ with λ geometric from 1 down to 1/condition and draws
// x = mean + Q diag(√λ) z, z ~ N(0, I). With structure "smooth", Q is the
// orthonormal DCT-II basis and λ falls with frequency, so each sample is smooth
// along the variable axis (what codec/dct exploits); with "random", Q is
// Haar-random and λ is shuffled, so no basis is privileged.
#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "framework/core/registry.hpp"

namespace reprise {
namespace {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Eigenvalues 1, c^(-1/(d-1)), ..., 1/c: a geometric ladder whose ends are set
// exactly, so max/min is the requested condition number up to one rounding of 1/c.
std::vector<double> geometric_spectrum(std::size_t dim, double condition) {
  std::vector<double> lambda(dim, 1.0);
  if (dim == 1) return lambda;  // a 1x1 covariance always has condition number 1
  for (std::size_t k = 1; k + 1 < dim; ++k)
    lambda[k] = std::pow(condition, -static_cast<double>(k) / static_cast<double>(dim - 1));
  lambda[dim - 1] = 1.0 / condition;
  return lambda;
}

// Orthonormal DCT-II basis as columns: column k is the k-th cosine mode, so
// Q diag(λ) Qᵀ with λ falling in k puts the variance in slowly varying modes.
Eigen::MatrixXd dct_basis(std::size_t dim) {
  const double d = static_cast<double>(dim);
  Eigen::MatrixXd q(dim, dim);
  for (std::size_t k = 0; k < dim; ++k) {
    const double scale = std::sqrt((k == 0 ? 1.0 : 2.0) / d);
    for (std::size_t n = 0; n < dim; ++n)
      q(n, k) = scale * std::cos(std::numbers::pi * static_cast<double>(k) * (n + 0.5) / d);
  }
  return q;
}

// Haar-distributed orthogonal matrix: QR of a Gaussian matrix, with each column
// of Q multiplied by the sign of R's diagonal (without that fix the
// distribution is biased by the Householder sign convention; Mezzadri 2007).
Eigen::MatrixXd haar_orthogonal(std::size_t dim, std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  Eigen::MatrixXd gaussian(dim, dim);
  for (Eigen::Index j = 0; j < gaussian.cols(); ++j)
    for (Eigen::Index i = 0; i < gaussian.rows(); ++i) gaussian(i, j) = normal(rng);
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(gaussian);
  Eigen::MatrixXd q = qr.householderQ();
  for (Eigen::Index j = 0; j < q.cols(); ++j)
    if (qr.matrixQR()(j, j) < 0) q.col(j) *= -1.0;
  return q;
}

// The schema bounds condition below by 1 but lets an infinite value through.
void check_condition(double condition) {
  if (!std::isfinite(condition))
    throw std::invalid_argument("condition must be finite, got " + std::to_string(condition));
}

// Rows per chunk of the sampling loop: about 2^18 normal draws, i.e. 2^18 * dim
// multiply-adds, so progress and cancellation stay responsive for any dim.
std::size_t chunk_rows(std::size_t dim) { return std::max<std::size_t>(1, (std::size_t{1} << 18) / dim); }

// Draws x = mean + L z row by row. z is drawn in row-major order, one chunk at a
// time, so which normal draw feeds which variable does not depend on the chunk
// size.
std::vector<double> draw_samples(const Eigen::MatrixXd& factor, double mean, std::size_t samples,
                                 std::mt19937_64& rng, Context& ctx) {
  const std::size_t dim = static_cast<std::size_t>(factor.rows());
  const std::size_t chunk = chunk_rows(dim);
  std::normal_distribution<double> normal;
  std::vector<double> out(samples * dim);
  RowMatrix z;
  for (std::size_t first = 0; first < samples; first += chunk) {
    ctx.check_cancelled();
    const std::size_t rows = std::min(chunk, samples - first);
    z.resize(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(dim));
    for (Eigen::Index i = 0; i < z.rows(); ++i)
      for (Eigen::Index j = 0; j < z.cols(); ++j) z(i, j) = normal(rng);
    Eigen::Map<RowMatrix> x(out.data() + first * dim, static_cast<Eigen::Index>(rows),
                            static_cast<Eigen::Index>(dim));
    x.noalias() = z * factor.transpose();  // each row: (L z)ᵀ = zᵀ Lᵀ
    x.array() += mean;
    ctx.progress(first + rows, samples);
  }
  return out;
}

class MvnDataset : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

Artifact MvnDataset::run(const Inputs&, const Params& p, Context& ctx) {
  const auto dim = static_cast<std::size_t>(p.get_int("dim"));
  const auto samples = static_cast<std::size_t>(p.get_int("samples"));
  const double condition = p.get_double("condition");
  const std::string& structure = p.get_string("structure");
  const double mean = p.get_double("mean");
  check_condition(condition);

  std::mt19937_64 rng(ctx.seed());
  std::vector<double> lambda = geometric_spectrum(dim, condition);
  Eigen::MatrixXd basis;
  if (structure == "smooth") {
    basis = dct_basis(dim);
  } else {  // random
    basis = haar_orthogonal(dim, rng);
    std::shuffle(lambda.begin(), lambda.end(), rng);
  }

  const Eigen::Map<const Eigen::VectorXd> eigenvalues(lambda.data(), static_cast<Eigen::Index>(dim));
  const Eigen::MatrixXd factor = basis * eigenvalues.cwiseSqrt().asDiagonal();
  // Σ = L Lᵀ: a symmetric rank update computes one triangle (half the flops of a
  // product) and mirroring it makes the stored matrix exactly symmetric.
  Eigen::MatrixXd covariance = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(dim), static_cast<Eigen::Index>(dim));
  covariance.selfadjointView<Eigen::Lower>().rankUpdate(factor);
  covariance = covariance.selfadjointView<Eigen::Lower>();
  const double built_condition = eigenvalues.maxCoeff() / eigenvalues.minCoeff();

  std::vector<double> x = draw_samples(factor, mean, samples, rng, ctx);

  // Column-major and row-major coincide for a symmetric matrix.
  std::vector<double> cov(covariance.data(), covariance.data() + covariance.size());
  Artifact out;
  out.set_array("samples", Array::from<double>({samples, dim}, x));
  out.set_array("covariance", Array::from<double>({dim, dim}, cov));
  out.set_array("mean", Array::from<double>({dim}, std::vector<double>(dim, mean)));
  out.set_scalar("condition", built_condition);
  out.set_scalar("dim", static_cast<double>(dim));
  out.set_scalar("samples", static_cast<double>(samples));
  return out;
}

}  // namespace

REPRISE_COMPONENT(MvnDataset, "dataset/mvn", "1",
                  "multivariate normal samples whose covariance has an exact, chosen condition number",
                  param_int("dim", 32, "number of variables per sample").range(1, 4096),
                  param_int("samples", 10000, "number of samples (rows)").at_least(1),
                  param_double("condition", 10.0, "condition number of the covariance (largest / smallest eigenvalue)")
                      .at_least(1),
                  param_string("structure", "smooth",
                               "eigenbasis: 'smooth' = DCT-II modes with variance falling with frequency, "
                               "'random' = Haar-random rotation")
                      .one_of({"smooth", "random"}),
                  param_double("mean", 0.0, "constant added to every variable"),
                  output("samples", "float64 {samples, dim}, one sample per row (scalar 'samples': the row count)"),
                  output("covariance", "float64 {dim, dim}, the exact covariance sampled from"),
                  output("mean", "float64 {dim}, the exact mean"),
                  output("condition", "scalar: condition number of the covariance built"),
                  output("dim", "scalar: number of variables"))

}  // namespace reprise
