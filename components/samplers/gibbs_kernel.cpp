#include "components/samplers/gibbs_kernel.hpp"

#include <cmath>
#include <stdexcept>

namespace reprise::gibbs {
namespace {

// Two uniforms in [0, 1) from one 64-bit draw, one per 32-bit half. The
// generator is the largest cost of a sweep (about half of it at one draw per
// update), and a 2^-32 grid for u moves a heat-bath probability by at most
// 2.3e-10, far below any Monte Carlo error.
inline double upper_uniform(std::uint64_t r) { return static_cast<double>(r >> 32) * 0x1.0p-32; }
inline double lower_uniform(std::uint64_t r) { return static_cast<double>(r & 0xffffffffu) * 0x1.0p-32; }

void fill_uniforms(std::vector<double>& u, Rng& rng) {
  std::size_t c = 0;
  for (; c + 1 < u.size(); c += 2) {
    const std::uint64_t r = rng();
    u[c] = upper_uniform(r);
    u[c + 1] = lower_uniform(r);
  }
  if (c < u.size()) u[c] = upper_uniform(rng());
}

// Heat bath: +1 with probability 1 / (1 + e), e = exp(−2 field), i.e. when
// d = u (1 + e) − 1 < 0 (no division). The spin is −sign(d), taken with copysign
// rather than a conditional: the outcome is a coin flip that a branch would
// mispredict half the time, and GCC compiles `cond ? 1 : -1` here to a branch.
// d = +0 gives −1 as `<` demands (IEEE subtraction never yields −0), and a tiny
// negative d stays negative (−0) when rounded to float.
inline float heat_bath(double u, double e) {
  const double d = u * (1.0 + e) - 1.0;
  return -std::copysign(1.0f, static_cast<float>(d));
}

}  // namespace

SparseIsing sparse_ising(std::size_t p, const std::vector<double>& j, const std::vector<double>& h) {
  SparseIsing m;
  m.p = p;
  m.offset.push_back(0);
  for (std::size_t a = 0; a < p; ++a) {
    if (!std::isfinite(h[a])) throw std::invalid_argument("the fields h are not finite");
    m.h.push_back(static_cast<float>(h[a]));
    for (std::size_t b = 0; b < p; ++b) {
      const double w = 0.5 * (j[a * p + b] + j[b * p + a]);
      if (!std::isfinite(w)) throw std::invalid_argument("the couplings J are not finite");
      if (b == a || w == 0.0) continue;
      m.index.push_back(b);
      m.weight.push_back(static_cast<float>(w));
    }
    m.offset.push_back(m.index.size());
  }
  return m;
}

void sweep_systematic(const SparseIsing& m, SpinRows& x, Rng& rng, SweepScratch& s) {
  const Eigen::Index n = x.cols();
  s.field.resize(n);
  s.e.resize(n);
  s.u.resize(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < m.p; ++i) {
    s.field.setConstant(m.h[i]);
    for (std::size_t k = m.offset[i]; k < m.offset[i + 1]; ++k)
      s.field += m.weight[k] * x.row(static_cast<Eigen::Index>(m.index[k])).array();
    s.e = (-2.0f * s.field).exp();
    fill_uniforms(s.u, rng);  // the one serial part
    float* xi = x.row(static_cast<Eigen::Index>(i)).data();
    for (Eigen::Index c = 0; c < n; ++c) xi[c] = heat_bath(s.u[static_cast<std::size_t>(c)], s.e(c));
  }
}

// The upper half of a draw picks the site by a multiply-shift (Lemire), whose
// bias p / 2^32 is nil; the lower half is the heat-bath uniform.
void sweep_random(const SparseIsing& m, SpinRows& x, Rng& rng) {
  const Eigen::Index n = x.cols();
  for (Eigen::Index c = 0; c < n; ++c) {
    for (std::size_t step = 0; step < m.p; ++step) {
      const std::uint64_t r = rng();
      const auto i = static_cast<std::size_t>(((r >> 32) * m.p) >> 32);
      double field = m.h[i];
      for (std::size_t k = m.offset[i]; k < m.offset[i + 1]; ++k)
        field += m.weight[k] * x(static_cast<Eigen::Index>(m.index[k]), c);
      x(static_cast<Eigen::Index>(i), c) = heat_bath(lower_uniform(r), std::exp(-2.0 * field));
    }
  }
}

void randomise(SpinRows& x, Rng& rng) {
  std::uint64_t bits = 0;
  int left = 0;
  for (Eigen::Index c = 0; c < x.cols(); ++c)
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      if (left == 0) {
        bits = rng();
        left = 64;
      }
      x(i, c) = (bits & 1u) ? 1.0f : -1.0f;
      bits >>= 1;
      --left;
    }
}

void store(const SpinRows& x, std::size_t first, std::int8_t* out) {
  const auto p = static_cast<std::size_t>(x.rows());
  for (Eigen::Index c = 0; c < x.cols(); ++c)
    for (std::size_t i = 0; i < p; ++i)
      out[(first + static_cast<std::size_t>(c)) * p + i] = x(static_cast<Eigen::Index>(i), c) > 0 ? 1 : -1;
}

}  // namespace reprise::gibbs
