// The column-wise metric recorder (sim/metrics.cpp) against the recorder as it was (metrics_before.h, a
// verbatim copy of 23db67e): the courtyard values, the subdistrict values and the non-finite findings
// must be equal bit for bit, on 1 and 3 threads, at several records of several scenarios (every
// metric, per-facility columns, metrics NaN by design before any meeting or levy, more courtyards than
// a tile), and after infinities and NaNs are planted in the state or the values; metric_terms and
// metric_value for every metric too.
#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "metrics_before.h"
#include "support/scenarios.h"

namespace courtyard {
namespace {

using testing::model_from_file;

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

std::string exact(double v) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.17g (%a)", v, v);
  return text;
}

template <class T>
std::string first_difference(const std::vector<T>& a, const std::vector<T>& b, size_t ncourtyard) {
  for (size_t i = 0; i < a.size(); ++i)
    if (std::memcmp(&a[i], &b[i], sizeof(T)) != 0)
      return "metric column " + std::to_string(i / ncourtyard) + ", courtyard " + std::to_string(i % ncourtyard) +
             ": " + exact(a[i]) + " vs " + exact(b[i]) + " before";
  return "sizes differ";
}

template <class Finding>
std::string describe(const std::optional<Finding>& f) {
  if (!f) return "none";
  return "column " + std::to_string(f->column) + " courtyard " + std::to_string(f->courtyard) + " value " +
         std::to_string(f->value);
}

// The two recorders' findings on the same values must agree; returns whether there was one.
bool expect_same_finding(const MetricRecorder& now, const before::MetricRecorderBefore& was,
                         const std::vector<float>& values, const std::vector<double>& sub, const std::string& what) {
  const auto a = now.first_non_finite(values, sub);
  const auto b = was.first_non_finite(values, sub);
  const bool same = a.has_value() == b.has_value() &&
                    (!a || (a->column == b->column && a->courtyard == b->courtyard &&
                            std::memcmp(&a->value, &b->value, sizeof(double)) == 0));
  EXPECT_TRUE(same) << what << ": finding " << describe(a) << ", before " << describe(b);
  return b.has_value();
}

struct Counts {
  int64_t values = 0, nan = 0, findings = 0;
};

// One record: both recorders on the state, the new one on 1 and on 3 threads; then the findings on the
// values as computed and with a few planted NaNs and infinities.
void expect_same_record(const Model& m, const State& s, const std::string& what, Counts& counts) {
  MetricRecorder now(m);
  before::MetricRecorderBefore was(m);
  const size_t nc = static_cast<size_t>(m.ncourtyard()), nm = now.size();
  std::vector<float> expected(nm * nc), got(nm * nc);
  std::vector<double> expected_sub(nm), got_sub(nm);
  was.compute(s, expected, expected_sub);
  for (const size_t threads : {size_t{1}, size_t{3}}) {
    const tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    std::fill(got.begin(), got.end(), -1.f);
    now.compute(s, got, got_sub);
    const std::string where = what + " on " + std::to_string(threads) + " thread(s)";
    ASSERT_TRUE(same_bits(got, expected)) << where << ": " << first_difference(got, expected, nc);
    ASSERT_TRUE(same_bits(got_sub, expected_sub))
        << where << ": subdistrict " << first_difference(got_sub, expected_sub, nm);
    counts.findings += expect_same_finding(now, was, got, got_sub, where);
  }
  counts.values += static_cast<int64_t>(got.size());
  for (const float v : got) counts.nan += std::isnan(v);
  // planted in the values (a check of a record another step altered): NaN where a share had nobody
  // to count, NaN and infinity elsewhere, in the first, a middle and the last courtyard
  for (const size_t c : {size_t{0}, nc / 2, nc - 1}) {
    for (const float bad : {std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::infinity()}) {
      for (size_t k = 0; k < nm; k += 5) {
        std::vector<float> planted = got;
        planted[k * nc + c] = bad;
        counts.findings += expect_same_finding(now, was, planted, got_sub, what + " planted in values");
      }
    }
  }
  std::vector<double> planted_sub = got_sub;
  planted_sub[nm - 1] = std::numeric_limits<double>::infinity();
  counts.findings += expect_same_finding(now, was, got, planted_sub, what + " planted in the subdistrict");
}

// The state with infinities and NaNs planted in what the metrics read: a fund, households' trust,
// satisfaction in a vacant flat (0 x NaN), belief and ties in the middle and at the end of a courtyard's
// flats, a facility's condition, disorder.
void expect_same_with_planted_state(const Model& m, const State& s, const std::string& what, Counts& counts) {
  const int32_t nc = m.ncourtyard();
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  int64_t vacant = 0;
  while (vacant + 1 < m.nhousehold() && s.tenure[vacant] != Tenure::kVacant) ++vacant;
  for (int variant = 0; variant < 7; ++variant) {
    State planted = s;
    const int32_t c = (variant * 7919) % nc;
    const int64_t h0 = first_household(m, c), h1 = end_household(m, c);
    switch (variant) {
      case 0: planted.fund[c] = std::numeric_limits<double>::infinity(); break;
      case 1: planted.trust[h0] = nan; break;
      case 2: planted.satisfaction[vacant] = nan; break;
      case 3: planted.belief[(h0 + h1) / 2] = inf; break;
      case 4: planted.ties[h1 - 1] = -inf; break;
      case 5: planted.condition[c * kFacilityCount] = -inf; break;
      default: planted.disorder[c] = std::numeric_limits<double>::quiet_NaN(); break;
    }
    expect_same_record(m, planted, what + " planted state " + std::to_string(variant), counts);
  }
}

// metric_terms and metric_value, every metric (the per-facility ones too), at some 50 courtyards.
void expect_same_single(const Model& m, const State& s, const std::string& what) {
  for (int metric = 0; metric < static_cast<int>(all_metrics().size()); ++metric) {
    for (int32_t c = 0; c < m.ncourtyard(); c += std::max(1, m.ncourtyard() / 50)) {
      double num = 0, den = 0, num_was = 0, den_was = 0;
      metric_terms(metric, m, s, c, &num, &den);
      before::metric_terms_before(metric, m, s, c, &num_was, &den_was);
      const double v = metric_value(metric, m, s, c), v_was = before::metric_value_before(metric, m, s, c);
      ASSERT_EQ(std::memcmp(&num, &num_was, sizeof(double)), 0) << what << " metric " << metric << " courtyard " << c;
      ASSERT_EQ(std::memcmp(&den, &den_was, sizeof(double)), 0) << what << " metric " << metric << " courtyard " << c;
      ASSERT_EQ(std::memcmp(&v, &v_was, sizeof(double)), 0) << what << " metric " << metric << " courtyard " << c;
    }
  }
}

// Runs the scenario record by record (every step up to `steps`, as sim/run.cpp records: compute, then
// the interval counters reset) and compares every record_every-th.
// `metrics`: the columns recorded, when not all.
void expect_same_run(const std::string& scenario, std::vector<std::string> overrides, int steps, int record_every,
                     const std::vector<std::string>& metrics = {}) {
  overrides.push_back("run.steps=" + std::to_string(steps));
  Model m = model_from_file(scenario, overrides);
  if (!metrics.empty()) m.output.metrics = metrics;
  Simulation sim(m);
  const size_t columns = MetricRecorder(m).size();
  Counts counts;
  int records = 0;
  for (;;) {
    const int step = sim.state().step;
    const std::string what = scenario + " step " + std::to_string(step);
    if (step % record_every == 0) {
      expect_same_record(m, sim.state(), what, counts);
      if (::testing::Test::HasFatalFailure()) return;
      if (records % 3 == 0) {
        expect_same_with_planted_state(m, sim.state(), what, counts);
        expect_same_single(m, sim.state(), what);
        if (::testing::Test::HasFatalFailure()) return;
      }
      ++records;
    }
    if (step >= steps) break;
    sim.reset_interval_counters();
    sim.step();
  }
  std::printf("%s: %d courtyards, %zu metrics, %d records: %lld values equal (%lld NaN), %lld findings equal\n",
              scenario.c_str(), m.ncourtyard(), columns, records, static_cast<long long>(counts.values),
              static_cast<long long>(counts.nan), static_cast<long long>(counts.findings));
  EXPECT_GT(counts.findings, 0);
}

TEST(MetricsColumns, SameAsBeforeOnThePilotWithFacilities) {
  // attendance and levy shares are NaN by design until the first meeting and levy
  expect_same_run("scenarios/jiangdong_minju_pilot.txtpb", {"run.output.per_facility=true"}, 60, 4);
}

TEST(MetricsColumns, SameAsBeforeUnderEveryManagementModel) {
  expect_same_run("scenarios/management_models.txtpb", {}, 30, 3);
}

TEST(MetricsColumns, SameAsBeforeWithAChosenFewMetrics) {
  // star_rating without condition_index, the move-out rates, out of their order
  expect_same_run("scenarios/demo_district.txtpb", {}, 20, 5,
                  {"star_rating", "move_out_rate_renter", "attendance_rate", "move_out_rate_owner", "fund_balance"});
}

TEST(MetricsColumns, SameAsBeforeOverSeveralTiles) {
  // the city run cut to 4,700 small courtyards (more than one tile of 4,096, a block of 256 not filled)
  // and 16 weeks, its three waves of interventions from weeks 2, 5 and 9
  std::vector<std::string> cut = {"courtyard_kinds[0].count=2900", "courtyard_kinds[1].count=1200",
                                  "courtyard_kinds[2].count=600",  "interventions[0].start_step=2",
                                  "interventions[1].start_step=5", "interventions[2].start_step=9",
                                  "run.output.per_facility=true"};
  for (int kind = 0; kind < 3; ++kind) {
    const std::string households = "courtyard_kinds[" + std::to_string(kind) + "].households.uniform.";
    cut.push_back(households + "min=8");
    cut.push_back(households + "max=20");
  }
  expect_same_run("scenarios/city_10k.txtpb", cut, 16, 4);
}

}  // namespace
}  // namespace courtyard
