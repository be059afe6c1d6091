// The keyed random streams: reproducible, independent by key, and with the right moments.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "core/rng.h"
#include "core/rng_bulk.h"

namespace courtyard {
namespace {

TEST(Stream, SameKeyGivesSameNumbers) {
  Stream a(42, Purpose::kWear, 3, 7, 11), b(42, Purpose::kWear, 3, 7, 11);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next_u32(), b.next_u32());
}

TEST(Stream, EveryKeyPartChangesTheNumbers) {
  auto first = [](uint64_t seed, Purpose p, uint32_t c, uint32_t h, uint32_t s) {
    Stream r(seed, p, c, h, s);
    return std::pair{r.next_u32(), r.next_u32()};
  };
  std::set<std::pair<uint32_t, uint32_t>> seen;
  seen.insert(first(1, Purpose::kWear, 0, 0, 0));
  seen.insert(first(2, Purpose::kWear, 0, 0, 0));
  seen.insert(first(1ull << 40, Purpose::kWear, 0, 0, 0));  // high seed bits matter too
  seen.insert(first(1, Purpose::kViolations, 0, 0, 0));
  seen.insert(first(1, Purpose::kWear, 1, 0, 0));
  seen.insert(first(1, Purpose::kWear, 0, 1, 0));
  seen.insert(first(1, Purpose::kWear, 0, 0, 1));
  EXPECT_EQ(seen.size(), 7u);
}

// Words taken in bulk (StreamWords, philox_stream_blocks) are the stream's words one at a time, in
// chunks of any length and from any word on; a stream started after k words goes on with word k.
TEST(StreamWords, SameWordsAsStreamInAnyChunks) {
  for (uint64_t seed : {7ull, 0x123456789abcdefull}) {
    Stream one(seed, Purpose::kFeePayment, 4321, 0, 77);
    std::vector<uint32_t> ref(3000);
    for (auto& x : ref) x = one.next_u32();
    for (int32_t chunk : {1, 3, 4, 5, 97, 140, StreamWords::kChunk}) {
      StreamWords words(seed, Purpose::kFeePayment, 4321, 0, 77);
      size_t at = 0;
      while (at + static_cast<size_t>(chunk) <= ref.size()) {
        const uint32_t* w = words.take(chunk);
        for (int32_t i = 0; i < chunk; ++i) ASSERT_EQ(w[i], ref[at + i]) << "chunk " << chunk << " word " << at + i;
        at += static_cast<size_t>(chunk);
      }
      EXPECT_EQ(words.taken(), at);
      Stream rest = words.rest();
      for (size_t i = at; i < at + 9 && i < ref.size(); ++i) ASSERT_EQ(rest.next_u32(), ref[i]) << "after " << at;
    }
  }
}

TEST(StreamWords, StreamStartedAfterKWordsGoesOnWithWordK) {
  Stream one(3, Purpose::kDemands, 11, 5, 2);
  std::vector<uint32_t> ref(40);
  for (auto& x : ref) x = one.next_u32();
  for (uint32_t k = 0; k < 30; ++k) {
    Stream r(3, Purpose::kDemands, 11, 5, 2, k);
    for (uint32_t i = k; i < 40; ++i) ASSERT_EQ(r.next_u32(), ref[i]) << "k " << k;
  }
}

TEST(StreamWords, FirstWordsOfManyStreams) {
  std::vector<uint32_t> households = {0, 1, 2, 9, 140, 65535, 0xFFFFFFFFu, 3, 3};
  std::vector<uint32_t> out(households.size());
  philox_first_words(99, Purpose::kMoveIn, 17, households.data(), 51, static_cast<int32_t>(households.size()),
                     out.data());
  for (size_t i = 0; i < households.size(); ++i)
    EXPECT_EQ(out[i], Stream(99, Purpose::kMoveIn, 17, households[i], 51).next_u32()) << i;
}

// Both compiled variants of the bulk kernels (baseline x86-64 and AVX-512) give the stream's words; the
// AVX-512 one is checked only on a CPU that has it (the other is what such a CPU never runs otherwise).
TEST(StreamWords, EveryKernelVariantGivesTheStreamsWords) {
  const bool avx512 = rng_detail::have_avx512();
  for (int32_t nblocks : {0, 1, 3, 7, 8, 15, 16, 17, 33, 66}) {
    for (uint32_t first : {0u, 1u, 5u, 1000u}) {
      Stream one(0xfeedbeefcafeull, Purpose::kPerception, 9, 4, 123, first * 4);
      std::vector<uint32_t> ref(static_cast<size_t>(nblocks) * 4), out(ref.size() + 1, 0xdeadbeefu);
      for (auto& x : ref) x = one.next_u32();
      rng_detail::philox_stream_blocks_baseline(0xfeedbeefcafeull, Purpose::kPerception, 9, 4, 123, first, nblocks,
                                                out.data());
      for (size_t i = 0; i < ref.size(); ++i) ASSERT_EQ(out[i], ref[i]) << "baseline " << nblocks << " " << first;
      EXPECT_EQ(out[ref.size()], 0xdeadbeefu);  // nothing written past the blocks
      if (!avx512) continue;
      std::fill(out.begin(), out.end(), 0xdeadbeefu);
      rng_detail::philox_stream_blocks_avx512(0xfeedbeefcafeull, Purpose::kPerception, 9, 4, 123, first, nblocks,
                                              out.data());
      for (size_t i = 0; i < ref.size(); ++i) ASSERT_EQ(out[i], ref[i]) << "avx512 " << nblocks << " " << first;
      EXPECT_EQ(out[ref.size()], 0xdeadbeefu);
    }
  }
  std::vector<uint32_t> households(37);
  for (size_t i = 0; i < households.size(); ++i) households[i] = static_cast<uint32_t>(i * 7919u);
  std::vector<uint32_t> a(households.size()), b(households.size());
  rng_detail::philox_first_words_baseline(5, Purpose::kMoveIn, 3, households.data(), 8, 37, a.data());
  if (avx512) rng_detail::philox_first_words_avx512(5, Purpose::kMoveIn, 3, households.data(), 8, 37, b.data());
  for (size_t i = 0; i < households.size(); ++i) {
    const uint32_t ref = Stream(5, Purpose::kMoveIn, 3, households[i], 8).next_u32();
    EXPECT_EQ(a[i], ref) << i;
    if (avx512) {
      EXPECT_EQ(b[i], ref) << i;
    }
  }
}

TEST(StreamWords, DistributionsFromAWordMatchTheStream) {
  Stream a(8, Purpose::kLab, 1, 2, 3), b(8, Purpose::kLab, 1, 2, 3);
  for (int i = 0; i < 1000; ++i) {
    const uint32_t x = b.next_u32();
    switch (i % 4) {
      case 0: ASSERT_EQ(a.uniform(), Stream::to_uniform(x)); break;
      case 1: ASSERT_EQ(a.noise(), Stream::to_noise(x)); break;
      case 2: ASSERT_EQ(a.noise_f(), Stream::to_noise_f(x)); break;
      default: {
        double u, v, s, t;
        a.uniform_pair(&u, &v);
        Stream::to_uniform_pair(x, &s, &t);
        ASSERT_EQ(u, s);
        ASSERT_EQ(v, t);
      }
    }
  }
}

TEST(Stream, DrawsWithinAStreamDoNotRepeatAcrossBlocks) {
  Stream r(9, Purpose::kLab, 0, 0, 0);
  std::set<uint32_t> values;
  for (int i = 0; i < 4000; ++i) values.insert(r.next_u32());
  EXPECT_GT(values.size(), 3990u);  // 32-bit collisions among 4000 draws are rare
}

TEST(Stream, UniformHasMeanHalfAndVarianceOneTwelfth) {
  Stream r(5, Purpose::kLab, 0, 0, 0);
  const int n = 200000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum2 += u * u;
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  EXPECT_NEAR(mean, 0.5, 0.005);        // se 0.00065
  EXPECT_NEAR(var, 1.0 / 12.0, 0.002);
}

TEST(Stream, NormalAndNoiseHaveMeanZeroSdOne) {
  Stream r(6, Purpose::kLab, 0, 0, 0);
  const int n = 200000;
  double s1 = 0, s2 = 0, t1 = 0, t2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = r.normal(), y = r.noise();
    s1 += x;
    s2 += x * x;
    t1 += y;
    t2 += y * y;
  }
  EXPECT_NEAR(s1 / n, 0.0, 0.01);
  EXPECT_NEAR(std::sqrt(s2 / n), 1.0, 0.01);
  EXPECT_NEAR(t1 / n, 0.0, 0.01);
  EXPECT_NEAR(std::sqrt(t2 / n), 1.0, 0.01);
}

TEST(Stream, BinomialAndPoissonMeansMatch) {
  Stream r(7, Purpose::kLab, 0, 0, 0);
  const int n = 20000;
  struct Case {
    uint32_t trials;
    double p;
  };
  for (const Case c : {Case{10, 0.3}, Case{100, 0.02}, Case{1000, 0.5}, Case{200, 0.97}}) {
    double sum = 0;
    for (int i = 0; i < n; ++i) {
      const uint32_t k = r.binomial(c.trials, c.p);
      ASSERT_LE(k, c.trials);
      sum += k;
    }
    const double mean = c.trials * c.p, se = std::sqrt(c.trials * c.p * (1 - c.p) / n);
    EXPECT_NEAR(sum / n, mean, 5 * se + 0.02) << c.trials << " " << c.p;
  }
  for (double mean : {0.5, 4.0, 50.0}) {
    double sum = 0;
    for (int i = 0; i < n; ++i) sum += r.poisson(mean);
    EXPECT_NEAR(sum / n, mean, 5 * std::sqrt(mean / n)) << mean;
  }
}

TEST(Stream, BelowIsUniformOverItsRange) {
  Stream r(8, Purpose::kLab, 0, 0, 0);
  int counts[8] = {};
  for (int i = 0; i < 80000; ++i) ++counts[r.below(8)];
  for (int k = 0; k < 8; ++k) EXPECT_NEAR(counts[k], 10000, 500);
}

TEST(Logistic, IsTheInverseOfLogit) {
  for (double p : {0.01, 0.2, 0.5, 0.9}) EXPECT_NEAR(logistic(logit(p)), p, 1e-12);
  EXPECT_DOUBLE_EQ(logistic(0), 0.5);
}

}  // namespace
}  // namespace courtyard
