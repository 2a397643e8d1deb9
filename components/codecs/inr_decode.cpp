// codec/inr-decode: the decompressor of codec/inr. It reads nothing but the
// stored byte stream (array 'stream' of its input), rebuilds the network the
// stream describes and evaluates it on the stream's grid, or on another grid of
// the same rank (super-resolution). Its output equals codec/inr's decoded
// volume bit for bit; tests/unit/codecs/inr_test.cpp checks that.
#include <stdexcept>
#include <string>

#include "components/datasets/volume.hpp"
#include "components/inr/weight_coding.hpp"
#include "framework/core/parallel.hpp"
#include "framework/core/registry.hpp"

namespace reprise {
namespace {

class InrDecode : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override {
    const Artifact& source = in.get("stream");
    if (!source.has_array("stream"))
      throw std::runtime_error("input 'stream' has no array 'stream': connect a codec/inr node");
    const Array& bytes = source.array("stream");
    if (bytes.dtype() != DType::u8)
      throw std::runtime_error(std::string("input 'stream': array 'stream' must be uint8, got ") +
                               dtype_name(bytes.dtype()));
    inr::DecodedStream stream = inr::decode_stream(bytes.view<std::uint8_t>());
    if (in.has("grid")) {
      const volume::GridFrame grid = volume::frame_of(in.get("grid"), "grid");
      if (grid.shape.size() != stream.header.frame.shape.size())
        throw std::runtime_error("'grid' has rank " + std::to_string(grid.shape.size()) + " but the stream's grid has rank " +
                                 std::to_string(stream.header.frame.shape.size()));
      stream.header.frame = grid;
    }
    const unsigned threads = worker_count(p.get_int("threads"), std::size_t{1} << 20);
    Artifact out;
    out.set_array("volume", Array::from<float>(stream.header.frame.shape, inr::decode_volume(stream, threads, ctx)));
    volume::set_frame(out, stream.header.frame);
    out.set_string("architecture", stream.net->describe());
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(InrDecode, "codec/inr-decode", "1",
                  "decompress a codec/inr stream: rebuild the network from the bytes alone and evaluate it on a grid",
                  param_int("threads", 0, "decoding threads (0: all cores); results do not depend on it")
                      .at_least(0)
                      .output_neutral(),
                  input("stream", "a codec/inr node (its uint8 array 'stream' is all that is read)"),
                  optional_input("grid", "a volume whose grid to decode on (default: the grid in the stream)"),
                  output("volume", "float32: the decoded values, with their frame"),
                  output("architecture", "the network the stream describes"))

}  // namespace reprise
