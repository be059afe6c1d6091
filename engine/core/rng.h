// Keyed, counter-based randomness.
//
// Every random number in the engine comes from Random123's Philox4x32-10, keyed by the run seed and
// countered by (purpose, courtyard, household, step, draw). A draw therefore depends only on *what* it
// is for, never on which thread asks or in which order: the same seed gives the same numbers on any
// number of threads or MPI ranks. Distributions are our own (std::*_distribution differs between
// standard libraries).
#pragma once

#include <Random123/philox.h>

#include <bit>
#include <cmath>
#include <cstdint>

namespace courtyard {

// What a stream of draws is for. Never renumber: the numbers are part of the output's identity.
enum class Purpose : uint16_t {
  kGenerateCourtyards = 1,  // drawing generated courtyards' attributes from their kinds
  kInitHouseholds = 2,      // initial household traits
  kWear = 3,                // facility wear and sudden failures
  kViolations = 4,          // broken-windows violations
  kPerception = 5,          // what a household sees of money and improvements
  kFeePayment = 6,          // the monthly payment decision
  kDemands = 7,             // raising demands
  kMoveOut = 8,             // leaving decisions
  kMoveIn = 9,              // newcomers and vacancy filling
  kRelocate = 10,           // moves between courtyards of a community
  kInterventions = 11,      // targeting and effects of interventions
  kLab = 12,                // behavioural lab games
  kMeetings = 13,           // meetings and votes (governance)
  kNewcomer = 14,           // traits of a household moving into a flat
  kLeaving = 15,            // where a leaving household goes and what happens to its flat
  kFlatArea = 16,           // floor area of each flat (votes under art. 278)
  kLevy = 17,               // asking households for a levy
  kSanctions = 18,          // how a sanctioned household responds to the covenant's sanctions
  kTargeting = 25,          // the subdistrict's lottery among courtyards waiting for its budget
  kProxyVotes = 19,         // absent owners' proxy or written votes under art. 278
};

// A stream of uniform 32-bit words for one (purpose, courtyard, household, step). Cheap to create:
// make one where needed, draw, drop. Up to 2^16 blocks of four words per stream.
class Stream {
 public:
  using Philox = r123::Philox4x32;

  Stream(uint64_t seed, Purpose purpose, uint32_t courtyard, uint32_t household, uint32_t step)
      : key_{{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)}},
        ctr_{{step, courtyard, household, static_cast<uint32_t>(purpose) << 16}} {}

  // A stream that has already handed out its first `words` words (as if next_u32 had been called that
  // many times): for going on with single draws after taking words in bulk (StreamWords).
  Stream(uint64_t seed, Purpose purpose, uint32_t courtyard, uint32_t household, uint32_t step, uint32_t words)
      : Stream(seed, purpose, courtyard, household, step) {
    ctr_.v[3] += words / 4;
    if (words % 4 != 0) {
      refill();
      used_ = static_cast<int>(words % 4);
    }
  }

  uint32_t next_u32() {
    if (used_ == 4) refill();
    return block_.v[used_++];
  }

  // The distributions below, from a given 32-bit word: for loops over words taken in bulk (StreamWords),
  // which give the same numbers as the member functions drawing one word at a time.
  static double to_uniform(uint32_t x) { return x * 0x1p-32; }
  static void to_uniform_pair(uint32_t x, double* a, double* b) {
    *a = (x & 0xFFFFu) * 0x1p-16;
    *b = (x >> 16) * 0x1p-16;
  }
  static double to_noise(uint32_t x) {
    double a, b;
    to_uniform_pair(x, &a, &b);
    return (a + b - 1.0 + 0x1p-16) * 2.449489742783178;
  }
  static float to_noise_f(uint32_t x) {
    const int32_t sum = static_cast<int32_t>(x & 0xFFFFu) + static_cast<int32_t>(x >> 16) - 65535;
    return static_cast<float>(sum) * (2.449489742783178f / 65536.f);
  }

  // Uniform in [0,1) with 32 bits of resolution (enough for every probability in the model).
  double uniform() { return to_uniform(next_u32()); }
  // Uniform in (0,1]: safe for log().
  double uniform_pos() { return (static_cast<double>(next_u32()) + 1.0) * 0x1p-32; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  bool bernoulli(double p) { return uniform() < p; }
  // Two uniforms in [0,1) with 16 bits of resolution each, from one 32-bit word: for pairs of decisions
  // whose probabilities are far above 2^-16 (about 1.5e-5).
  void uniform_pair(double* a, double* b) { to_uniform_pair(next_u32(), a, b); }

  // Integer in [0, n), n > 0 (Lemire's multiply-shift; bias below 2^-32 * n, irrelevant here).
  uint32_t below(uint32_t n) { return static_cast<uint32_t>((static_cast<uint64_t>(next_u32()) * n) >> 32); }

  // Standard normal by Box-Muller; the second value is kept for the next call.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double r = std::sqrt(-2.0 * std::log(uniform_pos()));
    const double theta = 2.0 * M_PI * uniform();
    spare_ = r * std::sin(theta);
    has_spare_ = true;
    return r * std::cos(theta);
  }
  double normal(double mean, double sd) { return mean + sd * normal(); }
  // Cheap noise with mean 0 and sd 1 for the many small perception errors where the shape of the tails
  // does not matter: triangular, the scaled sum of two 16-bit uniforms taken from one 32-bit word
  // (bounded by +-2.45).
  double noise() { return to_noise(next_u32()); }
  // The same noise in float (exact: the two 16-bit halves sum exactly), for float loops.
  float noise_f() { return to_noise_f(next_u32()); }

  // Poisson by inversion for small means, normal approximation (rounded, >= 0) above 30.
  uint32_t poisson(double mean) {
    if (mean <= 0) return 0;
    if (mean > 30.0) {
      const double x = std::floor(normal(mean, std::sqrt(mean)) + 0.5);
      return x < 0 ? 0u : static_cast<uint32_t>(x);
    }
    double p = std::exp(-mean), cdf = p;
    const double u = uniform();
    uint32_t k = 0;
    while (u > cdf && k < 1000) {
      ++k;
      p *= mean / k;
      cdf += p;
    }
    return k;
  }

  // Binomial(n, p): Bernoulli sum for small n, otherwise Poisson (small np) or normal approximation.
  uint32_t binomial(uint32_t n, double p) {
    if (n == 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (n <= 32) {
      uint32_t k = 0;
      for (uint32_t i = 0; i < n; ++i) k += bernoulli(p);
      return k;
    }
    const double mean = n * p;
    if (mean < 10.0 || n * (1 - p) < 10.0) {
      if (p <= 0.5) return std::min(n, poisson(mean));
      return n - std::min(n, poisson(n * (1 - p)));
    }
    const double x = std::floor(normal(mean, std::sqrt(mean * (1 - p))) + 0.5);
    return x < 0 ? 0u : (x > n ? n : static_cast<uint32_t>(x));
  }

 private:
  void refill() {
    block_ = Philox()(ctr_, key_);
    ++ctr_.v[3];  // the low 16 bits of the last word count blocks within the stream
    used_ = 0;
  }

  Philox::key_type key_;
  Philox::ctr_type ctr_;
  Philox::ctr_type block_{};
  int used_ = 4;
  bool has_spare_ = false;
  double spare_ = 0;
};

// Whether loops compiled for vector extensions (AVX2, AVX-512) may be chosen at run time where the CPU has
// them: false when the environment sets COURTYARD_SIMD=baseline, so that the baseline builds, which give
// the same results, can be checked on any machine (sim_reference_digests_baseline). rng.cpp.
bool simd_builds_allowed();

// Philox4x32-10 in bulk: blocks `first` .. first + nblocks - 1 of the stream (seed, purpose, courtyard,
// household, step), written word after word into out (4 x nblocks words): the words Stream::next_u32
// hands out, many blocks at a time (the blocks are independent, so the loop vectorises). rng.cpp.
void philox_stream_blocks(uint64_t seed, Purpose purpose, uint32_t courtyard, uint32_t household, uint32_t step,
                          uint32_t first, int32_t nblocks, uint32_t* out);
// The first word of each of the streams (seed, purpose, courtyard, households[i], step), i < n: one draw
// from each of many households' own streams at once. rng.cpp.
void philox_first_words(uint64_t seed, Purpose purpose, uint32_t courtyard, const uint32_t* households,
                        uint32_t step, int32_t n, uint32_t* out);

// The words of one stream taken in bulk, a courtyard's worth at a time, for loops over households that
// draw one word each: no refill test in the loop, the same words as Stream::next_u32 one at a time.
//   StreamWords words(seed, Purpose::kDemands, c, 0, step);
//   const uint32_t* u = words.take(n);       // words 0..n-1
//   Stream r = words.rest();                 // goes on with word n
class StreamWords {
 public:
  static constexpr int32_t kChunk = 256;  // most words one take() hands out

  StreamWords(uint64_t seed, Purpose purpose, uint32_t courtyard, uint32_t household, uint32_t step)
      : seed_(seed), purpose_(purpose), courtyard_(courtyard), household_(household), step_(step) {}

  // The next n words (0 <= n <= kChunk), valid until the next take().
  const uint32_t* take(int32_t n) {
    const uint32_t first = taken_ / 4, end = (taken_ + static_cast<uint32_t>(n) + 3) / 4;
    philox_stream_blocks(seed_, purpose_, courtyard_, household_, step_, first, static_cast<int32_t>(end - first),
                         buf_);
    const uint32_t* words = buf_ + taken_ % 4;
    taken_ += static_cast<uint32_t>(n);
    return words;
  }
  uint32_t taken() const { return taken_; }
  // The stream going on after the words taken.
  Stream rest() const { return Stream(seed_, purpose_, courtyard_, household_, step_, taken_); }

 private:
  uint64_t seed_;
  Purpose purpose_;
  uint32_t courtyard_, household_, step_;
  uint32_t taken_ = 0;
  alignas(64) uint32_t buf_[kChunk + 8];
};

// Logistic function, used by every binary decision in the model.
inline double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }
inline double logit(double p) { return std::log(p / (1.0 - p)); }
inline double clamp01(double x) { return x < 0 ? 0 : (x > 1 ? 1 : x); }
inline float clamp01f(float x) { return x < 0.f ? 0.f : (x > 1.f ? 1.f : x); }
// `yes` where c holds, else `no`, without a branch: both values are computed, the bits are chosen. The
// compiler keeps a plain `c ? yes : no` on floats as control flow (evaluating the arithmetic of both
// sides could raise a floating-point flag the branch would not), which stops it vectorising a loop.
inline float select_f(bool c, float yes, float no) {
  const uint32_t mask = 0u - static_cast<uint32_t>(c);
  return std::bit_cast<float>((std::bit_cast<uint32_t>(yes) & mask) | (std::bit_cast<uint32_t>(no) & ~mask));
}

}  // namespace courtyard
