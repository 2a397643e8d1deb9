// Helpers shared by the plot component tests.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "framework/core/registry.hpp"
#include "framework/report/table.hpp"
#include "tests/unit/component_support.hpp"

namespace reprise::test {

// Runs plot component `name` on `t` as the framework would after a run.
inline Artifact run_plot(const std::string& name, const Table& t, const Params& p) {
  const ComponentInfo* info = Registry::instance().find(name);
  REQUIRE(info != nullptr);
  Inputs in;
  in.set("table", std::make_shared<const Artifact>(t.to_artifact()));
  SimpleContext ctx;
  return info->make()->run(in, p, ctx);
}

// Whether gnuplot can be run; the rendering tests are skipped (and reported so) without it.
inline bool gnuplot_on_path() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

inline std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

inline std::string read_all(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace reprise::test
