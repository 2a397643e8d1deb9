// ttflow/ftt: the settings of the functional tensor train (ftt.hpp) that
// sampler/ttflow fits to the flow's potential at every step: rank mode (fixed,
// or adaptive by EMA + TT-SVD rounding) and ALS sweeps and ridge. A node of its
// own, so a spec can sweep them; FttSettings::from_artifact reads them back.
#include "components/ttflow/ftt.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "framework/core/registry.hpp"

namespace reprise {
namespace {

using Index = Eigen::Index;

// new[(a'·n + j), :] = Σ_a R(a', a) old[(a·n + j), :]: R acting on the left rank index.
Eigen::MatrixXd mix_left_rank(const Eigen::MatrixXd& core, const Eigen::MatrixXd& r, std::size_t n) {
  const Index rl = core.rows() / static_cast<Index>(n), nn = static_cast<Index>(n);
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(r.rows() * nn, core.cols());
  for (Index a2 = 0; a2 < r.rows(); ++a2)
    for (Index a = 0; a < rl; ++a) {
      const double coef = r(a2, a);
      if (coef == 0) continue;
      out.middleRows(a2 * nn, nn) += coef * core.middleRows(a * nn, nn);
    }
  return out;
}

// Right unfolding r_l × (n·r_r) of a core stored as its left unfolding, and back.
Eigen::MatrixXd right_unfolding(const Eigen::MatrixXd& core, std::size_t n) {
  const Index nn = static_cast<Index>(n), rl = core.rows() / nn, rr = core.cols();
  Eigen::MatrixXd out(rl, nn * rr);
  for (Index a = 0; a < rl; ++a)
    for (Index j = 0; j < nn; ++j) out.block(a, j * rr, 1, rr) = core.row(a * nn + j);
  return out;
}
Eigen::MatrixXd from_right_unfolding(const Eigen::MatrixXd& m, std::size_t n) {
  const Index nn = static_cast<Index>(n), rl = m.rows(), rr = m.cols() / nn;
  Eigen::MatrixXd core(rl * nn, rr);
  for (Index a = 0; a < rl; ++a)
    for (Index j = 0; j < nn; ++j) core.row(a * nn + j) = m.block(a, j * rr, 1, rr);
  return core;
}

std::size_t saturating_power(std::size_t base, std::size_t exp) {
  std::size_t out = 1;
  for (std::size_t i = 0; i < exp; ++i) {
    if (out > std::numeric_limits<std::size_t>::max() / base / 2) return std::numeric_limits<std::size_t>::max() / 2;
    out *= base;
  }
  return out;
}

}  // namespace

// ------------------------------------------------------------------ FunctionalTT

FunctionalTT::FunctionalTT(std::size_t dim, const FourierBasis& basis, std::size_t rank, std::mt19937_64& rng)
    : basis_(basis) {
  if (dim == 0) throw std::invalid_argument("ftt: dimension must be positive");
  cores_.resize(dim);
  std::normal_distribution<double> normal;
  const std::size_t n = basis_.size();
  std::size_t left = 1;
  for (std::size_t k = 0; k < dim; ++k) {
    const std::size_t right = k + 1 == dim ? 1 : std::min({std::max<std::size_t>(rank, 1), feasible_rank(k + 1), left * n});
    cores_[k] = Eigen::MatrixXd::Zero(static_cast<Index>(left * n), static_cast<Index>(right));
    if (k > 0)
      for (Index i = 0; i < cores_[k].size(); ++i) cores_[k].data()[i] = normal(rng);
    left = right;
  }
}

FunctionalTT FunctionalTT::additive(std::size_t dim, const FourierBasis& basis, std::mt19937_64& rng) {
  if (dim < 2) return FunctionalTT(dim, basis, 1, rng);
  const Index n = static_cast<Index>(basis.size());
  const Eigen::VectorXd one = basis.constant_coefficients();
  std::normal_distribution<double> normal;
  auto small = [&] {
    Eigen::VectorXd c(n);
    for (Index j = 0; j < n; ++j) c[j] = 1e-3 * normal(rng);
    return c;
  };
  std::vector<Eigen::MatrixXd> cores(dim);
  cores[0].resize(n, 2);
  cores[0] << small(), one;
  for (std::size_t k = 1; k + 1 < dim; ++k) {
    cores[k] = Eigen::MatrixXd::Zero(2 * n, 2);  // rows a·n + j
    cores[k].block(0, 0, n, 1) = one;           // a = 0: carry the sum on
    cores[k].block(n, 0, n, 1) = small();       // a = 1: add c_k
    cores[k].block(n, 1, n, 1) = one;           //        and keep the constant
  }
  cores[dim - 1].resize(2 * n, 1);
  cores[dim - 1] << one, small();
  return FunctionalTT(basis, std::move(cores));
}

std::vector<std::size_t> FunctionalTT::ranks() const {
  std::vector<std::size_t> r{1};
  for (const auto& c : cores_) r.push_back(static_cast<std::size_t>(c.cols()));
  return r;
}

std::size_t FunctionalTT::max_rank() const {
  const auto r = ranks();
  return *std::max_element(r.begin(), r.end());
}

std::size_t FunctionalTT::feasible_rank(std::size_t bond) const {
  return std::min(saturating_power(basis_size(), bond), saturating_power(basis_size(), dim() - bond));
}

namespace {

// Core k with the basis transform folded in: G_k(x) = Σ_i f_i(x) R_k[i], R_k[i]
// an r_l × r_r block (row-major) per raw Fourier function f_i. Evaluating on
// the raw functions skips three basis transforms per point and dimension.
struct RawCore {
  Index rl = 0, rr = 0;
  std::vector<double> blocks;  // [i][a][b]
};

RawCore raw_core(const Eigen::MatrixXd& core, const Eigen::MatrixXd& transform) {
  const Index n = transform.rows(), raw = transform.cols();
  RawCore r;
  r.rl = core.rows() / n, r.rr = core.cols();
  r.blocks.assign(static_cast<std::size_t>(raw * r.rl * r.rr), 0.0);
  for (Index i = 0; i < raw; ++i)
    for (Index a = 0; a < r.rl; ++a)
      for (Index j = 0; j < n; ++j) {
        const double t = transform(j, i);
        double* out = r.blocks.data() + (i * r.rl + a) * r.rr;
        for (Index b = 0; b < r.rr; ++b) out[b] += t * core(a * n + j, b);
      }
  return r;
}

// out = Σ_i f[i] R[i], an r_l × r_r block.
void contract(const RawCore& r, const double* f, Index raw, double* out) {
  const Index size = r.rl * r.rr;
  std::fill(out, out + size, 0.0);
  for (Index i = 0; i < raw; ++i) {
    const double fi = f[i];
    const double* block = r.blocks.data() + i * size;
    for (Index e = 0; e < size; ++e) out[e] += fi * block[e];
  }
}

}  // namespace

void FunctionalTT::evaluate(const RowMatrixXd& x, Eigen::VectorXd* value, RowMatrixXd* gradient,
                            Eigen::VectorXd* laplacian) const {
  const std::size_t d = dim();
  if (static_cast<std::size_t>(x.cols()) != d)
    throw std::invalid_argument("ftt: points have " + std::to_string(x.cols()) + " coordinates, the train " +
                                std::to_string(d));
  const Index rows = x.rows(), raw = static_cast<Index>(basis_.raw_size());
  if (value) value->resize(rows);
  if (gradient) gradient->resize(rows, static_cast<Index>(d));
  if (laplacian) laplacian->resize(rows);
  const bool derivatives = gradient || laplacian;

  // Per dimension: the raw-basis core and its place in the per-point buffers.
  std::vector<RawCore> cores(d);
  std::vector<Index> offset(d + 1, 0), vec_offset(d + 2, 0);
  for (std::size_t k = 0; k < d; ++k) {
    cores[k] = raw_core(cores_[k], basis_.transform());
    offset[k + 1] = offset[k] + cores[k].rl * cores[k].rr;
    vec_offset[k + 1] = vec_offset[k] + cores[k].rl;  // prefix k has r_l(k) entries
  }
  vec_offset[d + 1] = vec_offset[d] + 1;
  std::vector<double> f(static_cast<std::size_t>(raw)), f1(f.size()), f2(f.size());
  std::vector<double> g(static_cast<std::size_t>(offset[d])), g1(g.size()), g2(g.size());
  // prefix_k = G_0 ... G_{k−1} (a row of r_l(k)), suffix_k = G_k ... G_{d−1} (a column of r_l(k)).
  std::vector<double> prefix(static_cast<std::size_t>(vec_offset[d + 1])), suffix(prefix.size());
  for (Index i = 0; i < rows; ++i) {
    for (std::size_t k = 0; k < d; ++k) {
      basis_.eval_raw(x(i, static_cast<Index>(k)), f.data(), f1.data(), f2.data());
      contract(cores[k], f.data(), raw, g.data() + offset[k]);
      if (derivatives) {
        contract(cores[k], f1.data(), raw, g1.data() + offset[k]);
        contract(cores[k], f2.data(), raw, g2.data() + offset[k]);
      }
    }
    prefix[0] = 1;
    for (std::size_t k = 0; k < d; ++k) {
      const Index rl = cores[k].rl, rr = cores[k].rr;
      const double* in = prefix.data() + vec_offset[k];
      double* out = prefix.data() + vec_offset[k + 1];
      const double* gk = g.data() + offset[k];
      for (Index b = 0; b < rr; ++b) {
        double sum = 0;
        for (Index a = 0; a < rl; ++a) sum += in[a] * gk[a * rr + b];
        out[b] = sum;
      }
    }
    if (value) (*value)[i] = prefix[static_cast<std::size_t>(vec_offset[d])];
    if (!derivatives) continue;
    suffix[static_cast<std::size_t>(vec_offset[d])] = 1;
    for (std::size_t k = d; k-- > 0;) {
      const Index rl = cores[k].rl, rr = cores[k].rr;
      const double* in = suffix.data() + vec_offset[k + 1];
      double* out = suffix.data() + vec_offset[k];
      const double* gk = g.data() + offset[k];
      for (Index a = 0; a < rl; ++a) {
        double sum = 0;
        for (Index b = 0; b < rr; ++b) sum += gk[a * rr + b] * in[b];
        out[a] = sum;
      }
    }
    // ∂_k and ∂²_k replace G_k by G_k′ or G_k″ between prefix_k and suffix_{k+1}.
    double lap = 0;
    for (std::size_t k = 0; k < d; ++k) {
      const Index rl = cores[k].rl, rr = cores[k].rr;
      const double* left = prefix.data() + vec_offset[k];
      const double* right = suffix.data() + vec_offset[k + 1];
      const double* d1 = g1.data() + offset[k];
      const double* d2 = g2.data() + offset[k];
      double first = 0, second = 0;
      for (Index a = 0; a < rl; ++a)
        for (Index b = 0; b < rr; ++b) {
          const double lr = left[a] * right[b];
          first += lr * d1[a * rr + b];
          second += lr * d2[a * rr + b];
        }
      if (gradient) (*gradient)(i, static_cast<Index>(k)) = first;
      lap += second;
    }
    if (laplacian) (*laplacian)[i] = lap;
  }
}

double FunctionalTT::norm() const {
  FunctionalTT copy = *this;
  for (std::size_t k = copy.dim(); k-- > 1;) copy.right_orthogonalize(k);
  return copy.cores_[0].norm();
}

void FunctionalTT::left_orthogonalize(std::size_t k) {
  Eigen::MatrixXd& c = cores_[k];
  // A bond wider than r_{k−1}·n (e.g. after a blend) shrinks to it here: the
  // thin QR keeps min(rows, cols) directions, which span everything.
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(c);
  const Index rows = c.rows(), keep = std::min(rows, c.cols());
  const Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(rows, keep);
  const Eigen::MatrixXd r = qr.matrixQR().topRows(keep).triangularView<Eigen::Upper>();
  c = q;
  if (k + 1 < dim()) cores_[k + 1] = mix_left_rank(cores_[k + 1], r, basis_size());
  else c *= r(0, 0);  // the last core keeps the norm
}

void FunctionalTT::right_orthogonalize(std::size_t k) {
  const std::size_t n = basis_size();
  const Eigen::MatrixXd unfolded = right_unfolding(cores_[k], n).transpose();  // (n·r_r) × r_l
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(unfolded);
  const Index rows = unfolded.rows(), keep = std::min(rows, unfolded.cols());
  const Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(rows, keep);
  const Eigen::MatrixXd r = qr.matrixQR().topRows(keep).triangularView<Eigen::Upper>();
  cores_[k] = from_right_unfolding(q.transpose(), n);
  if (k > 0) cores_[k - 1] = cores_[k - 1] * r.transpose();
  else cores_[k] *= r(0, 0);
}

FunctionalTT FunctionalTT::blend(double alpha, const FunctionalTT& other, double beta) const {
  if (other.dim() != dim() || other.basis_size() != basis_size())
    throw std::invalid_argument("ftt: blending trains of different shapes");
  const std::size_t d = dim();
  const Index n = static_cast<Index>(basis_size());
  std::vector<Eigen::MatrixXd> cores(d);
  if (d == 1) {
    cores[0] = alpha * cores_[0] + beta * other.cores_[0];
    return FunctionalTT(basis_, std::move(cores));
  }
  for (std::size_t k = 0; k < d; ++k) {
    const Eigen::MatrixXd &a = cores_[k], &b = other.cores_[k];
    const Index la = a.rows() / n, lb = b.rows() / n;
    if (k == 0) {  // [αA  βB]
      cores[k].resize(n, a.cols() + b.cols());
      cores[k] << alpha * a, beta * b;
    } else if (k + 1 == d) {  // [A; B] stacked on the left rank
      cores[k].resize((la + lb) * n, 1);
      cores[k] << a, b;
    } else {  // block diagonal in (left, right) rank, shared basis index
      cores[k] = Eigen::MatrixXd::Zero((la + lb) * n, a.cols() + b.cols());
      cores[k].topLeftCorner(la * n, a.cols()) = a;
      cores[k].bottomRightCorner(lb * n, b.cols()) = b;
    }
  }
  return FunctionalTT(basis_, std::move(cores));
}

void FunctionalTT::round(double tol, std::size_t max_rank) {
  const std::size_t d = dim();
  if (d == 1) return;
  for (std::size_t k = d; k-- > 1;) right_orthogonalize(k);
  const double total = cores_[0].norm();
  const double delta = tol * total / std::sqrt(static_cast<double>(d - 1));
  for (std::size_t k = 0; k + 1 < d; ++k) {
    Eigen::BDCSVD<Eigen::MatrixXd> svd(cores_[k], Eigen::ComputeThinU | Eigen::ComputeThinV);
    const Eigen::VectorXd& s = svd.singularValues();
    // Smallest rank whose discarded tail is within delta.
    Index keep = s.size();
    double tail = 0;
    while (keep > 1 && tail + s[keep - 1] * s[keep - 1] <= delta * delta) tail += s[keep - 1] * s[keep - 1], --keep;
    if (max_rank > 0) keep = std::min<Index>(keep, static_cast<Index>(max_rank));
    keep = std::max<Index>(keep, 1);
    cores_[k] = svd.matrixU().leftCols(keep);
    const Eigen::MatrixXd sv = s.head(keep).asDiagonal() * svd.matrixV().leftCols(keep).transpose();
    cores_[k + 1] = mix_left_rank(cores_[k + 1], sv, basis_size());
  }
}

void FunctionalTT::grow_ranks(std::size_t grow, std::size_t max_rank, std::mt19937_64& rng) {
  const std::size_t d = dim(), n = basis_size();
  std::normal_distribution<double> normal;
  for (std::size_t bond = 1; bond < d; ++bond) {
    Eigen::MatrixXd &left = cores_[bond - 1], &right = cores_[bond];
    const auto r = static_cast<std::size_t>(left.cols());
    std::size_t target = std::min({r + grow, feasible_rank(bond), left_rank(bond - 1) * n,
                                   static_cast<std::size_t>(right.cols()) * n});
    if (max_rank > 0) target = std::min(target, max_rank);
    if (target <= r) continue;
    const Index extra = static_cast<Index>(target - r);
    // Tiny random new left columns and zero new right rows: φ is unchanged, and
    // the QR moves of the next ALS sweep turn the columns into fresh directions.
    const double scale = 1e-8 * std::max(left.norm(), 1.0);
    Eigen::MatrixXd new_left(left.rows(), left.cols() + extra);
    new_left.leftCols(left.cols()) = left;
    for (Index i = 0; i < new_left.rows(); ++i)
      for (Index j = left.cols(); j < new_left.cols(); ++j) new_left(i, j) = scale * normal(rng);
    left = std::move(new_left);
    Eigen::MatrixXd new_right = Eigen::MatrixXd::Zero(right.rows() + extra * static_cast<Index>(n), right.cols());
    new_right.topRows(right.rows()) = right;
    right = std::move(new_right);
  }
}

// ------------------------------------------------------------------ ALS

namespace {

// Per-sample data of one ALS fit: basis values at each coordinate and the
// interface vectors around the core being solved.
struct AlsState {
  std::size_t n = 0, d = 0;
  Index samples = 0;
  std::vector<RowMatrixXd> psi, delta;  // per dim {N, n}: ψ_j(x_k) and c2 ψ_j″ − g_k ψ_j′
  std::vector<RowMatrixXd> left_value, left_op, right_value, right_op;  // per bond {N, r}
  Eigen::VectorXd sqrt_w, rhs;
  double value_coeff = 0;
};

AlsState prepare(const FunctionalTT& phi, const AlsProblem& pb) {
  AlsState s;
  s.n = phi.basis_size();
  s.d = phi.dim();
  const RowMatrixXd& x = *pb.x;
  s.samples = x.rows();
  if (static_cast<std::size_t>(x.cols()) != s.d || pb.rhs->size() != s.samples ||
      (pb.drift && (pb.drift->rows() != s.samples || pb.drift->cols() != x.cols())) ||
      (pb.weights && pb.weights->size() != s.samples))
    throw std::invalid_argument("ftt: ALS problem arrays disagree in shape");
  s.psi.resize(s.d);
  s.delta.resize(s.d);
  std::vector<double> v(s.n), d1(s.n), d2(s.n);
  for (std::size_t k = 0; k < s.d; ++k) {
    s.psi[k].resize(s.samples, static_cast<Index>(s.n));
    s.delta[k].resize(s.samples, static_cast<Index>(s.n));
    for (Index i = 0; i < s.samples; ++i) {
      phi.basis().eval(x(i, static_cast<Index>(k)), v.data(), d1.data(), d2.data());
      const double g = pb.drift ? (*pb.drift)(i, static_cast<Index>(k)) : 0.0;
      for (std::size_t j = 0; j < s.n; ++j) {
        s.psi[k](i, static_cast<Index>(j)) = v[j];
        s.delta[k](i, static_cast<Index>(j)) = pb.laplace_coeff * d2[j] - g * d1[j];
      }
    }
  }
  s.sqrt_w = pb.weights ? Eigen::VectorXd(pb.weights->cwiseMax(0.0).cwiseSqrt()) : Eigen::VectorXd::Ones(s.samples);
  s.rhs = *pb.rhs;
  s.value_coeff = pb.value_coeff;
  s.left_value.resize(s.d + 1);
  s.left_op.resize(s.d + 1);
  s.right_value.resize(s.d + 1);
  s.right_op.resize(s.d + 1);
  s.left_value[0] = RowMatrixXd::Ones(s.samples, 1);
  s.left_op[0] = RowMatrixXd::Zero(s.samples, 1);
  s.right_value[s.d] = RowMatrixXd::Ones(s.samples, 1);
  s.right_op[s.d] = RowMatrixXd::Zero(s.samples, 1);
  return s;
}

// Row i, column a·n + j: left(i, a) · basis(i, j).
RowMatrixXd row_kron(const RowMatrixXd& left, const RowMatrixXd& basis) {
  const Index rl = left.cols(), n = basis.cols();
  RowMatrixXd out(left.rows(), rl * n);
  for (Index a = 0; a < rl; ++a) out.middleCols(a * n, n) = basis.array().colwise() * left.col(a).array();
  return out;
}

// Interfaces after core k, from those before it.
void contract_left(AlsState& s, const Eigen::MatrixXd& core, std::size_t k) {
  const RowMatrixXd z = row_kron(s.left_value[k], s.psi[k]);
  const RowMatrixXd zq = row_kron(s.left_op[k], s.psi[k]) + row_kron(s.left_value[k], s.delta[k]);
  s.left_value[k + 1] = z * core;
  s.left_op[k + 1] = zq * core;
}

// Interfaces before core k, from those after it.
void contract_right(AlsState& s, const Eigen::MatrixXd& core, std::size_t k) {
  const RowMatrixXd w = s.right_value[k + 1] * core.transpose();  // (i, a·n + j)
  const RowMatrixXd wu = s.right_op[k + 1] * core.transpose();
  const Index rl = core.rows() / static_cast<Index>(s.n), n = static_cast<Index>(s.n);
  s.right_value[k].resize(s.samples, rl);
  s.right_op[k].resize(s.samples, rl);
  for (Index a = 0; a < rl; ++a) {
    const auto wa = w.middleCols(a * n, n).array(), wua = wu.middleCols(a * n, n).array();
    s.right_value[k].col(a) = (wa * s.psi[k].array()).rowwise().sum();
    s.right_op[k].col(a) = (wa * s.delta[k].array() + wua * s.psi[k].array()).rowwise().sum();
  }
}

// The design matrix of core k: column (a·n + j)·r_r + b.
RowMatrixXd design(const AlsState& s, std::size_t k) {
  const RowMatrixXd z = row_kron(s.left_value[k], s.psi[k]);
  const RowMatrixXd zq = row_kron(s.left_op[k] + s.value_coeff * s.left_value[k], s.psi[k]) +
                         row_kron(s.left_value[k], s.delta[k]);
  const RowMatrixXd &sr = s.right_value[k + 1], &ur = s.right_op[k + 1];
  const Index cols = z.cols(), rr = sr.cols();
  RowMatrixXd a(s.samples, cols * rr);
  for (Index c = 0; c < cols; ++c)
    a.middleCols(c * rr, rr) = (sr.array().colwise() * zq.col(c).array() + ur.array().colwise() * z.col(c).array());
  return a;
}

// Solves core k in place; returns the weighted squared residual of the fit.
double solve_core(AlsState& s, FunctionalTT& phi, std::size_t k, double ridge) {
  RowMatrixXd a = design(s, k);
  a.array().colwise() *= s.sqrt_w.array();
  const Eigen::VectorXd b = s.rhs.cwiseProduct(s.sqrt_w);
  Eigen::MatrixXd normal = Eigen::MatrixXd::Zero(a.cols(), a.cols());
  normal.selfadjointView<Eigen::Lower>().rankUpdate(a.transpose());
  normal = normal.selfadjointView<Eigen::Lower>();
  // λ = ridge · Σ w f²: the penalty on the coefficient tensor (the H² norm, with
  // the other cores orthonormal) is measured against the residual of φ = 0, so
  // the ridge means the same whatever the scale of f.
  normal.diagonal().array() += ridge * std::max(b.squaredNorm(), std::numeric_limits<double>::min());
  const Eigen::VectorXd c = normal.ldlt().solve(a.transpose() * b);
  Eigen::MatrixXd& core = phi.core(k);
  for (Index row = 0; row < core.rows(); ++row)
    for (Index col = 0; col < core.cols(); ++col) core(row, col) = c[row * core.cols() + col];
  return (a * c - b).squaredNorm();
}

}  // namespace

double fit_als(FunctionalTT& phi, const AlsProblem& problem, const AlsOptions& options) {
  AlsState s = prepare(phi, problem);
  const std::size_t d = s.d;
  for (std::size_t k = d; k-- > 1;) {
    phi.right_orthogonalize(k);
    contract_right(s, phi.core(k), k);
  }
  double residual = 0;
  for (int sweep = 0; sweep < options.sweeps; ++sweep) {
    for (std::size_t k = 0; k + 1 < d; ++k) {
      solve_core(s, phi, k, options.ridge);
      phi.left_orthogonalize(k);
      contract_left(s, phi.core(k), k);
    }
    for (std::size_t k = d - 1; k > 0; --k) {
      solve_core(s, phi, k, options.ridge);
      phi.right_orthogonalize(k);
      contract_right(s, phi.core(k), k);
    }
  }
  residual = solve_core(s, phi, 0, options.ridge);
  const double scale = s.rhs.cwiseProduct(s.sqrt_w).squaredNorm();
  return scale > 0 ? residual / scale : residual;
}

Eigen::VectorXd apply_operator(const FunctionalTT& phi, const AlsProblem& pb) {
  Eigen::VectorXd value, lap;
  RowMatrixXd grad;
  phi.evaluate(*pb.x, &value, &grad, &lap);
  Eigen::VectorXd out = pb.value_coeff * value + pb.laplace_coeff * lap;
  if (pb.drift) out -= grad.cwiseProduct(*pb.drift).rowwise().sum();
  return out;
}

namespace {

// The edge profile of transport_rk4's cut-off along one axis: c(v) and c′(v). A quintic
// smoothstep (C²: the log det's integrand stays continuous) over the margin m.
double edge_profile(double v, double lo, double hi, double m, double* slope) {
  *slope = 0;
  if (v <= lo || v >= hi) return 0;
  double u, sign;
  if (v < lo + m) {
    u = (v - lo) / m, sign = 1;
  } else if (v > hi - m) {
    u = (hi - v) / m, sign = -1;
  } else {
    return 1;
  }
  *slope = sign * 30 * u * u * (1 - u) * (1 - u) / m;
  return u * u * u * (u * (6 * u - 15) + 10);
}

// The cut-off of transport_rk4 (ftt.hpp) on the box [lo, hi]^d with margin m:
// turns velocity (rows ∇φ at the rows of x) and divergence (Δφ) into those of χ∇φ.
void apply_box_taper(double lo, double hi, double m, const RowMatrixXd& x, RowMatrixXd& velocity,
                     Eigen::VectorXd& divergence) {
  const Eigen::Index n = x.rows(), d = x.cols();
  std::vector<double> c(static_cast<std::size_t>(d)), slope(static_cast<std::size_t>(d));
  for (Eigen::Index i = 0; i < n; ++i) {
    double chi = 1;
    for (Eigen::Index k = 0; k < d; ++k) chi *= c[k] = edge_profile(x(i, k), lo, hi, m, &slope[k]);
    // div(χ∇φ) = χΔφ + ∇χ·∇φ, ∂_k χ = c′(x_k) Π_{j≠k} c(x_j).
    double gradient_term = 0;
    for (Eigen::Index k = 0; k < d; ++k) {
      if (slope[k] == 0) continue;
      double others = 1;
      for (Eigen::Index j = 0; j < d; ++j)
        if (j != k) others *= c[j];
      gradient_term += slope[k] * others * velocity(i, k);
    }
    divergence[i] = chi * divergence[i] + gradient_term;
    velocity.row(i) *= chi;
  }
}

}  // namespace

Eigen::VectorXd transport_rk4(const FunctionalTT& phi, RowMatrixXd& x, double dt, std::size_t substeps,
                              double taper_fraction) {
  const double h = dt / static_cast<double>(substeps);
  const double lo = phi.basis().low(), hi = phi.basis().high(), margin = taper_fraction * (hi - lo);
  Eigen::VectorXd log_det = Eigen::VectorXd::Zero(x.rows());
  RowMatrixXd stage, k1, k2, k3, k4;
  Eigen::VectorXd l1, l2, l3, l4;
  auto velocity = [&](const RowMatrixXd& at, RowMatrixXd& k, Eigen::VectorXd& l) {
    phi.evaluate(at, nullptr, &k, &l);
    if (taper_fraction > 0) apply_box_taper(lo, hi, margin, at, k, l);
  };
  for (std::size_t s = 0; s < substeps; ++s) {
    velocity(x, k1, l1);
    stage = x + 0.5 * h * k1;
    velocity(stage, k2, l2);
    stage = x + 0.5 * h * k2;
    velocity(stage, k3, l3);
    stage = x + h * k3;
    velocity(stage, k4, l4);
    x += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
    log_det += h / 6 * (l1 + 2 * l2 + 2 * l3 + l4);
  }
  return log_det;
}

// ------------------------------------------------------------------ component

FttSettings FttSettings::from_artifact(const Artifact& a, const std::string& who) {
  if (!a.strings().count("model") || a.string("model") != "ftt")
    throw std::invalid_argument(who + ": the input is not a ttflow/ftt node (no string model = ftt)");
  FttSettings s;
  s.rank = static_cast<std::size_t>(a.scalar("rank"));
  s.ema = a.scalar("ema");
  s.tol = a.scalar("tol");
  s.max_rank = static_cast<std::size_t>(a.scalar("max_rank"));
  s.grow = static_cast<std::size_t>(a.scalar("grow"));
  s.als.sweeps = static_cast<int>(a.scalar("sweeps"));
  s.als.ridge = a.scalar("ridge");
  return s;
}

namespace {

class FttComponent : public Component {
 public:
  Artifact run(const Inputs&, const Params& p, Context&) override {
    Artifact a;
    a.set_string("model", "ftt");
    a.set_scalar("rank", static_cast<double>(p.get_int("rank")));
    a.set_scalar("ema", p.get_double("ema"));
    a.set_scalar("tol", p.get_double("tol"));
    a.set_scalar("max_rank", static_cast<double>(p.get_int("max_rank")));
    a.set_scalar("grow", static_cast<double>(p.get_int("grow")));
    a.set_scalar("sweeps", static_cast<double>(p.get_int("sweeps")));
    a.set_scalar("ridge", p.get_double("ridge"));
    return a;
  }
};

}  // namespace

REPRISE_COMPONENT(FttComponent, "ttflow/ftt", "1",
                  "functional tensor train for the flow's potential: ALS settings and rank mode (fixed or "
                  "adaptive by EMA + TT-SVD rounding)",
                  param_int("rank", 0, "bond rank; 0: adaptive (grow, blend by EMA, round to tol)").range(0, 256),
                  param_double("ema", 0.8, "weight of the new ALS solution in the moving average (1: no averaging)")
                      .range(1e-6, 1.0),
                  param_double("tol", 1e-2, "relative Frobenius tolerance of the rounding (adaptive ranks)")
                      .range(0.0, 1.0),
                  param_int("max_rank", 0, "cap on adaptive ranks; 0: none beyond what the dimension allows")
                      .range(0, 256),
                  param_int("grow", 1, "directions added to every bond before each fit (adaptive ranks)").range(0, 16),
                  param_int("sweeps", 2, "ALS forward+backward sweeps per fit").range(1, 50),
                  param_double("ridge", 1e-6,
                               "weight of the squared H² norm of φ against the residual of φ = 0 in each core solve "
                               "(removes the operator's near-null directions on a finite sample)")
                      .range(0.0, 1.0),
                  output("model", "string: ftt"), output("rank", "scalar"), output("ema", "scalar"),
                  output("tol", "scalar"), output("max_rank", "scalar"), output("grow", "scalar"),
                  output("sweeps", "scalar"), output("ridge", "scalar"))

}  // namespace reprise
