// Table: the tidy metrics table of a run (one row per sweep point, one column per
// sweep axis and per scalar metric `node.key`). It is what metrics.csv holds and
// what plot components receive, packed into an Artifact under the input "table".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "framework/core/artifact.hpp"

namespace reprise {

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // cells as text, "" where missing

  // Index of a column, or nullopt.
  std::optional<std::size_t> find(const std::string& column) const;
  // Cell parsed as a number; nullopt when empty or not numeric.
  static std::optional<double> number(const std::string& cell);
  // True when every non-empty cell of the column parses as a number.
  bool numeric(std::size_t column) const;

  // Packing for plot components: string "columns" (names joined by '\x1f') and one
  // string per column "col:<name>" (cells joined by '\x1f').
  Artifact to_artifact() const;
  static Table from_artifact(const Artifact& a);

  // RFC 4180 CSV, fields quoted only when needed.
  std::string to_csv() const;
  // The inverse of to_csv(): from_csv(t.to_csv()) == t. Throws std::runtime_error
  // on an unterminated quote or a row whose width differs from the header's.
  static Table from_csv(const std::string& text);
};

}  // namespace reprise
