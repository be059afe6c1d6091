// The report's confidence intervals on numbers with known answers.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "patterns/patterns.h"

namespace courtyard::patterns {
namespace {

TEST(Interval, StudentTQuantilesMatchTables) {
  EXPECT_NEAR(student_t_quantile(0.975, 4), 2.776445, 1e-5);
  EXPECT_NEAR(student_t_quantile(0.975, 29), 2.045230, 1e-5);
  EXPECT_NEAR(student_t_quantile(0.975, 1), 12.706205, 1e-5);
}

TEST(Interval, TIntervalOfKnownNumbers) {
  // 1..5: mean 3, sd sqrt(2.5), se sqrt(0.5), t(0.975, 4) = 2.776445
  const std::vector<double> xs = {1, 2, 3, 4, 5};
  const Interval i = t_interval(xs);
  const double half = 2.776445 * std::sqrt(0.5);
  EXPECT_EQ(i.n, 5);
  EXPECT_DOUBLE_EQ(i.mean, 3.0);
  EXPECT_NEAR(i.low, 3.0 - half, 1e-5);
  EXPECT_NEAR(i.high, 3.0 + half, 1e-5);
}

TEST(Interval, TIntervalEdgeCases) {
  const std::vector<double> same = {0.4, 0.4, 0.4};
  const Interval a = t_interval(same);
  EXPECT_DOUBLE_EQ(a.low, 0.4);
  EXPECT_DOUBLE_EQ(a.high, 0.4);
  const std::vector<double> one = {0.7};
  const Interval b = t_interval(one);
  EXPECT_DOUBLE_EQ(b.mean, 0.7);
  EXPECT_TRUE(std::isinf(b.low) && b.low < 0);
  EXPECT_TRUE(std::isinf(b.high) && b.high > 0);
  EXPECT_TRUE(std::isnan(t_interval(std::vector<double>{}).mean));
}

TEST(Interval, WilsonOfKnownNumbers) {
  // 8 of 10: Wilson 95% interval [0.4902, 0.9433]
  const Interval i = wilson_interval(8, 10);
  EXPECT_DOUBLE_EQ(i.mean, 0.8);
  EXPECT_NEAR(i.low, 0.4902, 1e-4);
  EXPECT_NEAR(i.high, 0.9433, 1e-4);
  // 0 of 20: [0, 0.1611]
  const Interval z = wilson_interval(0, 20);
  EXPECT_DOUBLE_EQ(z.low, 0.0);
  EXPECT_NEAR(z.high, 0.1611, 1e-4);
}

TEST(Interval, RatioOfExactlyProportionalPairsHasNoWidth) {
  const std::vector<double> num = {2, 4, 6, 8}, den = {1, 2, 3, 4};
  const Interval r = ratio_interval(num, den);
  EXPECT_DOUBLE_EQ(r.mean, 2.0);
  EXPECT_NEAR(r.low, 2.0, 1e-12);
  EXPECT_NEAR(r.high, 2.0, 1e-12);
}

TEST(Interval, RatioIntervalContainsTheRatio) {
  const std::vector<double> num = {2.1, 3.9, 6.3, 7.7}, den = {1, 2, 3, 4};
  const Interval r = ratio_interval(num, den);
  EXPECT_NEAR(r.mean, 20.0 / 10.0, 1e-12);
  EXPECT_LT(r.low, r.mean);
  EXPECT_GT(r.high, r.mean);
}

TEST(Verdict, MeanInRangeAndCiAboveLow) {
  Probe p;
  p.range_low = 0.4;
  p.range_high = 0.6;
  EXPECT_EQ(verdict_of(p, {0.5, 0.3, 0.7, 3}), "pass");
  EXPECT_EQ(verdict_of(p, {0.61, 0.55, 0.7, 3}), "fail");
  EXPECT_EQ(verdict_of(p, {0.6, 0.55, 0.7, 3}), "pass");
  p.high_open = true;
  EXPECT_EQ(verdict_of(p, {0.6, 0.55, 0.7, 3}), "fail");
  p.rule = Rule::kCiAboveLow;
  p.range_low = 0;
  EXPECT_EQ(verdict_of(p, {0.5, 0.1, 0.9, 3}), "pass");
  EXPECT_EQ(verdict_of(p, {0.5, -0.1, 0.9, 3}), "fail");
}

TEST(Probes, NamesAreUniqueAndRangesOrdered) {
  const auto& all = all_probes();
  EXPECT_GE(all.size(), 24u);
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_LE(all[i].range_low, all[i].range_high) << all[i].name;
    EXPECT_FALSE(all[i].source.empty()) << all[i].name;
    for (size_t j = i + 1; j < all.size(); ++j) EXPECT_NE(all[i].name, all[j].name);
  }
}

}  // namespace
}  // namespace courtyard::patterns
