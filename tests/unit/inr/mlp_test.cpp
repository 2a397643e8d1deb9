#include "components/inr/mlp.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "tests/unit/inr/gradient_check.hpp"

using namespace reprise::inr;

TEST_CASE("SIREN gradient matches central finite differences") {
  MlpConfig c;
  c.input_dim = 3;
  c.width = 6;
  c.depth = 3;
  c.first_omega = 3;  // small ω keeps the finite differences well conditioned in float
  c.hidden_omega = 2;
  Mlp net(c, 7);
  check_gradient(net, 9, 11);
  check_gradient(net, 9, 12, /*weighted=*/true);  // the importance-reweighted loss
}

TEST_CASE("ReLU MLP with Fourier features: gradient matches finite differences") {
  MlpConfig c;
  c.input_dim = 2;
  c.width = 5;
  c.depth = 2;
  c.activation = Activation::Relu;
  c.fourier_features = 4;
  c.fourier_sigma = 1;
  Mlp net(c, 3);
  check_gradient(net, 7, 5);
}

TEST_CASE("Fourier features per axis: scaling B's column a by k_a is scaling input a by k_a") {
  MlpConfig c;
  c.input_dim = 3;
  c.width = 8;
  c.depth = 2;
  c.activation = Activation::Relu;
  c.fourier_features = 16;
  c.fourier_sigma = 1.5f;
  const Mlp isotropic(c, 11);
  c.fourier_axis_sigma = {1.5f, 1.5f, 1.5f};
  const Mlp same(c, 11);
  CHECK(std::ranges::equal(same.parameters(), isotropic.parameters()));
  const std::vector<float> k = {2.0f, 0.5f, 3.0f};
  c.fourier_axis_sigma = {1.5f * k[0], 1.5f * k[1], 1.5f * k[2]};
  const Mlp scaled(c, 11);
  CHECK(std::ranges::equal(scaled.parameters(), isotropic.parameters()));  // only B, which is not a parameter, differs

  std::mt19937_64 rng(5);
  std::uniform_real_distribution<float> u(-1, 1);
  Matrix x(3, 200), kx(3, 200);
  for (Eigen::Index j = 0; j < x.cols(); ++j)
    for (Eigen::Index a = 0; a < 3; ++a) x(a, j) = u(rng), kx(a, j) = k[static_cast<std::size_t>(a)] * x(a, j);
  std::vector<float> y_scaled(200), y_iso(200), y_same(200), y_plain(200);
  BatchRunner(scaled, 1, 64).predict(x, y_scaled.data());
  BatchRunner(isotropic, 1, 64).predict(kx, y_iso.data());
  BatchRunner(same, 1, 64).predict(x, y_same.data());
  BatchRunner(isotropic, 1, 64).predict(x, y_plain.data());
  CHECK(y_same == y_plain);
  double largest_change = 0;
  for (std::size_t j = 0; j < 200; ++j) {
    CHECK(y_scaled[j] == doctest::Approx(y_iso[j]).epsilon(1e-4).scale(1));  // B rounds differently in float
    largest_change = std::max(largest_change, static_cast<double>(std::abs(y_scaled[j] - y_plain[j])));
  }
  CHECK(largest_change > 1e-2);  // the scaling does change the function

  c.fourier_axis_sigma = {1, 2};
  CHECK_THROWS_AS(Mlp(c, 1), std::invalid_argument);
}

TEST_CASE("input_scale: a network on inputs x is the unscaled network on diag(s) x, gradients included") {
  MlpConfig c;
  c.input_dim = 3;
  c.width = 6;
  c.depth = 2;
  c.first_omega = 3;
  c.hidden_omega = 2;
  const Mlp plain(c, 9);
  c.input_scale = {0.25f, 1.0f, 3.0f};
  Mlp scaled(c, 9);
  CHECK(std::ranges::equal(scaled.parameters(), plain.parameters()));  // the scale is not a parameter

  const ScaledPoints p = scaled_points(c.input_scale, 40, 2);
  check_scaled_equals_plain(scaled, plain, p);

  // The input gradient carries the chain rule's factor: dL/dx = diag(s) dL/d(sx).
  Workspace ws_scaled, ws_plain;
  Eigen::VectorXf grad = Eigen::VectorXf::Zero(static_cast<Eigen::Index>(plain.parameters().size()));
  Matrix d_out = Matrix::Ones(1, p.x.cols()), dx_scaled(3, p.x.cols()), dx_plain(3, p.x.cols());
  scaled.outputs(p.x, ws_scaled);
  scaled.backward(p.x, d_out, grad.data(), ws_scaled, &dx_scaled);
  plain.outputs(p.sx, ws_plain);
  plain.backward(p.sx, d_out, grad.data(), ws_plain, &dx_plain);
  for (Eigen::Index a = 0; a < 3; ++a)
    for (Eigen::Index j = 0; j < p.x.cols(); ++j)
      CHECK(dx_scaled(a, j) == doctest::Approx(c.input_scale[static_cast<std::size_t>(a)] * dx_plain(a, j)).epsilon(1e-5));
  check_gradient(scaled, 9, 4);

  c.input_scale = {1, 2};
  CHECK_THROWS_AS(Mlp(c, 1), std::invalid_argument);
  c.input_scale = {1, 0, 2};
  CHECK_THROWS_AS(Mlp(c, 1), std::invalid_argument);
}

TEST_CASE("BatchRunner gives the same gradient bits for 1 and 2 threads and equals one big micro-batch") {
  MlpConfig c;
  c.width = 16;
  c.depth = 2;
  Mlp net(c, 1);
  std::mt19937_64 rng(2);
  std::uniform_real_distribution<float> u(-1, 1);
  Matrix x(3, 1000);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = u(rng);
  std::vector<float> t(1000);
  for (float& v : t) v = u(rng);
  const std::size_t n = net.parameters().size();
  std::vector<float> g1(n), g2(n), g_whole(n);
  BatchRunner one(net, 1, 64), two(net, 2, 64), whole(net, 1, 4096);
  const double l1 = one.gradient(x, t.data(), g1);
  const double l2 = two.gradient(x, t.data(), g2);
  const double lw = whole.gradient(x, t.data(), g_whole);
  CHECK(l1 == l2);
  CHECK(g1 == g2);
  CHECK(lw == doctest::Approx(l1).epsilon(1e-5));
  for (std::size_t i = 0; i < n; ++i) CHECK(g_whole[i] == doctest::Approx(g1[i]).epsilon(1e-3).scale(1e-3));
  std::vector<float> y1(1000), y2(1000);
  one.predict(x, y1.data());
  two.predict(x, y2.data());
  CHECK(y1 == y2);
}

TEST_CASE("Adam's first step moves every parameter by the learning rate against the gradient's sign") {
  Adam adam(3);
  std::vector<float> p{1, 2, 3}, g{0.5f, -2.0f, 1e-3f};
  adam.step(p, g, 0.1f);
  CHECK(p[0] == doctest::Approx(0.9));
  CHECK(p[1] == doctest::Approx(2.1));
  CHECK(p[2] == doctest::Approx(2.9).epsilon(1e-4));
}

TEST_CASE("float16 conversion rounds to nearest and round-trips representable values") {
  CHECK(from_half(to_half(1.0f)) == 1.0f);
  CHECK(from_half(to_half(-0.5f)) == -0.5f);
  CHECK(to_half(1.0f) == 0x3c00);
  CHECK(from_half(to_half(65504.0f)) == 65504.0f);
  const float third = 1.0f / 3;
  CHECK(std::abs(from_half(to_half(third)) - third) <= third * std::ldexp(1.0f, -11));
}
