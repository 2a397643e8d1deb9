#include "framework/core/hash.hpp"

#include <xxhash.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace reprise {

Hasher::Hasher(std::uint64_t seed) : state_(XXH64_createState()) {
  XXH64_reset(static_cast<XXH64_state_t*>(state_), seed);
}
Hasher::~Hasher() { XXH64_freeState(static_cast<XXH64_state_t*>(state_)); }

Hasher& Hasher::bytes(const void* data, std::size_t n) {
  XXH64_update(static_cast<XXH64_state_t*>(state_), data, n);
  return *this;
}
Hasher& Hasher::u64(std::uint64_t v) { return bytes(&v, sizeof v); }
Hasher& Hasher::f64(double v) {
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return u64(bits);
}
Hasher& Hasher::field(std::string_view s) {
  u64(s.size());
  return bytes(s.data(), s.size());
}
std::uint64_t Hasher::digest() const { return XXH64_digest(static_cast<XXH64_state_t*>(state_)); }

std::uint64_t hash_string(std::string_view s, std::uint64_t seed) { return XXH64(s.data(), s.size(), seed); }

std::uint64_t hash_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw std::runtime_error("'" + path + "' is not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read '" + path + "'");
  Hasher h;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    h.bytes(buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw std::runtime_error("error while reading '" + path + "'");
  return h.digest();
}

std::string hex16(std::uint64_t v) {
  static const char* digits = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = digits[v & 15];
  return s;
}

}  // namespace reprise
