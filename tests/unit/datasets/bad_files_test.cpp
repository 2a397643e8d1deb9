// Hostile data files for every dataset that reads one (dataset/samples-file,
// dataset/hdf5-array, dataset/ising's couplings_file): cut at many lengths, bytes
// overwritten, junk, wrong shapes and types. Each must end in a clear
// std::invalid_argument naming the file (the executor adds the node and the
// component), never a crash, hang or other error.
#include <doctest/doctest.h>
#include <hdf5.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>

#include "tests/unit/component_support.hpp"
#include "tests/unit/framework/test_support.hpp"

using namespace reprise;
using reprise::test::TempDir;

namespace {

std::string error_of(const std::string& component, const std::map<std::string, ParamValue>& params) {
  try {
    SimpleContext ctx;
    Registry::instance().find(component)->make()->run(Inputs{}, test::default_params(component, params), ctx);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  // Any other exception type escapes and fails the test case with its message.
  return "(no error)";
}

bool contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return true;
  MESSAGE("'" << text << "' lacks '" << part << "'");
  return false;
}

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A valid HDF5 file of 64 x 16 spins in /artifact/samples.
std::string spins_h5(const TempDir& dir) {
  Artifact a;
  std::vector<std::int8_t> v(64 * 16);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = (i * 7919 % 3 == 0) ? 1 : -1;
  a.set_array("samples", Array::from<std::int8_t>({64, 16}, v));
  std::string path = dir.file("spins.h5");
  save_artifact_file(path, a);
  return path;
}

struct Reader {
  std::string component;
  std::map<std::string, ParamValue> params;  // besides path
};

const std::vector<Reader> kHdf5Readers = {
    {"dataset/samples-file", {{"dataset", std::string("artifact/samples")}, {"format", std::string("hdf5")}}},
    {"dataset/hdf5-array", {{"dataset", std::string("artifact/samples")}}},
};

std::string read_with(const Reader& r, const std::string& path) {
  auto params = r.params;
  params["path"] = path;
  return error_of(r.component, params);
}

}  // namespace

TEST_CASE("HDF5 readers: a file cut at any length gives a clear error") {
  TempDir dir;
  const std::string whole = bytes_of(spins_h5(dir));
  for (const auto& r : kHdf5Readers) {
    CAPTURE(r.component);
    CHECK(read_with(r, dir.file("spins.h5")) == "(no error)");
    for (std::size_t cut = 0; cut < whole.size(); cut += whole.size() / 24 + 1) {
      CAPTURE(cut);
      CHECK(contains(read_with(r, dir.write("cut.h5", whole.substr(0, cut))), "cut.h5"));
    }
  }
}

TEST_CASE("HDF5 readers: overwritten bytes give a clear error or, if only data changed, a result") {
  TempDir dir;
  const std::string whole = bytes_of(spins_h5(dir));
  std::mt19937_64 rng(7);
  for (const auto& r : kHdf5Readers) {
    CAPTURE(r.component);
    for (int trial = 0; trial < 40; ++trial) {
      std::string bad = whole;
      std::size_t at = std::uniform_int_distribution<std::size_t>(0, bad.size() - 9)(rng);
      for (std::size_t i = 0; i < 8; ++i) bad[at + i] = static_cast<char>(rng());
      CAPTURE(at);
      std::string error = read_with(r, dir.write("bad.h5", bad));
      // Either the damage hit only values that are still numbers (hdf5-array takes
      // any; samples-file reports a value that is no spin) or it is reported, and
      // every report names the file.
      CHECK((error == "(no error)" || error.find("bad.h5") != std::string::npos));
    }
  }
}

TEST_CASE("HDF5 readers: wrong shape and wrong element type are named") {
  TempDir dir;
  Artifact a;
  a.set_array("cube", Array::from<std::int8_t>({2, 2, 2}, {1, -1, 1, -1, 1, -1, 1, -1}));
  a.set_array("empty", Array::from<double>({0, 4}, {}));
  std::string path = dir.file("shapes.h5");
  save_artifact_file(path, a);
  auto samples = [&](const std::string& name) {
    return error_of("dataset/samples-file", {{"path", path}, {"dataset", "artifact/" + name}});
  };
  CHECK(contains(samples("cube"), "has rank 3 {2, 2, 2}; expected a 2-D {samples, spins} matrix"));
  CHECK(contains(samples("empty"), "dataset 'artifact/empty' of shapes.h5 {0, 4} holds no samples"));
  CHECK(error_of("dataset/hdf5-array", {{"path", path}, {"dataset", std::string("artifact/empty")}}).find("is empty") !=
        std::string::npos);
}

TEST_CASE("HDF5 readers: absurd declared dimensions are refused by name, not with std::bad_alloc") {
  // A chunked dataset whose chunks were never written costs a few bytes on disk
  // whatever its declared size: what a corrupt or hostile header looks like.
  TempDir dir;
  const std::string path = dir.file("huge.h5");
  {
    Hdf5Scope hdf5;
    hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const hsize_t dims[2] = {hsize_t{1} << 40, 16}, chunk[2] = {1, 16};
    hid_t space = H5Screate_simple(2, dims, nullptr);
    hid_t plist = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(plist, 2, chunk);
    hid_t dset = H5Dcreate2(file, "samples", H5T_NATIVE_INT8, space, H5P_DEFAULT, plist, H5P_DEFAULT);
    REQUIRE(dset >= 0);
    H5Dclose(dset), H5Pclose(plist), H5Sclose(space), H5Fclose(file);
  }
  for (const char* component : {"dataset/samples-file", "dataset/hdf5-array"}) {
    CAPTURE(component);
    const std::string error = error_of(component, {{"path", path}, {"dataset", std::string("samples")}});
    CHECK(contains(error, "dataset 'samples' of huge.h5 declares {1099511627776, 16} values (1.64e+04 GiB), more than the"));
    CHECK(contains(error, "of memory this process may use"));
  }
}

TEST_CASE("CSV readers: junk, truncation and binary content give a clear error with the line") {
  TempDir dir;
  std::string good;
  for (int r = 0; r < 20; ++r) good += "1,-1,1,-1\n";
  auto samples = [&](const std::string& text) { return error_of("dataset/samples-file", {{"path", dir.write("s.csv", text)}}); };
  CHECK(samples(good) == "(no error)");
  CHECK(contains(samples(good.substr(0, good.size() - 4)), "row 20 (line 20 of s.csv) has 3 values, expected 4"));
  CHECK(contains(samples(good + std::string("\x7f" "ELF\x02\x01\x01\0\0", 9)), "'\\x7fELF\\x02\\x01\\x01\\x00\\x00' at row 21"));
  CHECK(contains(samples(std::string("\xff\xfe" "1,1\n", 6)), "is not a number"));
  CHECK(contains(samples("1e999,1\n"), "'1e999' at row 1, column 1 (line 1 of s.csv) is not a number"));
  CHECK(contains(samples(""), "holds no samples"));

  // dataset/ising's couplings_file: a coupling line cut short, junk, a spin out of range.
  auto ising = [&](const std::string& text) {
    return error_of("dataset/ising", {{"p", std::int64_t{4}}, {"samples", std::int64_t{100}}, {"graph", std::string("file")},
                                      {"couplings_file", dir.write("j.csv", text)}});
  };
  CHECK(ising("0,1,0.5\n1,2,0.5\n") == "(no error)");
  CHECK(contains(ising("0,1,0.5\n1,2,0.5,7\n2,3,0.5\n"), "j.csv:2"));
  CHECK(contains(ising(std::string("0,1,0.5\n\x01\0junk\n", 15)), "j.csv:2: '\\x01\\x00junk' is not a number"));
  CHECK(contains(ising("0,9,0.5\n"), "j.csv:1"));
}
