// metric_weight (sim/metrics.h) against the engine's own terms: for every metric and courtyard of a
// district whose roll-out holds meetings and levies, the denominator metric_terms uses is the weight
// metric_weight names (flats, occupied flats, 1 for sums), or 0 where the courtyard's value is NaN.
// Per-kind sweep series (engine/sweep/kinds.cpp) rest on this.
#include <gtest/gtest.h>

#include <cmath>

#include "life/life.h"
#include "model/metric_table.h"
#include "sim/metrics.h"
#include "sim/simulation.h"
#include "support/scenarios.h"

namespace courtyard {
namespace {

TEST(MetricWeight, IsTheDenominatorOfEveryMetric) {
  const Model m = testing::model_from_file("scenarios/demo_district.txtpb", {"run.steps=40"});
  Simulation sim(m);
  int kinds_seen[4] = {0, 0, 0, 0};
  int nan_skipped = 0;
  for (int step = 0; step <= 40; step += 4) {
    while (sim.state().step < step) sim.step();
    const State& s = sim.state();
    for (int metric = 0; metric < static_cast<int>(all_metrics().size()); ++metric) {
      const MetricWeight w = metric_weight(metric);
      ++kinds_seen[static_cast<int>(w)];
      for (int32_t c = 0; c < m.ncourtyard(); ++c) {
        double num = 0, den = 0;
        metric_terms(metric, m, s, c, &num, &den);
        const double flats = static_cast<double>(end_household(m, c) - first_household(m, c));
        ASSERT_EQ(flats, m.courtyards[static_cast<size_t>(c)].households) << "courtyard " << c;
        double vacant = 0;
        for (int64_t h = first_household(m, c); h < end_household(m, c); ++h) vacant += s.tenure[h] == Tenure::kVacant;
        const std::string what = all_metrics()[metric].name + " courtyard " + std::to_string(c);
        switch (w) {
          case MetricWeight::kSum: EXPECT_EQ(den, 1.0) << what; break;
          case MetricWeight::kFlats:
            if (den == 0) {
              ++nan_skipped;
            } else {
              EXPECT_EQ(den, flats) << what;
            }
            break;
          case MetricWeight::kResidents:
            if (den == 0) {
              ++nan_skipped;
            } else {
              EXPECT_EQ(den, flats - vacant) << what;
            }
            break;
          case MetricWeight::kOther: break;
        }
        // a value is NaN exactly where the denominator is 0 (the rule per-kind series skip by)
        if (w != MetricWeight::kSum) {
          EXPECT_EQ(std::isnan(metric_value(metric, m, s, c)), den == 0) << what;
        }
      }
    }
  }
  EXPECT_GT(kinds_seen[static_cast<int>(MetricWeight::kResidents)], 0);
  EXPECT_GT(nan_skipped, 0);  // meetings and levies not yet held
}

}  // namespace
}  // namespace courtyard
