// Philox4x32-10 over many counters at once (core/rng.h). The same rounds as Random123's
// r123::Philox4x32 (philox.h: _philox4x32round and _philox4x32bumpkey), written as a loop over
// independent blocks so that the compiler vectorises the 32 x 32 -> 64-bit multiplies. Compiled twice:
// for the baseline x86-64 (SSE2: two products per instruction, no faster than scalar code) and with
// AVX-512 (eight per instruction, about 2.5 times as fast), chosen once by what the CPU supports.
// Integer arithmetic only, so both give the same words; tests/core/rng_test.cpp compares every word
// of each variant with Stream's.
#include "core/rng_bulk.h"

#include <cstdlib>
#include <string_view>

#include "core/rng.h"

namespace courtyard {

bool simd_builds_allowed() {
  static const bool yes = [] {
    const char* v = std::getenv("COURTYARD_SIMD");
    return v == nullptr || std::string_view(v) != "baseline";
  }();
  return yes;
}

namespace {

constexpr uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;  // PHILOX_M4x32_0, _1
constexpr uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;  // PHILOX_W32_0, _1

// Ten rounds on one counter; the key is bumped between rounds.
[[gnu::always_inline]] inline void philox10(uint32_t k0, uint32_t k1, uint32_t& x0, uint32_t& x1, uint32_t& x2, uint32_t& x3) {
  for (int round = 0; round < 10; ++round) {
    const uint64_t p0 = static_cast<uint64_t>(kM0) * x0;
    const uint64_t p1 = static_cast<uint64_t>(kM1) * x2;
    const uint32_t y0 = static_cast<uint32_t>(p1 >> 32) ^ x1 ^ k0;
    const uint32_t y1 = static_cast<uint32_t>(p1);
    const uint32_t y2 = static_cast<uint32_t>(p0 >> 32) ^ x3 ^ k1;
    const uint32_t y3 = static_cast<uint32_t>(p0);
    x0 = y0;
    x1 = y1;
    x2 = y2;
    x3 = y3;
    k0 += kW0;
    k1 += kW1;
  }
}

[[gnu::always_inline]] inline void stream_blocks(uint64_t seed, Purpose purpose, uint32_t courtyard, uint32_t household,
                                                uint32_t step, uint32_t first, int32_t nblocks, uint32_t* __restrict out) {
  const uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
  const uint32_t c3 = (static_cast<uint32_t>(purpose) << 16) + first;
  for (int32_t i = 0; i < nblocks; ++i) {
    uint32_t x0 = step, x1 = courtyard, x2 = household, x3 = c3 + static_cast<uint32_t>(i);
    philox10(k0, k1, x0, x1, x2, x3);
    out[4 * i] = x0;
    out[4 * i + 1] = x1;
    out[4 * i + 2] = x2;
    out[4 * i + 3] = x3;
  }
}

[[gnu::always_inline]] inline void first_words(uint64_t seed, Purpose purpose, uint32_t courtyard,
                                              const uint32_t* __restrict households, uint32_t step, int32_t n,
                                              uint32_t* __restrict out) {
  const uint32_t k0 = static_cast<uint32_t>(seed), k1 = static_cast<uint32_t>(seed >> 32);
  const uint32_t c3 = static_cast<uint32_t>(purpose) << 16;
  for (int32_t i = 0; i < n; ++i) {
    uint32_t x0 = step, x1 = courtyard, x2 = households[i], x3 = c3;
    philox10(k0, k1, x0, x1, x2, x3);
    out[i] = x0;
  }
}

}  // namespace

#if defined(__x86_64__) && defined(__GNUC__)
#define COURTYARD_PHILOX_AVX512 1
#endif

namespace rng_detail {

void philox_stream_blocks_baseline(uint64_t seed, Purpose purpose, uint32_t courtyard, uint32_t household,
                                   uint32_t step, uint32_t first, int32_t nblocks, uint32_t* out) {
  stream_blocks(seed, purpose, courtyard, household, step, first, nblocks, out);
}
void philox_first_words_baseline(uint64_t seed, Purpose purpose, uint32_t courtyard, const uint32_t* households,
                                 uint32_t step, int32_t n, uint32_t* out) {
  first_words(seed, purpose, courtyard, households, step, n, out);
}

#ifdef COURTYARD_PHILOX_AVX512
bool have_avx512() {
  static const bool yes = __builtin_cpu_supports("avx512f") && simd_builds_allowed();
  return yes;
}
[[gnu::target("avx512f")]] void philox_stream_blocks_avx512(uint64_t seed, Purpose purpose, uint32_t courtyard,
                                                            uint32_t household, uint32_t step, uint32_t first,
                                                            int32_t nblocks, uint32_t* out) {
  stream_blocks(seed, purpose, courtyard, household, step, first, nblocks, out);
}
[[gnu::target("avx512f")]] void philox_first_words_avx512(uint64_t seed, Purpose purpose, uint32_t courtyard,
                                                          const uint32_t* households, uint32_t step, int32_t n,
                                                          uint32_t* out) {
  first_words(seed, purpose, courtyard, households, step, n, out);
}
#else
bool have_avx512() { return false; }
void philox_stream_blocks_avx512(uint64_t seed, Purpose purpose, uint32_t courtyard, uint32_t household,
                                 uint32_t step, uint32_t first, int32_t nblocks, uint32_t* out) {
  stream_blocks(seed, purpose, courtyard, household, step, first, nblocks, out);
}
void philox_first_words_avx512(uint64_t seed, Purpose purpose, uint32_t courtyard, const uint32_t* households,
                               uint32_t step, int32_t n, uint32_t* out) {
  first_words(seed, purpose, courtyard, households, step, n, out);
}
#endif

}  // namespace rng_detail

void philox_stream_blocks(uint64_t seed, Purpose purpose, uint32_t courtyard, uint32_t household, uint32_t step,
                          uint32_t first, int32_t nblocks, uint32_t* out) {
  if (rng_detail::have_avx512())
    rng_detail::philox_stream_blocks_avx512(seed, purpose, courtyard, household, step, first, nblocks, out);
  else
    rng_detail::philox_stream_blocks_baseline(seed, purpose, courtyard, household, step, first, nblocks, out);
}

void philox_first_words(uint64_t seed, Purpose purpose, uint32_t courtyard, const uint32_t* households,
                        uint32_t step, int32_t n, uint32_t* out) {
  if (rng_detail::have_avx512())
    rng_detail::philox_first_words_avx512(seed, purpose, courtyard, households, step, n, out);
  else
    rng_detail::philox_first_words_baseline(seed, purpose, courtyard, households, step, n, out);
}

}  // namespace courtyard
