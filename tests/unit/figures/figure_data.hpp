// Reading back the .dat text a figure node returns: gnuplot `index` blocks
// (separated by two blank lines) of numeric rows; comment lines and the single
// blank lines that split a block into lines or grid scans are skipped.
#pragma once

#include <sstream>
#include <string>
#include <vector>

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

}  // namespace reprise::test
