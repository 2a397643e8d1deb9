// dataset/ising: samples of an Ising model P(x) ∝ exp(Σ_{i<j} J_ij x_i x_j + Σ_i h_i x_i),
// x_i ∈ {−1, +1}: the discrete test case of the QoI-compression paper (seed 000),
// whose quantities of interest are the moments E[x_i] and E[x_i x_j].
//
// Builds a graph (random regular, periodic square lattice, complete, or read from a
// CSV), draws couplings and fields on it, and samples the model: exactly for p <= 20
// (all 2^p states enumerated, i.i.d. draws by Walker's alias method, and the exact
// moments returned alongside), by heat-bath Gibbs sampling on independent chains
// beyond (the kernel of sampler/gibbs, components/samplers/gibbs_kernel.hpp). The
// model comes from one random stream and the samples from another, so changing
// `samples` (or `burn_in`, `thin`) never changes J and h.
#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "components/samplers/gibbs_kernel.hpp"
#include "framework/core/errors.hpp"
#include "framework/core/parallel.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

// Largest p sampled exactly: 2^20 states of log-weights, probabilities and alias
// table take about 30 MB and a few tens of milliseconds.
constexpr std::size_t kMaxExactSpins = 20;
// Independent Gibbs chains: enough to make samples from different chains dominate
// for any realistic `samples`, few enough that each chain's burn-in is amortised.
constexpr std::size_t kMaxChains = 1024;
// Full pairing attempts before a random regular graph falls back to a random simple
// graph. One attempt succeeds with probability about exp(-(d²-1)/4) (Bender &
// Canfield): 13 % for d = 3, 0.25 % for d = 5, so 1000 tries settle d <= 5.
constexpr int kPairingTries = 1000;

using Edge = std::pair<std::uint32_t, std::uint32_t>;  // i < j

struct Settings {
  std::size_t p = 0, samples = 0;
  std::string graph;
  std::size_t degree = 0;
  std::string couplings, fields, couplings_file;
  double coupling_min = 0, coupling_max = 0, coupling_std = 0, field_max = 0, field_std = 0;
  std::size_t burn_in = 0, thin = 1;
};

// The model: J dense row-major {p, p}, symmetric with a zero diagonal.
struct Model {
  std::size_t p = 0;
  std::vector<double> J, h;
  std::size_t edges = 0;
  double& coupling(std::size_t i, std::size_t j) { return J[i * p + j]; }
};

// The sampling stream's seed: a fixed mix of the node seed, so sampling never shares
// draws with the model stream and J does not depend on how many samples are drawn.
std::uint64_t sampling_seed(std::uint64_t seed) { return splitmix64(seed ^ 0x53616D706C657321ull); }

// Uniform in [0, 1) from the top 53 bits: exact, and the same on every platform
// (std::uniform_real_distribution is not).
double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }
bool fair_coin(std::mt19937_64& rng) { return (rng() >> 63) != 0; }

std::string str(std::size_t v) { return std::to_string(v); }

// ------------------------------------------------------------------- settings

std::size_t lattice_side(std::size_t p) {
  const auto side = static_cast<std::size_t>(std::llround(std::sqrt(static_cast<double>(p))));
  if (side * side != p)
    throw std::invalid_argument("graph: lattice needs p to be a perfect square, got " + str(p));
  return side;
}

Settings read_settings(const Params& params) {
  Settings s;
  s.p = static_cast<std::size_t>(params.get_int("p"));
  s.samples = static_cast<std::size_t>(params.get_int("samples"));
  s.graph = params.get_string("graph");
  s.degree = static_cast<std::size_t>(params.get_int("degree"));
  s.couplings = params.get_string("couplings");
  s.coupling_min = params.get_double("coupling_min");
  s.coupling_max = params.get_double("coupling_max");
  s.coupling_std = params.get_double("coupling_std");
  s.fields = params.get_string("fields");
  s.field_max = params.get_double("field_max");
  s.field_std = params.get_double("field_std");
  s.couplings_file = params.get_string("couplings_file");
  s.burn_in = static_cast<std::size_t>(params.get_int("burn_in"));
  s.thin = static_cast<std::size_t>(params.get_int("thin"));

  if (s.graph == "lattice") lattice_side(s.p);
  if (s.graph == "random") {
    if (s.degree >= s.p)
      throw std::invalid_argument("graph: random needs degree < p (no simple graph gives " + str(s.p) +
                                  " spins " + str(s.degree) + " neighbours each), got degree " + str(s.degree));
    if (s.p * s.degree % 2 != 0)
      throw std::invalid_argument("graph: random needs p*degree even (a " + str(s.degree) + "-regular graph on " +
                                  str(s.p) + " spins does not exist)");
  }
  if (s.graph == "file" && s.couplings_file.empty())
    throw std::invalid_argument("graph: file needs couplings_file (a CSV of 'i,j,J_ij' and 'i,h_i' lines)");
  if (s.graph != "file" && !s.couplings_file.empty())
    throw std::invalid_argument("couplings_file is read only with graph: file, got graph: " + s.graph);
  if (!(s.coupling_min <= s.coupling_max && std::isfinite(s.coupling_max)))
    throw std::invalid_argument("couplings: uniform and ferromagnetic need 0 <= coupling_min <= coupling_max, got [" +
                                std::to_string(s.coupling_min) + ", " + std::to_string(s.coupling_max) + "]");
  return s;
}

// --------------------------------------------------------------------- graphs

std::vector<Edge> complete_edges(std::size_t p) {
  std::vector<Edge> edges;
  for (std::uint32_t i = 0; i < p; ++i)
    for (std::uint32_t j = i + 1; j < p; ++j) edges.emplace_back(i, j);
  return edges;
}

// Periodic L×L square lattice, site (r, c) = r*L + c. Each site links to its right
// and lower neighbour; for L = 2 those wrap onto the left and upper ones, so the
// duplicates are dropped (a 4-cycle, degree 2). For L >= 3: degree 4, 2p edges.
std::vector<Edge> lattice_edges(std::size_t p) {
  const std::size_t side = lattice_side(p);
  std::vector<Edge> edges;
  auto link = [&](std::size_t a, std::size_t b) {
    if (a != b) edges.emplace_back(static_cast<std::uint32_t>(std::min(a, b)), static_cast<std::uint32_t>(std::max(a, b)));
  };
  for (std::size_t r = 0; r < side; ++r)
    for (std::size_t c = 0; c < side; ++c) {
      link(r * side + c, r * side + (c + 1) % side);
      link(r * side + c, ((r + 1) % side) * side + c);
    }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  return edges;
}

// One try of the pairing (configuration) model: p*d stubs, d per spin, shuffled and
// paired off. Conditioned on giving no self-loop and no repeated edge, the result is
// a uniformly random d-regular graph; a try that gives either is thrown away.
std::optional<std::vector<Edge>> try_pairing(std::size_t p, std::size_t degree, std::mt19937_64& rng) {
  std::vector<std::uint32_t> stubs(p * degree);
  for (std::size_t k = 0; k < stubs.size(); ++k) stubs[k] = static_cast<std::uint32_t>(k / degree);
  std::shuffle(stubs.begin(), stubs.end(), rng);
  std::vector<Edge> edges;
  edges.reserve(stubs.size() / 2);
  for (std::size_t k = 0; k < stubs.size(); k += 2) {
    if (stubs[k] == stubs[k + 1]) return std::nullopt;
    edges.emplace_back(std::min(stubs[k], stubs[k + 1]), std::max(stubs[k], stubs[k + 1]));
  }
  std::sort(edges.begin(), edges.end());
  if (std::adjacent_find(edges.begin(), edges.end()) != edges.end()) return std::nullopt;
  return edges;
}

// m distinct pairs drawn uniformly from all p(p-1)/2 by Floyd's algorithm (exactly
// m draws, no rejection loop), then decoded from their row-major pair index.
std::vector<Edge> random_simple_edges(std::size_t p, std::size_t m, std::mt19937_64& rng) {
  const std::uint64_t total = static_cast<std::uint64_t>(p) * (p - 1) / 2;
  std::unordered_set<std::uint64_t> chosen;
  for (std::uint64_t t = total - m; t < total; ++t) {
    const std::uint64_t k = std::uniform_int_distribution<std::uint64_t>(0, t)(rng);
    if (!chosen.insert(k).second) chosen.insert(t);
  }
  std::vector<std::uint64_t> keys(chosen.begin(), chosen.end());
  std::sort(keys.begin(), keys.end());
  std::vector<Edge> edges;
  std::uint64_t row_start = 0;
  std::uint32_t i = 0;
  for (std::uint64_t k : keys) {
    while (k >= row_start + (p - 1 - i)) row_start += p - 1 - i++;  // row i holds pairs (i, i+1..p-1)
    edges.emplace_back(i, static_cast<std::uint32_t>(i + 1 + (k - row_start)));
  }
  return edges;
}

std::vector<Edge> random_regular_edges(std::size_t p, std::size_t degree, std::mt19937_64& rng, Context& ctx) {
  for (int attempt = 0; attempt < kPairingTries; ++attempt) {
    if (auto edges = try_pairing(p, degree, rng)) return *edges;
    if (attempt % 64 == 63) ctx.check_cancelled();
  }
  ctx.log("no simple " + str(degree) + "-regular pairing in " + std::to_string(kPairingTries) +
          " tries; using a uniformly random simple graph with " + str(p * degree / 2) + " edges instead");
  return random_simple_edges(p, p * degree / 2, rng);
}

// ----------------------------------------------------------- couplings, fields

double draw_coupling(const Settings& s, std::mt19937_64& rng) {
  if (s.couplings == "gaussian") return std::normal_distribution<double>(0.0, s.coupling_std)(rng);
  const double magnitude = s.coupling_min + (s.coupling_max - s.coupling_min) * uniform01(rng);
  if (s.couplings == "ferromagnetic") return magnitude;
  return fair_coin(rng) ? magnitude : -magnitude;  // uniform
}

double draw_field(const Settings& s, std::mt19937_64& rng) {
  if (s.fields == "zero") return 0.0;
  if (s.fields == "uniform") return s.field_max * (2.0 * uniform01(rng) - 1.0);
  if (s.fields == "positive") return s.field_max * uniform01(rng);
  return std::normal_distribution<double>(0.0, s.field_std)(rng);  // gaussian
}

// Couplings are drawn edge by edge in sorted (i, j) order, so J depends only on the
// edge set, not on the order in which a graph builder produced it.
Model random_model(const Settings& s, std::mt19937_64& rng, Context& ctx) {
  std::vector<Edge> edges;
  if (s.graph == "random") edges = random_regular_edges(s.p, s.degree, rng, ctx);
  else if (s.graph == "lattice") edges = lattice_edges(s.p);
  else edges = complete_edges(s.p);  // graph: file never gets here
  std::sort(edges.begin(), edges.end());

  Model m{s.p, std::vector<double>(s.p * s.p, 0.0), std::vector<double>(s.p, 0.0), edges.size()};
  for (const auto& [i, j] : edges) m.coupling(i, j) = m.coupling(j, i) = draw_coupling(s, rng);
  for (double& h : m.h) h = draw_field(s, rng);
  return m;
}

// Numbers of one CSV line, split on commas and/or whitespace, after any '#'.
std::vector<double> parse_numbers(std::string line, const std::string& where) {
  if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
  for (char& c : line)
    if (c == ',') c = ' ';
  std::istringstream words(line);
  std::vector<double> out;
  for (std::string w; words >> w;) {
    double v = 0;
    auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
    if (ec != std::errc() || end != w.data() + w.size() || !std::isfinite(v))
      throw std::invalid_argument(where + ": '" + printable(w) + "' is not a number");
    out.push_back(v);
  }
  return out;
}

std::size_t spin_index(double v, std::size_t p, const std::string& where) {
  if (v != std::floor(v) || v < 0 || v >= static_cast<double>(p)) {
    std::ostringstream msg;
    msg << where << ": spin index " << v << " is not an integer in [0, " << p - 1 << "] (p = " << p << ")";
    throw std::invalid_argument(msg.str());
  }
  return static_cast<std::size_t>(v);
}

// graph: file. Lines "i,j,J_ij" set a coupling, lines "i,h_i" a field (0-based
// spins); '#' starts a comment. Pairs and fields not listed are zero. A pair or a
// field given twice is an error rather than a silent overwrite.
Model file_model(const Settings& s) {
  std::ifstream in(s.couplings_file);
  if (!in) throw std::invalid_argument("couplings_file: cannot open '" + s.couplings_file + "'");
  Model m{s.p, std::vector<double>(s.p * s.p, 0.0), std::vector<double>(s.p, 0.0), 0};
  std::map<Edge, std::size_t> pair_line;
  std::map<std::size_t, std::size_t> field_line;
  std::size_t line_no = 0;
  for (std::string line; std::getline(in, line);) {
    const std::string where = s.couplings_file + ":" + str(++line_no);
    const std::vector<double> v = parse_numbers(line, where);
    if (v.empty()) continue;
    if (v.size() == 3) {
      const std::size_t i = spin_index(v[0], s.p, where), j = spin_index(v[1], s.p, where);
      if (i == j) throw std::invalid_argument(where + ": a coupling needs two different spins, got " + str(i) + "," + str(j));
      const Edge e{static_cast<std::uint32_t>(std::min(i, j)), static_cast<std::uint32_t>(std::max(i, j))};
      if (auto [it, fresh] = pair_line.emplace(e, line_no); !fresh)
        throw std::invalid_argument(where + ": pair (" + str(e.first) + ", " + str(e.second) + ") already set on line " +
                                    str(it->second));
      m.coupling(i, j) = m.coupling(j, i) = v[2];
    } else if (v.size() == 2) {
      const std::size_t i = spin_index(v[0], s.p, where);
      if (auto [it, fresh] = field_line.emplace(i, line_no); !fresh)
        throw std::invalid_argument(where + ": field of spin " + str(i) + " already set on line " + str(it->second));
      m.h[i] = v[1];
    } else {
      throw std::invalid_argument(where + ": expected 'i,j,J_ij' (3 numbers) or 'i,h_i' (2 numbers), got " +
                                  str(v.size()) + " numbers");
    }
  }
  m.edges = pair_line.size();
  return m;
}

// --------------------------------------------------------------- exact path

// Log-weights Σ_{i<j} J_ij x_i x_j + Σ_i h_i x_i of all 2^p states, state s having
// x_i = +1 where bit i of s is set. States are visited in Gray-code order, so each
// step flips one spin b and costs O(p): the weight changes by -2 x_b g_b with
// g_b = h_b + Σ_j J_bj x_j, and every g_j then moves by -2 J_jb x_b.
std::vector<double> log_weights(const Model& m, Context& ctx) {
  const std::size_t p = m.p, n = std::size_t{1} << p;
  std::vector<double> x(p, -1.0), g(m.h), lw(n);
  double w = 0;
  for (std::size_t i = 0; i < p; ++i) {
    w -= m.h[i];
    for (std::size_t j = 0; j < p; ++j) {
      g[i] -= m.J[i * p + j];
      if (j > i) w += m.J[i * p + j];
    }
  }
  lw[0] = w;
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<std::size_t>(std::countr_zero(k));
    w -= 2.0 * x[b] * g[b];
    const double step = -2.0 * x[b];
    const double* row = &m.J[b * p];
    for (std::size_t j = 0; j < p; ++j) g[j] += step * row[j];
    x[b] = -x[b];
    lw[k ^ (k >> 1)] = w;
    if ((k & 0xFFFF) == 0) ctx.check_cancelled();
  }
  return lw;
}

// Normalised probabilities by log-sum-exp: subtracting the largest log-weight keeps
// every exponential in (0, 1], however strong the couplings.
std::vector<double> probabilities(const std::vector<double>& lw) {
  const double top = *std::max_element(lw.begin(), lw.end());
  std::vector<double> prob(lw.size());
  double z = 0;
  for (std::size_t s = 0; s < lw.size(); ++s) z += prob[s] = std::exp(lw[s] - top);
  for (double& q : prob) q /= z;
  return prob;
}

// E[x_i] and E[x_i x_j] from the Walsh–Hadamard transform of the probability table:
// F(S) = Σ_s P(s) (−1)^{|s ∧ S|} holds every parity moment at once in O(p 2^p)
// (instead of O(p² 2^p) by direct sums). With x_i = +1 on a set bit, (−1)^{bit} = −x_i,
// so E[x_i] = −F({i}) and E[x_i x_j] = F({i, j}).
void exact_moments(const std::vector<double>& prob, std::size_t p, std::vector<double>& mean,
                   std::vector<double>& corr) {
  std::vector<double> f(prob);
  for (std::size_t len = 1; len < f.size(); len <<= 1)
    for (std::size_t start = 0; start < f.size(); start += 2 * len)
      for (std::size_t s = start; s < start + len; ++s) {
        const double a = f[s], b = f[s + len];
        f[s] = a + b;
        f[s + len] = a - b;
      }
  mean.assign(p, 0.0);
  corr.assign(p * p, 1.0);
  for (std::size_t i = 0; i < p; ++i) {
    mean[i] = -f[std::size_t{1} << i];
    for (std::size_t j = i + 1; j < p; ++j)
      corr[i * p + j] = corr[j * p + i] = f[(std::size_t{1} << i) | (std::size_t{1} << j)];
  }
}

// Walker's alias method (Vose's numerically stable construction): a table of n
// columns, each holding its own state with probability threshold[c] and an alias
// otherwise, so one draw costs one column pick and one comparison.
class AliasTable {
 public:
  // n = prob.size() must be a power of two: the top bits of one 64-bit draw then
  // pick a column exactly uniformly.
  explicit AliasTable(const std::vector<double>& prob)
      : bits_(std::countr_zero(prob.size())), threshold_(prob.size(), 1.0), alias_(prob.size()) {
    const std::size_t n = prob.size();
    std::vector<double> scaled(n);
    std::vector<std::uint32_t> small, large;
    for (std::size_t s = 0; s < n; ++s) {
      scaled[s] = prob[s] * static_cast<double>(n);
      alias_[s] = static_cast<std::uint32_t>(s);
      (scaled[s] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(s));
    }
    while (!small.empty() && !large.empty()) {
      const std::uint32_t lo = small.back(), hi = large.back();
      small.pop_back();
      threshold_[lo] = scaled[lo];
      alias_[lo] = hi;
      scaled[hi] = (scaled[hi] + scaled[lo]) - 1.0;  // this order loses least precision (Vose 1991)
      if (scaled[hi] < 1.0) {
        large.pop_back();
        small.push_back(hi);
      }
    }
    // What is left is 1 up to rounding: those columns keep their own state (threshold 1).
  }

  std::uint32_t draw(std::mt19937_64& rng) const {
    const auto column = static_cast<std::uint32_t>(rng() >> (64 - bits_));
    return uniform01(rng) < threshold_[column] ? column : alias_[column];
  }

 private:
  int bits_;
  std::vector<double> threshold_;
  std::vector<std::uint32_t> alias_;
};

std::vector<std::int8_t> exact_samples(const std::vector<double>& prob, std::size_t p, std::size_t samples,
                                       std::mt19937_64& rng, Context& ctx) {
  const AliasTable table(prob);
  std::vector<std::int8_t> out(samples * p);
  constexpr std::size_t kChunk = 1 << 16;
  for (std::size_t first = 0; first < samples; first += kChunk) {
    ctx.check_cancelled();
    const std::size_t last = std::min(samples, first + kChunk);
    for (std::size_t r = first; r < last; ++r) {
      const std::uint32_t state = table.draw(rng);
      std::int8_t* row = &out[r * p];
      for (std::size_t i = 0; i < p; ++i) row[i] = (state >> i) & 1u ? 1 : -1;
    }
    ctx.progress(last, samples);
  }
  return out;
}

// --------------------------------------------------------------- Gibbs path

// Chain c writes rows c, c + C, c + 2C, ...: burn_in sweeps from uniformly random
// spins, then one row every `thin` sweeps. Each chain is a block of one in the
// Gibbs kernel, with its own generator derived from the sampling seed and its
// index, so the rows do not depend on the order in which chains run.
std::vector<std::int8_t> gibbs_samples(const Model& m, const Settings& s, std::uint64_t seed, Context& ctx) {
  const gibbs::SparseIsing model = gibbs::sparse_ising(m.p, m.J, m.h);
  const std::size_t chains = std::min(s.samples, kMaxChains);
  std::vector<std::int8_t> out(s.samples * m.p);
  const std::uint64_t total_sweeps = chains * s.burn_in + s.samples * s.thin;
  std::uint64_t done = 0;
  gibbs::SpinRows x(static_cast<Eigen::Index>(m.p), 1);
  gibbs::SweepScratch scratch;
  for (std::size_t c = 0; c < chains; ++c) {
    gibbs::Rng rng(chain_seed(seed, c));
    gibbs::randomise(x, rng);
    for (std::size_t t = 0; t < s.burn_in; ++t) {
      ctx.check_cancelled();
      gibbs::sweep_systematic(model, x, rng, scratch);
    }
    done += s.burn_in;
    for (std::size_t r = c; r < s.samples; r += chains) {
      for (std::size_t t = 0; t < s.thin; ++t) {
        ctx.check_cancelled();
        gibbs::sweep_systematic(model, x, rng, scratch);
      }
      gibbs::store(x, r, out.data());
      done += s.thin;
    }
    ctx.progress(done, total_sweeps);
  }
  return out;
}

class IsingDataset : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

Artifact IsingDataset::run(const Inputs&, const Params& params, Context& ctx) {
  const Settings s = read_settings(params);
  std::mt19937_64 model_rng(ctx.seed());
  const Model m = s.graph == "file" ? file_model(s) : random_model(s, model_rng, ctx);
  const bool exact = s.p <= kMaxExactSpins;

  Artifact out;
  std::vector<std::int8_t> x;
  if (exact) {
    const std::vector<double> prob = probabilities(log_weights(m, ctx));
    std::vector<double> mean, corr;
    exact_moments(prob, s.p, mean, corr);
    std::mt19937_64 sample_rng(sampling_seed(ctx.seed()));
    x = exact_samples(prob, s.p, s.samples, sample_rng, ctx);
    out.set_array("exact_mean", Array::from<double>({s.p}, mean));
    out.set_array("exact_correlation", Array::from<double>({s.p, s.p}, corr));
  } else {
    x = gibbs_samples(m, s, sampling_seed(ctx.seed()), ctx);
  }
  out.set_array("samples", Array::from<std::int8_t>({s.samples, s.p}, x));
  out.set_array("J", Array::from<double>({s.p, s.p}, m.J));
  out.set_array("h", Array::from<double>({s.p}, m.h));
  out.set_scalar("p", static_cast<double>(s.p));
  out.set_scalar("samples", static_cast<double>(s.samples));
  out.set_scalar("edges", static_cast<double>(m.edges));
  out.set_scalar("exact", exact ? 1.0 : 0.0);
  out.set_string("graph", s.graph);
  return out;
}

}  // namespace

REPRISE_COMPONENT(
    IsingDataset, "dataset/ising", "2",
    "Ising spin samples (exact for p <= 20, Gibbs beyond) on a random regular, lattice, complete or given graph",
    param_int("p", 16, "number of spins").range(2, 4096),
    param_int("samples", 100000, "number of samples (rows)").at_least(1),
    param_string("graph", "random",
                 "interaction graph: 'random' = random regular graph of `degree`, 'lattice' = periodic L x L "
                 "square lattice (p = L^2), 'complete' = all pairs, 'file' = read from couplings_file")
        .one_of({"random", "lattice", "complete", "file"}),
    param_int("degree", 3, "neighbours per spin for graph: random (p*degree must be even, degree < p)").at_least(1),
    param_string("couplings", "uniform",
                 "coupling law on each edge: 'uniform' = magnitude in [coupling_min, coupling_max] with a random "
                 "sign, 'ferromagnetic' = the same magnitude, always positive (aligned spins favoured), "
                 "'gaussian' = N(0, coupling_std^2)")
        .one_of({"uniform", "ferromagnetic", "gaussian"}),
    param_double("coupling_min", 0.4, "smallest coupling magnitude for couplings: uniform or ferromagnetic").at_least(0),
    param_double("coupling_max", 0.8, "largest coupling magnitude for couplings: uniform or ferromagnetic").at_least(0),
    param_double("coupling_std", 0.5, "standard deviation of couplings: gaussian").at_least(0),
    param_string("fields", "uniform",
                 "field law on each spin: 'zero', 'uniform' = in [-field_max, field_max], 'positive' = in "
                 "[0, field_max] (with ferromagnetic couplings: the all-up basin outweighs the all-down one), "
                 "'gaussian' = N(0, field_std^2)")
        .one_of({"zero", "uniform", "positive", "gaussian"}),
    param_double("field_max", 0.2, "largest field magnitude for fields: uniform or positive").at_least(0),
    param_double("field_std", 0.1, "standard deviation of fields: gaussian").at_least(0),
    param_optional_path("couplings_file",
                        "graph: file only: CSV lines 'i,j,J_ij' (couplings) and 'i,h_i' (fields), 0-based spins, "
                        "'#' comments; unlisted pairs and fields are zero, couplings/fields laws are ignored"),
    param_int("burn_in", 1000, "Gibbs sweeps discarded at the start of each chain (p > 20)").at_least(0),
    param_int("thin", 10, "Gibbs sweeps between two kept samples of a chain (p > 20)").at_least(1),
    output("samples", "int8 {samples, p} of ±1, one sample per row (chains interleaved when p > 20)"),
    output("J", "float64 {p, p}: the couplings, symmetric with a zero diagonal"),
    output("h", "float64 {p}: the fields"),
    output("exact_mean", "float64 {p}: exact E[x_i] of the model (p <= 20 only)"),
    output("exact_correlation", "float64 {p, p}: exact E[x_i x_j], ones on the diagonal (p <= 20 only)"),
    output("p", "scalar: number of spins"),
    output("edges", "scalar: number of coupled pairs in the graph"),
    output("exact", "scalar: 1 when sampled exactly by enumeration, 0 when by Gibbs sampling"),
    output("graph", "string: the graph kind"))

}  // namespace reprise
