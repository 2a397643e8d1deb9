// Unit tests for framework/table: CSV output, number parsing, artifact packing.
#include "framework/report/table.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace reprise;

TEST_CASE("to_csv writes plain fields unquoted") {
  Table t;
  t.columns = {"codec.energy", "metric.max_abs"};
  t.rows = {{"0.9", "1.5e-3"}, {"1", ""}};
  CHECK(t.to_csv() == "codec.energy,metric.max_abs\n0.9,1.5e-3\n1,\n");
}

TEST_CASE("to_csv quotes fields with comma, quote or line break per RFC 4180") {
  Table t;
  t.columns = {"a,b", "say \"hi\"", "plain"};
  t.rows = {{"1,5", "he said \"no\"", "x"},
            {"line\nbreak", "\"", "cr\rhere"},
            {"", "\"\"", "crlf\r\n"}};
  const std::string expected =
      "\"a,b\",\"say \"\"hi\"\"\",plain\n"
      "\"1,5\",\"he said \"\"no\"\"\",x\n"
      "\"line\nbreak\",\"\"\"\",\"cr\rhere\"\n"
      ",\"\"\"\"\"\",\"crlf\r\n\"\n";
  CHECK(t.to_csv() == expected);
}

TEST_CASE("to_csv of a table without rows is the header line") {
  Table t;
  t.columns = {"x", "y"};
  CHECK(t.to_csv() == "x,y\n");
}

TEST_CASE("find locates columns by exact name") {
  Table t;
  t.columns = {"a", "b", "node.key"};
  CHECK(t.find("a") == std::optional<std::size_t>(0));
  CHECK(t.find("node.key") == std::optional<std::size_t>(2));
  CHECK_FALSE(t.find("node").has_value());
  CHECK_FALSE(t.find("A").has_value());
  CHECK_FALSE(Table{}.find("a").has_value());
}

TEST_CASE("number parses decimal text and the special values") {
  CHECK(Table::number("0") == 0.0);
  CHECK(Table::number("1.5") == 1.5);
  CHECK(Table::number("-2e3") == -2000.0);
  CHECK(Table::number("0.1") == 0.1);
  CHECK(Table::number("1E-3") == 0.001);
  CHECK(Table::number("100000") == 100000.0);
  CHECK(Table::number("-0") == 0.0);
  CHECK(std::signbit(*Table::number("-0")));
  CHECK(Table::number("inf") == std::numeric_limits<double>::infinity());
  CHECK(Table::number("-inf") == -std::numeric_limits<double>::infinity());
  REQUIRE(Table::number("nan").has_value());
  CHECK(std::isnan(*Table::number("nan")));
  REQUIRE(Table::number("NaN").has_value());
  CHECK(std::isnan(*Table::number("NaN")));
}

TEST_CASE("number rejects empty and non-numeric text") {
  CHECK_FALSE(Table::number("").has_value());
  CHECK_FALSE(Table::number("abc").has_value());
  CHECK_FALSE(Table::number("1.5x").has_value());
  CHECK_FALSE(Table::number("1,5").has_value());
  CHECK_FALSE(Table::number(" 1").has_value());
  CHECK_FALSE(Table::number("1 ").has_value());
  CHECK_FALSE(Table::number("float64").has_value());
  CHECK_FALSE(Table::number("-").has_value());
  CHECK_FALSE(Table::number("e5").has_value());
}

TEST_CASE("numeric is true when every non-empty cell is a number") {
  Table t;
  t.columns = {"num", "mixed", "text", "empty", "gappy"};
  t.rows = {{"1", "2", "a", "", ""},
            {"2.5", "x", "b", "", "3"},
            {"-inf", "3", "c", "", ""},
            {"nan", "4", "1", "", "4e2"}};
  CHECK(t.numeric(0));
  CHECK_FALSE(t.numeric(1));
  CHECK_FALSE(t.numeric(2));
  CHECK_FALSE(t.numeric(3));  // nothing to go on
  CHECK(t.numeric(4));        // empty cells are skipped
  CHECK_FALSE(t.numeric(17));  // no row has that column
  Table none;
  none.columns = {"x"};
  CHECK_FALSE(none.numeric(0));
}

TEST_CASE("to_artifact / from_artifact round trip") {
  SUBCASE("cells with empty values, commas, quotes, newlines") {
    Table t;
    t.columns = {"x", "node.key", "label", "col with space"};
    t.rows = {{"1", "0.5", "dct", ""},
              {"2", "", "a,b \"q\"\nnext", "v"},
              {"", "", "", ""},
              {"4", "1e-300", "", "end"}};
    Table back = Table::from_artifact(t.to_artifact());
    CHECK(back.columns == t.columns);
    CHECK(back.rows == t.rows);
  }
  SUBCASE("one column, one empty cell") {
    Table t;
    t.columns = {"only"};
    t.rows = {{""}};
    Table back = Table::from_artifact(t.to_artifact());
    CHECK(back.columns == t.columns);
    CHECK(back.rows == t.rows);
  }
  SUBCASE("zero rows keeps the columns") {
    Table t;
    t.columns = {"a", "b"};
    Artifact a = t.to_artifact();
    CHECK(a.scalar("rows") == 0.0);
    Table back = Table::from_artifact(a);
    CHECK(back.columns == t.columns);
    CHECK(back.rows.empty());
  }
  SUBCASE("no columns, no rows") {
    Table back = Table::from_artifact(Table{}.to_artifact());
    CHECK(back.columns.empty());
    CHECK(back.rows.empty());
  }
  SUBCASE("short rows are padded with empty cells") {
    Table t;
    t.columns = {"a", "b", "c"};
    t.rows = {{"1"}, {"2", "3", "4"}};
    Table back = Table::from_artifact(t.to_artifact());
    CHECK(back.rows == std::vector<std::vector<std::string>>{{"1", "", ""}, {"2", "3", "4"}});
  }
}

TEST_CASE("to_artifact packing layout") {
  Table t;
  t.columns = {"a", "b"};
  t.rows = {{"1", "x"}, {"2", ""}};
  Artifact a = t.to_artifact();
  CHECK(a.string("columns") == "a\x1f" "b");
  CHECK(a.string("col:a") == "1\x1f" "2");
  CHECK(a.string("col:b") == "x\x1f");
  CHECK(a.scalar("rows") == 2.0);
  CHECK(a.arrays().empty());
}

TEST_CASE("from_csv inverts to_csv, quoted fields included") {
  Table t;
  t.columns = {"energy", "name,with comma", "q\"uote"};
  t.rows = {{"0.9", "a\nb", ""}, {"", "\"x\"", "1e-05"}, {"1", "plain", "line\r\nbreak"}};
  Table back = Table::from_csv(t.to_csv());
  CHECK(back.columns == t.columns);
  CHECK(back.rows == t.rows);
  CHECK(back.to_csv() == t.to_csv());
}

TEST_CASE("from_csv handles header-only, one-column and column-less tables") {
  Table header_only;
  header_only.columns = {"a", "b"};
  CHECK(Table::from_csv(header_only.to_csv()).rows.empty());
  CHECK(Table::from_csv(header_only.to_csv()).columns == header_only.columns);
  Table one;
  one.columns = {"a"};
  one.rows = {{""}, {"2"}};
  CHECK(Table::from_csv(one.to_csv()).rows == one.rows);
  Table none;
  none.rows = {{}, {}};
  Table back = Table::from_csv(none.to_csv());
  CHECK(back.columns.empty());
  CHECK(back.rows.size() == 2);
}

TEST_CASE("from_csv rejects ragged rows and unterminated quotes") {
  CHECK_THROWS_WITH_AS(Table::from_csv("a,b\n1\n"), doctest::Contains("row 1 has 1 fields"), std::runtime_error);
  CHECK_THROWS_WITH_AS(Table::from_csv("a\n\"open\n"), doctest::Contains("unterminated"), std::runtime_error);
}
