// Rate control for codec/inr's `target_ratio` (like ZFP's fixed-rate mode, but
// for a stream whose size is only known once it is coded):
//   1. the width: the widest network of the model (every other setting kept)
//      whose coded stream at `bits` bits per weight fits the byte budget, coded
//      from its initial weights (width_for_budget): trained weights code to
//      about the same size, and step 2 absorbs the difference. With bits 32,
//      one width more (its rows fit at 16 bits): float32 rows cannot widen, so
//      step 2 fills the budget from rows at 16 bits widened back to 32;
//   2. after training, the row widths: every row at `bits` (narrowed a step at
//      a time while the coded stream is over budget), then the first k rows,
//      in layer order, one step wider (8 -> 16 -> 32 bits, or b -> b + 1 below 8)
//      with the largest k whose coded stream still fits; the same from one step
//      narrower (rows at b - 1 widened to b: finer steps), and the fuller of the
//      two streams wins (fill_budget). The entropy coder's gain is thereby spent
//      on precision, and the stream ends within a row's worth of bytes below
//      the budget, with bits 32 too (step 1), so the ratio lands within a
//      row's worth of bytes above the target.
#pragma once

#include <cstdint>
#include <vector>

#include "components/inr/weight_coding.hpp"

namespace reprise::inr {

// The next wider / narrower valid row width (32, 16, 8, ..., 2); the widest and
// narrowest return themselves.
int wider_bits(int bits);
int narrower_bits(int bits);

// The widest width (1..4096) of the model header.model describes (every other
// setting kept) whose stream, coded from its initial weights at `bits`, fits
// `budget`; throws when even width 1 does not.
int width_for_budget(const StreamHeader& header, double budget, int bits);

struct RatePlan {
  RowBits bits;
  std::vector<std::uint8_t> stream;
};

// Row widths (see above) and the stream coded with them, at most `budget`
// bytes; throws when even every row at 2 bits is over budget.
RatePlan fill_budget(const StreamHeader& header, const Network& net, int bits, double budget);

}  // namespace reprise::inr
