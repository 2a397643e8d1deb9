#include "components/inr/rate_control.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "components/inr/model.hpp"

namespace reprise::inr {
namespace {

constexpr int kMaxWidth = 4096;

// Row widths: every row at `base`, the first `widened` one step wider.
RowBits widened_rows(std::size_t rows, int base, std::size_t widened) {
  RowBits b(rows, static_cast<std::uint8_t>(base));
  for (std::size_t r = 0; r < widened; ++r) b[r] = static_cast<std::uint8_t>(wider_bits(base));
  return b;
}

}  // namespace

int wider_bits(int bits) { return bits >= 16 ? 32 : bits == 8 ? 16 : bits + 1; }
int narrower_bits(int bits) { return bits == 32 ? 16 : bits == 16 ? 8 : bits > 2 ? bits - 1 : 2; }

int width_for_budget(const StreamHeader& header, double budget, int bits) {
  auto fits_at = [&](int width, int row_bits) {
    StreamHeader h = header;
    h.model.set_scalar("width", width);
    const auto net = build_network(h.model, h.input_dim, h.seed, h.frame.shape);
    return static_cast<double>(encode_stream(h, *net, uniform_bits(*net, row_bits)).size()) <= budget;
  };
  auto fits = [&](int width) { return fits_at(width, bits); };
  if (!fits(1))
    throw std::runtime_error("target_ratio: a budget of " + std::to_string(static_cast<long long>(budget)) +
                             " bytes is below the smallest network of this depth at " + std::to_string(bits) +
                             " bits; lower target_ratio, bits or depth");
  // Doubling, then bisection: networks are built only up to twice the answer.
  int lo = 1, hi = 2;
  while (hi <= kMaxWidth && fits(hi)) lo = hi, hi *= 2;
  hi = std::min(hi, kMaxWidth + 1);  // fits(lo), !fits(hi) or hi past the limit
  while (hi - lo > 1) {
    const int mid = lo + (hi - lo) / 2;
    (fits(mid) ? lo : hi) = mid;
  }
  // float32 rows cannot widen to fill what the widest float32 network leaves
  // (up to a width step, ~10 %): one width more, whose rows fit at float16,
  // lets fill_budget narrow it to float16 and widen its first rows back to
  // float32 until the budget is full.
  if (bits == 32 && lo < kMaxWidth && fits_at(lo + 1, narrower_bits(bits))) return lo + 1;
  return lo;
}

namespace {

// Every row at `base` with the first k one step wider, for the largest k whose
// stream fits (sizes grow with k, up to the entropy coder's byte-level noise);
// `fitting` is the plan of k = 0, which fits.
RatePlan widen_rows(const StreamHeader& header, const Network& net, int base, double budget, RatePlan fitting) {
  if (base == 32) return fitting;
  std::size_t lo = 0, hi = row_count(net);  // `fitting` always holds k = lo
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo + 1) / 2;
    RatePlan trial{widened_rows(row_count(net), base, mid), {}};
    trial.stream = encode_stream(header, net, trial.bits);
    if (static_cast<double>(trial.stream.size()) <= budget) {
      lo = mid;
      fitting = std::move(trial);
    } else {
      hi = mid - 1;
    }
  }
  return fitting;
}

RatePlan uniform_plan(const StreamHeader& header, const Network& net, int bits) {
  RatePlan plan{uniform_bits(net, bits), {}};
  plan.stream = encode_stream(header, net, plan.bits);
  return plan;
}

}  // namespace

RatePlan fill_budget(const StreamHeader& header, const Network& net, int bits, double budget) {
  int base = bits;
  RatePlan plan = uniform_plan(header, net, base);
  while (static_cast<double>(plan.stream.size()) > budget) {
    if (base == 2)
      throw std::runtime_error("target_ratio: the stream is " + std::to_string(plan.stream.size()) +
                               " bytes with every weight at 2 bits, over the budget of " +
                               std::to_string(static_cast<long long>(budget)) + " bytes");
    base = narrower_bits(base);
    plan = uniform_plan(header, net, base);
  }
  RatePlan best = widen_rows(header, net, base, budget, std::move(plan));
  // A wide row widened 8 -> 16 bits can be a coarse step for a small budget,
  // and rows at 32 bits cannot widen at all: rows at one step narrower widened
  // back to `base` fill it more finely. The fuller stream of the two wins.
  if (base > 2) {
    const int narrower = narrower_bits(base);
    RatePlan finer = widen_rows(header, net, narrower, budget, uniform_plan(header, net, narrower));
    if (finer.stream.size() > best.stream.size()) best = std::move(finer);
  }
  return best;
}

}  // namespace reprise::inr
