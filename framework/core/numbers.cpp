#include "framework/core/numbers.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace reprise {

std::optional<double> parse_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  if (text == "nan" || text == "NaN") return std::nan("");
  if (text == "inf") return INFINITY;
  if (text == "-inf") return -INFINITY;
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

std::string short_number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", x);
  return buf;
}


}  // namespace reprise
