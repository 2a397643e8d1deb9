#include "components/inr/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace reprise::inr {

GridCoordinates::GridCoordinates(const volume::GridFrame& frame) {
  const std::size_t rank = frame.shape.size();
  axes_.resize(rank);
  strides_.assign(rank, 1);
  for (std::size_t a = 0; a < rank; ++a) {
    axes_[a].resize(frame.shape[a]);
    for (std::size_t j = 0; j < frame.shape[a]; ++j) axes_[a][j] = static_cast<float>(frame.coordinate(a, j));
    size_ *= frame.shape[a];
  }
  for (std::size_t a = rank; a-- > 1;) strides_[a - 1] = strides_[a] * frame.shape[a];
}

void GridCoordinates::fill_column(std::size_t index, float* column) const {
  for (std::size_t a = 0; a < axes_.size(); ++a) {
    const std::size_t j = index / strides_[a];
    index -= j * strides_[a];
    column[a] = axes_[a][j];
  }
}

void GridCoordinates::fill(std::span<const std::uint32_t> indices, Matrix& x) const {
  x.resize(dim(), static_cast<Eigen::Index>(indices.size()));
  for (std::size_t j = 0; j < indices.size(); ++j) fill_column(indices[j], x.data() + j * axes_.size());
}

void GridCoordinates::fill_range(std::size_t first, Matrix& x) const {
  for (Eigen::Index j = 0; j < x.cols(); ++j) fill_column(first + static_cast<std::size_t>(j), x.data() + j * dim());
}

namespace {

std::string diverged_message(std::size_t epoch, double loss, double rate) {
  std::ostringstream m;
  m << "INR training diverged in epoch " << epoch + 1 << " (mean squared error " << loss << ") at learning rate "
    << rate << ": lower 'lr' on the model node";
  return m.str();
}

}  // namespace

FitReport fit(Network& net, const GridCoordinates& grid, std::span<const float> targets,
              coords::CoordinateSampler& sampler, const TrainingOptions& options, unsigned threads,
              std::uint64_t seed, Context& ctx) {
  if (targets.size() != grid.size()) throw std::logic_error("fit: targets and grid differ in size");
  const auto start = std::chrono::steady_clock::now();
  std::mt19937_64 rng(seed);
  BatchRunner runner(net, threads);
  Adam adam(net.parameters().size());
  std::vector<float> grad(net.parameters().size());
  std::vector<float> shadow;  // the float weights while a projected copy takes the gradient
  std::vector<std::uint32_t> drawn;
  std::vector<float> t, weights;
  Matrix x;
  FitReport report;

  // Steps of the whole run, for the schedule: the first epoch's draw count is every epoch's.
  sampler.draw(rng, drawn);
  const std::size_t batch = static_cast<std::size_t>(options.batch);
  const std::int64_t total_steps = static_cast<std::int64_t>((drawn.size() + batch - 1) / batch) * options.epochs;
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    if (epoch > 0) sampler.draw(rng, drawn);
    std::shuffle(drawn.begin(), drawn.end(), rng);
    double epoch_sum = 0;
    for (std::size_t first = 0; first < drawn.size(); first += batch) {
      ctx.check_cancelled();
      const std::span<const std::uint32_t> indices(drawn.data() + first, std::min(batch, drawn.size() - first));
      grid.fill(indices, x);
      t.resize(indices.size());
      for (std::size_t j = 0; j < indices.size(); ++j) t[j] = targets[indices[j]];
      if (sampler.reweights()) {
        weights.resize(indices.size());
        for (std::size_t j = 0; j < indices.size(); ++j) weights[j] = sampler.loss_weight(indices[j]);
      }
      if (options.project) {
        shadow.assign(net.parameters().begin(), net.parameters().end());
        options.project(net);
      }
      const double sum = runner.gradient(x, t.data(), grad, sampler.reweights() ? weights.data() : nullptr);
      if (options.project) std::copy(shadow.begin(), shadow.end(), net.parameters().begin());
      // ∂/∂θ of the batch's mean squared error = (2/n) ∂/∂θ ½Σ(f − t)².
      const float to_mean = 2.0f / static_cast<float>(indices.size());
      for (float& g : grad) g *= to_mean;
      const double rate = options.rate_at(report.steps, total_steps);
      if (!std::isfinite(sum)) throw std::runtime_error(diverged_message(epoch, sum, rate));
      adam.step(net.parameters(), grad, static_cast<float>(rate));
      ++report.steps;
      epoch_sum += sum;
    }
    report.samples += static_cast<std::int64_t>(drawn.size());
    report.epoch_loss.push_back(epoch_sum / static_cast<double>(drawn.size()));
    ctx.progress(static_cast<std::uint64_t>(epoch + 1), static_cast<std::uint64_t>(options.epochs));
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

std::vector<float> decode(const Network& net, const GridCoordinates& grid, float scale, unsigned threads,
                          Context& ctx) {
  std::vector<float> out(grid.size());
  BatchRunner runner(net, threads);
  const std::size_t chunk = 1 << 16;
  Matrix x;
  for (std::size_t first = 0; first < grid.size(); first += chunk) {
    ctx.check_cancelled();
    x.resize(grid.dim(), static_cast<Eigen::Index>(std::min(chunk, grid.size() - first)));
    grid.fill_range(first, x);
    runner.predict(x, out.data() + first);
  }
  for (float& v : out) v *= scale;
  return out;
}

}  // namespace reprise::inr
