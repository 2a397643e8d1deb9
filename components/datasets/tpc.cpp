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
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "framework/core/registry.hpp"

namespace reprise {
namespace {

using std::numbers::pi;

// Geometry of the sPHENIX TPC outer layer group (cm): layer l spans radii
// [kInnerRadius + l kLayerPitch, kInnerRadius + (l + 1) kLayerPitch]; one
// volume is one of 12 azimuthal sectors; the drift axis spans [-kHalfLength, kHalfLength].
constexpr double kInnerRadius = 60.0;
constexpr double kLayerPitch = 1.1;
constexpr double kSector = 2 * pi / 12;
constexpr double kHalfLength = 105.0;
// Collision and track model (see the top of this file).
constexpr double kVertexSigma = 10.0;   // cm, luminous region along z
constexpr double kEtaMax = 1.3;         // pseudorapidity acceptance drawn
constexpr double kPtScale = 0.3;        // GeV, p_T ~ Gamma(2, kPtScale)
constexpr double kPtMin = 0.15;         // GeV
constexpr double kLandauWidth = 0.25;   // relative width of the charge fluctuation
constexpr double kSectorMargin = 0.1;   // extra azimuth drawn on each side of the sector, in sectors
constexpr std::uint16_t kAdcMax = 1023;  // 10-bit ADC

struct Settings {
  std::size_t c = 0, z = 0, r = 0;
  double field = 0, charge = 0, sigma_c = 0, sigma_z = 0, noise = 0;
  int threshold = 0;
  int collisions = 0;
  double occupancy = 0;
};

struct Collision {
  double vertex_z = 0;  // cm
  double shift_z = 0;   // cm: drift-time offset of a pile-up collision, 0 for the triggered one
};

struct Track {
  double diameter = 0;  // cm: 2R, the largest transverse distance the track reaches
  double phi0 = 0;      // azimuth of the initial direction's chord, relative to the sector's start
  int q = 1;            // charge sign
  double sinh_eta = 0, cosh_eta = 1;
  std::size_t collision = 0;
};

// One event's charge before digitisation, with the nonzero-after-digitisation
// count kept up to date deposit by deposit (charge only grows, so a voxel turns
// on at most once and the count is exact).
class Event {
 public:
  Event(const Settings& s, std::mt19937_64& rng) : s_(s), charge_(s.c * s.z * s.r, 0.0) {
    if (s.noise > 0) {
      noise_.resize(charge_.size());
      std::normal_distribution<double> normal(0.0, s.noise);
      for (auto& n : noise_) n = normal(rng);
    }
    for (std::size_t i = 0; i < charge_.size(); ++i) nonzero_ += on(i, 0.0);
  }

  std::size_t nonzero() const { return nonzero_; }

  // The 10-bit ADC value of voxel i holding charge q: noise, rounding, clipping.
  int adc(std::size_t i, double q) const {
    const double v = std::floor(q + (noise_.empty() ? 0.0 : noise_[i]) + 0.5);
    return static_cast<int>(std::clamp(v, 0.0, static_cast<double>(kAdcMax)));
  }
  bool on(std::size_t i, double q) const { return adc(i, q) >= s_.threshold; }

  // Adds `amount` spread as a Gaussian (bin-integrated) around fractional column
  // cf and time bin zf of layer `layer`.
  void deposit(std::size_t layer, double cf, double zf, double sigma_c, double sigma_z, double amount) {
    const double reach_c = 4 * sigma_c, reach_z = 4 * sigma_z;
    if (cf + reach_c < 0 || zf + reach_z < 0 || cf - reach_c > static_cast<double>(s_.c) ||
        zf - reach_z > static_cast<double>(s_.z))
      return;
    const long c0 = std::max(0L, static_cast<long>(std::floor(cf - reach_c)));
    const long c1 = std::min(static_cast<long>(s_.c) - 1, static_cast<long>(std::floor(cf + reach_c)));
    const long z0 = std::max(0L, static_cast<long>(std::floor(zf - reach_z)));
    const long z1 = std::min(static_cast<long>(s_.z) - 1, static_cast<long>(std::floor(zf + reach_z)));
    if (c0 > c1 || z0 > z1) return;
    weights(cf, sigma_c, c0, c1, wc_);
    weights(zf, sigma_z, z0, z1, wz_);
    for (long c = c0; c <= c1; ++c) {
      const double a = amount * wc_[static_cast<std::size_t>(c - c0)];
      for (long z = z0; z <= z1; ++z) {
        const std::size_t i = (static_cast<std::size_t>(c) * s_.z + static_cast<std::size_t>(z)) * s_.r + layer;
        const double before = charge_[i];
        const double after = before + a * wz_[static_cast<std::size_t>(z - z0)];
        charge_[i] = after;
        if (!on(i, before) && on(i, after)) ++nonzero_;
      }
    }
  }

  // Digitised values appended to `out`.
  void digitise(std::vector<std::uint16_t>& out) const {
    for (std::size_t i = 0; i < charge_.size(); ++i) {
      const int v = adc(i, charge_[i]);
      out.push_back(static_cast<std::uint16_t>(v >= s_.threshold ? v : 0));
    }
  }

 private:
  // Share of a unit Gaussian at `centre` falling in each bin [k, k + 1), k in [k0, k1].
  static void weights(double centre, double sigma, long k0, long k1, std::vector<double>& w) {
    w.resize(static_cast<std::size_t>(k1 - k0 + 1));
    const double scale = 1.0 / (std::numbers::sqrt2 * sigma);
    double lower = std::erf((static_cast<double>(k0) - centre) * scale);
    for (long k = k0; k <= k1; ++k) {
      const double upper = std::erf((static_cast<double>(k + 1) - centre) * scale);
      w[static_cast<std::size_t>(k - k0)] = 0.5 * (upper - lower);
      lower = upper;
    }
  }

  const Settings& s_;
  std::vector<double> charge_;
  std::vector<float> noise_;
  std::size_t nonzero_ = 0;
  std::vector<double> wc_, wz_;
};

Track draw_track(const Settings& s, std::size_t collisions, std::mt19937_64& rng) {
  std::gamma_distribution<double> gamma(2.0, kPtScale);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  Track t;
  double pt = 0;
  do pt = gamma(rng);
  while (pt < kPtMin);
  t.diameter = 2 * 100.0 * pt / (0.3 * s.field);  // R [m] = p_T / (0.3 B)
  t.q = unit(rng) < 0.5 ? -1 : 1;
  const double eta = kEtaMax * (2 * unit(rng) - 1);
  t.sinh_eta = std::sinh(eta);
  t.cosh_eta = std::cosh(eta);
  // Aim the track at the sector: its azimuth where it crosses the middle layer is
  // uniform over the sector and a margin; phi0 follows from the curvature.
  const double r_mid = kInnerRadius + 0.5 * kLayerPitch * static_cast<double>(s.r);
  const double phi_hit = kSector * ((1 + 2 * kSectorMargin) * unit(rng) - kSectorMargin);
  t.phi0 = phi_hit - t.q * std::asin(std::min(r_mid, t.diameter) / t.diameter);
  t.collision = static_cast<std::size_t>(unit(rng) * static_cast<double>(collisions));
  if (t.collision >= collisions) t.collision = collisions - 1;
  return t;
}

// Turning-angle intervals [u_a, u_b] (u = half the turning angle, in [0, π]) in
// which the track lies inside a layer of radii [r_in, r_out]: out on the way out
// and, when the track turns inside the TPC (2R below the outer edge), back on the
// way in.
struct Interval {
  double a, b;
};
std::vector<Interval> crossings(double d, double r_in, double r_out, double outer_edge) {
  if (d <= r_in) return {};
  const double ua = std::asin(r_in / d);
  if (d < r_out) return {{ua, pi - ua}};  // turns inside this layer
  const double ub = std::asin(r_out / d);
  if (d < outer_edge) return {{ua, ub}, {pi - ub, pi - ua}};
  return {{ua, ub}};
}

// Ionises the layers the track crosses; returns nothing, the event counts voxels.
void add_track(const Settings& s, const Track& t, const std::vector<Collision>& collisions, Event& event,
               std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  const Collision& col = collisions[t.collision];
  const double column_width = kSector / static_cast<double>(s.c);
  const double bin_length = 2 * kHalfLength / static_cast<double>(s.z);
  const double outer_edge = kInnerRadius + kLayerPitch * static_cast<double>(s.r);
  for (std::size_t layer = 0; layer < s.r; ++layer) {
    const double r_in = kInnerRadius + kLayerPitch * static_cast<double>(layer);
    for (const Interval& iv : crossings(t.diameter, r_in, r_in + kLayerPitch, outer_edge)) {
      const double du = iv.b - iv.a;
      const double length = t.diameter * du * t.cosh_eta;  // 3-D path in the layer, cm
      const double x = normal(rng);
      const double landau = 1 + kLandauWidth * -std::log(std::max(x * x, 1e-300));
      const double total = s.charge * length * std::max(landau, 0.0);
      // Half-bin steps along the segment, so the deposit is a continuous streak.
      const double span_c = du / column_width;
      const double span_z = t.diameter * du * std::abs(t.sinh_eta) / bin_length;
      const int steps = static_cast<int>(std::clamp(std::ceil(2 * std::max(span_c, span_z)), 1.0, 4096.0));
      for (int k = 0; k < steps; ++k) {
        const double u = iv.a + du * (k + 0.5) / steps;
        const double phi = std::remainder(t.phi0 + t.q * u, 2 * pi);
        const double z = col.vertex_z + t.diameter * u * t.sinh_eta;  // where the charge was made
        if (std::abs(z) > kHalfLength) continue;                      // outside the gas volume
        const double drift = kHalfLength - std::abs(z);
        const double spread = std::sqrt(0.25 + 0.75 * drift / kHalfLength);
        const double cf = phi / column_width;
        const double zf = (z + col.shift_z + kHalfLength) / bin_length;
        event.deposit(layer, cf, zf, s.sigma_c * spread, s.sigma_z * spread, total / steps);
      }
    }
  }
}

std::vector<Collision> draw_collisions(const Settings& s, std::mt19937_64& rng) {
  std::normal_distribution<double> vertex(0.0, kVertexSigma);
  std::uniform_real_distribution<double> shift(-kHalfLength, kHalfLength);
  std::vector<Collision> out(static_cast<std::size_t>(s.collisions));
  for (std::size_t k = 0; k < out.size(); ++k) {
    out[k].vertex_z = vertex(rng);
    out[k].shift_z = k == 0 ? 0.0 : shift(rng);
  }
  return out;
}

class TpcDataset : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

Artifact TpcDataset::run(const Inputs&, const Params& p, Context& ctx) {
  Settings s;
  s.c = static_cast<std::size_t>(p.get_int("c"));
  s.z = static_cast<std::size_t>(p.get_int("z"));
  s.r = static_cast<std::size_t>(p.get_int("r"));
  s.field = p.get_double("field");
  s.charge = p.get_double("charge");
  s.sigma_c = p.get_double("diffusion_c");
  s.sigma_z = p.get_double("diffusion_z");
  s.noise = p.get_double("noise");
  s.threshold = static_cast<int>(p.get_int("threshold"));
  s.collisions = static_cast<int>(p.get_int("collisions"));
  s.occupancy = p.get_double("occupancy");
  const std::size_t events = static_cast<std::size_t>(p.get_int("events"));
  const std::string& transform = p.get_string("transform");

  const std::size_t voxels = s.c * s.z * s.r;
  const auto target = static_cast<std::size_t>(std::ceil(s.occupancy * static_cast<double>(voxels)));
  // Every track that reaches the sector lights at least a few voxels, so this many
  // tracks without reaching the target means the target cannot be reached.
  const std::size_t max_tracks = std::max<std::size_t>(20000, voxels);
  std::mt19937_64 rng(ctx.seed());
  std::vector<std::uint16_t> adc;
  adc.reserve(voxels * events);
  std::size_t tracks = 0, nonzero = 0;
  for (std::size_t e = 0; e < events; ++e) {
    Event event(s, rng);
    if (event.nonzero() >= target && target > 0)
      throw std::invalid_argument("noise alone (noise " + std::to_string(s.noise) + " ADC) puts " +
                                  std::to_string(event.nonzero()) + " voxels above threshold " +
                                  std::to_string(s.threshold) + ", the occupancy target is " + std::to_string(target) +
                                  "; lower noise or raise threshold");
    const std::vector<Collision> collisions = draw_collisions(s, rng);
    std::size_t event_tracks = 0;
    while (event.nonzero() < target) {
      if (event_tracks == max_tracks)
        throw std::invalid_argument("occupancy " + std::to_string(s.occupancy) +
                                    " not reached after " + std::to_string(max_tracks) + " tracks (reached " +
                                    std::to_string(static_cast<double>(event.nonzero()) / voxels) +
                                    "); the volume saturates: lower occupancy or raise threshold");
      add_track(s, draw_track(s, collisions.size(), rng), collisions, event, rng);
      ++event_tracks;
      if (event_tracks % 16 == 0) {
        ctx.check_cancelled();
        ctx.progress(e * target + std::min(event.nonzero(), target), events * target);
      }
    }
    tracks += event_tracks;
    nonzero += event.nonzero();
    event.digitise(adc);
    ctx.log("event " + std::to_string(e) + ": " + std::to_string(event_tracks) + " tracks");
  }

  std::vector<std::size_t> shape{s.c, s.z, s.r};
  if (events > 1) shape.insert(shape.begin(), events);
  Artifact out;
  if (transform == "log") {
    std::vector<float> values(adc.size());
    for (std::size_t i = 0; i < adc.size(); ++i) values[i] = static_cast<float>(std::log2(1.0 + adc[i]));
    out.set_array("volume", Array::from<float>(shape, values));
  } else {
    out.set_array("volume", Array::from<std::uint16_t>(shape, adc));
  }
  out.set_scalar("occupancy", static_cast<double>(nonzero) / static_cast<double>(voxels * events));
  out.set_scalar("tracks", static_cast<double>(tracks));
  return out;
}

}  // namespace

REPRISE_COMPONENT(TpcDataset, "dataset/tpc", "1",
                  "synthetic sPHENIX-like TPC sector (helical tracks, pile-up, diffusion, 10-bit ADC, zero "
                  "suppression) at a chosen occupancy",
                  param_int("c", 192, "azimuthal columns (one 1/12 sector of the outer layer group)").range(1, 4096),
                  param_int("z", 249, "drift-time (z) bins over the full drift length").range(1, 4096),
                  param_int("r", 16, "radial layers, 1.1 cm apart from 60 cm outwards").range(1, 64),
                  param_int("events", 1, "volumes to generate; > 1 stacks them as a leading axis").range(1, 100000),
                  param_double("occupancy", 0.10, "fraction of nonzero voxels to reach by adding tracks")
                      .range(1e-6, 0.9),
                  param_int("collisions", 2, "collisions per volume: the triggered one plus pile-up shifted in z")
                      .range(1, 1000),
                  param_double("field", 1.4, "solenoid field in tesla: track curvature radius = p_T / (0.3 B)")
                      .range(0.1, 10),
                  param_double("charge", 1000, "most probable ADC sum a track deposits per cm of path").range(1, 1e6),
                  param_double("diffusion_c", 1.0, "diffusion + pad response width in columns (longest drift)")
                      .range(0.05, 50),
                  param_double("diffusion_z", 0.8, "diffusion + shaping width in time bins (longest drift)")
                      .range(0.05, 50),
                  param_double("noise", 4.0, "electronic noise in ADC counts (Gaussian per voxel); 0: none")
                      .range(0, 1023),
                  param_int("threshold", 64, "zero suppression: ADC values below this become 0").range(1, 1023),
                  param_string("transform", "none", "'none': uint16 ADC; 'log': float32 log2(1 + ADC)")
                      .one_of({"none", "log"}),
                  output("volume", "uint16 {c, z, r} ADC in {0} ∪ [threshold, 1023] ({events, c, z, r} when "
                                   "events > 1); float32 log2(1 + ADC) with transform: log"),
                  output("occupancy", "scalar: measured fraction of nonzero voxels"),
                  output("tracks", "scalar: tracks generated, all events together"))

}  // namespace reprise
