#include "components/inr/weight_coding.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "components/inr/model.hpp"

using namespace reprise;
using namespace reprise::inr;

namespace {

// An inr/siren description as its component writes it (the stream stores these settings).
Artifact siren_settings(int width, int depth) {
  Artifact a;
  a.set_string("model", "siren");
  a.set_string("schedule", "constant");
  a.set_scalar("width", width);
  a.set_scalar("depth", depth);
  a.set_scalar("epochs", 1);
  a.set_scalar("batch", 64);
  a.set_scalar("lr", 1e-4);
  a.set_scalar("first_omega0", 30);
  a.set_scalar("omega0", 30);
  return a;
}

StreamHeader header_for(const Artifact& model) {
  StreamHeader h;
  h.model = model;
  h.input_dim = 3;
  h.seed = 77;
  h.values = ValueMap{"log", 6.93, 64, 3};
  h.frame = volume::GridFrame{{4, 5, 6}, {1, 1, 1}, {4, 5, 6}};
  return h;
}

// A network of the description with weights spread over several magnitudes, so
// rows have different scales.
std::unique_ptr<Network> spread_network(const Artifact& model) {
  auto net = build_network(model, 3, 77);
  std::mt19937_64 rng(3);
  std::normal_distribution<float> normal;
  for (float& w : net->parameters()) w = normal(rng) * std::exp(normal(rng));
  return net;
}

std::vector<float> copy_of(std::span<const float> p) { return {p.begin(), p.end()}; }

}  // namespace

TEST_CASE("weight coding: every width decodes to the stored rounding of every weight") {
  const Artifact model = siren_settings(12, 3);
  const auto net = spread_network(model);
  const std::vector<float> original = copy_of(net->parameters());
  for (int bits : {32, 16, 8, 6, 4, 2}) {
    CAPTURE(bits);
    const std::vector<std::uint8_t> stream = encode_stream(header_for(model), *net, uniform_bits(*net, bits));
    const DecodedStream d = decode_stream(stream);
    const std::vector<float> decoded = copy_of(d.net->parameters());
    REQUIRE(decoded.size() == original.size());
    for (const DenseSlot& s : net->dense_slots())
      for (int row = 0; row < s.out; ++row) {
        // The truth, computed here: per-row symmetric steps of max|w| / (2^(bits-1) - 1).
        float largest = 0;
        for (int j = 0; j < s.in; ++j) largest = std::max(largest, std::abs(original[s.offset + row + s.out * j]));
        const double step = largest / ((1 << (bits - 1)) - 1);
        std::set<double> levels;
        for (int j = 0; j < s.in; ++j) {
          const std::size_t i = s.offset + row + static_cast<std::size_t>(s.out) * j;
          if (bits == 32) CHECK(decoded[i] == original[i]);
          if (bits == 16) CHECK(decoded[i] == from_half(to_half(original[i])));
          if (bits <= 8) {
            CHECK(std::abs(decoded[i] - original[i]) <= 0.5 * step * (1 + 1e-5));  // nearest level
            levels.insert(std::round(decoded[i] / step));
            CHECK(std::abs(decoded[i] / step - std::round(decoded[i] / step)) < 1e-4);  // on the grid
          }
        }
        if (bits <= 8) CHECK(levels.size() <= static_cast<std::size_t>((1 << bits) - 1));
        const std::size_t b = s.offset + s.weights() + row;
        CHECK(decoded[b] == (bits == 32 ? original[b] : from_half(to_half(original[b]))));
      }
    // The header comes back exactly.
    CHECK(d.header.seed == 77);
    CHECK(d.header.values.transform == "log");
    CHECK(d.header.values.scale == 6.93);
    CHECK(d.header.values.zero_below == 64);
    CHECK(d.header.values.zero_margin == 3);
    CHECK(d.header.frame.shape == std::vector<std::size_t>{4, 5, 6});
    CHECK(d.header.model.scalar("first_omega0") == 30);
    CHECK(d.net->describe() == net->describe());
  }
}

TEST_CASE("weight coding: quantise() is the projection the stream stores") {
  const Artifact model = siren_settings(10, 2);
  const auto net = spread_network(model);
  for (int bits : {16, 8, 5, 3}) {
    CAPTURE(bits);
    const DecodedStream d = decode_stream(encode_stream(header_for(model), *net, uniform_bits(*net, bits)));
    auto projected = spread_network(model);
    quantise(*projected, uniform_bits(*projected, bits));
    const auto a = d.net->parameters(), b = projected->parameters();
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i] == b[i]);
  }
}

TEST_CASE("weight coding: fewer bits, fewer bytes; zstd codes below the raw width") {
  const Artifact model = siren_settings(64, 3);
  const auto net = spread_network(model);
  std::size_t previous = SIZE_MAX;
  for (int bits : {32, 16, 8, 6, 4, 2}) {
    CAPTURE(bits);
    const std::size_t bytes = encode_stream(header_for(model), *net, uniform_bits(*net, bits)).size();
    CHECK(bytes < previous);
    previous = bytes;
    // 8-bit codes of bell-shaped weights carry fewer than 8 bits of entropy.
    if (bits == 8) CHECK(bytes < net->parameters().size());
  }
}

TEST_CASE("weight coding: damaged streams are refused with the reason") {
  const Artifact model = siren_settings(6, 2);
  const auto net = spread_network(model);
  const std::vector<std::uint8_t> stream = encode_stream(header_for(model), *net, uniform_bits(*net, 8));
  CHECK_THROWS_WITH(decode_stream(std::vector<std::uint8_t>(stream.begin(), stream.begin() + stream.size() / 2)),
                    doctest::Contains("INR stream"));
  CHECK_THROWS_WITH(decode_stream(std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6, 7, 8}),
                    doctest::Contains("not a reprise INR stream"));
  for (std::size_t at : {stream.size() / 3, stream.size() / 2, stream.size() - 6}) {  // the checksum catches any flip
    std::vector<std::uint8_t> flipped = stream;
    flipped[at] ^= 0x5a;
    CHECK_THROWS_WITH(decode_stream(flipped), doctest::Contains("INR stream"));
  }
  CHECK_THROWS_WITH(uniform_bits(*net, 12), doctest::Contains("32, 16 or 2..8"));
}
