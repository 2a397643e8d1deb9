// Finite-difference check of a Network's backward pass, shared by the INR tests.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "components/inr/mlp.hpp"

namespace reprise::inr {

// ½ Σ w_j (f(x_j) - t_j)² evaluated in double from float predictions (w_j = 1 when w is empty).
inline double half_squared_error(const Network& net, const Matrix& x, const std::vector<float>& t,
                                 const std::vector<float>& w = {}) {
  Workspace ws;
  std::vector<float> y(static_cast<std::size_t>(x.cols()));
  net.predict(x, y.data(), ws);
  double s = 0;
  for (std::size_t j = 0; j < y.size(); ++j)
    s += 0.5 * (w.empty() ? 1.0 : double(w[j])) * (double(y[j]) - t[j]) * (double(y[j]) - t[j]);
  return s;
}

// Compares the analytic gradient of ½ Σ w (f - t)² on `points` random points with
// central differences for every parameter (float networks: step 1e-2 relative,
// tolerance a few percent of the largest gradient entry). weighted: per-point
// loss weights w in [0.1, 3] (the importance-reweighted loss); else w = 1.
inline void check_gradient(Network& net, int points, std::uint64_t seed, bool weighted = false) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  Matrix x(net.input_dim(), points);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = u(rng);
  std::vector<float> t(static_cast<std::size_t>(points));
  for (float& v : t) v = u(rng);
  std::vector<float> w;
  if (weighted)
    for (int j = 0; j < points; ++j) w.push_back(0.1f + 1.45f * (u(rng) + 1));

  std::vector<float> grad(net.parameters().size(), 0.0f);
  Workspace ws;
  const double loss = net.accumulate_gradient(x, t.data(), grad.data(), ws, weighted ? w.data() : nullptr);
  CHECK(loss / 2 == doctest::Approx(half_squared_error(net, x, t, w)).epsilon(1e-4));

  double largest = 0;
  for (float g : grad) largest = std::max(largest, double(std::abs(g)));
  REQUIRE(largest > 0);
  auto params = net.parameters();
  int checked = 0;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const float saved = params[i];
    const float h = 1e-2f * std::max(1.0f, std::abs(saved));
    params[i] = saved + h;
    const double up = half_squared_error(net, x, t, w);
    params[i] = saved - h;
    const double down = half_squared_error(net, x, t, w);
    params[i] = saved;
    const double numeric = (up - down) / (2.0 * (double(saved + h) - double(saved)));
    INFO("parameter " << i << " of " << params.size());
    CHECK(grad[i] == doctest::Approx(numeric).epsilon(0.05).scale(0.02 * largest));
    ++checked;
  }
  CHECK(checked == static_cast<int>(params.size()));
}

// Random points x in [-1, 1]^dim (dim = scale.size()), their images diag(scale) x,
// and random targets.
struct ScaledPoints {
  Matrix x, sx;
  std::vector<float> t;
};
inline ScaledPoints scaled_points(const std::vector<float>& scale, int points, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  const auto dim = static_cast<Eigen::Index>(scale.size());
  ScaledPoints p{Matrix(dim, points), Matrix(dim, points), std::vector<float>(static_cast<std::size_t>(points))};
  for (Eigen::Index j = 0; j < points; ++j) {
    for (Eigen::Index a = 0; a < dim; ++a) p.x(a, j) = u(rng), p.sx(a, j) = scale[static_cast<std::size_t>(a)] * p.x(a, j);
    p.t[static_cast<std::size_t>(j)] = u(rng);
  }
  return p;
}

// A network with input_scale s must be the same network without it, fed
// diag(s) x: the same loss and the same parameter gradient.
inline void check_scaled_equals_plain(const Network& scaled, const Network& plain, const ScaledPoints& p) {
  Workspace ws_scaled, ws_plain;
  Eigen::VectorXf g_scaled = Eigen::VectorXf::Zero(static_cast<Eigen::Index>(plain.parameters().size()));
  Eigen::VectorXf g_plain = g_scaled;
  const double loss_scaled = scaled.accumulate_gradient(p.x, p.t.data(), g_scaled.data(), ws_scaled);
  const double loss_plain = plain.accumulate_gradient(p.sx, p.t.data(), g_plain.data(), ws_plain);
  CHECK(loss_scaled == doctest::Approx(loss_plain).epsilon(1e-6));
  CHECK((g_scaled - g_plain).cwiseAbs().maxCoeff() <= 1e-5f * g_plain.cwiseAbs().maxCoeff());
}

}  // namespace reprise::inr
