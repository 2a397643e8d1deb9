// Shared helpers for the components that read HDF5 files (dataset/hdf5-array,
// dataset/samples-file): an owning identifier, a dataset's dimensions, whether a
// path names a dataset, and the datasets a file holds (for "no dataset" messages).
//
// Debian's libhdf5 is not thread-safe and nodes run on several threads: callers
// open an Hdf5Scope (framework/core/artifact.hpp: the HDF5 lock, quiet errors,
// the error stack cleared afterwards) around every call into these helpers and
// around every Hid's lifetime.
#pragma once

#include <hdf5.h>

#include <cstddef>
#include <string>
#include <vector>

namespace reprise::hdf5_read {

// Owns one HDF5 identifier and closes it with the matching function.
class Hid {
 public:
  Hid(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Hid() { if (id_ >= 0) close_(id_); }
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  bool ok() const { return id_ >= 0; }
  operator hid_t() const { return id_; }
 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

// The dataset's dimensions; empty for a scalar (rank 0) or when they cannot be read.
std::vector<std::size_t> dataset_dims(hid_t dset);

// Bytes needed to hold a dataset of `dims` with `element`-byte values. Refused,
// naming `what`, when the product overflows or exceeds the memory this process may
// use (physical memory, or a lower RLIMIT_AS / RLIMIT_DATA): a corrupt or hostile
// header then fails with a message instead of std::bad_alloc or swapping.
std::size_t array_bytes(const std::vector<std::size_t>& dims, std::size_t element, const std::string& what);

// True when every group on the way to `name` and `name` itself exist and `name` is
// a dataset (H5Lexists on "a/b" fails, rather than returning false, when "a" is missing).
bool is_dataset(hid_t file, const std::string& name);

// Every dataset of the file, in name order.
struct Listing {
  std::vector<std::string> names;      // for did-you-mean
  std::vector<std::string> described;  // "name {shape}" for messages
};
Listing datasets_in(hid_t file);

}  // namespace reprise::hdf5_read
