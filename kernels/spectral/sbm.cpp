#include "kernels/spectral/sbm.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace armperf::kernels::spectral {
namespace {

// Rows per chunk: small enough that a 2-thread team balances a 10^4-node graph, large enough that
// the per-chunk bookkeeping is noise next to the ~10 edges a row emits.
constexpr Index kChunkRows = 512;

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  std::uint64_t state = a ^ (b * 0xd6e8feb86659fd93ULL);
  return splitmix64(state);
}

// xoshiro256** (Blackman-Vigna): one independent stream per chunk, seeded through splitmix64.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (auto& s : s_) s = splitmix64(seed);
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9, t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in (0, 1]: never 0, so log() is finite.
  double open01() { return (double(next() >> 11) + 1.0) * 0x1.0p-53; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

struct Chunk {
  int r = 0, s = 0;                  // block pair, r <= s
  Index row_begin = 0, row_end = 0;  // local rows of block r
};

void sbm_require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("sbm: " + what);
}

std::vector<Index> block_boundaries(const SbmParams& params) {
  std::vector<double> w = params.block_fractions;
  if (w.empty()) w.assign(static_cast<std::size_t>(params.k), 1.0);
  sbm_require(static_cast<int>(w.size()) == params.k,
          std::to_string(w.size()) + " block sizes given for k = " + std::to_string(params.k));
  for (double x : w) sbm_require(x > 0 && std::isfinite(x), "block sizes must be positive");
  const double total = std::accumulate(w.begin(), w.end(), 0.0);
  std::vector<Index> begin(w.size() + 1, 0);
  double acc = 0;
  for (std::size_t r = 0; r < w.size(); ++r) {
    acc += w[r];
    begin[r + 1] = static_cast<Index>(std::llround(acc / total * params.n));
  }
  begin.back() = params.n;
  for (std::size_t r = 0; r < w.size(); ++r) {
    sbm_require(begin[r + 1] > begin[r],
            "block " + std::to_string(r) + " is empty: n is too small for its share");
  }
  return begin;
}

// Pareto(alpha = exponent - 1, x_min = 1) weights, in decreasing order within each block (the
// thinning walk needs probabilities that do not grow along a row), normalised to mean 1 per block
// and capped so that theta_i theta_j p stays a probability for all but the heaviest pairs.
std::vector<double> degree_weights(const SbmParams& params, const std::vector<Index>& begin) {
  std::vector<double> theta(static_cast<std::size_t>(params.n), 1.0);
  if (params.degree_exponent == 0) return theta;
  Rng rng(mix(params.seed, 0x7468657461ULL));  // "theta"
  const double alpha = params.degree_exponent - 1.0;
  const double cap = std::sqrt(double(params.n));
  for (auto& t : theta) t = std::min(cap, std::pow(rng.open01(), -1.0 / alpha));
  for (std::size_t r = 0; r + 1 < begin.size(); ++r) {
    auto first = theta.begin() + begin[r], last = theta.begin() + begin[r + 1];
    std::sort(first, last, std::greater<>());
    const double mean = std::accumulate(first, last, 0.0) / double(last - first);
    for (auto it = first; it != last; ++it) *it /= mean;
  }
  return theta;
}

// Appends the edges of one chunk. Along a row the probability min(1, p theta_i theta_j) does not
// grow (theta sorted), so a geometric skip at the current probability followed by acceptance with
// the ratio of the new to the old probability samples every pair with its own probability.
void sample_chunk(const Chunk& c, const SbmGraph& g, const std::vector<double>& theta, bool corrected,
                  std::uint64_t seed, std::vector<Edge>& out) {
  Rng rng(mix(mix(seed, std::uint64_t(c.r) << 32 | std::uint32_t(c.s)), std::uint64_t(c.row_begin)));
  const double p = c.r == c.s ? g.p : g.q;
  if (p <= 0) return;
  const Index base_r = g.block_begin[c.r], base_s = g.block_begin[c.s];
  const Index cols = g.block_begin[c.s + 1] - base_s;
  for (Index li = c.row_begin; li < c.row_end; ++li) {
    const Index u = base_r + li;
    const double tu = theta[static_cast<std::size_t>(u)];
    auto prob = [&](Index lj) {
      return corrected ? std::min(1.0, p * tu * theta[static_cast<std::size_t>(base_s + lj)])
                       : std::min(1.0, p);
    };
    Index lj = c.r == c.s ? li + 1 : 0;
    if (lj >= cols) continue;
    double q = prob(lj);
    while (lj < cols) {
      if (q <= 0) break;
      if (q < 1) {
        const double skip = std::floor(std::log(rng.open01()) / std::log1p(-q));
        if (skip >= double(cols - lj)) break;
        lj += static_cast<Index>(skip);
      }
      const double q_here = prob(lj);
      if (!corrected || rng.open01() * q <= q_here) out.push_back({u, base_s + lj, 0, 1.0f});
      q = q_here;
      ++lj;
    }
  }
}

}  // namespace

double sbm_expected_degree(const SbmParams& params) {
  const double scale = params.log_regime ? std::log(double(params.n)) : 1.0;
  return scale * (params.a + (params.k - 1) * params.b) / params.k;
}

bool above_kesten_stigum(double a, double b, int k) { return (a - b) * (a - b) > k * (a + (k - 1) * b); }

SbmGraph generate_sbm(const SbmParams& params) {
  sbm_require(params.n >= 1, "n must be >= 1");
  sbm_require(params.k >= 1 && params.k <= params.n, "k must be in [1, n]");
  sbm_require(params.a >= 0 && params.b >= 0 && std::isfinite(params.a) && std::isfinite(params.b),
          "a and b must be finite and >= 0");
  sbm_require(params.degree_exponent == 0 || params.degree_exponent > 2,
          "the degree exponent must be 0 (no correction) or > 2 (a finite mean)");
  sbm_require(params.stages >= 1, "stages must be >= 1");
  sbm_require(params.threads >= 1, "threads must be >= 1");

  SbmGraph g;
  g.n = params.n;
  g.k = params.k;
  g.stages = params.stages;
  g.block_begin = block_boundaries(params);
  const double scale = (params.log_regime ? std::log(double(params.n)) : 1.0) / double(params.n);
  g.p = params.a * scale;
  g.q = params.b * scale;
  g.truth.resize(static_cast<std::size_t>(params.n));
  for (int r = 0; r < params.k; ++r) {
    std::fill(g.truth.begin() + g.block_begin[r], g.truth.begin() + g.block_begin[r + 1], r);
  }
  const std::vector<double> theta = degree_weights(params, g.block_begin);

  std::vector<Chunk> chunks;
  for (int r = 0; r < params.k; ++r) {
    for (int s = r; s < params.k; ++s) {
      const Index rows = g.block_begin[r + 1] - g.block_begin[r];
      for (Index b = 0; b < rows; b += kChunkRows)
        chunks.push_back({r, s, b, std::min(rows, b + kChunkRows)});
    }
  }
  std::vector<std::vector<Edge>> per_chunk(chunks.size());
  std::atomic<std::size_t> next{0};
  auto work = [&](int) {
    for (std::size_t c; (c = next.fetch_add(1, std::memory_order_relaxed)) < chunks.size();) {
      sample_chunk(chunks[c], g, theta, params.degree_exponent != 0, params.seed, per_chunk[c]);
      // The stage comes from the edge itself, so the final graph is the same for any stage count.
      if (params.stages > 1) {
        for (Edge& e : per_chunk[c]) {
          const std::uint64_t h =
              mix(mix(params.seed ^ 0x5354414745ULL, std::uint64_t(e.u)), std::uint64_t(e.v));
          e.stage = static_cast<std::int32_t>(h % std::uint64_t(params.stages));
        }
      }
    }
  };
  if (params.threads == 1) {
    work(0);
  } else {
    spectral_team(params.threads).run(work);
  }
  std::size_t total = 0;
  for (const auto& v : per_chunk) total += v.size();
  g.edges.reserve(total);
  for (auto& v : per_chunk) g.edges.insert(g.edges.end(), v.begin(), v.end());
  return g;
}

Csr sbm_csr(const SbmGraph& graph, std::int32_t stage, int threads) {
  return csr_from_edges(graph.n, graph.edges, false, stage, threads);
}

SbmParams parse_sbm_spec(const std::string& spec) {
  SbmParams params;
  bool have_n = false, have_k = false, have_a = false, have_b = false, have_p = false, have_q = false;
  double p = 0, q = 0;
  std::istringstream items(spec);
  std::string item;
  auto bad = [&](const std::string& why) {
    return std::invalid_argument("--generate \"" + spec + "\": " + why);
  };
  auto number = [&](const std::string& key, const std::string& text) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(v)) throw bad(key + "=" + text + " is not a number");
    return v;
  };
  auto integer = [&](const std::string& key, const std::string& text, double lo, double hi) {
    const double v = number(key, text);
    if (v != std::floor(v) || v < lo || v > hi) {
      throw bad(key + "=" + text + " must be an integer in [" + std::to_string(static_cast<long long>(lo)) +
                ", " + std::to_string(static_cast<long long>(hi)) + "]");
    }
    return v;
  };
  while (std::getline(items, item, ',')) {
    const auto eq = item.find('=');
    if (eq == std::string::npos) throw bad("expected key=value, got \"" + item + "\"");
    const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "n") {
      params.n = static_cast<Index>(integer(key, value, 1, 2147483647.0));
      have_n = true;
    } else if (key == "k") {
      params.k = static_cast<int>(integer(key, value, 1, 1 << 20));
      have_k = true;
    } else if (key == "a") {
      params.a = number(key, value);
      have_a = true;
    } else if (key == "b") {
      params.b = number(key, value);
      have_b = true;
    } else if (key == "p" || key == "q") {
      (key == "p" ? p : q) = number(key, value);
      (key == "p" ? have_p : have_q) = true;
    } else if (key == "seed") {
      params.seed = static_cast<std::uint64_t>(integer(key, value, 0, 9007199254740992.0));
    } else if (key == "theta") {
      params.degree_exponent = number(key, value);
    } else if (key == "stages") {
      params.stages = static_cast<int>(integer(key, value, 1, 1 << 20));
    } else if (key == "log") {
      params.log_regime = integer(key, value, 0, 1) == 1;
    } else if (key == "sizes") {
      std::istringstream parts(value);
      std::string w;
      while (std::getline(parts, w, ':')) params.block_fractions.push_back(number(key, w));
    } else {
      throw bad("unknown key \"" + key + "\" (expected n, k, a, b, p, q, seed, theta, stages, log, sizes)");
    }
  }
  if (have_p != have_q || ((have_p || have_q) && (have_a || have_b))) {
    throw bad("give a and b (p = a/n, q = b/n), or p and q, not a mix");
  }
  if (!have_n || !have_k || !((have_a && have_b) || have_p))
    throw bad("needs n, k, and a and b (or p and q)");
  if (have_p) {
    // p and q as probabilities: the same model with a = p n, b = q n.
    if (p < 0 || p > 1 || q < 0 || q > 1) throw bad("p and q must be probabilities in [0, 1]");
    params.a = p * params.n;
    params.b = q * params.n;
  }
  return params;
}

}  // namespace armperf::kernels::spectral
