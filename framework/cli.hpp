// cli: the `reprise` command line (Boost.Program_options).
//
//   reprise run SPEC [key.path=value ...] [-j N] [--out DIR] [--force NODE] [--dry-run] [-q|-v]
//                [--shard i/N]          only the i-th of N blocks of sweep points (shard.hpp)
//                [--keep-going] [--sandbox [--allow-path DIR ...]]
//   reprise plan SPEC [overrides]      what would run, what is cached
//   reprise graph SPEC [overrides]     Graphviz DOT of the plan
//   reprise list                       components by kind
//   reprise describe NAME              params, inputs, outputs of one component
//   reprise cache ls|verify|gc [--keep-runs N] [--out DIR]
//   reprise report --merge DIR... [--out DIR]   join shard runs (merge.hpp)
//
// Exit status: 0 success, 1 a node failed or results could not be written, 2 bad
// input (spec, overrides, arguments, a file outside --sandbox), 130 interrupted.
// Without --keep-going no node starts after the first failure.
#pragma once

#include <string>
#include <vector>

namespace reprise {

int cli_main(const std::vector<std::string>& args);

}  // namespace reprise
