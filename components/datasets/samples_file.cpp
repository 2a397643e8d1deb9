// dataset/samples-file: spin samples from a user's file (e.g. quantum-annealer
// read-outs), so the discrete QoI pipeline of seed 000 runs on real data.
//
// Reads a {M, p} matrix of spins from a CSV (one sample per row) or a 2-D HDF5
// dataset of any integer or float type, accepts ±1 or 0/1 values (0/1 mapped to
// −1/+1), and returns it as int8 ±1 samples. Every malformed input (ragged rows, a
// value that is no spin, a missing or non-2-D dataset) is an error naming where.
#include <hdf5.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "components/datasets/hdf5_read.hpp"
#include "framework/core/errors.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

namespace fs = std::filesystem;

// Rows read (HDF5) or parsed (CSV) between two progress reports / cancellation checks.
constexpr std::size_t kRowsPerChunk = 1 << 16;

// The file's values before any mapping: each entry is −1, 0 or +1 (anything else is
// rejected while reading). For a CSV, line_of_row maps each row to its file line.
struct RawSamples {
  std::size_t rows = 0, cols = 0;
  std::vector<std::int8_t> values;
  std::vector<std::size_t> line_of_row;
  std::string file;  // for messages

  // "row 17, column 3 of reads.h5" (1-based), or with the file line for a CSV.
  std::string where(std::size_t row, std::size_t col) const {
    std::string s = "row " + std::to_string(row + 1) + ", column " + std::to_string(col + 1);
    s += line_of_row.empty() ? " of " + file : " (line " + std::to_string(line_of_row[row]) + " of " + file + ")";
    return s;
  }
  std::string where_index(std::size_t k) const { return where(k / cols, k % cols); }
};

std::string format_value(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// −1, 0 or +1; false for any other value. The caller builds the error message, so
// the hot loops never format a location they do not need.
bool spin_code(double v, std::int8_t& code) {
  if (v == 1.0) code = 1;
  else if (v == -1.0) code = -1;
  else if (v == 0.0) code = 0;
  else return false;
  return true;
}

std::invalid_argument not_a_spin(double v, const std::string& where) {
  return std::invalid_argument("value " + format_value(v) + " at " + where + " is neither ±1 nor 0/1");
}

std::string lower_extension(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

std::string resolve_format(const std::string& format, const std::string& path) {
  if (format != "auto") return format;
  const std::string ext = lower_extension(path);
  if (ext == ".csv" || ext == ".txt") return "csv";
  if (ext == ".h5" || ext == ".hdf5" || ext == ".he5") return "hdf5";
  throw std::invalid_argument("cannot tell the format of '" + path + "' from its extension '" + ext +
                              "' (.csv/.txt or .h5/.hdf5); set format: csv or format: hdf5");
}

// ------------------------------------------------------------------------ CSV

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument("cannot open '" + path + "'");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool is_separator(char c) { return c == ',' || c == ' ' || c == '\t' || c == '\r'; }

// One number; from_chars takes no leading '+', which some writers emit for +1.
bool parse_number(std::string_view token, double& v) {
  if (token.size() > 1 && token.front() == '+') token.remove_prefix(1);
  auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
  return ec == std::errc() && end == token.data() + token.size();
}

// Appends one line's values (separated by commas and/or whitespace) to `out`.
void parse_csv_line(std::string_view line, RawSamples& out, std::size_t line_no, std::size_t first_line) {
  const std::size_t row = out.line_of_row.size();
  const std::size_t before = out.values.size();
  out.line_of_row.push_back(line_no);
  std::size_t col = 0;
  for (std::size_t pos = 0; pos < line.size();) {
    while (pos < line.size() && is_separator(line[pos])) ++pos;
    std::size_t end = pos;
    while (end < line.size() && !is_separator(line[end])) ++end;
    if (end == pos) break;
    const std::string_view token = line.substr(pos, end - pos);
    double v = 0;
    std::int8_t code = 0;
    if (!parse_number(token, v))
      throw std::invalid_argument("'" + printable(token) + "' at " + out.where(row, col) +
                                  " is not a number (a header line? start it with '#')");
    if (!spin_code(v, code)) throw not_a_spin(v, out.where(row, col));
    out.values.push_back(code);
    ++col;
    pos = end;
  }
  if (row == 0) out.cols = col;
  if (out.values.size() - before != out.cols)
    throw std::invalid_argument("row " + std::to_string(row + 1) + " (line " + std::to_string(line_no) + " of " + out.file +
                                ") has " + std::to_string(col) + " values, expected " + std::to_string(out.cols) +
                                " like the first row (line " + std::to_string(first_line) + ")");
}

// One sample per line; blank lines and lines starting with '#' are skipped.
RawSamples read_csv(const std::string& path, Context& ctx) {
  const std::string text = read_whole_file(path);
  RawSamples out;
  out.file = fs::path(path).filename().string();
  std::size_t line_no = 0, first_line = 0;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    ++line_no;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line[first] == '#') continue;
    if (out.line_of_row.empty()) first_line = line_no;
    parse_csv_line(line, out, line_no, first_line);
    if (out.line_of_row.size() % kRowsPerChunk == 0) {
      ctx.check_cancelled();
      ctx.progress(start, text.size());
    }
  }
  out.rows = out.line_of_row.size();
  if (out.rows == 0 || out.cols == 0) throw std::invalid_argument("'" + path + "' holds no samples");
  return out;
}

// ----------------------------------------------------------------------- HDF5

using hdf5_read::Hid;

// "name {rows, cols}" of every dataset in the file, for the missing-dataset message.
std::string datasets_present(hid_t file) {
  const hdf5_read::Listing l = hdf5_read::datasets_in(file);
  if (l.described.empty()) return "none";
  std::string s;
  for (const auto& n : l.described) s += (s.empty() ? "" : ", ") + n;
  return s;
}

// Checks the dataset is a 2-D matrix of integers or floats; returns its {rows, cols}.
std::vector<std::size_t> matrix_dims(hid_t dset, const std::string& what) {
  Hid type(H5Dget_type(dset), H5Tclose);
  const H5T_class_t cls = type.ok() ? H5Tget_class(type) : H5T_NO_CLASS;
  if (cls != H5T_INTEGER && cls != H5T_FLOAT)
    throw std::invalid_argument(what + " does not hold integers or floats");
  std::vector<std::size_t> dims = hdf5_read::dataset_dims(dset);
  if (dims.size() != 2)
    throw std::invalid_argument(what + " has rank " + std::to_string(dims.size()) + " " +
                                shape_text(dims) + "; expected a 2-D {samples, spins} matrix");
  if (dims[0] == 0 || dims[1] == 0)
    throw std::invalid_argument(what + " " + shape_text(dims) + " holds no samples");
  return dims;
}

// Reads `rows` x `cols` values as doubles (HDF5 converts any integer or float type),
// one block of rows at a time so memory stays bounded by the int8 result.
void read_rows(hid_t dset, RawSamples& out, const std::string& what, Context& ctx) {
  Hid file_space(H5Dget_space(dset), H5Sclose);
  const std::size_t chunk = std::max<std::size_t>(1, (std::size_t{1} << 20) / out.cols);
  std::vector<double> buffer;
  out.values.resize(out.rows * out.cols);
  for (std::size_t first = 0; first < out.rows; first += chunk) {
    ctx.check_cancelled();
    const std::size_t n = std::min(chunk, out.rows - first);
    const hsize_t start[2] = {first, 0}, count[2] = {n, out.cols};
    Hid mem_space(H5Screate_simple(2, count, nullptr), H5Sclose);
    buffer.resize(n * out.cols);
    if (!mem_space.ok() || H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr) < 0 ||
        H5Dread(dset, H5T_NATIVE_DOUBLE, mem_space, file_space, H5P_DEFAULT, buffer.data()) < 0)
      throw std::invalid_argument("cannot read rows " + std::to_string(first + 1) + "-" +
                                  std::to_string(first + n) + " of " + what + " (file truncated or corrupt?)");
    std::int8_t* dest = &out.values[first * out.cols];
    for (std::size_t k = 0; k < buffer.size(); ++k)
      if (!spin_code(buffer[k], dest[k])) throw not_a_spin(buffer[k], out.where_index(first * out.cols + k));
    ctx.progress(first + n, out.rows);
  }
}

RawSamples read_hdf5(const std::string& path, std::string name, Context& ctx) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw std::invalid_argument("cannot open '" + path + "'");
  while (!name.empty() && name.front() == '/') name.erase(0, 1);
  RawSamples out;
  out.file = fs::path(path).filename().string();
  // Debian's libhdf5 is not thread-safe and nodes run on several threads: hold the
  // process-wide HDF5 lock the cache uses too.
  Hdf5Scope hdf5;  // the process-wide HDF5 lock; errors become exceptions, and are cleared after
  Hid file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.ok())
    throw std::invalid_argument("cannot read '" + path + "' as HDF5 (not an HDF5 file, or truncated?)");
  if (name.empty() || !hdf5_read::is_dataset(file, name))
    throw std::invalid_argument("no dataset '" + name + "' in " + out.file +
                                "; datasets present: " + datasets_present(file));
  Hid dset(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose);
  const std::string what = "dataset '" + name + "' of " + out.file;
  if (!dset.ok()) throw std::invalid_argument("cannot open " + what);
  const std::vector<std::size_t> dims = matrix_dims(dset, what);
  hdf5_read::array_bytes(dims, sizeof(std::int8_t), what);  // the int8 result; refuses absurd declared sizes
  out.rows = dims[0];
  out.cols = dims[1];
  read_rows(dset, out, what, ctx);
  return out;
}

// -------------------------------------------------------------------- mapping

// Decides spin or binary (for values: auto, from which of −1 and 0 occur), rejects
// the other kind's value, and returns ±1 samples.
std::vector<std::int8_t> to_spins(const RawSamples& raw, const std::string& values) {
  const auto& v = raw.values;
  const auto neg = std::find(v.begin(), v.end(), std::int8_t{-1});
  const auto zero = std::find(v.begin(), v.end(), std::int8_t{0});
  const bool has_neg = neg != v.end(), has_zero = zero != v.end();
  auto at = [&](auto it) { return raw.where_index(static_cast<std::size_t>(it - v.begin())); };
  std::string mode = values;
  if (mode == "auto") {
    if (has_neg && has_zero)
      throw std::invalid_argument("value -1 at " + at(neg) + " and value 0 at " + at(zero) +
                                  ": the data is neither all ±1 nor all 0/1");
    mode = has_zero ? "binary" : "spin";  // only 1s: spins all up (the two readings agree)
  }
  if (mode == "spin" && has_zero)
    throw std::invalid_argument("value 0 at " + at(zero) + " is not ±1 (values: spin)");
  if (mode == "binary" && has_neg)
    throw std::invalid_argument("value -1 at " + at(neg) + " is not 0/1 (values: binary)");
  std::vector<std::int8_t> spins(v);
  if (mode == "binary")
    for (auto& s : spins) s = s ? 1 : -1;
  return spins;
}

class SamplesFile : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

Artifact SamplesFile::run(const Inputs&, const Params& p, Context& ctx) {
  const std::string& path = p.get_string("path");
  const RawSamples raw = resolve_format(p.get_string("format"), path) == "csv"
                             ? read_csv(path, ctx)
                             : read_hdf5(path, p.get_string("dataset"), ctx);

  Artifact out;
  out.set_array("samples", Array::from<std::int8_t>({raw.rows, raw.cols}, to_spins(raw, p.get_string("values"))));
  out.set_scalar("p", static_cast<double>(raw.cols));
  out.set_scalar("samples", static_cast<double>(raw.rows));
  out.set_string("source", raw.file);
  return out;
}

}  // namespace

REPRISE_COMPONENT(SamplesFile, "dataset/samples-file", "1",
                  "spin samples read from a CSV or HDF5 file (values ±1 or 0/1), e.g. quantum-annealer output",
                  param_path("path", "CSV (one sample per row, comma or whitespace separated, '#' comments) or "
                                     "HDF5 file"),
                  param_string("format", "auto", "file format; 'auto' goes by extension: .csv/.txt or .h5/.hdf5")
                      .one_of({"auto", "csv", "hdf5"}),
                  param_string("dataset", "samples",
                               "HDF5 only: path of the 2-D {samples, spins} dataset, e.g. 'reads' or "
                               "'artifact/samples'"),
                  param_string("values", "auto",
                               "value convention: 'spin' = ±1, 'binary' = 0/1 mapped to -1/+1, 'auto' = whichever "
                               "the data holds")
                      .one_of({"auto", "spin", "binary"}),
                  output("samples", "int8 {samples, p} of ±1, one sample per row"),
                  output("p", "scalar: number of spins (columns)"),
                  output("source", "string: the file name the samples came from"))

}  // namespace reprise
