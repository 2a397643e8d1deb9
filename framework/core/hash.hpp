// Hashing used for node identities and artifact checksums (xxHash XXH64).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace reprise {

// Incremental XXH64 over a sequence of fields; each field is length-prefixed so
// ("ab","c") and ("a","bc") never collide by construction.
class Hasher {
 public:
  explicit Hasher(std::uint64_t seed = 0);
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  Hasher& bytes(const void* data, std::size_t n);  // raw, no length prefix
  Hasher& field(std::string_view s);               // length-prefixed
  Hasher& u64(std::uint64_t v);
  Hasher& f64(double v);  // bit pattern
  std::uint64_t digest() const;

 private:
  void* state_;
};

std::uint64_t hash_string(std::string_view s, std::uint64_t seed = 0);
// Content hash of a file; throws std::runtime_error if it cannot be read.
std::uint64_t hash_file(const std::string& path);
std::string hex16(std::uint64_t v);  // 16 lowercase hex digits

}  // namespace reprise
