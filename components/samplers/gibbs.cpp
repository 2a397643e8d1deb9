#include "components/samplers/gibbs.hpp"

#include "framework/parallel.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>

namespace reprise {
namespace {

const char* const kWho = "sampler/gibbs";

using SpinRows = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Rng = std::mt19937_64;

// ------------------------------------------------------------------ model

// The symmetric couplings as sparse neighbour lists (CSR): a heat-bath update of
// spin i costs its degree, not p. Weights are float, like the spins in a block:
// the rounding (1e-7 relative) is far below any Monte Carlo error.
struct SparseIsing {
  std::size_t p = 0;
  std::vector<float> h;
  std::vector<std::size_t> offset;  // neighbours of i: [offset[i], offset[i+1])
  std::vector<std::size_t> index;
  std::vector<float> weight;
};

// Only Σ_{i<j} J_ij x_i x_j enters the model, so an asymmetric J (e.g. an
// unsymmetrised learner output) is read through its symmetric part and the
// diagonal, which multiplies the constant x_i² = 1, is ignored.
SparseIsing sparse_model(const Artifact& model) {
  const Array& j_array = model.array("J");
  const Array& h_array = model.array("h");
  if (j_array.rank() != 2 || j_array.shape()[0] != j_array.shape()[1] || j_array.shape()[0] == 0)
    throw std::invalid_argument(std::string(kWho) + ": model.J must be a square {p, p} matrix, got " +
                                shape_text(j_array.shape()));
  const std::size_t p = j_array.shape()[0];
  if (h_array.size() != p)
    throw std::invalid_argument(std::string(kWho) + ": model.h has " + std::to_string(h_array.size()) +
                                " entries for " + std::to_string(p) + " spins");
  const std::vector<double> j = j_array.to_double(), h = h_array.to_double();
  SparseIsing m;
  m.p = p;
  m.offset.push_back(0);
  for (std::size_t a = 0; a < p; ++a) {
    if (!std::isfinite(h[a])) throw std::invalid_argument(std::string(kWho) + ": model.h is not finite");
    m.h.push_back(static_cast<float>(h[a]));
    for (std::size_t b = 0; b < p; ++b) {
      const double w = 0.5 * (j[a * p + b] + j[b * p + a]);
      if (!std::isfinite(w)) throw std::invalid_argument(std::string(kWho) + ": model.J is not finite");
      if (b == a || w == 0.0) continue;
      m.index.push_back(b);
      m.weight.push_back(static_cast<float>(w));
    }
    m.offset.push_back(m.index.size());
  }
  return m;
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
    throw std::invalid_argument(std::string(kWho) + ": truth.samples[" + std::to_string(row) + "][" +
                                std::to_string(col) + "] = " + canonical(d) +
                                " is not a spin; values must be -1/+1 (or 0/1)");
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
    throw std::invalid_argument(std::string(kWho) + ": truth.samples must be a non-empty {N, " + std::to_string(p) +
                                "} matrix, got " + shape_text(samples.shape()));
  const std::size_t rows = samples.shape()[0];
  std::vector<std::int64_t> totals(qoi_count(p), 0);
  SpinRows x;
  for (std::size_t first = 0; first < rows; first += kGibbsBlockChains) {
    const std::size_t n = std::min(kGibbsBlockChains, rows - first);
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

// ------------------------------------------------------------------ sweeps

// Two uniforms in [0, 1) from one 64-bit draw, one per 32-bit half. The
// generator is the largest cost of a sweep (about half of it at one draw per
// update), and a 2^-32 grid for u moves a heat-bath probability by at most
// 2.3e-10, far below any Monte Carlo error.
inline double upper_uniform(std::uint64_t r) { return static_cast<double>(r >> 32) * 0x1.0p-32; }
inline double lower_uniform(std::uint64_t r) { return static_cast<double>(r & 0xffffffffu) * 0x1.0p-32; }

void fill_uniforms(std::vector<double>& u, Rng& rng) {
  std::size_t c = 0;
  for (; c + 1 < u.size(); c += 2) {
    const std::uint64_t r = rng();
    u[c] = upper_uniform(r);
    u[c + 1] = lower_uniform(r);
  }
  if (c < u.size()) u[c] = upper_uniform(rng());
}

// Heat bath: +1 with probability 1 / (1 + e), e = exp(−2 field), i.e. when
// d = u (1 + e) − 1 < 0 (no division). The spin is −sign(d), taken with copysign
// rather than a conditional: the outcome is a coin flip that a branch would
// mispredict half the time, and GCC compiles `cond ? 1 : -1` here to a branch.
// d = +0 gives −1 as `<` demands (IEEE subtraction never yields −0), and a tiny
// negative d stays negative (−0) when rounded to float.
inline float heat_bath(double u, double e) {
  const double d = u * (1.0 + e) - 1.0;
  return -std::copysign(1.0f, static_cast<float>(d));
}

// Buffers of one block's sweeps, allocated once rather than per spin.
struct SweepScratch {
  Eigen::ArrayXf field, e;
  std::vector<double> u;
};

// Spins 0..p−1 in order, each across all the block's chains at once: the field
// and the exponential are vectorised over chains; only the uniforms are serial.
void sweep_systematic(const SparseIsing& m, SpinRows& x, Rng& rng, SweepScratch& s) {
  const Eigen::Index n = x.cols();
  s.field.resize(n);
  s.e.resize(n);
  s.u.resize(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < m.p; ++i) {
    s.field.setConstant(m.h[i]);
    for (std::size_t k = m.offset[i]; k < m.offset[i + 1]; ++k)
      s.field += m.weight[k] * x.row(static_cast<Eigen::Index>(m.index[k])).array();
    s.e = (-2.0f * s.field).exp();
    fill_uniforms(s.u, rng);  // the one serial part
    float* xi = x.row(static_cast<Eigen::Index>(i)).data();
    for (Eigen::Index c = 0; c < n; ++c) xi[c] = heat_bath(s.u[static_cast<std::size_t>(c)], s.e(c));
  }
}

// Each chain in turn makes p updates at uniformly drawn sites. One draw serves
// an update: its upper half picks the site by a multiply-shift (Lemire), whose
// bias p / 2^32 is nil, and its lower half is the heat-bath uniform.
void sweep_random(const SparseIsing& m, SpinRows& x, Rng& rng) {
  const Eigen::Index n = x.cols();
  for (Eigen::Index c = 0; c < n; ++c) {
    for (std::size_t step = 0; step < m.p; ++step) {
      const std::uint64_t r = rng();
      const auto i = static_cast<std::size_t>(((r >> 32) * m.p) >> 32);
      double field = m.h[i];
      for (std::size_t k = m.offset[i]; k < m.offset[i + 1]; ++k)
        field += m.weight[k] * x(static_cast<Eigen::Index>(m.index[k]), c);
      x(static_cast<Eigen::Index>(i), c) = heat_bath(lower_uniform(r), std::exp(-2.0 * field));
    }
  }
}

void randomise(SpinRows& x, Rng& rng) {
  std::uint64_t bits = 0;
  int left = 0;
  for (Eigen::Index c = 0; c < x.cols(); ++c)
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      if (left == 0) {
        bits = rng();
        left = 64;
      }
      x(i, c) = (bits & 1u) ? 1.0f : -1.0f;
      bits >>= 1;
      --left;
    }
}

void store(const SpinRows& x, std::size_t first, std::int8_t* out) {
  const auto p = static_cast<std::size_t>(x.rows());
  for (Eigen::Index c = 0; c < x.cols(); ++c)
    for (std::size_t i = 0; i < p; ++i)
      out[(first + static_cast<std::size_t>(c)) * p + i] = x(static_cast<Eigen::Index>(i), c) > 0 ? 1 : -1;
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
void run_block(std::size_t b, const SparseIsing& m, const RunPlan& plan, std::uint64_t seed, Records& records,
               std::int8_t* out, std::atomic<std::uint64_t>& ticks, const std::atomic<bool>& stop) {
  const std::size_t first = b * kGibbsBlockChains;
  const std::size_t n = std::min(kGibbsBlockChains, plan.chains - first);
  Rng rng(block_seed(seed, b));
  SpinRows x(static_cast<Eigen::Index>(m.p), static_cast<Eigen::Index>(n));
  if (plan.init)
    load_spins(*plan.init, first, n, BySign{}, x);
  else
    randomise(x, rng);
  SweepScratch scratch;
  for (std::size_t s = 0;; ++s) {
    if (plan.record_slot[s] >= 0) records.add(static_cast<std::size_t>(plan.record_slot[s]), x);
    if (s == plan.steps) break;
    if (stop.load(std::memory_order_relaxed)) return;
    if (plan.random_scan)
      sweep_random(m, x, rng);
    else
      sweep_systematic(m, x, rng, scratch);
    ++ticks;
  }
  if (plan.final_moments) records.add(plan.recorded.size(), x);
  store(x, first, out);
  ++ticks;
}

RunPlan make_plan(const Inputs& in, const Params& prm, std::size_t p) {
  RunPlan plan;
  const std::int64_t steps = prm.get_int("steps"), chains = prm.get_int("chains");
  if (steps < 0) throw std::invalid_argument(std::string(kWho) + ": steps must be >= 0");
  plan.steps = static_cast<std::size_t>(steps);
  plan.random_scan = prm.get_string("scan") == "random";
  if (prm.get_string("scan") != "systematic" && !plan.random_scan)
    throw std::invalid_argument(std::string(kWho) + ": scan must be 'systematic' or 'random'");
  if (in.has("init")) {
    plan.init = &in.get("init").array("samples");
    const auto& shape = plan.init->shape();
    if (plan.init->rank() != 2 || shape[0] == 0 || shape[1] != p)
      throw std::invalid_argument(std::string(kWho) + ": init.samples must be a non-empty {M, " + std::to_string(p) +
                                  "} matrix for this " + std::to_string(p) + "-spin model, got " + shape_text(shape));
    plan.chains = shape[0];
  } else {
    if (chains < 1) throw std::invalid_argument(std::string(kWho) + ": chains must be >= 1");
    plan.chains = static_cast<std::size_t>(chains);
  }
  plan.record_slot.assign(plan.steps + 1, -1);
  if (in.has("truth")) {
    for (std::int64_t s : prm.get_ints("record")) {
      if (s < 0) throw std::invalid_argument(std::string(kWho) + ": record entries must be >= 0");
      if (static_cast<std::size_t>(s) <= plan.steps) plan.recorded.push_back(static_cast<std::size_t>(s));
    }
    std::sort(plan.recorded.begin(), plan.recorded.end());
    plan.recorded.erase(std::unique(plan.recorded.begin(), plan.recorded.end()), plan.recorded.end());
    for (std::size_t k = 0; k < plan.recorded.size(); ++k) plan.record_slot[plan.recorded[k]] = static_cast<int>(k);
    plan.final_moments = true;
  }
  return plan;
}

}  // namespace

Artifact GibbsSampler::run(const Inputs& in, const Params& prm, Context& ctx) {
  const SparseIsing model = sparse_model(in.get("model"));
  const std::size_t p = model.p;
  const RunPlan plan = make_plan(in, prm, p);
  std::vector<double> truth;
  if (in.has("truth")) truth = truth_moments(in.get("truth").array("samples"), p);

  Records records;
  records.totals.assign(plan.recorded.size() + 1, std::vector<std::int64_t>(qoi_count(p), 0));
  std::vector<std::byte> samples(plan.chains * p);
  auto* out = reinterpret_cast<std::int8_t*>(samples.data());
  const std::size_t blocks = (plan.chains + kGibbsBlockChains - 1) / kGibbsBlockChains;
  std::atomic<std::uint64_t> ticks{0};
  parallel_for(blocks, worker_count(prm.get_int("threads"), blocks), ctx, ticks, blocks * (plan.steps + 1),
               [&](std::size_t b, const std::atomic<bool>& stop) {
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
