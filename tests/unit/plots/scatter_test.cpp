#include <doctest/doctest.h>

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "framework/core/registry.hpp"
#include "framework/report/table.hpp"
#include "tests/unit/plots/plot_test_support.hpp"

using namespace reprise;
using reprise::test::count;
using reprise::test::read_all;

namespace {

// The required x, y and file of these tests, `overrides` on top; the rest at their defaults.
Params scatter_params(const std::map<std::string, ParamValue>& overrides = {}) {
  std::map<std::string, ParamValue> v{
      {"x", std::string("ratio")}, {"y", std::string("psnr")}, {"file", std::string("psnr_vs_ratio")}};
  for (const auto& [k, val] : overrides) v[k] = val;
  return reprise::test::default_params("plot/scatter", v);
}

// Rows out of x order (a scatter keeps them so), a non-positive x and a missing y.
Table codec_table() {
  Table t;
  t.columns = {"codec", "ratio", "psnr"};
  t.rows = {{"zfp", "12", "41.5"}, {"inr", "80", "35"}, {"zfp", "4", "60.25"},
            {"inr", "0", "50"},    {"inr", "20", "44"}, {"zfp", "30", ""}};
  return t;
}

Artifact run_scatter(const Table& t, const Params& p) { return reprise::test::run_plot("plot/scatter", t, p); }

}  // namespace

TEST_CASE("plot/scatter declares its parameters once, x y and file required") {
  const ComponentInfo* info = Registry::instance().find("plot/scatter");
  REQUIRE(info != nullptr);
  for (const char* name : {"x", "y", "file"}) {
    REQUIRE(info->find_param(name) != nullptr);
    CHECK_FALSE(info->find_param(name)->default_value.has_value());
  }
  CHECK(info->params.size() == 10);
  REQUIRE(info->find_input("table") != nullptr);
}

TEST_CASE("plot/scatter keeps table order within each series and drops non-positive x on a log axis") {
  Artifact a = run_scatter(codec_table(), scatter_params({{"series", std::string("codec")}, {"logx", true}}));
  CHECK(a.string("file") == "psnr_vs_ratio");
  CHECK(a.string("data") ==
        "# reprise plot/scatter: psnr against ratio, one series per codec\n"
        "# column 1: ratio; column 2: psnr\n"
        "# dropped 1 point: ratio <= 0 (logx)\n"
        "# dropped 1 point: psnr is missing\n"
        "# series: codec=zfp\n"
        "12 41.5\n"
        "4 60.25\n"
        "\n\n"
        "# series: codec=inr\n"
        "80 35\n"
        "20 44\n");

  const std::string& s = a.string("script");
  CHECK(s.find("set output 'psnr_vs_ratio.svg'") != std::string::npos);
  CHECK(s.find("set output 'psnr_vs_ratio.png'") != std::string::npos);
  CHECK(s.find("set terminal pngcairo") != std::string::npos);
  CHECK(s.find("set logscale x") != std::string::npos);
  CHECK(s.find("linespoints") == std::string::npos);
  CHECK(count(s, " using 1:2 with points title ") == 2);
  CHECK(s.find("'psnr_vs_ratio.dat' index 0 using 1:2 with points title \"codec=zfp\"") != std::string::npos);
  CHECK(s.find("'psnr_vs_ratio.dat' index 1 using 1:2 with points title \"codec=inr\"") != std::string::npos);
}

TEST_CASE("plot/scatter takes exactly one y column") {
  CHECK_THROWS_WITH_AS(run_scatter(codec_table(), scatter_params({{"y", std::string("psnr,ratio")}})),
                       "y names one column; got 'psnr,ratio'", std::invalid_argument);
}

TEST_CASE("plot/scatter names the columns it has when one is unknown or not numeric") {
  CHECK_THROWS_WITH_AS(run_scatter(codec_table(), scatter_params({{"x", std::string("rate")}})),
                       "unknown column 'rate'; columns are: codec, ratio, psnr",
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(run_scatter(codec_table(), scatter_params({{"y", std::string("codec")}})),
                       "column 'codec' is not numeric (row 1 holds 'zfp'); numeric columns are: "
                       "ratio, psnr",
                       std::invalid_argument);
}

TEST_CASE("plot/scatter rejects file names that are not plain base names") {
  for (const char* bad : {"", "a/b", "/tmp/x", "x y", "-x"})
    CHECK_THROWS_AS(run_scatter(codec_table(), scatter_params({{"file", std::string(bad)}})),
                    std::invalid_argument);
}

// Without gnuplot on PATH this is reported as skipped, not passed.
TEST_CASE("plot/scatter script renders an svg and a png with gnuplot" *
          doctest::skip(!reprise::test::gnuplot_on_path())) {
  Artifact a = run_scatter(codec_table(), scatter_params({{"series", std::string("codec")}, {"logy", true}}));
  std::string tmpl = (std::filesystem::temp_directory_path() / "reprise-plot-scatter-XXXXXX").string();
  REQUIRE(mkdtemp(tmpl.data()) != nullptr);
  std::filesystem::path dir = tmpl;
  std::ofstream(dir / "psnr_vs_ratio.gp") << a.string("script");
  std::ofstream(dir / "psnr_vs_ratio.dat") << a.string("data");

  std::string cmd = "cd '" + dir.string() + "' && gnuplot psnr_vs_ratio.gp > gnuplot.log 2>&1";
  CHECK_MESSAGE(std::system(cmd.c_str()) == 0, read_all(dir / "gnuplot.log"));
  CHECK(read_all(dir / "psnr_vs_ratio.svg").find("<svg") != std::string::npos);
  CHECK(read_all(dir / "psnr_vs_ratio.png").rfind("\x89PNG\r\n\x1a\n", 0) == 0);
  std::filesystem::remove_all(dir);
}
