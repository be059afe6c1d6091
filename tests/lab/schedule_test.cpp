// The cooperation types' strategy-method schedules, read off the courtyard's payment rule.
#include <gtest/gtest.h>

#include "lab/lab.h"
#include "support/scenarios.h"

namespace courtyard {
namespace {

constexpr int kC = static_cast<int>(CoopType::kConditional), kF = static_cast<int>(CoopType::kFreeRider),
              kH = static_cast<int>(CoopType::kHump);

TEST(PaymentSchedule, TypesHaveTheirMeasuredShapes) {
  const Model m = testing::model_from_text(testing::one_courtyard("households: 10", 1));
  const auto rows = payment_schedule(m.params, 21);
  ASSERT_EQ(rows.size(), 21u);
  EXPECT_DOUBLE_EQ(rows.front().others, 0.0);
  EXPECT_DOUBLE_EQ(rows.back().others, 1.0);
  // conditional cooperators match slightly less than they believe others give (Fischbacher & Gachter
  // 2010): a slope in (0.5, 1), rising at every step
  const double slope = schedule_slope(rows, kC);
  EXPECT_GT(slope, 0.5);
  EXPECT_LT(slope, 1.0);
  for (size_t k = 1; k < rows.size(); ++k) EXPECT_GE(rows[k].pay[kC], rows[k - 1].pay[kC]);
  EXPECT_LT(rows.back().pay[kC], 1.0);
  // free riders: flat and low
  EXPECT_NEAR(schedule_slope(rows, kF), 0.0, 1e-9);
  for (const auto& r : rows) EXPECT_LT(r.pay[kF], 0.10);
  // hump-shaped: rises to a peak near one half, then falls
  size_t peak = 0;
  for (size_t k = 1; k < rows.size(); ++k)
    if (rows[k].pay[kH] > rows[peak].pay[kH]) peak = k;
  EXPECT_GT(rows[peak].others, 0.3);
  EXPECT_LT(rows[peak].others, 0.7);
  EXPECT_GT(rows[peak].pay[kH], rows.front().pay[kH] + 0.2);
  EXPECT_GT(rows[peak].pay[kH], rows.back().pay[kH] + 0.2);
  // the population schedule is the share-weighted mean, and rises less steeply than the cooperators'
  const auto& c = m.params.cooperation;
  const auto& mid = rows[10];
  EXPECT_NEAR(mid.population,
              (c.conditional_share * mid.pay[0] + c.free_rider_share * mid.pay[1] + c.hump_share * mid.pay[2] +
               c.other_share * mid.pay[3]) /
                  (c.conditional_share + c.free_rider_share + c.hump_share + c.other_share),
              1e-12);
  EXPECT_LT(schedule_slope(rows, -1), slope);
}

}  // namespace
}  // namespace courtyard
