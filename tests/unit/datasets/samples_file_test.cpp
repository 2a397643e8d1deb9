#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "tests/unit/component_support.hpp"
#include "tests/unit/framework/test_support.hpp"

using namespace reprise;
using reprise::test::TempDir;

namespace {

const ComponentInfo& samples_file() {
  const ComponentInfo* info = Registry::instance().find("dataset/samples-file");
  REQUIRE(info != nullptr);
  return *info;
}

// Defaults for everything but the required `path`, then `changes` on top.
Params file_params(const std::string& path, std::map<std::string, ParamValue> changes = {}) {
  changes.emplace("path", path);  // a change of path itself wins
  return test::default_params("dataset/samples-file", changes);
}

Artifact load(const Params& p) {
  SimpleContext ctx;
  return samples_file().make()->run(Inputs{}, p, ctx);
}

std::string error_of(const Params& p) {
  try {
    load(p);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no error)";
}

std::vector<std::int8_t> values(const Artifact& a) {
  const auto v = a.array("samples").view<std::int8_t>();
  return {v.begin(), v.end()};
}

bool contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return true;
  MESSAGE("'" << text << "' lacks '" << part << "'");
  return false;
}

// An artifact file like the ones reprise writes: group "/artifact" holding the arrays.
std::string write_h5(const TempDir& dir, const std::string& name, const Artifact& a) {
  const std::string path = dir.file(name);
  save_artifact_file(path, a);
  return path;
}

}  // namespace

TEST_CASE("dataset/samples-file: schema") {
  const ComponentInfo& info = samples_file();
  CHECK_FALSE(info.find_param("path")->default_value.has_value());
  CHECK(info.find_param("path")->type == ParamType::Path);
  CHECK(std::get<std::string>(*info.find_param("format")->default_value) == "auto");
  CHECK(std::get<std::string>(*info.find_param("dataset")->default_value) == "samples");
  CHECK(std::get<std::string>(*info.find_param("values")->default_value) == "auto");
}

TEST_CASE("dataset/samples-file: CSV of spins, comma or whitespace separated, with comments") {
  TempDir dir;
  const std::string path = dir.write("spins.csv", "# three samples\n1,-1,1\n-1 -1\t+1\n\n  # indented comment\n1, 1,-1\r\n");
  const Artifact a = load(file_params(path));
  CHECK(a.array("samples").dtype() == DType::i8);
  CHECK(a.array("samples").shape() == std::vector<std::size_t>{3, 3});
  CHECK(values(a) == std::vector<std::int8_t>{1, -1, 1, -1, -1, 1, 1, 1, -1});
  CHECK(a.scalar("p") == 3);
  CHECK(a.scalar("samples") == 3);
  CHECK(a.string("source") == "spins.csv");
}

TEST_CASE("dataset/samples-file: CSV of 0/1 maps 0 to -1; only 1s read as spins") {
  TempDir dir;
  const std::string bits = dir.write("bits.txt", "0,1\n1,1\n0 0\n");
  CHECK(values(load(file_params(bits))) == std::vector<std::int8_t>{-1, 1, 1, 1, -1, -1});
  CHECK(values(load(file_params(bits, {{"values", std::string("binary")}}))) ==
        std::vector<std::int8_t>{-1, 1, 1, 1, -1, -1});
  CHECK(contains(error_of(file_params(bits, {{"values", std::string("spin")}})),
                 "value 0 at row 1, column 1 (line 1 of bits.txt) is not ±1 (values: spin)"));
  const std::string ones = dir.write("ones.csv", "1,1\n1,1\n");
  CHECK(values(load(file_params(ones))) == std::vector<std::int8_t>{1, 1, 1, 1});
  const std::string spins = dir.write("spins.csv", "1,-1\n");
  CHECK(contains(error_of(file_params(spins, {{"values", std::string("binary")}})),
                 "value -1 at row 1, column 2 (line 1 of spins.csv) is not 0/1 (values: binary)"));
}

TEST_CASE("dataset/samples-file: CSV errors say what and where") {
  TempDir dir;
  auto error_for = [&](const std::string& text) { return error_of(file_params(dir.write("d.csv", text))); };
  SUBCASE("a value that is no spin") {
    std::string text = "# header comment\n";
    for (int r = 0; r < 16; ++r) text += "1,-1,1\n";
    text += "1,-1,2\n";
    CHECK(contains(error_for(text),
                   "value 2 at row 17, column 3 (line 18 of d.csv) is neither ±1 nor 0/1"));
    CHECK(contains(error_for("1,0.5\n"), "value 0.5 at row 1, column 2"));
  }
  SUBCASE("ragged rows") {
    CHECK(contains(error_for("# c\n1,-1,1\n1,1\n"),
                   "row 2 (line 3 of d.csv) has 2 values, expected 3 like the first row (line 2)"));
    CHECK(contains(error_for("1,1\n1,1,1\n"), "row 2 (line 2 of d.csv) has 3 values, expected 2"));
  }
  SUBCASE("a header or other text") {
    CHECK(contains(error_for("s0,s1\n1,-1\n"), "'s0' at row 1, column 1 (line 1 of d.csv) is not a number"));
  }
  SUBCASE("mixed conventions") {
    CHECK(contains(error_for("1,-1\n0,1\n"), "value -1 at row 1, column 2 (line 1 of d.csv) and value 0 at row 2, column 1"));
  }
  SUBCASE("no samples") {
    CHECK(contains(error_for("# nothing\n\n"), "holds no samples"));
  }
  SUBCASE("missing file, unknown extension") {
    CHECK(contains(error_of(file_params(dir.file("absent.csv"))), "cannot open"));
    const std::string dat = dir.write("d.dat", "1,-1\n");
    CHECK(contains(error_of(file_params(dat)), "set format: csv or format: hdf5"));
    CHECK(values(load(file_params(dat, {{"format", std::string("csv")}}))) == std::vector<std::int8_t>{1, -1});
  }
}

TEST_CASE("dataset/samples-file: HDF5 datasets of integer and float types") {
  TempDir dir;
  Artifact a;
  a.set_array("samples", Array::from<std::int8_t>({2, 3}, {1, -1, 1, -1, -1, 1}));
  a.set_array("bits", Array::from<double>({2, 2}, {0.0, 1.0, 1.0, 0.0}));
  a.set_array("wide", Array::from<std::int64_t>({1, 2}, {-1, 1}));
  a.set_array("counts", Array::from<std::int32_t>({2, 2}, {1, 0, 1, 7}));
  a.set_array("h", Array::from<double>({3}, {0.1, 0.2, 0.3}));
  Artifact nested;
  nested.set_array("reads", Array::from<std::uint16_t>({1, 3}, {1, 0, 1}));
  a.set_child("anneal", nested);
  const std::string path = write_h5(dir, "reads.h5", a);

  const Artifact s = load(file_params(path, {{"dataset", std::string("artifact/samples")}}));
  CHECK(s.array("samples").shape() == std::vector<std::size_t>{2, 3});
  CHECK(values(s) == std::vector<std::int8_t>{1, -1, 1, -1, -1, 1});
  CHECK(s.string("source") == "reads.h5");
  CHECK(values(load(file_params(path, {{"dataset", std::string("/artifact/bits")}}))) ==
        std::vector<std::int8_t>{-1, 1, 1, -1});
  CHECK(values(load(file_params(path, {{"dataset", std::string("artifact/wide")}}))) == std::vector<std::int8_t>{-1, 1});
  CHECK(values(load(file_params(path, {{"dataset", std::string("artifact/anneal/reads")}}))) ==
        std::vector<std::int8_t>{1, -1, 1});

  SUBCASE("errors") {
    CHECK(contains(error_of(file_params(path, {{"dataset", std::string("artifact/counts")}})),
                   "value 7 at row 2, column 2 of reads.h5 is neither ±1 nor 0/1"));
    CHECK(contains(error_of(file_params(path, {{"dataset", std::string("artifact/h")}})),
                   "dataset 'artifact/h' of reads.h5 has rank 1 {3}; expected a 2-D {samples, spins} matrix"));
    const std::string missing = error_of(file_params(path));  // default name "samples" is not at the root
    CHECK(contains(missing, "no dataset 'samples' in reads.h5; datasets present: "));
    CHECK(contains(missing, "artifact/samples {2, 3}"));
    CHECK(contains(missing, "artifact/anneal/reads {1, 3}"));
    CHECK(contains(error_of(file_params(path, {{"dataset", std::string("nowhere/x")}})), "no dataset 'nowhere/x'"));
    CHECK(contains(error_of(file_params(path, {{"dataset", std::string("artifact")}})), "no dataset 'artifact'"));
  }
  SUBCASE("a truncated or foreign file") {
    const auto size = std::filesystem::file_size(path);
    std::ifstream in(path, std::ios::binary);
    std::string bytes(size, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(size));
    const std::string cut = dir.write("cut.h5", bytes.substr(0, size / 2));
    CHECK(contains(error_of(file_params(cut, {{"dataset", std::string("artifact/samples")}})), "cannot read"));
    const std::string text = dir.write("text.h5", "1,-1\n");
    CHECK(contains(error_of(file_params(text)), "cannot read '" + text + "' as HDF5"));
    CHECK(contains(error_of(file_params(dir.file("absent.h5"))), "cannot open"));
  }
}

TEST_CASE("dataset/samples-file: dataset/ising output round-trips through an HDF5 file") {
  const Artifact data =
      test::run_component("dataset/ising", {{"p", std::int64_t{12}}, {"samples", std::int64_t{5000}}}, {}, 3);
  TempDir dir;
  const std::string path = write_h5(dir, "ising.hdf5", data);
  const Artifact back = load(file_params(path, {{"dataset", std::string("artifact/samples")}}));
  CHECK(back.array("samples") == data.array("samples"));
  CHECK(back.scalar("p") == 12);
  CHECK(back.scalar("samples") == 5000);
}

TEST_CASE("dataset/samples-file: the shipped example holds exact samples of its 8-spin ring") {
  const Artifact a = load(file_params(std::string(REPRISE_SOURCE_DIR) + "/experiments/data/ising_p8_example.csv"));
  REQUIRE(a.array("samples").shape() == std::vector<std::size_t>{2000, 8});
  // The ring of its header (J = 0.5 between neighbours, h = 0.1): exact moments by
  // summing over its 256 states.
  double z = 0, mean0 = 0, corr01 = 0;
  for (unsigned s = 0; s < 256; ++s) {
    auto x = [&](unsigned i) { return (s >> (i % 8)) & 1 ? 1.0 : -1.0; };
    double w = 0;
    for (unsigned i = 0; i < 8; ++i) w += 0.5 * x(i) * x(i + 1) + 0.1 * x(i);
    z += std::exp(w);
    mean0 += std::exp(w) * x(0);
    corr01 += std::exp(w) * x(0) * x(1);
  }
  mean0 /= z;
  corr01 /= z;
  // Every spin and every ring bond is equivalent: average them for the sample side.
  const auto v = a.array("samples").view<std::int8_t>();
  double m = 0, c = 0;
  for (std::size_t r = 0; r < 2000; ++r)
    for (std::size_t i = 0; i < 8; ++i) {
      m += v[r * 8 + i];
      c += v[r * 8 + i] * v[r * 8 + (i + 1) % 8];
    }
  m /= 16000;
  c /= 16000;
  // 4 SE of a single-spin average over 2000 rows; averaging 8 correlated spins only shrinks it.
  CHECK(std::abs(m - mean0) < 4 * std::sqrt((1 - mean0 * mean0) / 2000));
  CHECK(std::abs(c - corr01) < 4 * std::sqrt((1 - corr01 * corr01) / 2000));
}
