// metric/coupling-error: how well a learned Ising model (learner/grise) recovers
// the true couplings and fields of the dataset that generated its samples.
// Couplings are compared on the upper triangle (i < j), each pair once.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "framework/core/registry.hpp"

namespace reprise {
namespace {

std::vector<double> square_matrix(const Artifact& a, const std::string& input, std::size_t& p) {
  const Array& j = a.array("J");
  if (j.rank() != 2 || j.shape()[0] != j.shape()[1]) throw std::runtime_error(input + ".J must be a square {p, p} matrix");
  p = j.shape()[0];
  return j.to_double();
}

class CouplingError : public Component {
 public:
  Artifact run(const Inputs& in, const Params&, Context&) override {
    std::size_t p = 0, p_model = 0;
    const std::vector<double> truth = square_matrix(in.get("truth"), "truth", p);
    const std::vector<double> model = square_matrix(in.get("model"), "model", p_model);
    if (p != p_model)
      throw std::runtime_error("truth has " + std::to_string(p) + " spins, model " + std::to_string(p_model));
    double max_abs = 0, diff2 = 0, norm2 = 0;
    for (std::size_t i = 0; i < p; ++i)
      for (std::size_t j = i + 1; j < p; ++j) {
        const double d = model[i * p + j] - truth[i * p + j];
        max_abs = std::max(max_abs, std::abs(d));
        diff2 += d * d;
        norm2 += truth[i * p + j] * truth[i * p + j];
      }
    Artifact out;
    out.set_scalar("max_abs", max_abs);
    out.set_scalar("relative_frobenius", norm2 > 0 ? std::sqrt(diff2 / norm2) : std::sqrt(diff2));
    const Artifact& t = in.get("truth");
    const Artifact& m = in.get("model");
    if (t.has_array("h") && m.has_array("h")) {
      const std::vector<double> ht = t.array("h").to_double(), hm = m.array("h").to_double();
      if (ht.size() != hm.size()) throw std::runtime_error("truth.h and model.h differ in length");
      double h_max = 0;
      for (std::size_t i = 0; i < ht.size(); ++i) h_max = std::max(h_max, std::abs(hm[i] - ht[i]));
      out.set_scalar("h_max_abs", h_max);
    }
    return out;
  }
};

}  // namespace

REPRISE_COMPONENT(CouplingError, "metric/coupling-error", "1",
                  "error of learned couplings J (and fields h) against the true ones",
                  input("truth", "dataset artifact carrying the true 'J' {p, p} (and 'h' {p})"),
                  input("model", "learned model artifact with 'J' {p, p} (and 'h' {p})"),
                  output("max_abs", "scalar: max |J_model - J_true| over pairs i < j"),
                  output("relative_frobenius", "scalar: ||J_model - J_true||_F / ||J_true||_F over pairs i < j"),
                  output("h_max_abs", "scalar: max |h_model - h_true| (when both have h)"))

}  // namespace reprise
