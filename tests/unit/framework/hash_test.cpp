// Unit tests for framework/hash: XXH64 against published vectors, Hasher framing,
// hex16 and hash_file.
#include "framework/core/hash.hpp"

#include <doctest/doctest.h>

#include "tests/unit/framework/test_support.hpp"

#include <stdlib.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace reprise;
namespace fs = std::filesystem;

namespace {

using reprise::test::TempDir;

// Published XXH64 test vectors (seed 0 unless stated).
constexpr std::uint64_t kEmpty = 0xEF46DB3751D8E999ULL;
constexpr std::uint64_t kA = 0xD24EC4F1A98C6E5BULL;
constexpr std::uint64_t kAbc = 0x44BC2CF5AD770999ULL;
constexpr std::uint64_t kFox = 0x0B242D361FDA71BCULL;  // "The quick brown fox jumps over the lazy dog"
constexpr std::uint64_t k32Digits = 0x40FD1AA52D98274CULL;  // "12345678901234567890123456789012"
constexpr std::uint64_t kAbcSeed5381 = 0x19D1C1B5C673451FULL;

// Little-endian 8-byte encoding of n followed by s: what a length-prefixed field hashes.
std::string framed(std::string_view s) {
  std::string out(8, '\0');
  std::uint64_t n = s.size();
  for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xff);
  return out + std::string(s);
}

}  // namespace

TEST_CASE("hash_string matches published XXH64 vectors") {
  CHECK(hash_string("") == kEmpty);
  CHECK(hash_string("a") == kA);
  CHECK(hash_string("abc") == kAbc);
  CHECK(hash_string("The quick brown fox jumps over the lazy dog") == kFox);
  CHECK(hash_string("12345678901234567890123456789012") == k32Digits);
  CHECK(hash_string("abc", 5381) == kAbcSeed5381);
  CHECK(hash_string("abc", 1) != kAbc);  // the seed matters
}

TEST_CASE("Hasher::bytes is plain incremental XXH64") {
  CHECK(Hasher().digest() == kEmpty);
  CHECK(Hasher().bytes("a", 1).digest() == kA);
  CHECK(Hasher().bytes("ab", 2).bytes("c", 1).digest() == kAbc);
  CHECK(Hasher().bytes("a", 1).bytes("", 0).bytes("bc", 2).digest() == kAbc);
  CHECK(Hasher(5381).bytes("abc", 3).digest() == kAbcSeed5381);
  // Streamed in uneven pieces across the 32-byte stripe boundary.
  const std::string digits = "12345678901234567890123456789012";
  Hasher h;
  h.bytes(digits.data(), 7).bytes(digits.data() + 7, 20).bytes(digits.data() + 27, 5);
  CHECK(h.digest() == k32Digits);
  // digest() does not consume the state.
  CHECK(h.digest() == k32Digits);
}

TEST_CASE("Hasher::field is length-prefixed") {
  auto two = [](std::string_view x, std::string_view y) { return Hasher().field(x).field(y).digest(); };
  CHECK(two("ab", "c") != two("a", "bc"));
  CHECK(two("", "abc") != two("abc", ""));
  CHECK(two("ab", "c") == two("ab", "c"));
  // Exact framing: u64 little-endian length, then the bytes.
  CHECK(Hasher().field("abc").digest() == hash_string(framed("abc")));
  CHECK(Hasher().field("").digest() == hash_string(framed("")));
  CHECK(Hasher().field("ab").field("c").digest() == hash_string(framed("ab") + framed("c")));
  // A field differs from the raw bytes.
  CHECK(Hasher().field("abc").digest() != kAbc);
}

TEST_CASE("Hasher::u64 and f64 hash the 8-byte little-endian bit pattern") {
  CHECK(Hasher().u64(0x0102030405060708ULL).digest() ==
        hash_string(std::string("\x08\x07\x06\x05\x04\x03\x02\x01", 8)));
  // 1.0 is 0x3FF0000000000000.
  CHECK(Hasher().f64(1.0).digest() == Hasher().u64(0x3FF0000000000000ULL).digest());
  CHECK(Hasher().f64(0.0).digest() != Hasher().f64(-0.0).digest());
  CHECK(Hasher().f64(-0.0).digest() == Hasher().u64(0x8000000000000000ULL).digest());
  CHECK(Hasher().u64(1).digest() != Hasher().u64(2).digest());
}

TEST_CASE("hex16 writes 16 lowercase hex digits") {
  CHECK(hex16(0) == "0000000000000000");
  CHECK(hex16(1) == "0000000000000001");
  CHECK(hex16(0xabc) == "0000000000000abc");
  CHECK(hex16(kEmpty) == "ef46db3751d8e999");
  CHECK(hex16(0x0123456789ABCDEFULL) == "0123456789abcdef");
  CHECK(hex16(0xF000000000000000ULL) == "f000000000000000");
  CHECK(hex16(~0ULL) == "ffffffffffffffff");
}

TEST_CASE("hash_file hashes the file's content") {
  TempDir dir;
  CHECK(hash_file(dir.write("empty", "")) == kEmpty);
  CHECK(hash_file(dir.write("abc", "abc")) == kAbc);
  CHECK(hash_file(dir.write("fox", "The quick brown fox jumps over the lazy dog")) == kFox);
  // Binary content with NULs, and content longer than the 1 MiB read buffer.
  std::string big(2'500'000, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 131 + 7) % 256);
  CHECK(hash_file(dir.write("big", big)) == hash_string(big));
  std::string exact(1 << 20, 'q');  // exactly one buffer
  CHECK(hash_file(dir.write("exact", exact)) == hash_string(exact));
  // A one-byte change changes the hash.
  big[1'700'000] ^= 1;
  CHECK(hash_file(dir.write("big2", big)) == hash_string(big));
  CHECK(hash_file((dir.path / "big2").string()) != hash_file((dir.path / "big").string()));
}

TEST_CASE("hash_file of a missing file throws naming it") {
  TempDir dir;
  std::string missing = (dir.path / "no-such-file").string();
  CHECK_THROWS_AS(hash_file(missing), std::runtime_error);
  try {
    hash_file(missing);
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find(missing) != std::string::npos);
  }
}

TEST_CASE("hash_file refuses a directory instead of hashing it as empty") {
  TempDir dir;
  CHECK_THROWS_AS(hash_file(dir.str()), std::runtime_error);
}
