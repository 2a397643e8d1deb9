// Numbers as reprise reads and shows them in tables, claims and reports.
#pragma once

#include <optional>
#include <string>

namespace reprise {

// Text parsed as a number ("nan", "inf", "-inf" too); nullopt when empty or not
// entirely a number.
std::optional<double> parse_number(const std::string& text);

// 4 significant digits, as claims, reports and the CLI show measured numbers.
std::string short_number(double x);

}  // namespace reprise
