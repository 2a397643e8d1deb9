// Stage cli/ (6 of 6): the `reprise` command line (Boost.Program_options).
//
// In: argv. Out: an exit status, having driven the stages in order: spec/ loads
// the YAML, plan/ makes the DAG, exec/ runs it against store/'s cache, report/
// writes the run directory. The commands (run, plan, graph, list, describe,
// cache, report, reproduce) are one table in cli.cpp that `reprise --help`, the
// dispatch and the did-you-mean for a misspelt command all read.
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
