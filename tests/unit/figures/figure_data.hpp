// Reading back the .dat text a figure node returns: gnuplot `index` blocks
// (separated by two blank lines) of numeric rows; comment lines and the single
// blank lines that split a block into lines or grid scans are skipped.
#pragma once

#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "framework/core/params.hpp"
#include "tests/unit/component_support.hpp"

namespace reprise::test {

using DataRows = std::vector<std::vector<double>>;

inline std::vector<DataRows> data_blocks(const std::string& data) {
  std::vector<DataRows> blocks;
  DataRows current;
  int blank = 0;
  std::istringstream in(data);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '#') continue;
    if (line.empty()) {
      if (++blank == 2 && !current.empty()) blocks.push_back(current), current.clear();
      continue;
    }
    blank = 0;
    std::istringstream row(line);
    std::vector<double> values;
    double x;
    while (row >> x) values.push_back(x);
    current.push_back(values);
  }
  if (!current.empty()) blocks.push_back(current);
  return blocks;
}

inline bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// An artifact holding only "samples" {shape}: what a sampler node hands a figure.
inline Artifact samples_artifact(std::vector<std::size_t> shape, const std::vector<double>& values) {
  Artifact a;
  a.set_array("samples", Array::from<double>(std::move(shape), values));
  return a;
}

// Runs a figure component that draws `samples` over `target` (figure/samples,
// figure/mode-masses).
inline Artifact draw_over_target(const std::string& component, const Artifact& target, const Artifact& samples,
                                 const std::map<std::string, ParamValue>& overrides) {
  Inputs in;
  in.set("target", std::make_shared<const Artifact>(target));
  in.set("samples", std::make_shared<const Artifact>(samples));
  return run_component(component, overrides, in);
}

}  // namespace reprise::test
