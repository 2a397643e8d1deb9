// `reprise diff`: two runs' metrics compared, timing columns set aside.
#include <doctest/doctest.h>

#include <string>

#include "framework/core/params.hpp"
#include "framework/report/diff.hpp"
#include "framework/report/table.hpp"
#include "tests/cli/cli_support.hpp"

using namespace reprise::test;

TEST_CASE("timing columns are the keys ending in seconds or per_second, not second moments") {
  CHECK(reprise::is_timing_column("zfp.compress_seconds"));
  CHECK(reprise::is_timing_column("flow.seconds"));
  CHECK(reprise::is_timing_column("sampler.samples_per_second"));
  CHECK_FALSE(reprise::is_timing_column("err.second_max_abs"));
  CHECK_FALSE(reprise::is_timing_column("packed.ratio"));
}

TEST_CASE("reprise diff: a rerun has the same results; another seed differs, named by column") {
  ScratchDir dir;
  dir.write("tiny.yaml", kTinySpec);
  CliResult a = run_reprise(dir, "run tiny.yaml -q");
  CliResult b = run_reprise(dir, "run tiny.yaml -q --force data");  // recomputed, same seeds
  CliResult c = run_reprise(dir, "run tiny.yaml -q seed=4");
  REQUIRE((a.code == 0 && b.code == 0 && c.code == 0));
  CliResult same = run_reprise(dir, "diff " + run_dir_of(a) + " " + run_dir_of(b));
  CHECK_MESSAGE(same.code == 0, same.out);
  CHECK(same.out.find("same results") != std::string::npos);
  CHECK(same.out.find("2 sweep points in both") != std::string::npos);

  CliResult other = run_reprise(dir, "diff " + run_dir_of(a) + " " + run_dir_of(c));
  CHECK(other.code == 1);
  CHECK(other.out.find("DIFFERS  err.max_abs: 2 rows") != std::string::npos);
  CHECK(other.out.find("results differ") != std::string::npos);

  CliResult fewer = run_reprise(dir, "run tiny.yaml -q sweep.energy=0.9");
  CliResult missing = run_reprise(dir, "diff " + run_dir_of(a) + " " + run_dir_of(fewer));
  CHECK(missing.code == 1);
  CHECK(missing.out.find("only in a: energy=0.5") != std::string::npos);
  CHECK(run_reprise(dir, "diff " + run_dir_of(a) + " nowhere").code == 2);
}

TEST_CASE("reprise diff: a recomputed codec's timings differ, its results do not") {
  ScratchDir dir;
  dir.write("z.yaml", "name: z\nnodes:\n  data: {use: dataset/tpc, c: 16, z: 16, r: 4}\n"
                      "  zfp:  {use: codec/zfp, data: data, mode: rate, rate: 4}\n");
  CliResult a = run_reprise(dir, "run z.yaml -q");
  CliResult b = run_reprise(dir, "run z.yaml -q --force zfp");
  REQUIRE((a.code == 0 && b.code == 0));
  CliResult d = run_reprise(dir, "diff " + run_dir_of(a) + " " + run_dir_of(b));
  CHECK_MESSAGE(d.code == 0, d.out);
  CHECK(d.out.find("timing   zfp.compress_seconds") != std::string::npos);
  CHECK(d.out.find("2 timing columns not compared") != std::string::npos);
}

TEST_CASE("reprise diff --rtol / --atol: differences within the tolerance count as the same result") {
  ScratchDir dir;
  dir.write("tiny.yaml", kTinySpec);
  CliResult a = run_reprise(dir, "run tiny.yaml -q");
  REQUIRE(a.code == 0);
  // The same run with every err.max_abs cell nudged by 1e-12 relative.
  REQUIRE(run_shell(dir, "cp -r " + run_dir_of(a) + " b").code == 0);
  reprise::Table t = reprise::Table::from_csv(read_file(dir.file("b/metrics.csv")));
  const std::size_t column = *t.find("err.max_abs");
  for (auto& row : t.rows) row[column] = reprise::canonical(reprise::ParamValue(std::stod(row[column]) * (1 + 1e-12)));
  dir.write("b/metrics.csv", t.to_csv());
  CHECK(run_reprise(dir, "diff " + run_dir_of(a) + " b").code == 1);
  CHECK(run_reprise(dir, "diff " + run_dir_of(a) + " b --rtol 1e-9").code == 0);
  CHECK(run_reprise(dir, "diff " + run_dir_of(a) + " b --rtol 1e-15").code == 1);
  CHECK(run_reprise(dir, "diff " + run_dir_of(a) + " b --rtol -1").code == 2);
}
