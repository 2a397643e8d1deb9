// sampler/gibbs: heat-bath Gibbs sampling of an Ising model, the super-resolution
// step of the QoI-compression paper (seed 000).
//
// The model P(x) ∝ exp(Σ_{i<j} J_ij x_i x_j + Σ_i h_i x_i) (e.g. from learner/grise)
// is sampled by M independent chains, each started from a row of `init` (the
// decompressed data: values are mapped to spins by sign) or from uniformly random
// spins, by the sweeps of gibbs_kernel.hpp (scan: systematic or random). When
// `truth` is given, the QoI error of the chains, max and mean of
// |E[x_i] − E_truth[x_i]| and |E[x_i x_j] − E_truth[x_i x_j]| (i < j), is recorded
// at the requested sweep counts, so one run yields the whole error-vs-steps curve.
//
// Chains are processed in fixed blocks of kBlockChains, each with its own random
// stream seeded from (ctx.seed(), block index): the output depends on the seed
// only, never on the number of threads.
#include <Eigen/Dense>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "components/samplers/gibbs_kernel.hpp"
#include "framework/core/parallel.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

using gibbs::Rng;
using gibbs::SpinRows;

// Chains per block: one random stream each, and the unit of parallel work. A
// block of 16 spins stays in a core's L2 across all its sweeps. Changing it
// changes the output for a given seed (bump the component version).
constexpr std::size_t kBlockChains = 4096;

// ------------------------------------------------------------------ model

gibbs::SparseIsing sparse_model(const Artifact& model) {
  const Array& j_array = model.array("J");
  const Array& h_array = model.array("h");
  if (j_array.rank() != 2 || j_array.shape()[0] != j_array.shape()[1] || j_array.shape()[0] == 0)
    throw std::invalid_argument("model.J must be a square {p, p} matrix, got " + shape_text(j_array.shape()));
  const std::size_t p = j_array.shape()[0];
  if (h_array.size() != p)
    throw std::invalid_argument("model.h has " + std::to_string(h_array.size()) + " entries for " +
                                std::to_string(p) + " spins");
  return gibbs::sparse_ising(p, j_array.to_double(), h_array.to_double());
}

// ------------------------------------------------------------------ spins in

// Decompressed data enter by sign: v >= 0 is +1, anything else (negative, NaN) −1.
struct BySign {
  template <class T>
  float operator()(T v, std::size_t, std::size_t) const {
    return v >= T(0) ? 1.0f : -1.0f;
  }
};

// The truth must already be spins: ±1, or 0/1 read as −1/+1 (as learner/grise reads it).
struct StrictSpin {
  template <class T>
  float operator()(T v, std::size_t row, std::size_t col) const {
    const double d = static_cast<double>(v);
    if (d == 1.0) return 1.0f;
    if (d == -1.0 || d == 0.0) return -1.0f;
    throw std::invalid_argument("truth.samples[" + std::to_string(row) + "][" + std::to_string(col) + "] = " +
                                canonical(d) + " is not a spin; values must be -1/+1 (or 0/1)");
  }
};

// Rows [first, first + n) of a {M, p} array as spins, transposed into x (p × n):
// each spin's values across chains are contiguous, so an update vectorises.
template <class T, class Map>
void load_rows(const Array& a, std::size_t first, std::size_t n, Map map, SpinRows& x) {
  const std::size_t p = a.shape()[1];
  const T* src = a.view<T>().data() + first * p;
  for (std::size_t c = 0; c < n; ++c)
    for (std::size_t i = 0; i < p; ++i)
      x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = map(src[c * p + i], first + c, i);
}

template <class Map>
void load_spins(const Array& a, std::size_t first, std::size_t n, Map map, SpinRows& x) {
  switch (a.dtype()) {
    case DType::i8: load_rows<std::int8_t>(a, first, n, map, x); break;
    case DType::i32: load_rows<std::int32_t>(a, first, n, map, x); break;
    case DType::i64: load_rows<std::int64_t>(a, first, n, map, x); break;
    case DType::u16: load_rows<std::uint16_t>(a, first, n, map, x); break;
    case DType::u8: load_rows<std::uint8_t>(a, first, n, map, x); break;
    case DType::f32: load_rows<float>(a, first, n, map, x); break;
    case DType::f64: load_rows<double>(a, first, n, map, x); break;
  }
}

// ------------------------------------------------------------------ moments

// Sums Σ_c x_i and Σ_c x_i x_j (i < j) of a block, as exact integers: every
// partial sum of ±1 products over at most 4096 chains is an integer below 2^24,
// which float represents exactly, so the Eigen product is exact, and integer
// totals make the result independent of the order in which blocks add them.
void add_block_moments(const SpinRows& x, std::vector<std::int64_t>& totals) {
  const auto p = x.rows();
  const Eigen::VectorXf first = x.rowwise().sum();
  const Eigen::MatrixXf second = x * x.transpose();
  std::size_t q = 0;
  for (Eigen::Index i = 0; i < p; ++i) totals[q++] += std::lround(first(i));
  for (Eigen::Index i = 0; i < p; ++i)
    for (Eigen::Index j = i + 1; j < p; ++j) totals[q++] += std::lround(second(i, j));
}

std::size_t qoi_count(std::size_t p) { return p + p * (p - 1) / 2; }

std::vector<double> normalised(const std::vector<std::int64_t>& totals, std::size_t rows) {
  std::vector<double> m(totals.size());
  for (std::size_t q = 0; q < totals.size(); ++q) m[q] = static_cast<double>(totals[q]) / static_cast<double>(rows);
  return m;
}

// E[x_i] then E[x_i x_j] (i < j) of the truth's samples.
std::vector<double> truth_moments(const Array& samples, std::size_t p) {
  if (samples.rank() != 2 || samples.shape()[0] == 0 || samples.shape()[1] != p)
    throw std::invalid_argument("truth.samples must be a non-empty {N, " + std::to_string(p) + "} matrix, got " +
                                shape_text(samples.shape()));
  const std::size_t rows = samples.shape()[0];
  std::vector<std::int64_t> totals(qoi_count(p), 0);
  SpinRows x;
  for (std::size_t first = 0; first < rows; first += kBlockChains) {
    const std::size_t n = std::min(kBlockChains, rows - first);
    x.resize(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(n));
    load_spins(samples, first, n, StrictSpin{}, x);
    add_block_moments(x, totals);
  }
  return normalised(totals, rows);
}

struct QoiError {
  double max_abs = 0, mean_abs = 0;
};

QoiError qoi_error(const std::vector<double>& a, const std::vector<double>& b) {
  QoiError e;
  for (std::size_t q = 0; q < a.size(); ++q) {
    e.max_abs = std::max(e.max_abs, std::abs(a[q] - b[q]));
    e.mean_abs += std::abs(a[q] - b[q]);
  }
  e.mean_abs /= static_cast<double>(a.size());
  return e;
}

// ------------------------------------------------------------------ run

struct RunPlan {
  std::size_t chains = 0, steps = 0;
  bool random_scan = false;
  const Array* init = nullptr;         // absent: uniformly random start
  std::vector<std::size_t> recorded;   // sorted sweep counts, all <= steps (empty without truth)
  std::vector<int> record_slot;        // per sweep count 0..steps: index into recorded, or −1
  bool final_moments = false;          // with truth: moments after the last sweep go to slot recorded.size()
};

// Record totals: one integer vector per recorded step, shared by all blocks.
struct Records {
  std::vector<std::vector<std::int64_t>> totals;
  std::mutex mu;
  void add(std::size_t slot, const SpinRows& x) {
    std::vector<std::int64_t> part(totals[slot].size(), 0);
    add_block_moments(x, part);
    std::lock_guard lock(mu);
    for (std::size_t q = 0; q < part.size(); ++q) totals[slot][q] += part[q];
  }
};

// Runs block b through all its sweeps, recording moments on the way; returns
// early, leaving its rows unwritten, once `stop` is raised.
void run_block(std::size_t b, const gibbs::SparseIsing& m, const RunPlan& plan, std::uint64_t seed, Records& records,
               std::int8_t* out, std::atomic<std::uint64_t>& ticks, const std::atomic<bool>& stop) {
  const std::size_t first = b * kBlockChains;
  const std::size_t n = std::min(kBlockChains, plan.chains - first);
  Rng rng(block_seed(seed, b));
  SpinRows x(static_cast<Eigen::Index>(m.p), static_cast<Eigen::Index>(n));
  if (plan.init)
    load_spins(*plan.init, first, n, BySign{}, x);
  else
    gibbs::randomise(x, rng);
  gibbs::SweepScratch scratch;
  for (std::size_t s = 0;; ++s) {
    if (plan.record_slot[s] >= 0) records.add(static_cast<std::size_t>(plan.record_slot[s]), x);
    if (s == plan.steps) break;
    if (stop.load(std::memory_order_relaxed)) return;
    if (plan.random_scan)
      gibbs::sweep_random(m, x, rng);
    else
      gibbs::sweep_systematic(m, x, rng, scratch);
    ++ticks;
  }
  if (plan.final_moments) records.add(plan.recorded.size(), x);
  gibbs::store(x, first, out);
  ++ticks;
}

RunPlan make_plan(const Inputs& in, const Params& prm, std::size_t p) {
  RunPlan plan;
  plan.steps = static_cast<std::size_t>(prm.get_int("steps"));
  plan.random_scan = prm.get_string("scan") == "random";
  if (in.has("init")) {
    plan.init = &in.get("init").array("samples");
    const auto& shape = plan.init->shape();
    if (plan.init->rank() != 2 || shape[0] == 0 || shape[1] != p)
      throw std::invalid_argument("init.samples must be a non-empty {M, " + std::to_string(p) + "} matrix for this " +
                                  std::to_string(p) + "-spin model, got " + shape_text(shape));
    // A few chains from the first rows of a large decompressed set: the truth and
    // the learner keep all the data, the correction needs fewer chains to resolve 0.05.
    const auto rows = static_cast<std::size_t>(prm.get_int("init_rows"));
    plan.chains = rows == 0 ? shape[0] : std::min(rows, shape[0]);
  } else {
    plan.chains = static_cast<std::size_t>(prm.get_int("chains"));
  }
  plan.record_slot.assign(plan.steps + 1, -1);
  if (in.has("truth")) {
    for (std::int64_t s : prm.get_ints("record"))
      if (static_cast<std::size_t>(s) <= plan.steps) plan.recorded.push_back(static_cast<std::size_t>(s));
    std::sort(plan.recorded.begin(), plan.recorded.end());
    plan.recorded.erase(std::unique(plan.recorded.begin(), plan.recorded.end()), plan.recorded.end());
    for (std::size_t k = 0; k < plan.recorded.size(); ++k) plan.record_slot[plan.recorded[k]] = static_cast<int>(k);
    plan.final_moments = true;
  }
  return plan;
}

class GibbsSampler : public Component {
 public:
  Artifact run(const Inputs& in, const Params& prm, Context& ctx) override;
};

Artifact GibbsSampler::run(const Inputs& in, const Params& prm, Context& ctx) {
  const gibbs::SparseIsing model = sparse_model(in.get("model"));
  const std::size_t p = model.p;
  const RunPlan plan = make_plan(in, prm, p);
  std::vector<double> truth;
  if (in.has("truth")) truth = truth_moments(in.get("truth").array("samples"), p);

  Records records;
  records.totals.assign(plan.recorded.size() + 1, std::vector<std::int64_t>(qoi_count(p), 0));
  std::vector<std::byte> samples(plan.chains * p);
  auto* out = reinterpret_cast<std::int8_t*>(samples.data());
  const std::size_t blocks = (plan.chains + kBlockChains - 1) / kBlockChains;
  std::atomic<std::uint64_t> ticks{0};
  parallel_for(blocks, worker_count(prm.get_int("threads"), blocks), ctx, ticks, blocks * (plan.steps + 1),
               [&](std::size_t b, unsigned, const std::atomic<bool>& stop) {
                 run_block(b, model, plan, ctx.seed(), records, out, ticks, stop);
               });

  std::vector<std::int64_t> steps_out;
  std::vector<double> max_abs, mean_abs;
  for (std::size_t k = 0; k < plan.recorded.size(); ++k) {
    const QoiError e = qoi_error(normalised(records.totals[k], plan.chains), truth);
    steps_out.push_back(static_cast<std::int64_t>(plan.recorded[k]));
    max_abs.push_back(e.max_abs);
    mean_abs.push_back(e.mean_abs);
  }

  Artifact result;
  result.set_array("samples", Array(DType::i8, {plan.chains, p}, std::move(samples)));
  result.set_array("record_steps", Array::from<std::int64_t>({steps_out.size()}, steps_out));
  result.set_array("record_max_abs", Array::from<double>({max_abs.size()}, max_abs));
  result.set_array("record_mean_abs", Array::from<double>({mean_abs.size()}, mean_abs));
  result.set_scalar("steps", static_cast<double>(plan.steps));
  result.set_scalar("chains", static_cast<double>(plan.chains));
  result.set_scalar("spin_updates", static_cast<double>(plan.steps) * static_cast<double>(plan.chains) *
                                        static_cast<double>(p));
  if (plan.final_moments) {
    const QoiError e = qoi_error(normalised(records.totals.back(), plan.chains), truth);
    result.set_scalar("max_abs", e.max_abs);
    result.set_scalar("mean_abs", e.mean_abs);
  }
  return result;
}

}  // namespace

REPRISE_COMPONENT(GibbsSampler, "sampler/gibbs", "1",
                  "heat-bath Gibbs sampling of an Ising model from decompressed data or random spins, recording "
                  "the QoI error (moments up to order 2) against the truth along the way",
                  param_int("steps", 10, "number of full sweeps (each updates every spin of every chain once)")
                      .at_least(0),
                  param_ints("record", {0, 1, 2, 5, 10, 20, 50, 100, 250},
                             "sweep counts at which to record the QoI error against truth; entries > steps are ignored")
                      .at_least(0),
                  param_string("scan", "systematic",
                               "systematic: spins in index order; random: p uniformly drawn sites per sweep")
                      .one_of({"systematic", "random"}),
                  param_int("chains", 10000, "number of chains when init is absent (started uniformly at random)")
                      .at_least(1),
                  param_int("init_rows", 0,
                            "with init: start chains from its first init_rows rows only (0: every row)")
                      .at_least(0),
                  param_int("threads", 0, "worker threads; 0: all hardware threads (results do not depend on it)")
                      .at_least(0)
                      .output_neutral(),
                  input("model", "artifact with 'J' {p, p} (symmetric part used, diagonal ignored) and 'h' {p}"),
                  optional_input("init",
                                 "artifact whose 'samples' {M, p} (any dtype, mapped by sign: v >= 0 is +1) start "
                                 "the M chains; `random` or absent: uniformly random spins")
                      .or_keywords({"random"}),
                  optional_input("truth", "artifact with 'samples' {N, p} (±1 or 0/1): the QoI reference"),
                  output("samples", "int8 {M, p}: the chains after `steps` sweeps"),
                  output("record_steps", "int64 {k}: the recorded sweep counts (empty without truth)"),
                  output("record_max_abs", "float64 {k}: max |QoI difference| to the truth at each recorded step"),
                  output("record_mean_abs", "float64 {k}: mean |QoI difference| over the p + p(p-1)/2 QoIs"),
                  output("steps", "scalar: sweeps run"),
                  output("chains", "scalar: M"),
                  output("spin_updates", "scalar: steps * M * p"),
                  output("max_abs", "scalar (with truth): max |QoI difference| after the last sweep"),
                  output("mean_abs", "scalar (with truth): mean |QoI difference| after the last sweep"))

}  // namespace reprise
