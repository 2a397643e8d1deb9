// Artifact: the immutable value that flows along the DAG.
//
// An artifact is a tree: named arrays (typed, any rank), named scalars (double),
// named strings and named child artifacts. It maps one-to-one onto an HDF5 group:
// arrays are datasets, scalars and strings are attributes, children are subgroups.
// Components build one with the `set_*` members and return it; from then on the
// framework only hands out `std::shared_ptr<const Artifact>`, so nothing downstream
// can change what was cached. Array payloads are shared, so copies are cheap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

namespace reprise {

enum class DType { f32, f64, i8, i32, i64, u16, u8 };

const char* dtype_name(DType t);
// "{rows, cols}": how messages about arrays write a shape.
std::string shape_text(const std::vector<std::size_t>& shape);
std::size_t dtype_size(DType t);

template <class T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::f32; }
template <> constexpr DType dtype_of<double>() { return DType::f64; }
template <> constexpr DType dtype_of<std::int8_t>() { return DType::i8; }
template <> constexpr DType dtype_of<std::int32_t>() { return DType::i32; }
template <> constexpr DType dtype_of<std::int64_t>() { return DType::i64; }
template <> constexpr DType dtype_of<std::uint16_t>() { return DType::u16; }
template <> constexpr DType dtype_of<std::uint8_t>() { return DType::u8; }

// Storage for an array whose producer writes every byte itself: unlike a
// std::vector<std::byte>, it is not zero-filled first, which would be one more
// pass over memory as large as the array.
class ArrayBytes {
 public:
  explicit ArrayBytes(std::size_t size);
  std::byte* data() { return data_.get(); }
  std::size_t size() const { return size_; }

 private:
  friend class Array;
  std::shared_ptr<std::byte[]> data_;
  std::size_t size_ = 0;
};

// A dense row-major array with a runtime element type.
class Array {
 public:
  Array();  // an empty float64 array of shape {0}
  Array(DType dtype, std::vector<std::size_t> shape, std::vector<std::byte> bytes);
  Array(DType dtype, std::vector<std::size_t> shape, ArrayBytes bytes);  // bytes must be written in full

  template <class T>
  static Array from(std::vector<std::size_t> shape, const std::vector<T>& values) {
    std::vector<std::byte> bytes(values.size() * sizeof(T));
    if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
    return Array(dtype_of<T>(), std::move(shape), std::move(bytes));
  }

  DType dtype() const { return dtype_; }
  const std::vector<std::size_t>& shape() const { return shape_; }
  std::size_t size() const;  // number of elements
  std::size_t rank() const { return shape_.size(); }
  std::span<const std::byte> bytes() const;

  // Typed read-only view; throws std::runtime_error when T does not match dtype().
  template <class T>
  std::span<const T> view() const {
    check_dtype(dtype_of<T>());
    auto b = bytes();
    return {reinterpret_cast<const T*>(b.data()), b.size() / sizeof(T)};
  }
  // Copy converted to double, whatever the stored type.
  std::vector<double> to_double() const;

  bool operator==(const Array& other) const;

 private:
  void check_dtype(DType wanted) const;
  void check_byte_count(std::size_t bytes) const;
  DType dtype_ = DType::f64;
  std::vector<std::size_t> shape_;
  std::shared_ptr<const std::byte> data_;  // owns a std::vector<std::byte> or an ArrayBytes buffer
  std::size_t byte_count_ = 0;
};

class Artifact {
 public:
  Artifact& set_array(const std::string& key, Array a);
  Artifact& set_scalar(const std::string& key, double v);
  Artifact& set_string(const std::string& key, std::string v);
  Artifact& set_child(const std::string& key, Artifact child);

  const std::map<std::string, Array>& arrays() const { return arrays_; }
  const std::map<std::string, double>& scalars() const { return scalars_; }
  const std::map<std::string, std::string>& strings() const { return strings_; }
  const std::map<std::string, Artifact>& children() const { return children_; }

  bool has_array(const std::string& key) const { return arrays_.count(key) != 0; }
  // Lookups throw std::runtime_error naming the missing key and the keys present.
  const Array& array(const std::string& key) const;
  double scalar(const std::string& key) const;
  const std::string& string(const std::string& key) const;
  const Artifact& child(const std::string& key) const;

  // Stable 64-bit digest of the whole tree (keys, dtypes, shapes, bytes, values).
  std::uint64_t checksum() const;
  // Digest of the top-level scalars and strings only: what a cache hit reads.
  std::uint64_t summary_checksum() const;

  bool operator==(const Artifact& other) const;

 private:
  std::map<std::string, Array> arrays_;
  std::map<std::string, double> scalars_;
  std::map<std::string, std::string> strings_;
  std::map<std::string, Artifact> children_;
};

// HDF5 mapping. hid_t is passed as int64_t so this header needs no HDF5 include.
// All HDF5 calls in reprise go through these functions, which serialise on one
// mutex: Debian's libhdf5 is the non-thread-safe build.
void write_group(std::int64_t parent_hid, const std::string& name, const Artifact& a);
Artifact read_group(std::int64_t parent_hid, const std::string& name);

// Whole-file helpers (plain HDF5 file whose group "/artifact" holds the tree).
// `userblock` reserves that many bytes (0, or a power of two >= 512) at the start of
// the file, which HDF5 skips: the cache keeps a digest of the rest of the file there.
void save_artifact_file(const std::string& path, const Artifact& a,
                        const std::map<std::string, std::string>& meta = {}, std::size_t userblock = 0);
Artifact load_artifact_file(const std::string& path, std::map<std::string, std::string>* meta = nullptr);

}  // namespace reprise

namespace reprise {
// The one lock every HDF5 call in the process must hold (Debian's libhdf5 is the
// non-thread-safe build): components reading foreign HDF5 files take it too.
std::recursive_mutex& hdf5_mutex();

// A scope of HDF5 calls: holds hdf5_mutex(), turns HDF5's own error printing off
// (failures become exceptions with reprise's message), and clears HDF5's error
// stack on the way out. Every reader and writer of HDF5 files opens one.
//
// HDF5 is also told not to shut itself down at exit (H5dont_atexit, set before
// main in artifact.cpp).
// Some failed opens of corrupt files (e.g. an object-header address past the end
// of the file: tools/faults/hdf5_fuzz finds them) leave libhdf5 1.10's internal
// file-driver and free-list state behind with no identifier or descriptor to
// close; its atexit shutdown then fails to terminate and prints "HDF5: infinite
// loop closing library" and a line of internal state after reprise's own error.
// Skipping that shutdown loses nothing: every file reprise opens is closed by its
// owner (written files are built in memory and written with durable_write), and
// the operating system reclaims the rest at exit.
class Hdf5Scope {
 public:
  Hdf5Scope();
  ~Hdf5Scope();
  Hdf5Scope(const Hdf5Scope&) = delete;
  Hdf5Scope& operator=(const Hdf5Scope&) = delete;

 private:
  std::unique_lock<std::recursive_mutex> lock_;
};

// Reads only the file's meta attributes and, when `summary` is given, the top-level
// scalars and strings of "/artifact" (no arrays): the cheap read behind a cache hit.
std::map<std::string, std::string> load_artifact_meta(const std::string& path, Artifact* summary);
}  // namespace reprise
