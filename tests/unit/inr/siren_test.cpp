#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <string>
#include <vector>

#include "components/inr/model.hpp"
#include "components/inr/trainer.hpp"
#include "components/samplers/coordinate_sampler.hpp"
#include "tests/unit/component_support.hpp"

using namespace reprise;

namespace {

Artifact siren_model(std::int64_t width, std::int64_t depth, std::int64_t epochs, std::int64_t batch, double lr) {
  return test::run_component("inr/siren",
                             {{"width", width}, {"depth", depth}, {"epochs", epochs}, {"batch", batch}, {"lr", lr}});
}

}  // namespace

TEST_CASE("inr/siren describes the network the codec builds: 3 -> 5x128 -> 1 has 66 689 parameters") {
  const Artifact model = siren_model(128, 5, 1, 1, 1e-4);
  CHECK(model.string("model") == "siren");
  CHECK(model.scalar("omega0") == 30);
  auto net = inr::build_network(model, 3, 1);
  // 3*128+128 + 4*(128*128+128) + 128+1
  CHECK(net->parameters().size() == 66689);
}

TEST_CASE("inr/ffnet and inr/wire describe the networks the codec builds") {
  // FFNet: 2 x 128 features -> 5x128 ReLU -> 1.
  auto ffnet = inr::build_network(test::run_component("inr/ffnet"), 3, 1);
  CHECK(ffnet->parameters().size() == 256 * 128 + 128 + 4 * (128 * 128 + 128) + 128 + 1);
  // WIRE of width 128 holds floor(128 / sqrt 2) = 90 complex units: a real first
  // layer, 4 complex layers, a complex output.
  auto wire = inr::build_network(test::run_component("inr/wire"), 3, 1);
  CHECK(wire->describe().find("5x90(complex)") != std::string::npos);
  CHECK(wire->parameters().size() == 3 * 90 + 90 + 4 * 2 * (90 * 90 + 90) + 2 * (90 + 1));
  CHECK_THROWS_WITH(inr::build_network(Artifact{}, 3, 1), doctest::Contains("not an inr/* node"));
}

TEST_CASE("coordinates: isotropic gives every axis the longest axis's step, for SIREN and WIRE") {
  // A 192 x 249 x 16 grid: axis a's coordinate is multiplied by (n_a - 1) / 248,
  // so the corner (1, 1, 1) is where the per-axis network sees (191/248, 1, 15/248).
  const std::vector<std::size_t> shape = {192, 249, 16};
  inr::Matrix corner(3, 1), seen(3, 1);
  corner << 1, 1, 1;
  seen << 191.0f / 248, 1, 15.0f / 248;
  for (const std::string name : {"inr/siren", "inr/wire"}) {
    CAPTURE(name);
    std::map<std::string, ParamValue> settings = {{"width", std::int64_t(8)}, {"depth", std::int64_t(2)}};
    if (name == "inr/wire") settings["scale"] = 1.0;  // s = 10's window leaves the corner near 0 either way
    const Artifact per_axis = test::run_component(name, settings);
    settings["coordinates"] = std::string("isotropic");
    const Artifact isotropic = test::run_component(name, settings);
    CHECK(per_axis.string("coordinates") == "per-axis");
    auto plain = inr::build_network(per_axis, 3, 5, shape);
    auto scaled = inr::build_network(isotropic, 3, 5, shape);
    // WIRE centres its first-layer windows in the input box, which the scaling
    // changes: compare the two with the same parameters.
    std::ranges::copy(scaled->parameters(), plain->parameters().begin());
    inr::Workspace ws;
    float y_scaled = 0, y_seen = 0, y_corner = 0;
    scaled->predict(corner, &y_scaled, ws);
    plain->predict(seen, &y_seen, ws);
    plain->predict(corner, &y_corner, ws);
    CHECK(y_scaled == doctest::Approx(y_seen).epsilon(1e-5));
    CHECK(std::abs(y_scaled - y_corner) > 1e-4);
    CHECK_THROWS_WITH(inr::build_network(isotropic, 3, 5), doctest::Contains("needs the grid's shape"));
  }
}

TEST_CASE("SIREN fits a 1-D sine to MSE < 1e-4") {
  const std::size_t n = 200;
  volume::GridFrame frame{{n}, {1.0}, {double(n)}};
  inr::GridCoordinates grid(frame);
  std::vector<float> targets(n);
  for (std::size_t j = 0; j < n; ++j) targets[j] = static_cast<float>(std::sin(3 * std::numbers::pi * frame.coordinate(0, j)));

  const Artifact model = siren_model(32, 2, 400, 200, 1e-3);
  auto net = inr::build_network(model, 1, 3);
  auto sampler = coords::make_sampler(nullptr, targets);
  SimpleContext ctx;
  const inr::FitReport report = inr::fit(*net, grid, targets, *sampler, inr::training_options(model), 1, 4, ctx);
  CHECK(report.steps == 400);
  CHECK(report.epoch_loss.back() < report.epoch_loss.front());

  const std::vector<float> decoded = inr::decode(*net, grid, 1.0f, 1, ctx);
  double mse = 0;
  for (std::size_t j = 0; j < n; ++j) mse += (decoded[j] - targets[j]) * (decoded[j] - targets[j]);
  mse /= n;
  CHECK(mse < 1e-4);
}

TEST_CASE("cosine schedule runs from lr to lr/100") {
  inr::TrainingOptions o;
  o.learning_rate = 1e-3;
  o.cosine = true;
  CHECK(o.rate_at(0, 11) == doctest::Approx(1e-3));
  CHECK(o.rate_at(5, 11) == doctest::Approx(0.5 * (1e-3 + 1e-5)));
  CHECK(o.rate_at(10, 11) == doctest::Approx(1e-5));
  o.cosine = false;
  CHECK(o.rate_at(10, 11) == 1e-3);
}

TEST_CASE("warmup-cosine rises linearly over the first 5 % of the steps, then decays as cosine") {
  inr::TrainingOptions o;
  o.learning_rate = 1e-3;
  o.cosine = true;
  o.warmup_fraction = 0.05;  // 100 steps: 5 of warmup, then cosine over steps 5..99
  CHECK(o.rate_at(0, 100) == doctest::Approx(1e-5 + (1e-3 - 1e-5) / 5));
  CHECK(o.rate_at(4, 100) == doctest::Approx(1e-3));
  CHECK(o.rate_at(5, 100) == doctest::Approx(1e-3));  // the cosine's start
  CHECK(o.rate_at(52, 100) == doctest::Approx(0.5 * (1e-3 + 1e-5)).epsilon(1e-3));  // its middle: (52-5)/94
  CHECK(o.rate_at(99, 100) == doctest::Approx(1e-5));
  for (std::int64_t s = 1; s < 5; ++s) CHECK(o.rate_at(s, 100) > o.rate_at(s - 1, 100));
}
