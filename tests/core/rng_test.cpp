// The keyed random streams: reproducible, independent by key, and with the right moments.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "core/rng.h"

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
