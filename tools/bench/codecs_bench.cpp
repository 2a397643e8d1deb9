// Codec throughput, each next to a peer measured in the same run:
//   dct_codec   codec/dct (encode + decode, energy 0.9) of 100 000 x 64 float64 samples,
//               after one untimed run: like the bound, whose planning is not timed, it
//               leaves out the process's one-time costs (FFTW's first plan, the kernel's
//               first huge pages), which on these virtual machines can exceed the run
//   dct_fftw    the bound: FFTW's forward and inverse DCT-II of the same rows, one plan
//               (FFTW_MEASURE) over all rows, executed on the same data
//   tpc_zfp, tpc_sz3, tpc_inr   codec/zfp, codec/sz3 (when built with SZ3) and codec/inr
//               (SIREN) on the TPC volume of experiments/paper/inr_fig3a.yaml; the
//               codecs' own compress/decompress timings become counters
//   tpc_inr_stream  codec/inr's stored form without the training: the trained SIREN of
//               tpc_inr quantised to 8 bits and zstd-coded (encode), then the stream parsed
//               and the network rebuilt (decode); MB/s of the volume, next to ZFP's
//   tpc_copy    copying the volume as float32: the memory bound of any codec pass
// Run by tools/bench/run, which turns the JSON into bench.json.
#include <fftw3.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "components/inr/weight_coding.hpp"
#include "tools/bench/bench_support.hpp"

namespace {

using namespace reprise;

constexpr std::int64_t kDctSamples = 100000, kDctDim = 64;

// Generated once per process: every repetition compresses the same data.
const std::shared_ptr<const Artifact>& dct_data() {
  static const auto data = bench::run("dataset/mvn", {{"dim", kDctDim}, {"samples", kDctSamples}});
  return data;
}

const std::shared_ptr<const Artifact>& tpc_volume() {
  static const auto data = bench::run("dataset/tpc", {{"occupancy", 0.1}});
  return data;
}

void set_common(benchmark::State& state, double bytes, double seconds) {
  state.SetIterationTime(seconds);
  state.counters["bytes"] = bytes;
}

// The TPC volume's shape, as counters shape0, shape1, ...
void set_shape(benchmark::State& state) {
  const auto& shape = tpc_volume()->array("volume").shape();
  for (std::size_t a = 0; a < shape.size(); ++a) state.counters["shape" + std::to_string(a)] = static_cast<double>(shape[a]);
}

void dct_codec(benchmark::State& state) {
  const auto& data = dct_data();
  const double bytes = static_cast<double>(data->array("samples").size() * sizeof(double));
  bench::run("codec/dct", {{"energy", 0.9}}, {{"data", data}});  // the untimed warm-up run
  for (auto _ : state) {
    std::shared_ptr<const Artifact> out;
    const double s = bench::seconds([&] { out = bench::run("codec/dct", {{"energy", 0.9}}, {{"data", data}}); });
    set_common(state, bytes, s);
    state.counters["ratio"] = out->scalar("ratio");
    state.counters["rows"] = static_cast<double>(kDctSamples);
    state.counters["cols"] = static_cast<double>(kDctDim);
    state.counters["energy"] = 0.9;
  }
}

// The bound's buffers: their own pages, advised as transparent huge pages and
// touched before planning, so the bound runs at its best whatever the
// allocator does with the heap.
class PageBuffer {
 public:
  explicit PageBuffer(std::size_t n) : bytes_(n * sizeof(double)) {
    void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error("benchmark: mmap failed");
    madvise(p, bytes_, MADV_HUGEPAGE);
    std::memset(p, 0, bytes_);  // every page faulted in now, not in the timed transforms
    data_ = static_cast<double*>(p);
  }
  ~PageBuffer() { munmap(data_, bytes_); }
  PageBuffer(const PageBuffer&) = delete;
  PageBuffer& operator=(const PageBuffer&) = delete;
  double* data() { return data_; }

 private:
  std::size_t bytes_;
  double* data_;
};

void dct_fftw(benchmark::State& state) {
  const std::vector<double> x = dct_data()->array("samples").to_double();
  int n = static_cast<int>(kDctDim);
  const int rows = static_cast<int>(kDctSamples);
  PageBuffer in(x.size()), coeffs(x.size()), back(x.size());
  const fftw_r2r_kind forward_kind = FFTW_REDFT10, inverse_kind = FFTW_REDFT01;
  fftw_plan forward = fftw_plan_many_r2r(1, &n, rows, in.data(), nullptr, 1, n, coeffs.data(), nullptr, 1, n,
                                         &forward_kind, FFTW_MEASURE);
  fftw_plan inverse = fftw_plan_many_r2r(1, &n, rows, coeffs.data(), nullptr, 1, n, back.data(), nullptr, 1, n,
                                         &inverse_kind, FFTW_MEASURE);
  std::copy(x.begin(), x.end(), in.data());  // planning with FFTW_MEASURE overwrites the buffers
  for (auto _ : state) {
    const double s = bench::seconds([&] {
      fftw_execute(forward);
      fftw_execute(inverse);
    });
    benchmark::DoNotOptimize(back.data());
    set_common(state, static_cast<double>(x.size() * sizeof(double)), s);
  }
  fftw_destroy_plan(forward);
  fftw_destroy_plan(inverse);
}

// A volume codec's own compress and decompress wall times (volume_codec.hpp) as
// counters; the iteration time is their sum.
void volume_codec(benchmark::State& state, const std::string& name, const std::map<std::string, ParamValue>& p) {
  const auto& data = tpc_volume();
  const double bytes = static_cast<double>(data->array("volume").size() * sizeof(float));
  for (auto _ : state) {
    const auto out = bench::run(name, p, {{"data", data}});
    const double c = out->scalar("compress_seconds"), d = out->scalar("decompress_seconds");
    set_common(state, bytes, c + d);
    state.counters["compress_s"] = c;
    state.counters["decompress_s"] = d;
    state.counters["ratio"] = out->scalar("ratio");
    set_shape(state);
  }
}

constexpr double kZfpRate = 2, kSz3Bound = 64;  // middle settings of experiments/paper/inr_fig3a_classical.yaml

void tpc_zfp(benchmark::State& state) {
  volume_codec(state, "codec/zfp", {{"mode", std::string("rate")}, {"rate", kZfpRate}});
  state.counters["rate"] = kZfpRate;
}
void tpc_sz3(benchmark::State& state) {
  volume_codec(state, "codec/sz3", {{"mode", std::string("abs")}, {"bound", kSz3Bound}});
  state.counters["bound"] = kSz3Bound;
}

// codec/inr trains for a few epochs only: encode time scales linearly with them.
constexpr std::int64_t kInrEpochs = 2, kInrWidth = 128, kInrDepth = 5, kInrBatch = 8192;

void tpc_inr(benchmark::State& state) {
  const auto& data = tpc_volume();
  const double bytes = static_cast<double>(data->array("volume").size() * sizeof(float));
  const auto model = bench::run("inr/siren", {{"width", kInrWidth}, {"depth", kInrDepth}, {"epochs", kInrEpochs},
                                              {"batch", kInrBatch}, {"lr", 1e-4}});
  for (auto _ : state) {
    const auto out = bench::run("codec/inr", {{"threads", std::int64_t{bench::threads()}}},
                                {{"data", data}, {"model", model}});
    const double c = out->scalar("compress_seconds"), d = out->scalar("decompress_seconds");
    set_common(state, bytes, c + d);
    state.counters["compress_s"] = c;
    state.counters["decompress_s"] = d;
    state.counters["ratio"] = out->scalar("ratio");
    state.counters["epochs"] = static_cast<double>(kInrEpochs);
    state.counters["width"] = static_cast<double>(kInrWidth);
    state.counters["depth"] = static_cast<double>(kInrDepth);
    state.counters["batch"] = static_cast<double>(kInrBatch);
    set_shape(state);
    state.counters["threads"] = bench::threads();
  }
}

// A trained network to code: one codec/inr run, kept for every repetition.
const std::shared_ptr<const Artifact>& trained_inr() {
  static const auto out = bench::run(
      "codec/inr", {{"threads", std::int64_t{bench::threads()}}},
      {{"data", tpc_volume()},
       {"model", bench::run("inr/siren", {{"width", kInrWidth}, {"depth", kInrDepth}, {"epochs", std::int64_t{1}},
                                          {"batch", kInrBatch}, {"lr", 1e-4}})}});
  return out;
}

void tpc_inr_stream(benchmark::State& state) {
  const double bytes = static_cast<double>(tpc_volume()->array("volume").size() * sizeof(float));
  const inr::DecodedStream trained = inr::decode_stream(trained_inr()->array("stream").view<std::uint8_t>());
  const inr::RowBits bits = inr::uniform_bits(*trained.net, 8);
  for (auto _ : state) {
    std::vector<std::uint8_t> stream;
    const double encode = bench::seconds([&] { stream = inr::encode_stream(trained.header, *trained.net, bits); });
    std::size_t parameters = 0;
    const double decode = bench::seconds([&] { parameters = inr::decode_stream(stream).net->parameters().size(); });
    benchmark::DoNotOptimize(parameters);
    set_common(state, bytes, encode + decode);
    state.counters["encode_s"] = encode;
    state.counters["decode_s"] = decode;
    state.counters["stream_bytes"] = static_cast<double>(stream.size());
    state.counters["parameters"] = static_cast<double>(parameters);
  }
}

void tpc_copy(benchmark::State& state) {
  const std::vector<double> v = tpc_volume()->array("volume").to_double();
  const std::vector<float> src(v.begin(), v.end());
  std::vector<float> dst(src.size());
  for (auto _ : state) {
    const double s = bench::seconds([&] { std::memcpy(dst.data(), src.data(), src.size() * sizeof(float)); });
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
    set_common(state, static_cast<double>(src.size() * sizeof(float)), s);
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Each figure next to its peer, so that the two are timed seconds apart (tools/bench/run
  // runs this binary once per repeat and pairs them).
  using reprise::bench::available;
  auto add = [](const char* name, void (*f)(benchmark::State&), int iterations) {
    benchmark::RegisterBenchmark(name, f)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(iterations);
  };
  add("dct_codec", dct_codec, 3);
  add("dct_fftw", dct_fftw, 5);
  add("tpc_copy", tpc_copy, 20);
  add("tpc_zfp", tpc_zfp, 1);
  if (available("codec/sz3")) add("tpc_sz3", tpc_sz3, 1);
  add("tpc_inr", tpc_inr, 1);
  add("tpc_inr_stream", tpc_inr_stream, 5);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
