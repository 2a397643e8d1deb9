#include "components/datasets/hdf5_read.hpp"

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

}  // namespace

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
