// Dissatisfied households raise demands (repairs, disputes, occupied space, management); a managed
// courtyard addresses a share of them each week, and an addressed demand lifts satisfaction.
#include <algorithm>

#include "core/rng.h"
#include "life/life.h"

namespace courtyard {

namespace {

struct DemandTerms {
  double raise_prob;
  int32_t address_below;  // u_address < address as (word >> 16) < address_below (uniforms16_below)
};

// One chunk of flats, one word each; branch-free: a vacancy has no demands and keeps its satisfaction.
// Returns the chunk's open demands. Compiled for the baseline x86-64 and for AVX2 (chosen once by what the
// CPU supports): the same IEEE operations in the same order either way (AVX2 brings no FMA contraction), so
// the same state (tests/life/phases_as_before_test.cpp compares it with the phase as it was); GCC vectorises
// both passes, with AVX2 twice as wide. One loop over the whole body, mixing 8-bit, 32-bit and 64-bit lanes,
// was not vectorised at all.
[[gnu::always_inline]] inline int32_t demands_chunk(const DemandTerms& t, const uint32_t* word, int32_t n,
                                                    const Tenure* tenure, uint8_t* demands, float* satisfaction) {
  // two passes, each of one lane width GCC can vectorise: first whether each flat would raise a demand
  // (the double comparison of Stream::to_uniform_pair's first uniform), then the 8-bit and float updates
  alignas(64) int32_t raise[StreamWords::kChunk];
  for (int32_t i = 0; i < n; ++i) {
    const double u_raise = static_cast<int32_t>(word[i] & 0xFFFFu) * 0x1p-16;
    raise[i] = u_raise < t.raise_prob * (1.0 - static_cast<double>(satisfaction[i]));
  }
  int32_t open = 0;
  for (int32_t i = 0; i < n; ++i) {
    const int32_t resident = tenure[i] != Tenure::kVacant;
    const float sat = satisfaction[i];
    int32_t d = resident ? demands[i] : 0;
    d += resident & raise[i] & (d < kMaxDemands);
    // u_address < address, with u_address = (word >> 16) / 2^16, as the integer comparison it is
    const int32_t addressed = resident & (d > 0) & (static_cast<int32_t>(word[i] >> 16) < t.address_below);
    d -= addressed;
    satisfaction[i] = select_f(addressed, clamp01f(sat + 0.05f), sat);
    demands[i] = static_cast<uint8_t>(d);
    open += d;
  }
  return open;
}

int32_t demands_chunk_baseline(const DemandTerms& t, const uint32_t* word, int32_t n, const Tenure* tenure,
                               uint8_t* demands, float* satisfaction) {
  return demands_chunk(t, word, n, tenure, demands, satisfaction);
}
#if defined(__x86_64__) && defined(__GNUC__)
[[gnu::target("avx2")]] int32_t demands_chunk_avx2(const DemandTerms& t, const uint32_t* word, int32_t n,
                                                   const Tenure* tenure, uint8_t* demands, float* satisfaction) {
  return demands_chunk(t, word, n, tenure, demands, satisfaction);
}
#else
int32_t demands_chunk_avx2(const DemandTerms& t, const uint32_t* word, int32_t n, const Tenure* tenure,
                           uint8_t* demands, float* satisfaction) {
  return demands_chunk(t, word, n, tenure, demands, satisfaction);
}
#endif

}  // namespace

void demands(const Week& w, State& s, int32_t c) {
  const auto& p = w.model.params.demands;
  const int64_t h0 = first_household(w.model, c), h1 = end_household(w.model, c);
  const bool managed = s.management[c] != Management::kNone;
  // an organisation addresses demands; a reception station (or a council that knows them from the
  // survey) takes up more, managed or not
  double address = managed ? p.address_share : 0.0;
  if (s.institutions[c] & kReception) address += w.model.params.governance.reception_address_share;
  if ((s.institutions[c] & (kSurveyed | kCouncil)) == (kSurveyed | kCouncil))
    address += w.model.params.governance.reception_address_share;
  StreamWords words(w.model.seed, Purpose::kDemands, static_cast<uint32_t>(c), 0, static_cast<uint32_t>(w.step));
  const DemandTerms terms{p.raise_prob, uniforms16_below(address)};
  const auto chunk = cpu_has_avx2() ? demands_chunk_avx2 : demands_chunk_baseline;
  int32_t open = 0;
  // a word for every flat, in chunks of the words one take() hands out
  for (int64_t base = h0; base < h1; base += StreamWords::kChunk) {
    const int32_t n = static_cast<int32_t>(std::min<int64_t>(h1 - base, StreamWords::kChunk));
    open += chunk(terms, words.take(n), n, s.tenure.data() + base, s.demands.data() + base,
                  s.satisfaction.data() + base);
  }
  // urgent demands from failures: a managed courtyard deals with them too
  if (address > 0 && s.urgent_demands[c] > 0) {
    Stream r = words.rest();  // draws after the flats' words
    s.urgent_demands[c] -= static_cast<int32_t>(r.binomial(static_cast<uint32_t>(s.urgent_demands[c]), std::min(1.0, address)));
  }
  s.open_demands[c] = open + s.urgent_demands[c];
}

}  // namespace courtyard
