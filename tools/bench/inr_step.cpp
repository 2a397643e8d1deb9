// Throughput of one SIREN training step (forward + backward + Adam) for the
// network of issue 6's target: 3 -> 5 x 128 -> 1, batch 65 536, float32.
//   bench_inr_step [steps] [threads] [batch]
// Prints seconds per step (median of `steps`) and coordinate samples per second.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "components/inr/mlp.hpp"

using namespace reprise::inr;

int main(int argc, char** argv) {
  const int steps = argc > 1 ? std::atoi(argv[1]) : 5;
  const unsigned threads = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 2;
  const int batch = argc > 3 ? std::atoi(argv[3]) : 65536;
  MlpConfig c;  // SIREN 3 -> 5x128 -> 1, ω0 = 30
  Mlp net(c, 1);
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<float> u(-1, 1);
  Matrix x(3, batch);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = u(rng);
  std::vector<float> t(static_cast<std::size_t>(batch));
  for (float& v : t) v = u(rng);
  BatchRunner runner(net, threads);
  Adam adam(net.parameters().size());
  std::vector<float> grad(net.parameters().size());
  std::vector<double> seconds;
  for (int s = 0; s <= steps; ++s) {  // step 0 warms caches and allocations
    const auto start = std::chrono::steady_clock::now();
    runner.gradient(x, t.data(), grad);
    adam.step(net.parameters(), grad, 1e-4f);
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (s > 0) seconds.push_back(dt);
  }
  std::sort(seconds.begin(), seconds.end());
  const double median = seconds[seconds.size() / 2];
  std::printf("{\"network\": \"siren 3->5x128->1\", \"batch\": %d, \"threads\": %u, \"parameters\": %zu, "
              "\"seconds_per_step\": %.4f, \"samples_per_second\": %.0f}\n",
              batch, threads, net.parameters().size(), median, batch / median);
  return 0;
}
