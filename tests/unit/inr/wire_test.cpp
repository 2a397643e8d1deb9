#include "components/inr/wire_network.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "components/inr/trainer.hpp"
#include "tests/unit/inr/gradient_check.hpp"

using namespace reprise::inr;

TEST_CASE("WIRE's complex Gabor network: gradient matches central finite differences") {
  WireConfig c;
  c.input_dim = 3;
  c.width = 4;
  c.depth = 3;
  c.omega = 2;  // small ω and s keep float finite differences well conditioned
  c.scale = 0.7f;
  WireNet net(c, 5);
  check_gradient(net, 8, 13);
  check_gradient(net, 8, 14, /*weighted=*/true);
}

TEST_CASE("WIRE with input_scale is the unscaled network on diag(s) x, gradients included") {
  WireConfig c;
  c.input_dim = 3;
  c.width = 4;
  c.depth = 2;
  c.omega = 2;
  c.scale = 0.7f;
  WireNet plain(c, 6);
  c.input_scale = {0.5f, 1.0f, 0.0625f};
  WireNet scaled(c, 6);
  // The initial first-layer biases depend on the input box (each window is centred
  // in it), so the comparison is made with the same parameters in both.
  std::ranges::copy(scaled.parameters(), plain.parameters().begin());
  check_scaled_equals_plain(scaled, plain, scaled_points(c.input_scale, 30, 8));
  check_gradient(scaled, 8, 15);
  c.input_scale = {1, 1};
  CHECK_THROWS_AS(WireNet(c, 1), std::invalid_argument);
}

TEST_CASE("WIRE starts with every first-layer window inside the input box and hidden units not silenced") {
  WireConfig c;
  c.input_dim = 3;
  c.width = 256;
  c.depth = 2;
  c.omega = 20;
  c.scale = 20;
  c.input_scale = {1.0f, 0.77f, 0.06f};  // a 249 x 192 x 16 grid on isotropic coordinates
  const WireNet net(c, 9);
  const auto p = net.parameters();
  // Layout: first layer W (256 x 3, column-major), b (256); then layer 1's real part.
  double centred = 0, widest = 0;
  for (int j = 0; j < c.width; ++j) {
    double reach = 0;  // max over the box of |w_j . x|
    for (int a = 0; a < 3; ++a) reach += std::abs(p[j + a * c.width]) * c.input_scale[a];
    const double b = p[3 * c.width + j];
    CHECK(std::abs(b) <= reach + 1e-6);  // the plane w_j . x + b_j = 0 crosses the box
    centred += std::abs(b) / reach;
    widest = std::max(widest, std::abs(b) / reach);
  }
  // Centres spread over the box, not all at its middle: E|b| / reach is 1/4 to 1/2
  // for a uniform centre (1/2 for one dominant axis, less when axes mix).
  CHECK(centred / c.width > 0.15);
  CHECK(widest > 0.6);
  // A hidden bias moves the Gaussian window exp(-s^2 b^2); the bound keeps it >= e^-1.
  const std::size_t hidden_bias = 4 * c.width + c.width * c.width;
  for (int j = 0; j < c.width; ++j) CHECK(c.scale * std::abs(p[hidden_bias + j]) <= 1.0f);
}

TEST_CASE("WIRE with one Gabor layer equals the closed form Re(w_o σ(a)) + b") {
  WireConfig c;
  c.input_dim = 1;
  c.width = 1;
  c.depth = 1;
  c.omega = 3;
  c.scale = 0.5f;
  WireNet net(c, 2);
  // Layout: first layer W (1x1), b (1); output Re W (1x1), b (1); output Im W (1x1), b (1).
  auto p = net.parameters();
  REQUIRE(p.size() == 6);
  const float w0 = p[0], b0 = p[1], wr = p[2], br = p[3], wi = p[4];
  Matrix x(1, 1);
  x(0, 0) = 0.3f;
  Workspace ws;
  float y = 0;
  net.predict(x, &y, ws);
  const double a = w0 * 0.3 + b0;
  const double magnitude = std::exp(-0.25 * a * a);
  const double expected = wr * magnitude * std::cos(3 * a) - wi * magnitude * std::sin(3 * a) + br;
  CHECK(y == doctest::Approx(expected).epsilon(1e-5));
}

TEST_CASE("a fit whose loss stops being finite fails naming the epoch and the learning rate") {
  WireConfig c;
  c.input_dim = 1;
  c.width = 2;
  c.depth = 2;
  WireNet net(c, 1);
  // What a blown-up step leaves behind (Eigen's float exp saturates rather than
  // overflowing, so a NaN weight is the reliable way to get there).
  net.parameters()[3] = std::numeric_limits<float>::quiet_NaN();
  reprise::volume::GridFrame frame{{8}, {1.0}, {8.0}};
  GridCoordinates grid(frame);
  std::vector<float> targets(8, 0.5f);
  auto sampler = reprise::coords::make_sampler(nullptr, targets);
  TrainingOptions options;
  options.epochs = 2;
  reprise::SimpleContext ctx;
  CHECK_THROWS_WITH(fit(net, grid, targets, *sampler, options, 1, 1, ctx),
                    doctest::Contains("diverged in epoch 1 (mean squared error nan) at learning rate 0.0001"));
}
