#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "components/samplers/coordinate_sampler.hpp"
#include "tests/unit/component_support.hpp"

using namespace reprise;
using reprise::test::run_component;

namespace {

// Pearson's χ² of observed counts against expected probabilities.
double chi_square(const std::vector<double>& counts, const std::vector<double>& probability, double draws) {
  double chi2 = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const double e = probability[i] * draws;
    chi2 += (counts[i] - e) * (counts[i] - e) / e;
  }
  return chi2;
}

}  // namespace

TEST_CASE("importance sampling: draw frequencies match |y| (ε for zeros) by a χ² test") {
  const std::vector<float> values{0, 0.2f, -0.5f, 0, 1.0f, 0.05f, 0, 0.7f};
  const double eps = 0.1;
  const Artifact d = run_component("sampler/importance", {{"ratio", 1.0}, {"epsilon", eps}});
  auto sampler = coords::make_sampler(&d, values);
  std::vector<double> w;
  double total = 0;
  for (float v : values) total += v != 0 ? std::abs(v) : eps, w.push_back(v != 0 ? std::abs(v) : eps);
  std::vector<double> p;
  for (double x : w) p.push_back(x / total);

  std::mt19937_64 rng(9);
  std::vector<double> counts(values.size(), 0);
  std::vector<std::uint32_t> drawn;
  double draws = 0;
  for (int epoch = 0; epoch < 50000; ++epoch) {
    sampler->draw(rng, drawn);
    CHECK(drawn.size() == values.size());  // ρN with replacement
    for (auto i : drawn) counts[i] += 1;
    draws += static_cast<double>(drawn.size());
  }
  // 7 degrees of freedom: P(χ² > 24.3) = 0.001.
  CHECK(chi_square(counts, p, draws) < 24.3);
}

TEST_CASE("importance sampling, defensive and reweighted: mixture frequencies, weights p/q with E_q[w] = 1") {
  const std::vector<float> values{0, 0.2f, -0.5f, 0, 1.0f, 0.05f, 0, 0.7f};
  const double eps = 0.01, alpha = 0.3;
  const Artifact d = run_component("sampler/importance",
                                   {{"ratio", 1.0}, {"epsilon", eps}, {"uniform_fraction", alpha}, {"reweight", true}});
  auto sampler = coords::make_sampler(&d, values);
  REQUIRE(sampler->reweights());
  // The truth, from the definition: q_i = α/N + (1 - α) w_i / Σw, weight (1/N) / q_i.
  const double n = static_cast<double>(values.size());
  double total = 0;
  for (float v : values) total += v != 0 ? std::abs(v) : eps;
  std::vector<double> q;
  for (float v : values) q.push_back(alpha / n + (1 - alpha) * (v != 0 ? std::abs(v) : eps) / total);
  double expected_weight = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double w = sampler->loss_weight(static_cast<std::uint32_t>(i));
    CHECK(w == doctest::Approx(1 / (n * q[i])).epsilon(1e-6));
    CHECK(w <= 1 / alpha + 1e-6);  // the mixture bounds every weight
    expected_weight += q[i] * w;
  }
  CHECK(expected_weight == doctest::Approx(1.0).epsilon(1e-6));  // Σ q_i p_i/q_i = Σ p_i

  std::mt19937_64 rng(4);
  std::vector<double> counts(values.size(), 0);
  std::vector<std::uint32_t> drawn;
  for (int epoch = 0; epoch < 50000; ++epoch) {
    sampler->draw(rng, drawn);
    for (auto i : drawn) counts[i] += 1;
  }
  CHECK(chi_square(counts, q, 50000 * n) < 24.3);  // 7 dof, P = 0.001

  // Without the new settings: the paper's variant, unweighted.
  const Artifact paper = run_component("sampler/importance", {{"ratio", 1.0}, {"epsilon", eps}});
  CHECK_FALSE(coords::make_sampler(&paper, values)->reweights());
}

TEST_CASE("random sampling: ρN distinct voxels per epoch, uniform over epochs") {
  const std::vector<float> values(40, 0.0f);
  const Artifact d = run_component("sampler/random", {{"ratio", 0.25}});
  auto sampler = coords::make_sampler(&d, values);
  std::mt19937_64 rng(3);
  std::vector<double> counts(values.size(), 0);
  std::vector<std::uint32_t> drawn;
  for (int epoch = 0; epoch < 4000; ++epoch) {
    sampler->draw(rng, drawn);
    REQUIRE(drawn.size() == 10);
    CHECK(std::set<std::uint32_t>(drawn.begin(), drawn.end()).size() == 10);
    for (auto i : drawn) counts[i] += 1;
  }
  // Without replacement the counts are less spread than multinomial; the χ²
  // bound of a multinomial (39 dof, P = 0.001: 72.1) still holds.
  CHECK(chi_square(counts, std::vector<double>(40, 1.0 / 40), 40000) < 72.1);
}

TEST_CASE("full sampling: every voxel once") {
  const std::vector<float> values(17, 1.0f);
  const Artifact d = run_component("sampler/full", {});
  auto sampler = coords::make_sampler(&d, values);
  std::mt19937_64 rng(1);
  std::vector<std::uint32_t> drawn;
  sampler->draw(rng, drawn);
  std::sort(drawn.begin(), drawn.end());
  for (std::uint32_t i = 0; i < 17; ++i) CHECK(drawn[i] == i);
}

// One epoch of sampler/entropy over `counts[k]` voxels of value k (so value k
// fills histogram bin k of `counts.size()` bins, or stays empty), asking for
// `draws` voxels: how many were drawn of each value. Every voxel at most once.
std::vector<std::size_t> entropy_draws(const std::vector<std::size_t>& counts, std::size_t draws) {
  std::vector<float> values;
  for (std::size_t k = 0; k < counts.size(); ++k) values.insert(values.end(), counts[k], static_cast<float>(k));
  const Artifact d = run_component("sampler/entropy", {{"ratio", static_cast<double>(draws) / values.size()},
                                                       {"bins", static_cast<std::int64_t>(counts.size())}});
  auto sampler = coords::make_sampler(&d, values);
  std::mt19937_64 rng(4);
  std::vector<std::uint32_t> drawn;
  sampler->draw(rng, drawn);
  CHECK(std::set<std::uint32_t>(drawn.begin(), drawn.end()).size() == drawn.size());
  std::vector<std::size_t> per_value(counts.size(), 0);
  for (auto i : drawn) ++per_value[static_cast<std::size_t>(values[i])];
  return per_value;
}

TEST_CASE("entropy sampling: water filling, small bins give everything, the rest share equally") {
  CHECK(entropy_draws({2, 100, 5, 50}, 40) == std::vector<std::size_t>{2, 17, 5, 16});
  CHECK(entropy_draws({10, 10, 10}, 12) == std::vector<std::size_t>{4, 4, 4});
  CHECK(entropy_draws({1, 2, 3}, 6) == std::vector<std::size_t>{1, 2, 3});  // everything asked for
  CHECK(entropy_draws({1, 0, 8}, 4) == std::vector<std::size_t>{1, 0, 3});  // an empty bin
}

TEST_CASE("entropy sampling: the drawn values' histogram is flatter than the data's") {
  // Sparse data: 90 % zeros, the rest spread over (0.1, 1].
  std::mt19937_64 gen(5);
  std::uniform_real_distribution<float> u(0.1f, 1.0f);
  std::vector<float> values(20000, 0.0f);
  for (std::size_t i = 0; i < values.size(); i += 10) values[i] = u(gen);
  const std::size_t bins = 10;
  const Artifact d = run_component("sampler/entropy", {{"ratio", 0.1}, {"bins", std::int64_t(bins)}});
  auto sampler = coords::make_sampler(&d, values);
  std::mt19937_64 rng(2);
  std::vector<std::uint32_t> drawn;
  sampler->draw(rng, drawn);
  CHECK(drawn.size() == 2000);
  CHECK(std::set<std::uint32_t>(drawn.begin(), drawn.end()).size() == drawn.size());

  auto histogram_entropy = [&](const std::vector<float>& v) {
    std::vector<double> h(bins, 0);
    for (float x : v) h[std::min(bins - 1, static_cast<std::size_t>(x / 0.1f))] += 1;  // range [0, 1]
    double s = 0;
    for (double c : h)
      if (c > 0) s -= c / v.size() * std::log(c / v.size());
    return s;
  };
  std::vector<float> sampled;
  for (auto i : drawn) sampled.push_back(values[i]);
  const double data_entropy = histogram_entropy(values), sample_entropy = histogram_entropy(sampled);
  CHECK(sample_entropy > data_entropy + 1.0);
  CHECK(sample_entropy > 0.95 * std::log(double(bins)));  // nearly uniform over the bins
}
