// codec/mgard: the MGARD baseline of the INR-compression paper (seed 001,
// section 3.2), through MGARD's classic CPU API (mgard/compress.hpp,
// https://github.com/CODARcode/MGARD), an optional library.
//
// MGARD decomposes the volume into multilevel coefficients on a hierarchy of
// nested tensor grids (the volume's nodes placed uniformly on [0, 1] per axis),
// quantises them so the error stays within `tolerance` in the norm `s` selects,
// and codes them losslessly. s = 0 bounds the L2 norm of the error (the mesh
// L2 norm on the unit cube, close to the RMSE), s = inf the largest absolute
// error; other s the "s norm" of the MGARD papers. mode rel scales the
// tolerance by the data's own norm in that same norm (as MGARD-X's REL does).
// The stream is MGARD's self-describing format (CompressedDataset::write), and
// decompression reads it back through mgard::decompress(data, size). Serial.
// Output follows components/codecs/volume_codec.hpp.
//
// Compiled in only when CMake finds MGARD (REPRISE_HAVE_MGARD); otherwise the
// component is registered as unavailable and `reprise describe codec/mgard`
// says how to enable it.
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class MgardCodec : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
