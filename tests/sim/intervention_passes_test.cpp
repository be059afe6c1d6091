// The interventions phase taken by community in parallel (engine/sim/interventions.cpp) gives exactly
// what the serial order gives (which one thread takes): every step's events (kind, rank in the
// subdistrict's queue, amounts, hours, waits), the whole state and the subdistrict's budget, on 1, 2
// and 8 threads, under each targeting rule. The scenario (tests/sim/data/intervention_passes.txtpb) has four communities with
// few workers, a subdistrict budget that runs short, payers of every kind and lasting acts with
// running costs, so that a community's targets taken in another order, or a charge settled out of
// turn, changes the result.
#include <gtest/gtest.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include <cstring>
#include <string>
#include <vector>

#include "sim/simulation.h"
#include "support/scenarios.h"

namespace courtyard {
namespace {

using testing::model_from_file;

constexpr const char* kScenario = "tests/sim/data/intervention_passes.txtpb";

// Events compared field by field (Event may hold padding).
bool same_event(const Event& x, const Event& y) {
  return x.step == y.step && x.courtyard == y.courtyard && x.type == y.type && x.rule == y.rule &&
         x.subject == y.subject && x.caller == y.caller && x.attendees == y.attendees && x.yes == y.yes &&
         x.no == y.no && x.abstain == y.abstain && x.outcome == y.outcome &&
         std::memcmp(&x.amount, &y.amount, sizeof x.amount) == 0 &&
         std::memcmp(&x.share, &y.share, sizeof x.share) == 0 &&
         std::memcmp(&x.staff_hours, &y.staff_hours, sizeof x.staff_hours) == 0 &&
         std::memcmp(&x.volunteer_hours, &y.volunteer_hours, sizeof x.volunteer_hours) == 0 &&
         x.payer == y.payer && x.wait_weeks == y.wait_weeks;
}

struct Run {
  std::vector<std::vector<Event>> events;  // per step
  std::vector<double> budget;              // the subdistrict's budget left after each step
  State state;
  Simulation::InterventionPasses passes;
};

Run run(const Model& m, int threads, bool serially) {
  Run out;
  oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism, static_cast<size_t>(threads));
  oneapi::tbb::task_arena arena(threads);
  arena.execute([&] {
    Simulation sim(m);
    if (serially) sim.take_interventions_serially();
    for (int32_t s = 0; s < m.steps; ++s) {
      sim.step();
      out.events.emplace_back(sim.step_events().begin(), sim.step_events().end());
      out.budget.push_back(sim.budget_left());
    }
    out.state = sim.state();
    out.passes = sim.intervention_passes();
  });
  return out;
}

int count(const Run& r, EventType type) {
  int n = 0;
  for (const auto& step : r.events)
    for (const Event& e : step) n += e.type == type;
  return n;
}

void expect_same(const Run& reference, const Run& got, const std::string& what) {
  ASSERT_EQ(reference.events.size(), got.events.size()) << what;
  for (size_t s = 0; s < reference.events.size(); ++s) {
    ASSERT_EQ(reference.events[s].size(), got.events[s].size()) << what << ": events of step " << s;
    for (size_t j = 0; j < reference.events[s].size(); ++j)
      ASSERT_TRUE(same_event(reference.events[s][j], got.events[s][j]))
          << what << ": event " << j << " of step " << s << " (courtyard " << reference.events[s][j].courtyard
          << ", type " << static_cast<int>(reference.events[s][j].type) << ")";
    ASSERT_EQ(std::memcmp(&reference.budget[s], &got.budget[s], sizeof(double)), 0)
        << what << ": budget after step " << s << ": " << reference.budget[s] << " vs " << got.budget[s];
  }
  EXPECT_TRUE(reference.state == got.state) << what << ": the state at the end differs";
}

void check_rule(const std::string& rule) {
  const Model m = model_from_file(kScenario, {"subdistrict.targeting=" + rule});
  ASSERT_GT(m.ncommunity(), 2);
  const Run reference = run(m, 1, true);
  // the scenario does what it is for: the queue defers, workers run short, running costs go unpaid,
  // and the subdistrict chooses targets in its order
  EXPECT_GT(count(reference, EventType::kInterventionDeferred), 0) << rule;
  EXPECT_GT(count(reference, EventType::kStaffWait), 0) << rule;
  EXPECT_GT(count(reference, EventType::kUnpaid), 0) << rule;
  EXPECT_GT(count(reference, EventType::kTargeted), 1) << rule;
  EXPECT_GT(count(reference, EventType::kInterventionEnd), 0) << rule;
  EXPECT_EQ(reference.passes.serial, reference.passes.serial + reference.passes.free + reference.passes.all +
                                         reference.passes.nothing);
  Simulation::InterventionPasses seen;
  for (int threads : {1, 2, 8}) {
    const Run got = run(m, threads, false);
    expect_same(reference, got, rule + " on " + std::to_string(threads) + " threads");
    if (threads == 1) {
      EXPECT_EQ(got.passes.serial, reference.passes.serial) << rule << ": one thread takes them serially";
    }
    if (threads == 2) seen = got.passes;
  }
  // and on more threads the parallel passes were taken, each kind of screen among them
  EXPECT_GT(seen.free, 0) << rule;
  EXPECT_GT(seen.all, 0) << rule;
  EXPECT_GT(seen.nothing, 0) << rule;
  EXPECT_GT(seen.serial, 0) << rule;
}

TEST(InterventionPasses, ByCommunityEqualsTheSerialOrderFirstCome) { check_rule("TARGETING_FIRST_COME"); }
TEST(InterventionPasses, ByCommunityEqualsTheSerialOrderGainPerYuan) { check_rule("TARGETING_GAIN_PER_YUAN"); }
TEST(InterventionPasses, ByCommunityEqualsTheSerialOrderLottery) { check_rule("TARGETING_LOTTERY"); }
TEST(InterventionPasses, ByCommunityEqualsTheSerialOrderWorstConditionFirst) {
  check_rule("TARGETING_WORST_CONDITION_FIRST");
}

}  // namespace
}  // namespace courtyard
