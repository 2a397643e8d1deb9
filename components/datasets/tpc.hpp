// dataset/tpc: a synthetic stand-in for the sPHENIX TPC outer-layer-group data
// of the INR-compression paper (seed 001, section 2 and Appendix A).
//
// The paper's volumes come from HIJING + Geant4, which reprise cannot ship; this
// generator keeps what matters to a compressor: the geometry (c azimuthal
// columns x z drift-time bins x r = 16 radial layers, one 1/12 azimuthal sector
// of the outer layer group, 192 x 249 x 16 by default), sparse track segments
// with the right shapes, a long-tailed charge, 10-bit ADC values, zero
// suppression below 64 and a chosen occupancy.
//
// How a volume is made, in the detector's units (cm, GeV, tesla):
//   * each collision has a vertex on the beam axis, z_v ~ N(0, 10 cm); the first
//     is the triggered one, every further one (pile-up) also carries a drift-time
//     offset that moves all its charge along z by a uniform shift in
//     [-half length, +half length], so its tracks land partly outside the window;
//   * a charged track has p_T ~ Gamma(2, 0.3 GeV) above 0.15 GeV, charge ±1,
//     pseudorapidity uniform in [-1.3, 1.3] and an azimuth that hits the sector.
//     In the field B (param `field`) its transverse path is a circle through the
//     vertex of radius R = p_T / (0.3 B) [m]: after turning by 2u the track sits
//     at transverse distance 2R sin u, azimuth phi0 + q u, path length 2R u, and
//     z = z_v + 2R u sinh(eta). Low-p_T tracks (2R inside the layers) curl back
//     inward: loopers;
//   * where it crosses a layer (radius 60 + 1.1 (l + ½) cm, ±0.55 cm) the track
//     ionises the gas along its 3-D path in the layer; the layer's charge is the
//     path length times `charge` (most probable ADC sum per cm) times a Landau-like
//     factor 1 + 0.25 X, X = -ln Z², Z ~ N(0,1) (Moyal, mode 0, long upper tail);
//   * the charge drifts to the end plate and diffuses: it lands as a Gaussian of
//     widths diffusion_c (columns) and diffusion_z (time bins), scaled by
//     sqrt(0.25 + 0.75 d / L) with d the drift distance, and integrated over each
//     bin (pad and time-bin response);
//   * digitisation: Gaussian electronic noise of `noise` ADC (a fixed draw per
//     voxel), rounding, the 10-bit range [0, 1023], then zero suppression: values
//     below `threshold` become 0.
// Tracks are added one at a time (each to a collision drawn uniformly) until
// the fraction of nonzero voxels reaches `occupancy`; the count is kept exactly
// and incrementally, so the result overshoots the target by at most one track.
// All randomness comes from one std::mt19937_64 seeded with ctx.seed().
#pragma once

#include "framework/registry.hpp"

namespace reprise {

class TpcDataset : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

}  // namespace reprise
