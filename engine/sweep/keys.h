// How the sweep's random draws are keyed (internal to engine/sweep).
//
// The design's randomness uses core/rng.h Streams of Purpose::kLab keyed by the sweep's seed. The
// counter's "courtyard" word says what a draw is for: 0x5357 ("SW") in the high half, the use in the
// next byte and the dimension in the low byte, so no sweep draw shares a counter with a lab game's
// (whose courtyard words are small) or with another use here. Never change these numbers: they are
// part of every design's identity.
#pragma once

#include <cstdint>

namespace courtyard::sweep {

enum class KeyUse : uint32_t {
  kRunSeed = 1,       // the seed of a run (household, step words: the run or replicate number)
  kLhsPermutation = 2,  // the strata order of a Latin hypercube dimension
  kLhsJitter = 3,     // the position of a Latin hypercube point within its stratum
  kOwenScramble = 4,  // the digit flips of Owen's scrambling
  kMorris = 5,        // a Morris trajectory (dimension 0: its order and directions; d + 1: its base level)
};

constexpr uint32_t key_word(KeyUse use, int dim) {
  return 0x53570000u | (static_cast<uint32_t>(use) << 8) | (static_cast<uint32_t>(dim) & 0xFFu);
}

}  // namespace courtyard::sweep
