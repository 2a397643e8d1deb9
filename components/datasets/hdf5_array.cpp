// dataset/hdf5-array: any numeric array of an HDF5 file as a volume, e.g. real
// sPHENIX TPC frames for the INR-compression paper (seed 001), or any gridded
// field a user wants to compress.
//
// Reads dataset `dataset` of the file `path` whole, any rank >= 1, into array
// "volume" (row-major, as HDF5 stores it). The element type is kept when reprise
// has it (float32, float64, int8, int32, int64, uint16); the other integer types
// are widened to the smallest reprise type that holds every value exactly:
// uint8 -> uint16, int16 -> int32, uint32 -> int64, and uint64 -> int64 (values
// above 2^63 - 1 are refused). Floats of other sizes become float32 (<= 4 bytes)
// or float64. Strings, compounds, enums (h5py's bool) and other classes are
// refused with the class named. With transform: log the volume is float32
// log2(1 + value) (values <= -1 are refused), the transform the paper trains on.
//
// Errors name the file and dataset: a missing dataset lists the datasets present
// and suggests the nearest name; a file that is not HDF5 or is truncated says so.
// Every HDF5 call holds hdf5_mutex() (Debian's libhdf5 is not thread-safe).
#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "components/datasets/hdf5_read.hpp"
#include "framework/core/errors.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

namespace fs = std::filesystem;

using hdf5_read::Hid;

const char* class_name(H5T_class_t c) {
  switch (c) {
    case H5T_STRING: return "strings";
    case H5T_COMPOUND: return "compound records";
    case H5T_ENUM: return "enum values (h5py writes bool this way)";
    case H5T_BITFIELD: return "bit fields";
    case H5T_OPAQUE: return "opaque data";
    case H5T_REFERENCE: return "references";
    case H5T_VLEN: return "variable-length sequences";
    case H5T_ARRAY: return "array-typed elements";
    case H5T_TIME: return "time values";
    default: return "values of an unknown class";
  }
}

// How the file's element type is read: the memory type HDF5 converts to and the
// reprise dtype it lands in.
struct Reading {
  hid_t memory_type;
  DType dtype;
  bool from_uint64 = false;  // read as uint64, then checked and narrowed to int64
};

Reading reading_for(hid_t type, const std::string& what) {
  const H5T_class_t cls = H5Tget_class(type);
  const std::size_t size = H5Tget_size(type);
  if (cls == H5T_FLOAT) return size <= 4 ? Reading{H5T_NATIVE_FLOAT, DType::f32} : Reading{H5T_NATIVE_DOUBLE, DType::f64};
  if (cls != H5T_INTEGER)
    throw std::invalid_argument(what + " holds " + class_name(cls) +
                                "; only integer and floating-point arrays can be read");
  const bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
  if (is_signed) {
    if (size == 1) return {H5T_NATIVE_INT8, DType::i8};
    if (size <= 4) return {H5T_NATIVE_INT32, DType::i32};  // int16 widened
    return {H5T_NATIVE_INT64, DType::i64};
  }
  if (size <= 2) return {H5T_NATIVE_UINT16, DType::u16};  // uint8 widened
  if (size <= 4) return {H5T_NATIVE_INT64, DType::i64};   // uint32 widened
  return {H5T_NATIVE_UINT64, DType::i64, true};
}

// Reads the dataset in slabs along its first axis (progress and cancellation
// between slabs) into `bytes`, `element` bytes per value of `memory_type`.
void read_slabs(hid_t dset, const std::vector<std::size_t>& dims, hid_t memory_type, std::size_t element,
                std::vector<std::byte>& bytes, const std::string& what, Context& ctx) {
  std::size_t row = element;  // bytes per index of the first axis
  for (std::size_t i = 1; i < dims.size(); ++i) row *= dims[i];
  bytes.resize(row * dims[0]);
  const std::size_t chunk = std::max<std::size_t>(1, (std::size_t{1} << 24) / std::max<std::size_t>(row, 1));
  Hid file_space(H5Dget_space(dset), H5Sclose);
  std::vector<hsize_t> start(dims.size(), 0), count(dims.begin(), dims.end());
  for (std::size_t first = 0; first < dims[0]; first += chunk) {
    ctx.check_cancelled();
    start[0] = first;
    count[0] = std::min(chunk, dims[0] - first);
    Hid memory_space(H5Screate_simple(static_cast<int>(dims.size()), count.data(), nullptr), H5Sclose);
    if (!memory_space.ok() || !file_space.ok() ||
        H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0 ||
        H5Dread(dset, memory_type, memory_space, file_space, H5P_DEFAULT, bytes.data() + first * row) < 0)
      throw std::invalid_argument("cannot read " + what + " (file truncated or corrupt?)");
    ctx.progress(first + count[0], dims[0]);
  }
}

// `name` without a leading '/'.
Array read_array(const std::string& path, const std::string& name, Context& ctx) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw std::invalid_argument("cannot open '" + path + "'");
  const std::string file_name = fs::path(path).filename().string();
  Hdf5Scope hdf5;  // the process-wide HDF5 lock; errors become exceptions, and are cleared after
  if (H5Fis_hdf5(path.c_str()) <= 0)
    throw std::invalid_argument("'" + path + "' is not an HDF5 file (or is truncated)");
  Hid file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.ok()) throw std::invalid_argument("cannot open '" + path + "' as HDF5 (truncated or corrupt?)");
  if (name.empty() || !hdf5_read::is_dataset(file, name)) {
    const hdf5_read::Listing l = hdf5_read::datasets_in(file);
    throw std::invalid_argument("no dataset '" + name + "' in " + file_name + did_you_mean(name, l.names) +
                                " (datasets: " + (l.described.empty() ? "none" : join_names(l.described)) + ")");
  }
  const std::string what = "dataset '" + name + "' of " + file_name;
  Hid dset(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!dset.ok()) throw std::invalid_argument("cannot open " + what + " (truncated or corrupt?)");
  Hid type(H5Dget_type(dset), H5Tclose);
  if (!type.ok()) throw std::invalid_argument("cannot read the element type of " + what);
  const Reading r = reading_for(type, what);
  const std::vector<std::size_t> dims = hdf5_read::dataset_dims(dset);
  if (dims.empty()) throw std::invalid_argument(what + " is a scalar (rank 0); expected an array");
  if (std::find(dims.begin(), dims.end(), std::size_t{0}) != dims.end())
    throw std::invalid_argument(what + " " + shape_text(dims) + " is empty");
  const std::size_t element = H5Tget_size(r.memory_type);
  const std::size_t elements = hdf5_read::array_bytes(dims, element, what) / element;  // refuses absurd declared sizes

  std::vector<std::byte> bytes;
  read_slabs(dset, dims, r.memory_type, element, bytes, what, ctx);
  if (r.from_uint64) {
    // Same width: narrow in place once every value is known to fit.
    constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    for (std::size_t i = 0; i < elements; ++i) {
      std::uint64_t v;
      std::memcpy(&v, bytes.data() + i * 8, 8);
      if (v > kMax)
        throw std::invalid_argument(what + " holds uint64 value " + std::to_string(v) +
                                    " (element " + std::to_string(i) + "), beyond int64's range");
    }
  }
  return Array(r.dtype, dims, std::move(bytes));
}

Array log_transform(const Array& a, const std::string& what) {
  const std::vector<double> v = a.to_double();
  std::vector<float> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!(v[i] > -1.0))
      throw std::invalid_argument("transform: log needs values > -1, but element " + std::to_string(i) +
                                  " of " + what + " is " + std::to_string(v[i]));
    out[i] = static_cast<float>(std::log2(1.0 + v[i]));
  }
  return Array::from<float>(a.shape(), out);
}

class Hdf5ArrayDataset : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

Artifact Hdf5ArrayDataset::run(const Inputs&, const Params& p, Context& ctx) {
  const std::string& path = p.get_string("path");
  std::string name = p.get_string("dataset");
  while (!name.empty() && name.front() == '/') name.erase(0, 1);  // "/a/b" and "a/b" are one dataset
  const std::string& transform = p.get_string("transform");
  Array volume = read_array(path, name, ctx);
  const std::string source = fs::path(path).filename().string() + ":" + name;
  if (transform == "log") volume = log_transform(volume, "dataset '" + name + "'");
  const std::vector<double> values = volume.to_double();
  const auto nonzero = static_cast<double>(std::count_if(values.begin(), values.end(), [](double x) { return x != 0; }));
  Artifact out;
  out.set_array("volume", std::move(volume));
  out.set_scalar("occupancy", nonzero / static_cast<double>(values.size()));
  out.set_string("source", source);
  return out;
}

}  // namespace

REPRISE_COMPONENT(Hdf5ArrayDataset, "dataset/hdf5-array", "1",
                  "any numeric array of an HDF5 file as a volume (e.g. real TPC frames)",
                  param_path("path", "HDF5 file to read"),
                  param_string("dataset", "volume", "path of the dataset inside the file, e.g. 'frames/adc'"),
                  param_string("transform", "none", "'none': the file's values; 'log': float32 log2(1 + value)")
                      .one_of({"none", "log"}),
                  output("volume", "the dataset, its shape; f32/f64/i8/i32/i64/u16 kept, uint8 -> u16, int16 -> "
                                   "i32, uint32/uint64 -> i64; float32 with transform: log"),
                  output("occupancy", "scalar: fraction of nonzero values"),
                  output("source", "string: <file name>:<dataset>"))

}  // namespace reprise
