// Test helper: small Ising models handled exactly by enumerating all 2^p states.
// Shared by the learner/grise and sampler/gibbs tests, so both check against the
// same ground truth and neither depends on dataset/ising.
//
// State s ∈ [0, 2^p) encodes spin i as bit i of s: set = +1, clear = −1.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#include "framework/core/artifact.hpp"

namespace ising_exact {

struct Model {
  std::size_t p = 0;
  std::vector<double> J;  // {p, p}, symmetric, zero diagonal
  std::vector<double> h;  // {p}
};

// Couplings on each pair with probability `density`, magnitude uniform in
// [0.5, 1] * coupling and random sign; fields uniform in [−field, field].
inline Model random_model(std::size_t p, std::uint64_t seed, double coupling = 0.5, double field = 0.2,
                          double density = 0.5) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  Model m;
  m.p = p;
  m.J.assign(p * p, 0.0);
  m.h.resize(p);
  for (std::size_t i = 0; i < p; ++i)
    for (std::size_t j = i + 1; j < p; ++j) {
      if (unit(rng) >= density) continue;
      const double magnitude = coupling * (0.5 + 0.5 * unit(rng));
      const double w = unit(rng) < 0.5 ? -magnitude : magnitude;
      m.J[i * p + j] = m.J[j * p + i] = w;
    }
  for (std::size_t i = 0; i < p; ++i) m.h[i] = field * (2.0 * unit(rng) - 1.0);
  return m;
}

inline int spin(std::uint64_t state, std::size_t i) { return (state >> i) & 1u ? 1 : -1; }

// Σ_{i<j} J_ij x_i x_j + Σ_i h_i x_i of one state.
inline double log_weight(const Model& m, std::uint64_t state) {
  double e = 0;
  for (std::size_t i = 0; i < m.p; ++i) {
    e += m.h[i] * spin(state, i);
    for (std::size_t j = i + 1; j < m.p; ++j) e += m.J[i * m.p + j] * spin(state, i) * spin(state, j);
  }
  return e;
}

// Normalised probabilities of all 2^p states.
inline std::vector<double> probabilities(const Model& m) {
  if (m.p > 20) throw std::invalid_argument("ising_exact: enumeration needs p <= 20");
  const std::uint64_t states = std::uint64_t{1} << m.p;
  std::vector<double> w(states);
  double top = -1e300;
  for (std::uint64_t s = 0; s < states; ++s) top = std::max(top, w[s] = log_weight(m, s));
  double z = 0;
  for (double& v : w) z += (v = std::exp(v - top));
  for (double& v : w) v /= z;
  return w;
}

// M independent exact samples as int8 ±1, {M, p} row-major, by inverting the CDF.
inline std::vector<std::int8_t> sample(const Model& m, std::size_t rows, std::uint64_t seed) {
  const std::vector<double> prob = probabilities(m);
  std::vector<double> cdf(prob.size());
  double acc = 0;
  for (std::size_t s = 0; s < prob.size(); ++s) cdf[s] = (acc += prob[s]);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<std::int8_t> x(rows * m.p);
  for (std::size_t r = 0; r < rows; ++r) {
    const double u = unit(rng) * acc;
    const auto s = static_cast<std::uint64_t>(
        std::min<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), u) - cdf.begin(), cdf.size() - 1));
    for (std::size_t i = 0; i < m.p; ++i) x[r * m.p + i] = static_cast<std::int8_t>(spin(s, i));
  }
  return x;
}

// E[x_i] and E[x_i x_j] (full {p, p} matrix, diagonal 1).
struct Moments {
  std::vector<double> first, second;
};

inline Moments exact_moments(const Model& m) {
  const std::vector<double> prob = probabilities(m);
  Moments mo{std::vector<double>(m.p, 0.0), std::vector<double>(m.p * m.p, 0.0)};
  for (std::uint64_t s = 0; s < prob.size(); ++s)
    for (std::size_t i = 0; i < m.p; ++i) {
      mo.first[i] += prob[s] * spin(s, i);
      for (std::size_t j = 0; j < m.p; ++j) mo.second[i * m.p + j] += prob[s] * spin(s, i) * spin(s, j);
    }
  return mo;
}

// Moments of a {rows, p} matrix of values, by the defining sums.
template <class T>
Moments sample_moments(const std::vector<T>& x, std::size_t rows, std::size_t p) {
  Moments mo{std::vector<double>(p, 0.0), std::vector<double>(p * p, 0.0)};
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t i = 0; i < p; ++i) {
      const double xi = static_cast<double>(x[r * p + i]);
      mo.first[i] += xi;
      for (std::size_t j = 0; j < p; ++j) mo.second[i * p + j] += xi * static_cast<double>(x[r * p + j]);
    }
  for (double& v : mo.first) v /= static_cast<double>(rows);
  for (double& v : mo.second) v /= static_cast<double>(rows);
  return mo;
}

inline reprise::Artifact samples_artifact(const std::vector<std::int8_t>& x, std::size_t rows, std::size_t p) {
  reprise::Artifact a;
  a.set_array("samples", reprise::Array::from<std::int8_t>({rows, p}, x));
  return a;
}

inline reprise::Artifact model_artifact(const Model& m) {
  reprise::Artifact a;
  a.set_array("J", reprise::Array::from<double>({m.p, m.p}, m.J));
  a.set_array("h", reprise::Array::from<double>({m.p}, m.h));
  return a;
}

}  // namespace ising_exact
