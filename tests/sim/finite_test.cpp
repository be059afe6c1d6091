// Finite by construction (docs/scenario-format.md, "Bounds"): a run with every behaviour parameter at its
// lower bound, or every one at its upper bound, stays finite; and the run's own check stops a run whose
// record holds a value that is not finite, naming the metric, the courtyard and the step.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/errors.h"
#include "scenario/detail.h"
#include "sim/run.h"
#include "support/scenarios.h"

namespace courtyard {
namespace {

using testing::model_from_file;

std::string number(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

// Every behaviour parameter at its lower (upper) bound, the courtyard's and the budgets' amounts too.
std::vector<std::string> at_bounds(bool upper) {
  std::vector<std::string> out;
  for (const auto& r : scenario_detail::behaviour_rules()) {
    const std::string group = r.group, field = r.field;
    double x = upper ? r.hi : r.lo;
    if (group == "cooperation" && field.ends_with("_share")) x = 0.25;  // the four shares must sum to 1
    out.push_back("behaviour." + group + "." + field + "=" + number(x));
  }
  const double yuan = upper ? scenario_detail::kMaxYuan : 0;
  const double per_household = upper ? scenario_detail::kMaxYuanPerHousehold : 0;
  for (const char* f : {"fee_per_month", "maintenance_per_household_month", "running_cost_per_household_month"})
    out.push_back(std::string("courtyards[0].") + f + "=" + number(per_household));
  out.push_back("courtyards[0].initial_fund=" + number(yuan));
  out.push_back("courtyards[0].flat_area_m2=" + number(upper ? scenario_detail::kMaxAreaM2 : 0));
  out.push_back("subdistrict.budget_yuan=" + number(yuan));
  out.push_back("communities[0].budget_yuan_per_year=" + number(yuan));
  out.push_back("communities[0].housing_demand=" + number(upper ? scenario_detail::kMaxRatio : 0));
  return out;
}

// Runs the pilot (meetings, levies, works, services: most of the model) and returns its last record.
RunResult run_pilot(const std::vector<std::string>& overrides) {
  const Model m = model_from_file("scenarios/jiangdong_minju_pilot.txtpb", overrides);
  RunOptions options;
  options.on_record = [](int32_t step, std::span<const float> values, std::span<const double> sd) {
    for (float v : values) ASSERT_FALSE(std::isinf(v)) << "step " << step;
    for (double v : sd) ASSERT_FALSE(std::isinf(v)) << "step " << step;
  };
  return run_model(m, options);  // throws NonFiniteError at the first non-finite record
}

TEST(Finite, ParametersAtTheirLowerBounds) {
  const RunResult r = run_pilot(at_bounds(false));
  EXPECT_TRUE(r.complete);
}

TEST(Finite, ParametersAtTheirUpperBounds) {
  const RunResult r = run_pilot(at_bounds(true));
  EXPECT_TRUE(r.complete);
}

TEST(Finite, JustPastABoundIsRefused) {
  // the reliability report's two: valid in range before, NaN or infinity in the run
  EXPECT_THROW(model_from_file("scenarios/jiangdong_minju_pilot.txtpb", {"behaviour.trust.opacity_noise=1e100"}),
               ScenarioError);
  EXPECT_THROW(model_from_file("scenarios/jiangdong_minju_pilot.txtpb", {"courtyards[0].fee_per_month=1e308"}),
               ScenarioError);
}

TEST(Finite, NonFiniteRecordStopsTheRunNamingMetricCourtyardAndStep) {
  const Model m = model_from_file("scenarios/jiangdong_minju_pilot.txtpb", {"run.steps=20"});
  RunOptions options;
  int32_t last = -1;
  options.on_record = [&](int32_t step, std::span<const float>, std::span<const double>) { last = step; };
  const size_t nc = static_cast<size_t>(m.ncourtyard());
  options.tamper = [nc](int32_t step, std::span<float> values, std::span<double>) {
    if (step == 7) values[1 * nc + 0] = std::numeric_limits<float>::infinity();  // column 1, courtyard 0
  };
  try {
    run_model(m, options);
    FAIL() << "no NonFiniteError";
  } catch (const NonFiniteError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("went non-finite (inf) in courtyard 0 (" + m.courtyards[0].name + ") at step 7"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("metric "), std::string::npos) << what;
  }
  EXPECT_EQ(last, 7);  // the run stopped at that record
}

TEST(Finite, ShareWithNobodyToCountIsNotAFault) {
  // attendance_rate is NaN by design before any meeting (no courtyard has met): not a fault, and a NaN
  // where the terms are finite with a denominator is one
  const Model m = model_from_file("scenarios/jiangdong_minju_pilot.txtpb", {"run.steps=2"});
  MetricRecorder rec(m);
  Simulation sim(m);
  std::vector<float> values(rec.size() * static_cast<size_t>(m.ncourtyard()));
  std::vector<double> sd(rec.size());
  rec.compute(sim.state(), values, sd);
  bool any_nan = false;
  for (float v : values) any_nan = any_nan || std::isnan(v);
  EXPECT_TRUE(any_nan) << "expected a metric that is NaN by design at step 0";
  EXPECT_FALSE(rec.first_non_finite(values, sd).has_value());
  size_t column = 0;
  for (; column < rec.size(); ++column)
    if (!std::isnan(values[column * static_cast<size_t>(m.ncourtyard())])) break;
  ASSERT_LT(column, rec.size());
  values[column * static_cast<size_t>(m.ncourtyard())] = std::numeric_limits<float>::quiet_NaN();
  const auto bad = rec.first_non_finite(values, sd);
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->column, column);
  EXPECT_EQ(bad->courtyard, 0);
}

}  // namespace
}  // namespace courtyard
