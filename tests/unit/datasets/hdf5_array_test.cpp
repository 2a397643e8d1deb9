#include <doctest/doctest.h>
#include <hdf5.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "framework/core/registry.hpp"
#include "tests/unit/framework/test_support.hpp"

using namespace reprise;
using reprise::test::TempDir;

namespace {

Params array_params(const std::string& path, const std::string& dataset,
                    std::map<std::string, ParamValue> changes = {}) {
  changes.emplace("path", path);
  changes.emplace("dataset", dataset);
  return Registry::instance().find("dataset/hdf5-array")->make_params(changes);
}

Artifact load(const Params& p) {
  SimpleContext ctx;
  return Registry::instance().find("dataset/hdf5-array")->make()->run(Inputs{}, p, ctx);
}

std::string error_of(const Params& p) {
  try {
    load(p);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

// Writes datasets into one HDF5 file with the C API, independent of reprise's writer.
class H5Writer {
 public:
  explicit H5Writer(const std::string& path) : lock_(hdf5_mutex()) {
    file_ = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    REQUIRE(file_ >= 0);
  }
  ~H5Writer() { H5Fclose(file_); }

  template <class T>
  void write(const std::string& name, hid_t file_type, hid_t memory_type, const std::vector<hsize_t>& dims,
             const std::vector<T>& values) {
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t space = dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(int(dims.size()), dims.data(), nullptr);
    hid_t dset = H5Dcreate2(file_, name.c_str(), file_type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    REQUIRE(dset >= 0);
    REQUIRE(H5Dwrite(dset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0);
    H5Dclose(dset);
    H5Sclose(space);
    H5Pclose(lcpl);
  }

 private:
  std::lock_guard<std::recursive_mutex> lock_;
  hid_t file_;
};

std::vector<float> ramp(std::size_t n) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = (i % 7 == 0) ? 0.0f : 0.25f * float(i);
  return v;
}

}  // namespace

TEST_CASE("dataset/hdf5-array: a float32 3-D dataset round-trips with shape, dtype and values") {
  TempDir dir;
  const std::string path = dir.file("tpc.h5");
  const std::vector<float> values = ramp(4 * 5 * 3);
  { H5Writer(path).write("frames/adc", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {4, 5, 3}, values); }
  const Artifact a = load(array_params(path, "frames/adc"));
  const Array& v = a.array("volume");
  CHECK(v.dtype() == DType::f32);
  CHECK(v.shape() == std::vector<std::size_t>{4, 5, 3});
  const auto got = v.view<float>();
  CHECK(std::vector<float>(got.begin(), got.end()) == values);
  CHECK(a.scalar("occupancy") == doctest::Approx(51.0 / 60.0));  // every 7th of 60 is 0: 9 zeros
  CHECK(a.string("source") == "tpc.h5:frames/adc");
  CHECK(load(array_params(path, "/frames/adc")) == a);  // a leading '/' is the same path
}

TEST_CASE("dataset/hdf5-array: integer types are kept or widened to a reprise dtype, values exact") {
  TempDir dir;
  const std::string path = dir.file("ints.h5");
  {
    H5Writer w(path);
    w.write<std::uint16_t>("u16", H5T_STD_U16LE, H5T_NATIVE_UINT16, {2, 3}, {0, 64, 1023, 65535, 7, 0});
    w.write<std::uint8_t>("u8", H5T_STD_U8LE, H5T_NATIVE_UINT8, {4}, {0, 1, 200, 255});
    w.write<std::int16_t>("i16", H5T_STD_I16LE, H5T_NATIVE_INT16, {3}, {-32768, 0, 32767});
    w.write<std::uint32_t>("u32", H5T_STD_U32LE, H5T_NATIVE_UINT32, {2}, {0, 4294967295u});
    w.write<std::int8_t>("i8", H5T_STD_I8LE, H5T_NATIVE_INT8, {2}, {-128, 127});
    w.write<std::int64_t>("i64", H5T_STD_I64BE, H5T_NATIVE_INT64, {2}, {-5, 1LL << 60});  // big-endian in the file
    w.write<std::uint64_t>("u64", H5T_STD_U64LE, H5T_NATIVE_UINT64, {2}, {3, 1ULL << 62});
    w.write<std::uint64_t>("u64big", H5T_STD_U64LE, H5T_NATIVE_UINT64, {2}, {3, (1ULL << 63) + 1});
    w.write<double>("f64", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {2}, {0.1, -2.5});
  }
  auto check = [&](const std::string& name, DType dtype, std::vector<double> expected) {
    CAPTURE(name);
    const Artifact a = load(array_params(path, name));
    const Array& v = a.array("volume");
    CHECK(v.dtype() == dtype);
    CHECK(v.to_double() == expected);
  };
  check("u16", DType::u16, {0, 64, 1023, 65535, 7, 0});
  check("u8", DType::u16, {0, 1, 200, 255});
  check("i16", DType::i32, {-32768, 0, 32767});
  check("u32", DType::i64, {0, 4294967295.0});
  check("i8", DType::i8, {-128, 127});
  check("i64", DType::i64, {-5, double(1LL << 60)});
  check("u64", DType::i64, {3, double(1ULL << 62)});
  check("f64", DType::f64, {0.1, -2.5});
  CHECK(load(array_params(path, "u16")).array("volume").shape() == std::vector<std::size_t>{2, 3});
  CHECK(doctest::String(error_of(array_params(path, "u64big")).c_str()) ==
        doctest::Contains("holds uint64 value 9223372036854775809"));
}

TEST_CASE("dataset/hdf5-array: transform log gives float32 log2(1 + value)") {
  TempDir dir;
  const std::string path = dir.file("adc.h5");
  const std::vector<std::uint16_t> adc = {0, 64, 100, 1023, 0, 511};
  { H5Writer(path).write("adc", H5T_STD_U16LE, H5T_NATIVE_UINT16, {6}, adc); }
  const Artifact a = load(array_params(path, "adc", {{"transform", std::string("log")}}));
  const Array& v = a.array("volume");
  REQUIRE(v.dtype() == DType::f32);
  const auto got = v.view<float>();
  for (std::size_t i = 0; i < adc.size(); ++i) CHECK(got[i] == static_cast<float>(std::log2(1.0 + adc[i])));
  { H5Writer(dir.file("neg.h5")).write<double>("x", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {2}, {0.5, -1.0}); }
  CHECK(doctest::String(error_of(array_params(dir.file("neg.h5"), "x", {{"transform", std::string("log")}})).c_str()) ==
        doctest::Contains("transform: log needs values > -1, but element 1"));
}

TEST_CASE("dataset/hdf5-array: errors name the file and dataset and say what is there") {
  TempDir dir;
  const std::string path = dir.file("run.h5");
  {
    H5Writer w(path);
    w.write<float>("frames/adc", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, {2, 2}, {1, 2, 3, 4});
    w.write<double>("scalar", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {}, {3.0});
  }
  const std::string missing = error_of(array_params(path, "frames/adcc"));
  CHECK(doctest::String(missing.c_str()) == doctest::Contains("no dataset 'frames/adcc' in run.h5"));
  CHECK(doctest::String(missing.c_str()) == doctest::Contains("did you mean 'frames/adc'?"));
  CHECK(doctest::String(missing.c_str()) == doctest::Contains("frames/adc {2, 2}"));
  CHECK(doctest::String(error_of(array_params(path, "nothing/here")).c_str()) == doctest::Contains("no dataset 'nothing/here'"));
  CHECK(doctest::String(error_of(array_params(path, "frames")).c_str()) == doctest::Contains("no dataset 'frames'"));
  CHECK(doctest::String(error_of(array_params(path, "scalar")).c_str()) == doctest::Contains("is a scalar (rank 0)"));

  // A string dataset: the class is named.
  {
    std::lock_guard lock(hdf5_mutex());
    hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, 4);
    hsize_t n = 2;
    hid_t space = H5Screate_simple(1, &n, nullptr);
    hid_t d = H5Dcreate2(f, "names", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, "abcdefgh");
    H5Dclose(d), H5Sclose(space), H5Tclose(type), H5Fclose(f);
  }
  CHECK(doctest::String(error_of(array_params(path, "names")).c_str()) == doctest::Contains("holds strings"));

  // Not HDF5 at all, cut short, or absent.
  const std::string text = dir.write("notes.h5", "c,z,r\n1,2,3\n");
  CHECK(doctest::String(error_of(array_params(text, "x")).c_str()) == doctest::Contains("is not an HDF5 file"));
  const auto size = std::filesystem::file_size(path);
  std::string bytes(size, '\0');
  {
    std::ifstream in(path, std::ios::binary);
    in.read(bytes.data(), static_cast<std::streamsize>(size));
  }
  const std::string cut = dir.write("cut.h5", bytes.substr(0, size / 2));
  const std::string cut_error = error_of(array_params(cut, "frames/adc"));
  CHECK(doctest::String(cut_error.c_str()) == doctest::Contains("cut.h5"));
  CHECK(doctest::String(cut_error.c_str()) == doctest::Contains("truncated"));
  CHECK(doctest::String(error_of(array_params(dir.file("absent.h5"), "x")).c_str()) == doctest::Contains("cannot open"));
}
