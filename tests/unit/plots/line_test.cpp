#include <doctest/doctest.h>

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "framework/core/params.hpp"
#include "framework/core/registry.hpp"
#include "framework/report/table.hpp"
#include "tests/unit/plots/plot_test_support.hpp"

using namespace reprise;
using reprise::test::count;
using reprise::test::read_all;

namespace {

// The required x, y and file of these tests, `overrides` on top; the rest at their defaults.
Params line_params(const std::map<std::string, ParamValue>& overrides = {}) {
  std::map<std::string, ParamValue> v{
      {"x", std::string("energy")}, {"y", std::string("err.max_abs")}, {"file", std::string("qoi_vs_energy")}};
  for (const auto& [k, val] : overrides) v[k] = val;
  return reprise::test::default_params("plot/line", v);
}

// A metrics table with rows out of x order, a zero and a missing value.
Table sweep_table() {
  Table t;
  t.columns = {"structure", "energy", "err.max_abs", "err.mean"};
  t.rows = {{"b", "0.9", "0.5", "1"},   {"a", "0.5", "0.25", "2"}, {"b", "0.1", "0", "3"},
            {"a", "0.99", "1e-3", "4"}, {"b", "0.5", "0.125", "5"}, {"a", "0.1", "", "6"}};
  return t;
}

Artifact run_line(const Table& t, const Params& p) { return reprise::test::run_plot("plot/line", t, p); }

}  // namespace

TEST_CASE("plot/line declares its parameters once, x y and file required") {
  const ComponentInfo* info = Registry::instance().find("plot/line");
  REQUIRE(info != nullptr);
  for (const char* name : {"x", "y", "file"}) {
    REQUIRE(info->find_param(name) != nullptr);
    CHECK_FALSE(info->find_param(name)->default_value.has_value());
  }
  for (const char* name : {"series", "where", "logx", "logy", "title", "xlabel", "ylabel"})
    CHECK(info->find_param(name)->default_value.has_value());
  CHECK(info->params.size() == 10);
  REQUIRE(info->find_input("table") != nullptr);
}

TEST_CASE("plot/line: the schema refuses a missing file and a mistyped flag before the plot runs") {
  CHECK_THROWS_WITH_AS(reprise::test::default_params("plot/line", {{"x", std::string("energy")},
                                                                   {"y", std::string("err.max_abs")}}),
                       doctest::Contains("plot/line: parameter 'file' is required"), ParamError);
  CHECK_THROWS_WITH_AS(line_params({{"logy", std::string("yes")}}),
                       doctest::Contains("parameter 'logy' expects a bool"), ParamError);
}

TEST_CASE("plot/line writes one sorted block per series and drops non-positive y on a log axis") {
  Artifact a = run_line(sweep_table(), line_params({{"series", std::string("structure")}, {"logy", true}}));
  CHECK(a.string("file") == "qoi_vs_energy");
  CHECK(a.string("data") ==
        "# reprise plot/line: err.max_abs against energy, one series per structure\n"
        "# column 1: energy; column 2: err.max_abs\n"
        "# dropped 1 point: err.max_abs <= 0 (logy)\n"
        "# dropped 1 point: err.max_abs is missing\n"
        "# series: structure=b\n"
        "0.5 0.125\n"
        "0.9 0.5\n"
        "\n\n"
        "# series: structure=a\n"
        "0.5 0.25\n"
        "0.99 0.001\n");

  const std::string& s = a.string("script");
  CHECK(s.find("set terminal svg size 800,560 font \"sans,12\"") != std::string::npos);
  CHECK(s.find("set output 'qoi_vs_energy.svg'") != std::string::npos);
  CHECK(s.find("set terminal pngcairo size 1000,700") != std::string::npos);
  CHECK(s.find("set output 'qoi_vs_energy.png'") != std::string::npos);
  CHECK(s.find("replot") > s.find("set output 'qoi_vs_energy.png'"));
  CHECK(s.find("unset output") != std::string::npos);
  CHECK(s.find("set logscale y") != std::string::npos);
  CHECK(s.find("set logscale x") == std::string::npos);
  CHECK(s.find("set grid") != std::string::npos);
  CHECK(s.find("set key outside right") != std::string::npos);
  CHECK(s.find("set xlabel \"energy\"") != std::string::npos);
  CHECK(s.find("set ylabel \"err.max_abs\"") != std::string::npos);
  CHECK(count(s, " using 1:2 with linespoints title ") == 2);
  CHECK(s.find("'qoi_vs_energy.dat' index 0 using 1:2 with linespoints title \"structure=b\"") != std::string::npos);
  CHECK(s.find("'qoi_vs_energy.dat' index 1 using 1:2 with linespoints title \"structure=a\"") != std::string::npos);
}

TEST_CASE("plot/line draws each of several y columns as its own series") {
  Artifact a = run_line(sweep_table(), line_params({{"y", std::string("err.max_abs, err.mean")}, {"logx", true}}));
  CHECK(a.string("data") ==
        "# reprise plot/line: err.max_abs, err.mean against energy\n"
        "# column 1: energy; column 2: err.max_abs or err.mean\n"
        "# dropped 1 point: err.max_abs is missing\n"
        "# series: err.max_abs\n"
        "0.1 0\n"
        "0.5 0.25\n"
        "0.5 0.125\n"
        "0.9 0.5\n"
        "0.99 0.001\n"
        "\n\n"
        "# series: err.mean\n"
        "0.1 3\n"
        "0.1 6\n"
        "0.5 2\n"
        "0.5 5\n"
        "0.9 1\n"
        "0.99 4\n");
  const std::string& s = a.string("script");
  CHECK(count(s, "with linespoints title") == 2);
  CHECK(s.find("title \"err.mean\"") != std::string::npos);
  CHECK(s.find("set ylabel \"err.max_abs, err.mean\"") != std::string::npos);
  CHECK(s.find("set logscale x") != std::string::npos);
}

TEST_CASE("plot/line uses given labels and a single series has no key") {
  Artifact a = run_line(sweep_table(), line_params({{"title", std::string("QoI \"error\"")},
                                                    {"xlabel", std::string("kept energy")},
                                                    {"ylabel", std::string("max |error|")}}));
  const std::string& s = a.string("script");
  CHECK(s.find("set title \"QoI \\\"error\\\"\"") != std::string::npos);
  CHECK(s.find("set xlabel \"kept energy\"") != std::string::npos);
  CHECK(s.find("set ylabel \"max |error|\"") != std::string::npos);
  CHECK(s.find("unset key") != std::string::npos);
  CHECK(count(s, "with linespoints title") == 1);
}

TEST_CASE("plot/line escapes series values in gnuplot titles") {
  Table t;
  t.columns = {"name", "x", "y"};
  t.rows = {{"a\"b\\c`rm -rf x`", "1", "2"}};
  Artifact a = run_line(t, line_params({{"x", std::string("x")}, {"y", std::string("y")},
                                        {"series", std::string("name")}}));
  CHECK(a.string("script").find("title \"name=a\\\"b\\\\c\\140rm -rf x\\140\"") != std::string::npos);
}

TEST_CASE("plot/line names the columns it has when one is unknown or not numeric") {
  Table t = sweep_table();
  CHECK_THROWS_WITH_AS(run_line(t, line_params({{"y", std::string("err.maxabs")}})),
                       "unknown column 'err.maxabs'; columns are: structure, energy, err.max_abs, err.mean",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(run_line(t, line_params({{"series", std::string("kind")}})),
                       "unknown column 'kind'; columns are: structure, energy, err.max_abs, err.mean",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(run_line(t, line_params({{"x", std::string("structure")}})),
                       "column 'structure' is not numeric (row 1 holds 'b'); numeric columns are: "
                       "energy, err.max_abs, err.mean",
                       std::invalid_argument);
}

TEST_CASE("plot/line rejects file names that are not plain base names") {
  for (const char* bad : {"", "figs/qoi", "../qoi", "qoi plot", "-qoi", ".qoi", "qoi;rm"})
    CHECK_THROWS_AS(run_line(sweep_table(), line_params({{"file", std::string(bad)}})), std::invalid_argument);
  CHECK_NOTHROW(run_line(sweep_table(), line_params({{"file", std::string("qoi_v2.1-a")}})));
}

TEST_CASE("plot/line says why when nothing is left to plot") {
  Table t;
  t.columns = {"energy", "err.max_abs"};
  t.rows = {{"0.5", "0"}, {"0.9", "-1"}};
  CHECK_THROWS_WITH_AS(run_line(t, line_params({{"logy", true}})),
                       "nothing to plot for err.max_abs against energy: dropped 2 points: "
                       "err.max_abs <= 0 (logy)",
                       std::invalid_argument);
}

// Without gnuplot on PATH this is reported as skipped, not passed.
TEST_CASE("plot/line script renders an svg and a png with gnuplot" *
          doctest::skip(!reprise::test::gnuplot_on_path())) {
  Artifact a = run_line(sweep_table(), line_params({{"series", std::string("structure")}, {"logy", true}}));
  std::string tmpl = (std::filesystem::temp_directory_path() / "reprise-plot-line-XXXXXX").string();
  REQUIRE(mkdtemp(tmpl.data()) != nullptr);
  std::filesystem::path dir = tmpl;
  std::ofstream(dir / "qoi_vs_energy.gp") << a.string("script");
  std::ofstream(dir / "qoi_vs_energy.dat") << a.string("data");

  std::string cmd = "cd '" + dir.string() + "' && gnuplot qoi_vs_energy.gp > gnuplot.log 2>&1";
  CHECK_MESSAGE(std::system(cmd.c_str()) == 0, read_all(dir / "gnuplot.log"));
  CHECK(read_all(dir / "qoi_vs_energy.svg").find("<svg") != std::string::npos);
  CHECK(read_all(dir / "qoi_vs_energy.png").rfind("\x89PNG\r\n\x1a\n", 0) == 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("plot/line keeps only the rows a where filter names, comparing numbers as numbers") {
  Artifact a = run_line(sweep_table(), line_params({{"where", std::string("structure=b, err.mean=5.0")}}));
  const std::string data = a.string("data");
  CHECK(data.find("where structure=b, err.mean=5.0") != std::string::npos);
  CHECK(data.find("0.5 0.125\n") != std::string::npos);  // the one row with structure b and err.mean 5
  CHECK(data.find("0.9 0.5") == std::string::npos);
  CHECK(data.find("0.5 0.25") == std::string::npos);
  CHECK_THROWS_WITH_AS(run_line(sweep_table(), line_params({{"where", std::string("shape=b")}})),
                       doctest::Contains("unknown column 'shape'"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(run_line(sweep_table(), line_params({{"where", std::string("structure")}})),
                       doctest::Contains("where expects column=value"), std::invalid_argument);
}
