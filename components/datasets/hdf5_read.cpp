#include "components/datasets/hdf5_read.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "framework/core/artifact.hpp"

namespace reprise::hdf5_read {
namespace {

herr_t collect_dataset(hid_t obj, const char* name, const H5O_info_t* info, void* data) {
  if (info->type != H5O_TYPE_DATASET) return 0;
  Hid dset(H5Dopen2(obj, name, H5P_DEFAULT), H5Dclose);
  auto* listing = static_cast<Listing*>(data);
  listing->names.push_back(name);
  listing->described.push_back(std::string(name) + (dset.ok() ? " " + shape_text(dataset_dims(dset)) : ""));
  return 0;
}

// Memory this process may allocate: physical memory, or less under a resource limit.
std::size_t usable_memory() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  std::size_t limit = pages > 0 && page > 0 ? static_cast<std::size_t>(pages) * static_cast<std::size_t>(page) : SIZE_MAX;
  for (int resource : {RLIMIT_AS, RLIMIT_DATA}) {
    struct rlimit r;
    if (getrlimit(resource, &r) == 0 && r.rlim_cur != RLIM_INFINITY) limit = std::min<std::size_t>(limit, r.rlim_cur);
  }
  return limit;
}

std::string gib(double bytes) {
  char s[32];
  std::snprintf(s, sizeof s, "%.3g GiB", bytes / (1024.0 * 1024.0 * 1024.0));
  return s;
}

}  // namespace

std::size_t array_bytes(const std::vector<std::size_t>& dims, std::size_t element, const std::string& what) {
  std::size_t bytes = element;
  double exact = static_cast<double>(element);  // for the message when the product overflows
  bool overflow = false;
  for (std::size_t d : dims) {
    exact *= static_cast<double>(d);
    overflow = overflow || (d != 0 && bytes > SIZE_MAX / d);
    if (!overflow) bytes *= d;
  }
  const std::size_t usable = usable_memory();
  if (overflow || bytes > usable)
    throw std::invalid_argument(what + " declares " + shape_text(dims) + " values (" + gib(exact) +
                                "), more than the " + gib(static_cast<double>(usable)) +
                                " of memory this process may use (a corrupt header, or too big to read whole)");
  return bytes;
}

std::vector<std::size_t> dataset_dims(hid_t dset) {
  Hid space(H5Dget_space(dset), H5Sclose);
  const int rank = space.ok() ? H5Sget_simple_extent_ndims(space) : -1;
  if (rank <= 0) return {};
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return {dims.begin(), dims.end()};
}

bool is_dataset(hid_t file, const std::string& name) {
  for (std::size_t slash = name.find('/'); slash != std::string::npos; slash = name.find('/', slash + 1))
    if (H5Lexists(file, name.substr(0, slash).c_str(), H5P_DEFAULT) <= 0) return false;
  if (H5Lexists(file, name.c_str(), H5P_DEFAULT) <= 0) return false;
  H5O_info_t info;
  return H5Oget_info_by_name2(file, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) >= 0 &&
         info.type == H5O_TYPE_DATASET;
}

Listing datasets_in(hid_t file) {
  Listing l;
  H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_INC, collect_dataset, &l, H5O_INFO_BASIC);
  return l;
}

}  // namespace reprise::hdf5_read
