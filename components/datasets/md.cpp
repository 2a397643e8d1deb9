// dataset/md: configurations of a small Lennard-Jones molecular-dynamics trajectory,
// the molecular-dynamics case of the QoI-compression paper (seed 000), whose
// quantities of interest are the coordinate means E[x_i] and covariances.
//
// The system is the tethered LJ crystal of lennard_jones.hpp, integrated by BAOAB
// Langevin dynamics. The tether is what makes coordinate moments meaningful QoIs:
// the particles form a thermally vibrating, LJ-coupled crystal, so E[x_i] sits
// near s_i and Cov(x_i, x_j) carries the LJ-mediated correlations (phonons).
// Output rows are coordinate-major (all x, then all y, then all z): the collective
// translation of the crystal, its softest mode, is then the DC component of each
// block, which a DCT compressor keeps, rather than the alternating x,y,x,y pattern
// (the highest DCT frequency) of a particle-major row.
//
// `replicas` independent trajectories (each with its own random stream derived
// from ctx.seed() and the replica index, so rows do not depend on the thread
// count) each start at the lattice sites with Maxwell–Boltzmann velocities, are
// equilibrated for `equilibration` steps, then sampled every `stride` steps;
// replica c writes rows c, c + R, c + 2R, ...
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "components/datasets/lennard_jones.hpp"
#include "framework/core/parallel.hpp"
#include "framework/core/registry.hpp"

namespace reprise {

// ------------------------------------------------------- LjSystem (lennard_jones.hpp)

std::vector<double> LjSystem::lattice_sites(std::size_t particles, std::size_t dim, double box) {
  std::size_t side = 1;
  while (static_cast<std::size_t>(std::llround(std::pow(static_cast<double>(side), static_cast<double>(dim)))) <
         particles)
    ++side;
  const double spacing = box / static_cast<double>(side);
  std::vector<double> s(particles * dim);
  for (std::size_t i = 0; i < particles; ++i) {
    std::size_t rest = i;
    for (std::size_t a = 0; a < dim; ++a) {
      s[i * dim + a] = (static_cast<double>(rest % side) + 0.5) * spacing;
      rest /= side;
    }
  }
  return s;
}

double LjSystem::forces(const std::vector<double>& x, std::vector<double>& f) const {
  f.assign(particles * dim, 0.0);
  double u = 0;
  // Tether.
  for (std::size_t k = 0; k < particles * dim; ++k) {
    const double d = x[k] - sites[k];
    u += 0.5 * tether * d * d;
    f[k] = -tether * d;
  }
  if (epsilon == 0) return u;
  // Shifted-force LJ over minimum-image pairs.
  const double rc2 = cutoff * cutoff;
  const double irc = 1.0 / cutoff, irc6 = std::pow(irc, 6);
  const double u_rc = 4.0 * epsilon * (irc6 * irc6 - irc6);
  const double du_rc = epsilon * (-48.0 * irc6 * irc6 + 24.0 * irc6) * irc;  // u'(r_c)
  double d[3];
  for (std::size_t i = 0; i < particles; ++i)
    for (std::size_t j = i + 1; j < particles; ++j) {
      double r2 = 0;
      for (std::size_t a = 0; a < dim; ++a) {
        double v = x[i * dim + a] - x[j * dim + a];
        v -= box * std::nearbyint(v / box);
        d[a] = v;
        r2 += v * v;
      }
      if (r2 >= rc2) continue;
      const double r = std::sqrt(r2), ir2 = 1.0 / r2, ir6 = ir2 * ir2 * ir2;
      u += 4.0 * epsilon * (ir6 * ir6 - ir6) - u_rc - (r - cutoff) * du_rc;
      const double du = epsilon * (-48.0 * ir6 * ir6 + 24.0 * ir6) / r - du_rc;  // u_sf'(r)
      const double scale = -du / r;  // force on i along d = x_i − x_j
      for (std::size_t a = 0; a < dim; ++a) {
        f[i * dim + a] += scale * d[a];
        f[j * dim + a] -= scale * d[a];
      }
    }
  return u;
}

double LjSystem::potential(const std::vector<double>& x) const {
  std::vector<double> f;
  return forces(x, f);
}

double LjSystem::baoab_step(std::vector<double>& x, std::vector<double>& v, std::vector<double>& f, double dt,
                            double friction, double temperature, std::mt19937_64& rng,
                            std::normal_distribution<double>& normal) const {
  const std::size_t n = particles * dim;
  const double half = 0.5 * dt;
  for (std::size_t k = 0; k < n; ++k) {
    v[k] += half * f[k];
    x[k] += half * v[k];
  }
  if (friction > 0) {
    const double c = std::exp(-friction * dt), noise = std::sqrt((1.0 - c * c) * temperature);
    for (std::size_t k = 0; k < n; ++k) v[k] = c * v[k] + noise * normal(rng);
  }
  for (std::size_t k = 0; k < n; ++k) x[k] += half * v[k];
  const double u = forces(x, f);
  for (std::size_t k = 0; k < n; ++k) v[k] += half * f[k];
  return u;
}

namespace {

struct Settings {
  std::size_t particles = 0, dim = 2, samples = 0, stride = 1, equilibration = 0, replicas = 1;
  double density = 0, temperature = 0, friction = 0, dt = 0, cutoff = 0, epsilon = 0, tether = 0;
  bool displacements = false;
};

// Finite values: the schema bounds them but lets an infinite value through.
double finite(double v, const std::string& name) {
  if (!std::isfinite(v)) throw std::invalid_argument(name + " must be finite, got " + std::to_string(v));
  return v;
}

Settings read_settings(const Params& p) {
  Settings s;
  s.particles = static_cast<std::size_t>(p.get_int("particles"));
  s.dim = static_cast<std::size_t>(p.get_int("dim"));
  s.samples = static_cast<std::size_t>(p.get_int("samples"));
  s.stride = static_cast<std::size_t>(p.get_int("stride"));
  s.equilibration = static_cast<std::size_t>(p.get_int("equilibration"));
  s.replicas = std::min(static_cast<std::size_t>(p.get_int("replicas")), s.samples);
  s.density = finite(p.get_double("density"), "density");
  s.temperature = finite(p.get_double("temperature"), "temperature");
  s.dt = finite(p.get_double("dt"), "dt");
  s.cutoff = finite(p.get_double("cutoff"), "cutoff");
  s.friction = finite(p.get_double("friction"), "friction");
  s.epsilon = finite(p.get_double("epsilon"), "epsilon");
  s.tether = finite(p.get_double("tether"), "tether");
  s.displacements = p.get_string("coordinates") == "displacements";
  const double box = std::pow(static_cast<double>(s.particles) / s.density, 1.0 / static_cast<double>(s.dim));
  if (s.epsilon > 0 && 2.0 * s.cutoff > box)
    throw std::invalid_argument("cutoff " + std::to_string(s.cutoff) + " exceeds half the box side " +
                                std::to_string(box / 2) + " (N = " + std::to_string(s.particles) + ", density " +
                                std::to_string(s.density) +
                                "): the minimum image would miss pairs; use more particles, a lower density or a "
                                "smaller cutoff");
  return s;
}

struct ReplicaResult {
  double kinetic_sum = 0, potential_sum = 0;  // over every production step
  std::size_t steps = 0;
  bool diverged = false;
};

double kinetic(const std::vector<double>& v) {
  double k = 0;
  for (double x : v) k += 0.5 * x * x;
  return k;
}

ReplicaResult run_replica(const LjSystem& sys, const Settings& s, std::size_t c, std::uint64_t seed, double* out,
                          std::atomic<std::uint64_t>& ticks, const std::atomic<bool>& stop) {
  const std::size_t n = sys.particles * sys.dim;
  std::mt19937_64 rng(chain_seed(seed, c));
  std::normal_distribution<double> normal;
  std::vector<double> x = sys.sites, v(n), f;
  const double sd = std::sqrt(s.temperature);
  for (double& w : v) w = sd * normal(rng);
  sys.forces(x, f);
  const double half_box = 0.5 * sys.box;
  ReplicaResult r;
  constexpr std::size_t kTick = 256;
  for (std::size_t t = 0; t < s.equilibration; ++t) {
    if (t % kTick == 0 && stop.load()) return r;
    sys.baoab_step(x, v, f, s.dt, s.friction, s.temperature, rng, normal);
  }
  ticks.fetch_add(s.equilibration);
  for (std::size_t row = c; row < s.samples; row += s.replicas) {
    if (stop.load()) return r;
    for (std::size_t t = 0; t < s.stride; ++t) {
      const double u = sys.baoab_step(x, v, f, s.dt, s.friction, s.temperature, rng, normal);
      r.potential_sum += u;
      r.kinetic_sum += kinetic(v);
      ++r.steps;
    }
    if (!std::isfinite(r.potential_sum) || !std::isfinite(r.kinetic_sum)) {
      r.diverged = true;
      return r;
    }
    // Coordinate-major row: x of every particle, then y (then z).
    double* dst = out + row * n;
    for (std::size_t i = 0; i < sys.particles; ++i)
      for (std::size_t a = 0; a < sys.dim; ++a) {
        const std::size_t k = i * sys.dim + a;
        dst[a * sys.particles + i] = s.displacements ? x[k] - sys.sites[k] : x[k] - half_box;
      }
    ticks.fetch_add(s.stride);
  }
  return r;
}

class MdDataset : public Component {
 public:
  Artifact run(const Inputs& in, const Params& p, Context& ctx) override;
};

Artifact MdDataset::run(const Inputs&, const Params& params, Context& ctx) {
  const Settings s = read_settings(params);
  LjSystem sys;
  sys.particles = s.particles;
  sys.dim = s.dim;
  sys.box = std::pow(static_cast<double>(s.particles) / s.density, 1.0 / static_cast<double>(s.dim));
  sys.cutoff = s.cutoff;
  sys.epsilon = s.epsilon;
  sys.tether = s.tether;
  sys.sites = LjSystem::lattice_sites(s.particles, s.dim, sys.box);
  const std::size_t n = s.particles * s.dim;

  std::vector<double> x(s.samples * n);
  std::vector<ReplicaResult> results(s.replicas);
  std::atomic<std::uint64_t> ticks{0};
  const std::uint64_t total =
      static_cast<std::uint64_t>(s.replicas) * s.equilibration + static_cast<std::uint64_t>(s.samples) * s.stride;
  const std::uint64_t seed = splitmix64(ctx.seed() ^ 0x4C4A2D4D44212121ull);
  parallel_for(s.replicas, worker_count(params.get_int("threads"), s.replicas), ctx, ticks, total,
               [&](std::size_t c, unsigned, const std::atomic<bool>& stop) {
                 results[c] = run_replica(sys, s, c, seed, x.data(), ticks, stop);
               });

  double kin = 0, pot = 0;
  std::size_t steps = 0;
  for (const ReplicaResult& r : results) {
    if (r.diverged)
      throw std::runtime_error("the trajectory diverged (non-finite energy) at dt = " + std::to_string(s.dt) +
                               "; use a smaller dt or a lower density");
    kin += r.kinetic_sum;
    pot += r.potential_sum;
    steps += r.steps;
  }
  const double per_step = 1.0 / static_cast<double>(steps);
  std::vector<double> sites(n);
  for (std::size_t i = 0; i < s.particles; ++i)
    for (std::size_t a = 0; a < s.dim; ++a) sites[a * s.particles + i] = sys.sites[i * s.dim + a] - 0.5 * sys.box;

  Artifact out;
  out.set_array("samples", Array::from<double>({s.samples, n}, x));
  out.set_array("sites", Array::from<double>({n}, sites));
  out.set_scalar("dim", static_cast<double>(n));
  out.set_scalar("samples", static_cast<double>(s.samples));
  out.set_scalar("box", sys.box);
  // Kinetic temperature 2 K / (dim N): no degree of freedom is constrained (the
  // tether breaks momentum conservation), so every coordinate counts.
  out.set_scalar("mean_temperature", 2.0 * kin * per_step / static_cast<double>(n));
  out.set_scalar("mean_potential", pot * per_step / static_cast<double>(s.particles));
  return out;
}

}  // namespace

REPRISE_COMPONENT(
    MdDataset, "dataset/md", "2",
    "tethered Lennard-Jones crystal in a periodic box, Langevin (BAOAB) molecular dynamics; samples = coordinates",
    param_int("particles", 16, "number of particles N (O(N^2) forces)").range(2, 512),
    param_int("dim", 2, "space dimension: 2 or 3").range(2, 3),
    param_double("density", 0.9, "number density N / L^dim, sets the periodic box side L").greater_than(0),
    param_double("temperature", 0.3, "thermostat temperature T (k_B = 1, LJ units)").greater_than(0),
    param_double("friction", 1.0, "Langevin friction gamma (1/time); 0: no thermostat, plain velocity Verlet")
        .at_least(0),
    param_double("dt", 0.005, "time step (LJ time units)").greater_than(0),
    param_double("cutoff", 2.0, "LJ cut-off radius r_c (shifted-force); must be <= half the box side").greater_than(0),
    param_double("epsilon", 1.0, "LJ well depth (energy unit); 0: particles feel only their tethers").at_least(0),
    param_double("tether", 2.0,
                 "stiffness k of the harmonic spring tying each particle to its lattice site; 0: free LJ fluid, "
                 "whose unwrapped coordinates diffuse (their moments are then not stationary QoIs)")
        .at_least(0),
    param_int("equilibration", 2000, "steps discarded at the start of each replica").at_least(0),
    param_int("samples", 10000, "number of configurations (rows)").at_least(1),
    param_int("stride", 10, "steps between two kept configurations of a replica").at_least(1),
    param_int("replicas", 4, "independent trajectories, each with its own random stream (capped at samples)")
        .at_least(1),
    param_string("coordinates", "positions",
                 "'positions': unwrapped coordinates relative to the box centre; 'displacements': x_i - s_i from "
                 "each particle's lattice site")
        .one_of({"positions", "displacements"}),
    param_int("threads", 0, "worker threads over replicas; 0: all hardware threads (results do not depend on it)")
        .at_least(0)
        .output_neutral(),
    output("samples", "float64 {samples, N*dim}: coordinates, coordinate-major (x_0..x_{N-1}, y_0..y_{N-1}[, z...]), "
                      "replicas interleaved; scalar 'samples': the row count"),
    output("sites", "float64 {N*dim}: the tether sites relative to the box centre (the frame of 'positions')"),
    output("dim", "scalar: N*dim, variables per sample"),
    output("box", "scalar: box side L"),
    output("mean_temperature", "scalar: mean kinetic temperature sum(v^2) / (N dim) over production steps"),
    output("mean_potential", "scalar: mean potential energy per particle (LJ + tether) over production steps"))

}  // namespace reprise
