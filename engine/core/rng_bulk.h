// The variants of the bulk Philox kernels (core/rng.cpp), for tests: philox_stream_blocks and
// philox_first_words (core/rng.h) call the AVX-512 one where the CPU has it, else the baseline one.
#pragma once

#include <cstdint>

#include "core/rng.h"

namespace courtyard::rng_detail {

bool have_avx512();
void philox_stream_blocks_baseline(uint64_t seed, Purpose purpose, uint32_t courtyard, uint32_t household,
                                   uint32_t step, uint32_t first, int32_t nblocks, uint32_t* out);
void philox_first_words_baseline(uint64_t seed, Purpose purpose, uint32_t courtyard, const uint32_t* households,
                                 uint32_t step, int32_t n, uint32_t* out);
// Call only where have_avx512().
void philox_stream_blocks_avx512(uint64_t seed, Purpose purpose, uint32_t courtyard, uint32_t household,
                                 uint32_t step, uint32_t first, int32_t nblocks, uint32_t* out);
void philox_first_words_avx512(uint64_t seed, Purpose purpose, uint32_t courtyard, const uint32_t* households,
                               uint32_t step, int32_t n, uint32_t* out);

}  // namespace courtyard::rng_detail
