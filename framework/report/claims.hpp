// Claims: a spec's `paper:` claims checked against a run's metrics table.
//
// In: a Claim (spec/paper.hpp) and the run's metrics Table. Out: a ClaimOutcome:
// our number (reduced from the rows the claim selects, or a ratio to a baseline
// selection), its ratio to the published number and a verdict, or "no data" with
// the reason.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "framework/report/table.hpp"
#include "framework/spec/paper.hpp"

namespace reprise {

struct ClaimOutcome {
  enum class Verdict { Reproduced, NotReproduced, NoData };
  Verdict verdict = Verdict::NoData;
  std::optional<double> ours;
  std::optional<double> ratio;  // ours / published
  std::size_t rows = 0;         // rows the selection (ours) reduced
  std::string note;             // why there is no number, when there is none
};

// Evaluates one claim on a run's metrics table.
ClaimOutcome evaluate_claim(const Claim& claim, const Table& table);

std::string verdict_name(ClaimOutcome::Verdict v);
std::string expect_text(const Claim& claim);  // "< 0.05", ">= 20", "0.076 ± 10 %"

}  // namespace reprise
