// Sampler throughput, each next to a peer measured in the same run:
//   gibbs            sampler/gibbs on dataset/ising's p = 16 model (random 3-regular
//                    graph), random starts: spin updates per second
//   gibbs_scalar     the peer: a minimal hand-written heat-bath loop over the same graph,
//                    one chain at a time (int8 spins, one mt19937_64 draw and one exp per
//                    update), chains split over the same threads
//   gibbs_ferro, gibbs_ferro_scalar   the same pair on qoi_ising's strong-coupling
//                    model (4 x 4 ferromagnetic lattice, J = 0.6, fields in [0, 0.1])
//   langevin, mala   sampler/langevin and sampler/mala at N = 500 (the largest point of
//                    experiments/paper/qoi_scaling.yaml: 8000 chains, h = 0.05, the
//                    degree-2 score-matching model of dataset/mvn), steps per second
//                    from the node's own loop time
//   langevin_grad, mala_grad   the bound: only the energy-model evaluations each step
//                    needs (EnergyModel::gradient, and for MALA also energy, on the
//                    same 256-chain blocks and threads), without noise or accept/reject
//   mala_pc          sampler/mala with precondition: model at the same N (h = 0.17,
//                    the optimal-scaling rule 1.36 N^(-1/3)); its peer is mala: what the
//                    preconditioner's three extra GEMMs per step (A grad E(x), A^(1/2) xi,
//                    A^(1/2) (grad E(x) + grad E(y))) cost
//   ttflow_step      one time step of sampler/ttflow's field on the many-well target at
//                    d = 8, 16, 32 and FTT rank 2, 4, 8: the ALS fit (2 sweeps) on N
//                    weighted particles plus the RK4 transport (4 substeps x 4 stages),
//                    with its cost model counted alongside (flops of the ALS normal
//                    equations and solves, and of the transport's evaluations), so
//                    summarise.py can compare time with model and fit exponents in d, r
#include <cmath>
#include <random>
#include <vector>

#include "components/learners/energy_model.hpp"
#include "components/targets/double_well.hpp"
#include "components/ttflow/ftt.hpp"
#include "components/samplers/continuous_chain.hpp"
#include "framework/core/parallel.hpp"
#include "tools/bench/bench_support.hpp"

namespace {

using namespace reprise;

constexpr std::int64_t kSpins = 16, kGibbsChains = 1 << 17, kGibbsSweeps = 50;

const std::shared_ptr<const Artifact>& ising_model() {
  static const auto model = bench::run("dataset/ising", {{"p", kSpins}, {"samples", std::int64_t{1}}});
  return model;
}

// qoi_ising's second model: two basins behind a barrier, most updates keep the spin.
const std::shared_ptr<const Artifact>& ferro_model() {
  static const auto model = bench::run(
      "dataset/ising", {{"p", kSpins}, {"samples", std::int64_t{1}}, {"graph", std::string("lattice")},
                        {"couplings", std::string("ferromagnetic")}, {"coupling_min", 0.6}, {"coupling_max", 0.6},
                        {"fields", std::string("positive")}, {"field_max", 0.1}});
  return model;
}

void gibbs_on(benchmark::State& state, const std::shared_ptr<const Artifact>& model) {
  for (auto _ : state) {
    std::shared_ptr<const Artifact> out;
    const double s = bench::seconds([&] {
      out = bench::run("sampler/gibbs",
                       {{"steps", kGibbsSweeps}, {"chains", kGibbsChains}, {"threads", std::int64_t{bench::threads()}}},
                       {{"model", model}});
    });
    state.SetIterationTime(s);
    state.counters["updates"] = out->scalar("spin_updates");
    state.counters["threads"] = bench::threads();
    state.counters["p"] = static_cast<double>(kSpins);
    state.counters["chains"] = static_cast<double>(kGibbsChains);
    state.counters["sweeps"] = static_cast<double>(kGibbsSweeps);
  }
}

void gibbs_scalar_on(benchmark::State& state, const Artifact& model) {
  const std::vector<double> j = model.array("J").to_double(), h = model.array("h").to_double();
  const std::size_t p = h.size();
  std::vector<std::size_t> offset{0}, index;
  std::vector<double> weight;
  for (std::size_t a = 0; a < p; ++a) {
    for (std::size_t b = 0; b < p; ++b)
      if (b != a && j[a * p + b] != 0) {
        index.push_back(b);
        weight.push_back(j[a * p + b]);
      }
    offset.push_back(index.size());
  }
  const unsigned workers = bench::threads();
  std::vector<std::int64_t> magnetisation(workers);
  for (auto _ : state) {
    const double s = bench::seconds([&] {
      parallel_for(workers, workers, [&](std::size_t w, unsigned, const std::atomic<bool>&) {
        std::mt19937_64 rng(block_seed(7, w));
        std::uniform_real_distribution<double> u(0.0, 1.0);
        std::vector<std::int8_t> x(p);
        std::int64_t m = 0;
        for (std::size_t c = w; c < static_cast<std::size_t>(kGibbsChains); c += workers) {
          for (auto& v : x) v = u(rng) < 0.5 ? 1 : -1;
          for (std::int64_t sweep = 0; sweep < kGibbsSweeps; ++sweep)
            for (std::size_t i = 0; i < p; ++i) {
              double field = h[i];
              for (std::size_t k = offset[i]; k < offset[i + 1]; ++k) field += weight[k] * x[index[k]];
              x[i] = u(rng) * (1.0 + std::exp(-2.0 * field)) < 1.0 ? 1 : -1;
            }
          for (auto v : x) m += v;
        }
        magnetisation[w] = m;
      });
    });
    benchmark::DoNotOptimize(magnetisation.data());
    state.SetIterationTime(s);
    state.counters["updates"] = static_cast<double>(kGibbsChains * kGibbsSweeps) * static_cast<double>(p);
    state.counters["threads"] = workers;
  }
}

void gibbs(benchmark::State& state) { gibbs_on(state, ising_model()); }
void gibbs_scalar(benchmark::State& state) { gibbs_scalar_on(state, *ising_model()); }
void gibbs_ferro(benchmark::State& state) { gibbs_on(state, ferro_model()); }
void gibbs_ferro_scalar(benchmark::State& state) { gibbs_scalar_on(state, *ferro_model()); }

constexpr std::int64_t kDim = 500, kChains = 8000;
constexpr double kStep = 0.05;

const std::shared_ptr<const Artifact>& energy_model() {
  static const auto model = [] {
    const auto data = bench::run("dataset/mvn", {{"dim", kDim}, {"samples", kChains}, {"condition", 10.0}});
    return bench::run("learner/score-matching", {{"degree", std::int64_t{2}}}, {{"data", data}});
  }();
  return model;
}

void chain(benchmark::State& state, const std::string& name, std::int64_t steps, bool preconditioned = false) {
  const auto& model = energy_model();
  // Preconditioned, h is in the model's own units: the optimal-scaling rule 1.36 N^(-1/3).
  const double step = preconditioned ? 1.36 / std::cbrt(static_cast<double>(kDim)) : kStep;
  for (auto _ : state) {
    const auto out = bench::run(name,
                                {{"step", step}, {"steps", steps}, {"chains", kChains}, {"init_scale", 1.0},
                                 {"precondition", std::string(preconditioned ? "model" : "none")},
                                 {"threads", std::int64_t{bench::threads()}}},
                                {{"model", model}});
    state.SetIterationTime(out->scalar("seconds"));  // the steps only, as the node measures them
    state.counters["steps"] = static_cast<double>(steps);
    state.counters["chains"] = static_cast<double>(kChains);
    state.counters["dim"] = static_cast<double>(kDim);
    state.counters["h"] = step;
    state.counters["threads"] = bench::threads();
    if (name == "sampler/mala") state.counters["acceptance"] = out->scalar("acceptance");
  }
}

// What one step of `steps` costs in model evaluations alone: per block of
// kChainBlock chains, the gradient (Langevin) or the energy and the gradient
// (MALA, at the proposal), through the same EnergyModel the samplers use.
void model_evaluations(benchmark::State& state, bool with_energy, std::int64_t steps) {
  const EnergyModel model = EnergyModel::from_artifact(*energy_model(), "bench");
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  RowMatrixXd x(kChains, kDim);
  for (Eigen::Index q = 0; q < x.size(); ++q) x.data()[q] = normal(rng);
  const std::size_t blocks = (kChains + kChainBlock - 1) / kChainBlock;
  const unsigned workers = bench::threads();
  for (auto _ : state) {
    const double s = bench::seconds([&] {
      for (std::int64_t step = 0; step < steps; ++step)
        parallel_for(blocks, workers, [&](std::size_t b, unsigned, const std::atomic<bool>&) {
          const auto first = static_cast<Eigen::Index>(b * kChainBlock);
          const auto n = std::min<Eigen::Index>(static_cast<Eigen::Index>(kChainBlock), x.rows() - first);
          const RowMatrixXd xb = x.middleRows(first, n);
          RowMatrixXd g;
          model.gradient(xb, g);
          benchmark::DoNotOptimize(g.data());
          if (with_energy) {
            Eigen::VectorXd e;
            model.energy(xb, e);
            benchmark::DoNotOptimize(e.data());
          }
        });
    });
    state.SetIterationTime(s);
    state.counters["steps"] = static_cast<double>(steps);
    state.counters["threads"] = workers;
  }
}

constexpr std::int64_t kLangevinSteps = 20, kMalaSteps = 10;

void langevin(benchmark::State& state) { chain(state, "sampler/langevin", kLangevinSteps); }
void mala(benchmark::State& state) { chain(state, "sampler/mala", kMalaSteps); }
void mala_pc(benchmark::State& state) { chain(state, "sampler/mala", kMalaSteps, true); }
void langevin_grad(benchmark::State& state) { model_evaluations(state, false, kLangevinSteps); }
void mala_grad(benchmark::State& state) { model_evaluations(state, true, kMalaSteps); }

// ---------------------------------------------------------------- TT flow step

constexpr std::int64_t kFlowParticles = 2000, kFlowDegree = 16, kFlowSweeps = 2, kFlowSubsteps = 4;

// Flops of one ALS fit (`sweeps` forward+backward passes, plus the final core
// solve) and of the transport, by the structure of ftt.cpp: a core solve with m
// unknowns on N samples forms the design (N·m·4), the normal equations (N·m², a
// symmetric rank update) and solves them (m³/3, LDLᵀ); an evaluation of the
// train at N points costs N·d·(3·n·r + 3·r²) (values, first and second
// derivatives contracted through each core).
double ttflow_model_flops(double d, double r, double n, double samples) {
  auto solve = [&](double left, double right) {
    const double m = left * n * right;
    return samples * m * 4 + samples * m * m + m * m * m / 3;
  };
  const double interior = solve(r, r), edge = solve(1, r);
  // A sweep solves cores 0..d−2 forward and d−1..1 backward: two edge cores
  // (rank 1 on one side) and 2d − 4 interior ones.
  const double per_sweep = 2 * edge + (2 * d - 4) * interior;
  const double fit = kFlowSweeps * per_sweep + edge;
  const double transport = kFlowSubsteps * 4 * samples * d * (3 * n * r + 3 * r * r);
  return fit + transport;
}

void ttflow_step(benchmark::State& state) {
  const auto d = static_cast<std::size_t>(state.range(0)), r = static_cast<std::size_t>(state.range(1));
  const ManyWellTarget target(d, -0.5, -6.0, 1.0);
  std::mt19937_64 rng(7);
  // Particles midway along the path from N(0, 1.5² I): half reference, half target.
  RowMatrixXd x = target.sample(static_cast<std::size_t>(kFlowParticles), rng);
  std::normal_distribution<double> normal;
  for (Eigen::Index i = 0; i < x.rows(); i += 2)
    for (Eigen::Index k = 0; k < x.cols(); ++k) x(i, k) = 1.5 * normal(rng);
  RowMatrixXd drift(x.rows(), x.cols());
  Eigen::VectorXd rhs(x.rows()), weights = Eigen::VectorXd::Constant(x.rows(), 1.0 / static_cast<double>(x.rows()));
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const double e = target.energy(x.row(i).data(), drift.row(i).data());
    rhs[i] = e - x.row(i).squaredNorm() / (2 * 1.5 * 1.5);
    drift.row(i) = 0.5 * drift.row(i) + 0.5 * x.row(i) / (1.5 * 1.5);
  }
  rhs.array() -= rhs.mean();
  const FourierBasis basis(-6, 6, static_cast<int>(kFlowDegree));
  AlsProblem problem;
  problem.x = &x;
  problem.drift = &drift;
  problem.rhs = &rhs;
  problem.weights = &weights;
  AlsOptions options;
  options.sweeps = static_cast<int>(kFlowSweeps);
  for (auto _ : state) {
    std::mt19937_64 init(3);
    FunctionalTT phi(d, basis, r, init);
    RowMatrixXd moved = x;
    const double s = bench::seconds([&] {
      fit_als(phi, problem, options);
      benchmark::DoNotOptimize(transport_rk4(phi, moved, 0.05, static_cast<std::size_t>(kFlowSubsteps)).data());
    });
    benchmark::DoNotOptimize(moved.data());
    state.SetIterationTime(s);
    state.counters["d"] = static_cast<double>(d);
    state.counters["rank"] = static_cast<double>(phi.max_rank());
    state.counters["basis"] = static_cast<double>(basis.size());
    state.counters["particles"] = static_cast<double>(kFlowParticles);
    state.counters["sweeps"] = static_cast<double>(kFlowSweeps);
    state.counters["substeps"] = static_cast<double>(kFlowSubsteps);
    state.counters["model_flops"] =
        ttflow_model_flops(static_cast<double>(d), static_cast<double>(phi.max_rank()), static_cast<double>(basis.size()),
                           static_cast<double>(kFlowParticles));
  }
}

}  // namespace

// Each figure next to its peer: tools/bench/run runs the binary once per repeat and pairs them.
BENCHMARK(gibbs)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(gibbs_scalar)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(gibbs_ferro)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(gibbs_ferro_scalar)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(langevin)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(langevin_grad)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(mala)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(mala_grad)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(mala_pc)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1);

BENCHMARK(ttflow_step)
    ->ArgsProduct({{8, 16, 32}, {2, 4, 8}})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

BENCHMARK_MAIN();
