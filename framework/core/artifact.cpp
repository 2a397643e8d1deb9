#include "framework/core/artifact.hpp"

#include <hdf5.h>

#include <fcntl.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include "framework/core/hash.hpp"

namespace reprise {

const char* dtype_name(DType t) {
  switch (t) {
    case DType::f32: return "float32";
    case DType::f64: return "float64";
    case DType::i8: return "int8";
    case DType::i32: return "int32";
    case DType::i64: return "int64";
    case DType::u16: return "uint16";
    case DType::u8: return "uint8";
  }
  return "?";
}

std::size_t dtype_size(DType t) {
  switch (t) {
    case DType::f32: return 4;
    case DType::f64: return 8;
    case DType::i8: return 1;
    case DType::i32: return 4;
    case DType::i64: return 8;
    case DType::u16: return 2;
    case DType::u8: return 1;
  }
  return 0;
}

namespace {
std::size_t product(const std::vector<std::size_t>& shape) {
  std::size_t n = 1;
  for (auto s : shape) n *= s;
  return n;
}

void check_key(const std::string& key) {
  if (key.empty() || key == "." || key.find('/') != std::string::npos)
    throw std::invalid_argument("artifact key '" + key + "' is empty or contains '/'");
}

// Scalars and strings are both HDF5 attributes, arrays and children both links:
// a key may name only one of each pair, or the artifact could not be saved.
template <class Map>
void check_free(const Map& other, const std::string& key, const char* kind) {
  if (other.count(key)) throw std::invalid_argument("artifact key '" + key + "' is already used by a " + kind);
}

template <class Map>
std::string key_list(const Map& m) {
  std::string s;
  for (const auto& [k, v] : m) s += (s.empty() ? "" : ", ") + k;
  return s.empty() ? "(none)" : s;
}
}  // namespace

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string s = "{";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "}";
}

ArrayBytes::ArrayBytes(std::size_t size) : data_(std::make_unique_for_overwrite<std::byte[]>(size)), size_(size) {}

Array::Array() : shape_{0} {}

void Array::check_byte_count(std::size_t bytes) const {
  if (bytes != product(shape_) * dtype_size(dtype_))
    throw std::invalid_argument("array of shape " + shape_text(shape_) + " and type " + dtype_name(dtype_) +
                                " needs " + std::to_string(product(shape_) * dtype_size(dtype_)) + " bytes, got " +
                                std::to_string(bytes));
}

Array::Array(DType dtype, std::vector<std::size_t> shape, std::vector<std::byte> bytes)
    : dtype_(dtype), shape_(std::move(shape)), byte_count_(bytes.size()) {
  check_byte_count(bytes.size());
  auto owner = std::make_shared<const std::vector<std::byte>>(std::move(bytes));
  data_ = std::shared_ptr<const std::byte>(owner, owner->data());  // shares ownership of the vector
}

Array::Array(DType dtype, std::vector<std::size_t> shape, ArrayBytes bytes)
    : dtype_(dtype), shape_(std::move(shape)), data_(bytes.data_, bytes.data_.get()), byte_count_(bytes.size_) {
  check_byte_count(byte_count_);
}

std::size_t Array::size() const { return product(shape_); }

std::span<const std::byte> Array::bytes() const { return {data_.get(), byte_count_}; }

void Array::check_dtype(DType wanted) const {
  if (wanted != dtype_)
    throw std::runtime_error(std::string("array holds ") + dtype_name(dtype_) + ", read as " + dtype_name(wanted));
}

std::vector<double> Array::to_double() const {
  std::vector<double> out(size());
  auto convert = [&](auto typed) {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<double>(typed[i]);
  };
  switch (dtype_) {
    case DType::f32: convert(view<float>()); break;
    case DType::f64: convert(view<double>()); break;
    case DType::i8: convert(view<std::int8_t>()); break;
    case DType::i32: convert(view<std::int32_t>()); break;
    case DType::i64: convert(view<std::int64_t>()); break;
    case DType::u16: convert(view<std::uint16_t>()); break;
    case DType::u8: convert(view<std::uint8_t>()); break;
  }
  return out;
}

bool Array::operator==(const Array& o) const {
  auto a = bytes(), b = o.bytes();
  return dtype_ == o.dtype_ && shape_ == o.shape_ && std::equal(a.begin(), a.end(), b.begin(), b.end());
}

Artifact& Artifact::set_array(const std::string& key, Array a) {
  check_key(key);
  check_free(children_, key, "child");
  arrays_[key] = std::move(a);
  return *this;
}
Artifact& Artifact::set_scalar(const std::string& key, double v) {
  check_key(key);
  check_free(strings_, key, "string");
  scalars_[key] = v;
  return *this;
}
Artifact& Artifact::set_string(const std::string& key, std::string v) {
  check_key(key);
  check_free(scalars_, key, "scalar");
  if (v.find('\0') != std::string::npos)
    throw std::invalid_argument("artifact string '" + key + "' contains a NUL byte (HDF5 strings cannot hold one)");
  strings_[key] = std::move(v);
  return *this;
}
Artifact& Artifact::set_child(const std::string& key, Artifact child) {
  check_key(key);
  check_free(arrays_, key, "array");
  children_[key] = std::move(child);
  return *this;
}

const Array& Artifact::array(const std::string& key) const {
  auto it = arrays_.find(key);
  if (it == arrays_.end()) throw std::runtime_error("artifact has no array '" + key + "' (arrays: " + key_list(arrays_) + ")");
  return it->second;
}
double Artifact::scalar(const std::string& key) const {
  auto it = scalars_.find(key);
  if (it == scalars_.end()) throw std::runtime_error("artifact has no scalar '" + key + "' (scalars: " + key_list(scalars_) + ")");
  return it->second;
}
const std::string& Artifact::string(const std::string& key) const {
  auto it = strings_.find(key);
  if (it == strings_.end()) throw std::runtime_error("artifact has no string '" + key + "' (strings: " + key_list(strings_) + ")");
  return it->second;
}
const Artifact& Artifact::child(const std::string& key) const {
  auto it = children_.find(key);
  if (it == children_.end()) throw std::runtime_error("artifact has no child '" + key + "' (children: " + key_list(children_) + ")");
  return it->second;
}

namespace {
void hash_summary(Hasher& h, const Artifact& a) {
  // Each entry is tagged with its kind, so a scalar and a string never hash alike.
  for (const auto& [k, v] : a.scalars()) h.field("scalar").field(k).f64(v);
  for (const auto& [k, v] : a.strings()) h.field("string").field(k).field(v);
}

void hash_tree(Hasher& h, const Artifact& a) {
  h.field("scalars+strings");
  hash_summary(h, a);
  h.field("arrays");
  for (const auto& [k, arr] : a.arrays()) {
    h.field(k).u64(static_cast<std::uint64_t>(arr.dtype())).u64(arr.rank());
    for (auto s : arr.shape()) h.u64(s);
    auto b = arr.bytes();
    h.bytes(b.data(), b.size());
  }
  h.field("children");
  for (const auto& [k, c] : a.children()) {
    h.field(k);
    hash_tree(h, c);
  }
}
}  // namespace

std::uint64_t Artifact::checksum() const {
  Hasher h;
  hash_tree(h, *this);
  return h.digest();
}

std::uint64_t Artifact::summary_checksum() const {
  Hasher h;
  hash_summary(h, *this);
  return h.digest();
}

bool Artifact::operator==(const Artifact& o) const {
  return scalars_ == o.scalars_ && strings_ == o.strings_ && arrays_ == o.arrays_ && children_ == o.children_;
}

// ---------------------------------------------------------------- array memory

namespace {
// Nodes allocate and free arrays of tens to hundreds of MB, often of the same
// size one after another. glibc hands every block above its mmap threshold
// (128 KiB, growing to at most 32 MiB) back to the kernel on free, so the next
// array of that size is page-faulted and zero-filled by the kernel once more:
// on this project's virtual machines 51 MB costs 165 ms that way, and 2 ms
// when the freed memory is reused. Blocks up to kReusedBlock therefore come
// from the heap, and up to kReusedBlock of free memory at the heap's top stays
// mapped for the next node. The price is a resident size that does not shrink
// below the largest working set a process had, up to that much.
constexpr int kReusedBlock = 1 << 30;
[[maybe_unused]] const bool freed_arrays_reused = [] {
#if defined(__GLIBC__)
  return mallopt(M_MMAP_THRESHOLD, kReusedBlock) == 1 && mallopt(M_TRIM_THRESHOLD, kReusedBlock) == 1;
#else
  return false;
#endif
}();
}  // namespace

// ---------------------------------------------------------------- HDF5 mapping

std::recursive_mutex& hdf5_mutex() {
  static std::recursive_mutex m;
  return m;
}

namespace {
// HDF5 must not run its own shutdown at exit (why: Hdf5Scope in the header).
// H5dont_atexit works only before the library initialises, which the first HDF5
// call anywhere does (even H5get_libversion for provenance.json), so it is set
// here, during static initialisation, before main.
[[maybe_unused]] const bool hdf5_shutdown_skipped = [] { return H5dont_atexit() >= 0; }();
}  // namespace

Hdf5Scope::Hdf5Scope() : lock_(hdf5_mutex()) {
  static std::once_flag once;  // Debian's libhdf5 (not thread-safe) has one error stack for the process
  std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
}

Hdf5Scope::~Hdf5Scope() { H5Eclear2(H5E_DEFAULT); }  // still under the lock: lock_ is released after this body

namespace {

// Owns one HDF5 identifier and closes it with the matching function.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id_ < 0) throw std::runtime_error("HDF5: cannot " + what);
  }
  ~Handle() { if (id_ >= 0) close_(id_); }
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  operator hid_t() const { return id_; }
 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

void check(herr_t status, const std::string& what) {
  if (status < 0) throw std::runtime_error("HDF5: cannot " + what);
}

hid_t native_type(DType t) {
  switch (t) {
    case DType::f32: return H5T_NATIVE_FLOAT;
    case DType::f64: return H5T_NATIVE_DOUBLE;
    case DType::i8: return H5T_NATIVE_INT8;
    case DType::i32: return H5T_NATIVE_INT32;
    case DType::i64: return H5T_NATIVE_INT64;
    case DType::u16: return H5T_NATIVE_UINT16;
    case DType::u8: return H5T_NATIVE_UINT8;
  }
  return -1;
}

DType dtype_from_file_type(hid_t type, const std::string& name) {
  H5T_class_t cls = H5Tget_class(type);
  std::size_t size = H5Tget_size(type);
  if (cls == H5T_FLOAT && size == 4) return DType::f32;
  if (cls == H5T_FLOAT && size == 8) return DType::f64;
  if (cls == H5T_INTEGER) {
    bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
    if (is_signed && size == 1) return DType::i8;
    if (is_signed && size == 4) return DType::i32;
    if (is_signed && size == 8) return DType::i64;
    if (!is_signed && size == 2) return DType::u16;
    if (!is_signed && size == 1) return DType::u8;
  }
  throw std::runtime_error("HDF5 dataset '" + name + "' has an element type reprise does not hold "
                           "(supported: float32, float64, int8, int32, int64, uint16, uint8)");
}

Handle string_type() {
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose, "create string type");
  check(H5Tset_size(t, H5T_VARIABLE), "size string type");
  check(H5Tset_cset(t, H5T_CSET_UTF8), "set string charset");
  return t;
}

void write_string_attribute(hid_t obj, const std::string& name, const std::string& value) {
  Handle type = string_type();
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create dataspace");
  Handle attr(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
              "create attribute '" + name + "'");
  const char* ptr = value.c_str();
  check(H5Awrite(attr, type, &ptr), "write attribute '" + name + "'");
}

void write_double_attribute(hid_t obj, const std::string& name, double value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create dataspace");
  Handle attr(H5Acreate2(obj, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
              "create attribute '" + name + "'");
  check(H5Awrite(attr, H5T_NATIVE_DOUBLE, &value), "write attribute '" + name + "'");
}

void write_dataset(hid_t group, const std::string& name, const Array& a) {
  std::vector<hsize_t> dims(a.shape().begin(), a.shape().end());
  Handle space(dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
               H5Sclose, "create dataspace for '" + name + "'");
  Handle ds(H5Dcreate2(group, name.c_str(), native_type(a.dtype()), space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
            H5Dclose, "create dataset '" + name + "'");
  if (a.size() > 0) check(H5Dwrite(ds, native_type(a.dtype()), H5S_ALL, H5S_ALL, H5P_DEFAULT, a.bytes().data()),
                          "write dataset '" + name + "'");
}

void write_tree(hid_t group, const Artifact& a) {
  for (const auto& [k, v] : a.scalars()) write_double_attribute(group, k, v);
  for (const auto& [k, v] : a.strings()) write_string_attribute(group, k, v);
  for (const auto& [k, arr] : a.arrays()) write_dataset(group, k, arr);
  for (const auto& [k, child] : a.children()) {
    Handle g(H5Gcreate2(group, k.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "create group '" + k + "'");
    write_tree(g, child);
  }
}

struct AttributeSink {
  Artifact* artifact;
  std::map<std::string, std::string>* strings_only;  // when set, collect strings here instead
  std::string error;
};

std::string read_string_attribute(hid_t attr, hid_t type, const std::string& name) {
  if (H5Tis_variable_str(type) > 0) {
    Handle mem = string_type();
    char* ptr = nullptr;
    check(H5Aread(attr, mem, &ptr), "read attribute '" + name + "'");
    std::string value = ptr ? ptr : "";
    H5free_memory(ptr);
    return value;
  }
  std::size_t size = H5Tget_size(type);
  std::string value(size, '\0');
  Handle mem(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
  check(H5Tset_size(mem, size), "size string type");
  check(H5Aread(attr, mem, value.data()), "read attribute '" + name + "'");
  value.resize(std::strlen(value.c_str()));
  return value;
}

herr_t collect_attribute(hid_t obj, const char* cname, const H5A_info_t*, void* data) {
  auto* sink = static_cast<AttributeSink*>(data);
  std::string name = cname;
  try {
    Handle attr(H5Aopen(obj, cname, H5P_DEFAULT), H5Aclose, "open attribute '" + name + "'");
    Handle type(H5Aget_type(attr), H5Tclose, "read type of attribute '" + name + "'");
    H5T_class_t cls = H5Tget_class(type);
    if (cls == H5T_STRING) {
      std::string v = read_string_attribute(attr, type, name);
      if (sink->strings_only) (*sink->strings_only)[name] = v;
      else sink->artifact->set_string(name, v);
    } else if (cls == H5T_FLOAT || cls == H5T_INTEGER) {
      double v = 0;
      check(H5Aread(attr, H5T_NATIVE_DOUBLE, &v), "read attribute '" + name + "'");
      if (!sink->strings_only) sink->artifact->set_scalar(name, v);
    } else {
      throw std::runtime_error("attribute '" + name + "' has an unsupported type");
    }
  } catch (const std::exception& e) {
    sink->error = e.what();
    return -1;
  }
  return 0;
}

void read_attributes(hid_t obj, AttributeSink& sink) {
  hsize_t idx = 0;
  herr_t status = H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_attribute, &sink);
  if (!sink.error.empty()) throw std::runtime_error(sink.error);
  check(status, "list attributes");
}

Array read_dataset(hid_t group, const std::string& name) {
  Handle ds(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose, "open dataset '" + name + "'");
  Handle type(H5Dget_type(ds), H5Tclose, "read type of '" + name + "'");
  DType dtype = dtype_from_file_type(type, name);
  Handle space(H5Dget_space(ds), H5Sclose, "read dataspace of '" + name + "'");
  int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) throw std::runtime_error("HDF5: cannot read rank of '" + name + "'");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  std::vector<std::size_t> shape(dims.begin(), dims.end());
  std::vector<std::byte> bytes(product(shape) * dtype_size(dtype));
  if (!bytes.empty())
    check(H5Dread(ds, native_type(dtype), H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()), "read dataset '" + name + "'");
  return Array(dtype, std::move(shape), std::move(bytes));
}

Artifact read_tree(hid_t group);

struct LinkSink {
  Artifact* artifact;
  std::string error;
};

herr_t collect_link(hid_t group, const char* cname, const H5L_info_t*, void* data) {
  auto* sink = static_cast<LinkSink*>(data);
  std::string name = cname;
  try {
    H5O_info_t info;
    check(H5Oget_info_by_name2(group, cname, &info, H5O_INFO_BASIC, H5P_DEFAULT), "inspect '" + name + "'");
    if (info.type == H5O_TYPE_DATASET) {
      sink->artifact->set_array(name, read_dataset(group, name));
    } else if (info.type == H5O_TYPE_GROUP) {
      Handle g(H5Gopen2(group, cname, H5P_DEFAULT), H5Gclose, "open group '" + name + "'");
      sink->artifact->set_child(name, read_tree(g));
    }
  } catch (const std::exception& e) {
    sink->error = e.what();
    return -1;
  }
  return 0;
}

Artifact read_tree(hid_t group) {
  Artifact a;
  AttributeSink attrs{&a, nullptr, {}};
  read_attributes(group, attrs);
  LinkSink links{&a, {}};
  hsize_t idx = 0;
  herr_t status = H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_link, &links);
  if (!links.error.empty()) throw std::runtime_error(links.error);
  check(status, "list group members");
  return a;
}
}  // namespace

void write_group(std::int64_t parent, const std::string& name, const Artifact& a) {
  Hdf5Scope hdf5;
  Handle g(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "create group '" + name + "'");
  write_tree(g, a);
}

Artifact read_group(std::int64_t parent, const std::string& name) {
  Hdf5Scope hdf5;
  Handle g(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), H5Gclose, "open group '" + name + "'");
  return read_tree(g);
}

namespace {
// The whole HDF5 file, built in memory (core driver, no backing store).
std::vector<char> file_image(const std::string& path, const Artifact& a, const std::map<std::string, std::string>& meta,
                             std::size_t userblock) {
  Handle fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose, "create file properties");
  if (userblock) check(H5Pset_userblock(fcpl, userblock), "reserve a user block");
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "create file access properties");
  check(H5Pset_fapl_core(fapl, 1 << 20, 0), "select the in-memory driver");
  Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl, fapl), H5Fclose, "create file '" + path + "' in memory");
  for (const auto& [k, v] : meta) write_string_attribute(file, k, v);
  write_group(file, "artifact", a);
  check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flush '" + path + "'");
  ssize_t size = H5Fget_file_image(file, nullptr, 0);
  if (size < 0) throw std::runtime_error("HDF5: cannot size the image of '" + path + "'");
  // The image starts at the superblock: the user block is not part of it.
  std::vector<char> image(userblock + static_cast<std::size_t>(size), '\0');
  if (H5Fget_file_image(file, image.data() + userblock, static_cast<std::size_t>(size)) != size)
    throw std::runtime_error("HDF5: cannot copy the image of '" + path + "'");
  return image;
}

// Writes bytes to a new file; throws with the system's reason (disk full, file too large...).
void write_bytes(const std::string& path, const std::vector<char>& bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create '" + path + "': " + std::strerror(errno));
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = n < 0 ? errno : ENOSPC;
      ::close(fd);
      throw std::runtime_error("cannot write '" + path + "': " + std::strerror(err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) throw std::runtime_error("cannot write '" + path + "': " + std::strerror(errno));
}
}  // namespace

// The file is built in memory and written with plain write() calls: an I/O error
// (disk full, a file-size limit) then surfaces as a clean exception. Writing
// through HDF5's own file driver instead leaves, after a failed flush, a file
// object HDF5 cannot close, on which its exit handler crashes the process.
void save_artifact_file(const std::string& path, const Artifact& a, const std::map<std::string, std::string>& meta,
                        std::size_t userblock) {
  std::vector<char> image;
  {
    Hdf5Scope hdf5;
    image = file_image(path, a, meta, userblock);
  }
  write_bytes(path, image);
}

Artifact load_artifact_file(const std::string& path, std::map<std::string, std::string>* meta) {
  Hdf5Scope hdf5;
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open '" + path + "' (not an HDF5 file?)");
  if (meta) {
    Artifact unused;
    AttributeSink sink{&unused, meta, {}};
    read_attributes(file, sink);
  }
  return read_group(file, "artifact");
}

std::map<std::string, std::string> load_artifact_meta(const std::string& path, Artifact* summary) {
  Hdf5Scope hdf5;
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open '" + path + "' (not an HDF5 file?)");
  std::map<std::string, std::string> meta;
  Artifact unused;
  AttributeSink sink{&unused, &meta, {}};
  read_attributes(file, sink);
  if (summary) {
    Handle g(H5Gopen2(file, "artifact", H5P_DEFAULT), H5Gclose, "open group 'artifact'");
    AttributeSink top{summary, nullptr, {}};
    read_attributes(g, top);
  }
  return meta;
}

}  // namespace reprise
