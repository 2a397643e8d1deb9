#include "components/learners/autoencoder_network.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "tests/unit/component_support.hpp"

using namespace reprise;

namespace {

inr::Matrix random_batch(int d, int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal;
  inr::Matrix x(d, n);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = normal(rng);
  return x;
}

// Central differences of the batch loss for every encoder and decoder parameter.
void check_gradient(double qoi_weight) {
  ae::AutoencoderConfig c;
  c.dim = 4;
  c.latent = 2;
  c.width = 5;
  c.depth = 1;
  c.qoi_weight = qoi_weight;
  ae::Autoencoder net(c, 3);
  const inr::Matrix x = random_batch(4, 9, 7);
  std::vector<float> ge(net.encoder().parameters().size(), 0.0f), gd(net.decoder().parameters().size(), 0.0f);
  net.loss_and_gradient(x, ge, gd);
  double largest = 0;
  for (float g : ge) largest = std::max(largest, double(std::abs(g)));
  for (float g : gd) largest = std::max(largest, double(std::abs(g)));
  REQUIRE(largest > 0);
  auto check = [&](std::span<float> params, const std::vector<float>& grad, const char* which) {
    for (std::size_t i = 0; i < params.size(); ++i) {
      const float saved = params[i];
      const float h = 1e-3f * std::max(1.0f, std::abs(saved));  // small: ReLU kinks
      params[i] = saved + h;
      const double up = net.loss(x);
      params[i] = saved - h;
      const double down = net.loss(x);
      params[i] = saved;
      const double numeric = (up - down) / (2.0 * (double(saved + h) - double(saved)));
      INFO(which << " parameter " << i);
      CHECK(grad[i] == doctest::Approx(numeric).epsilon(0.05).scale(0.02 * largest));
    }
  };
  check(net.encoder().parameters(), ge, "encoder");
  check(net.decoder().parameters(), gd, "decoder");
}

Inputs data_input(const Artifact& data) {
  Inputs in;
  in.set("data", std::make_shared<const Artifact>(data));
  return in;
}

}  // namespace

TEST_CASE("autoencoder gradient matches finite differences (plain)") { check_gradient(0.0); }

TEST_CASE("autoencoder gradient matches finite differences (QoI-regularised)") { check_gradient(2.0); }

TEST_CASE("an autoencoder with latent = rank reconstructs rank-2 data; ratio is original / code bytes") {
  // x = A z in 6 dimensions, z ~ N(0, I_2): two codes per sample can hold all of it.
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal;
  const std::size_t m = 2000, d = 6;
  const double a[6][2] = {{1, 0}, {0, 1}, {1, 1}, {1, -1}, {0.5, 2}, {-2, 0.3}};
  std::vector<double> samples;
  for (std::size_t i = 0; i < m; ++i) {
    const double z0 = normal(rng), z1 = normal(rng);
    for (std::size_t j = 0; j < d; ++j) samples.push_back(a[j][0] * z0 + a[j][1] * z1);
  }
  Artifact data;
  data.set_array("samples", Array::from<double>({m, d}, samples));
  const Artifact out = test::run_component("learner/autoencoder",
                                           {{"latent", std::int64_t(2)}, {"width", std::int64_t(32)},
                                            {"epochs", std::int64_t(60)}, {"batch", std::int64_t(100)}},
                                           data_input(data), 5);
  CHECK(out.scalar("latent") == 2);
  CHECK(out.scalar("ratio") == doctest::Approx(double(m * d * 8) / (m * 2 * 4)));
  CHECK(out.array("codes").shape() == std::vector<std::size_t>{m, 2});
  const auto decoded = out.array("samples").view<double>();
  double err = 0, energy = 0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    err += (decoded[i] - samples[i]) * (decoded[i] - samples[i]);
    energy += samples[i] * samples[i];
  }
  CHECK(err / energy < 0.02);
}

TEST_CASE("the latent size follows a matched codec's ratio") {
  Artifact data;
  data.set_array("samples", Array::from<double>({10, 8}, std::vector<double>(80, 1.0)));
  Artifact codec;
  codec.set_scalar("ratio", 4.0);  // 8 float64 per sample -> 64 bytes / 4 = 16 bytes = 4 float32 codes
  Inputs in = data_input(data);
  in.set("match", std::make_shared<const Artifact>(codec));
  const Artifact out = test::run_component("learner/autoencoder", {{"epochs", std::int64_t(1)}}, in);
  CHECK(out.scalar("latent") == 4);
  CHECK(out.scalar("ratio") == doctest::Approx(4.0));
}

TEST_CASE("learner/autoencoder gives the same bits on every run, wherever the heap puts its buffers") {
  // Training once sums the bias gradients with Eigen's rowwise().sum() straight
  // into the gradient buffers, whose leading unaligned entries Eigen sums in
  // another order than the aligned rest: results depended on where malloc put
  // the buffers. Each run here sees the heap shifted by a differently sized block.
  std::mt19937_64 rng(21);
  std::normal_distribution<double> normal;
  const std::size_t m = 600, d = 12;
  std::vector<double> samples(m * d);
  for (double& v : samples) v = normal(rng);
  Artifact data;
  data.set_array("samples", Array::from<double>({m, d}, samples));
  for (bool regularized : {false, true}) {
    CAPTURE(regularized);
    const std::map<std::string, ParamValue> params = {{"latent", std::int64_t(3)}, {"width", std::int64_t(40)},
                                                      {"epochs", std::int64_t(3)}, {"batch", std::int64_t(50)},
                                                      {"regularized", regularized}};
    const Artifact ref = test::run_component("learner/autoencoder", params, data_input(data), 9);
    for (std::size_t k = 1; k <= 8; ++k) {
      CAPTURE(k);
      const auto shift = std::make_unique<char[]>(16 * k + 4096);
      const Artifact again = test::run_component("learner/autoencoder", params, data_input(data), 9);
      CHECK(again.array("samples") == ref.array("samples"));
      CHECK(again.array("codes") == ref.array("codes"));
      CHECK(again.scalar("final_loss") == ref.scalar("final_loss"));
    }
  }
}
