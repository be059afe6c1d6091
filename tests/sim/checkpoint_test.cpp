// Checkpoints: a simulation saved at week t and restored into another simulation of the same model,
// whose own state had moved elsewhere (so that anything not restored stays wrong), continues week by
// week exactly as the uninterrupted one. That State and Simulation hold nothing outside the field
// tables is checked at compile time (sim/checkpoint.cpp); this test checks that what the tables save is
// all that a later week reads, on scenarios that exercise the interventions' queues, budgets, workers,
// volunteers, levies, meetings, management and moves.
#include <gtest/gtest.h>
#include <oneapi/tbb/global_control.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "core/version.h"
#include "sim/checkpoint.h"
#include "sim/simulation.h"
#include "support/scenarios.h"

namespace courtyard {
namespace {

using testing::model_from_file;

bool same_events(std::span<const Event> a, std::span<const Event> b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const Event &x = a[i], &y = b[i];
    if (x.step != y.step || x.courtyard != y.courtyard || x.type != y.type || x.rule != y.rule ||
        x.subject != y.subject || x.caller != y.caller || x.attendees != y.attendees || x.yes != y.yes ||
        x.no != y.no || x.abstain != y.abstain || x.outcome != y.outcome || x.amount != y.amount ||
        x.share != y.share || x.staff_hours != y.staff_hours || x.volunteer_hours != y.volunteer_hours ||
        x.payer != y.payer || x.wait_weeks != y.wait_weeks)
      return false;
  }
  return true;
}

std::string temp_path(const std::string& name) {
  return (::testing::TempDir().empty() ? std::string("/tmp/") : ::testing::TempDir()) + name + "-" +
         std::to_string(::getpid()) + ".ckpt";
}

CheckpointInfo info_of(const Model& m, int32_t step) {
  CheckpointInfo info;
  info.engine_version = engine_version();
  info.git_commit = git_commit();
  info.scenario_sha256 = m.scenario_sha256;
  info.scenario_text = m.scenario_text;
  info.scenario_name = m.scenario_name;
  info.step = step;
  info.steps = m.steps;
  info.records = 1;
  return info;
}

// Saves at `at`, restores into a simulation that was stepped to `elsewhere` first, and compares both
// runs week by week to the end (state and events), on `threads` threads.
void check_resume(const Model& m, int32_t at, int32_t elsewhere, int threads) {
  oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism, threads);
  const std::string path = temp_path("resume");
  Simulation a(m);
  while (a.state().step < at) a.step();
  save_checkpoint(a, info_of(m, at), path);

  Simulation b(m);
  while (b.state().step < elsewhere) b.step();
  ASSERT_FALSE(a.state() == b.state());
  restore_checkpoint(b, path);
  std::remove(path.c_str());
  EXPECT_TRUE(a.state() == b.state());
  EXPECT_DOUBLE_EQ(a.budget_left(), b.budget_left());
  int64_t events = 0;
  while (a.state().step < m.steps) {
    a.step();
    b.step();
    ASSERT_TRUE(a.state() == b.state()) << "state differs after week " << a.state().step << " (resumed at " << at << ")";
    ASSERT_TRUE(same_events(a.step_events(), b.step_events())) << "events differ in week " << a.state().step;
    events += static_cast<int64_t>(a.step_events().size());
    if (a.state().step % 4 == 0) {  // records reset the interval counters, as run_model does
      a.reset_interval_counters();
      b.reset_interval_counters();
    }
  }
  EXPECT_GT(events, 0);
  EXPECT_EQ(a.budget_left(), b.budget_left());
}

TEST(Checkpoint, DemoDistrictRollOutResumes) {
  // a budgeted roll-out from week 26 (deferrals, the workers' queue, levies, meetings), moves within
  // communities; saved mid-roll-out, restored into a simulation at another week
  const Model m = model_from_file("scenarios/demo_district.txtpb", {"run.steps=70"});
  check_resume(m, 37, 52, 1);
  check_resume(m, 52, 30, 2);
}

TEST(Checkpoint, TargetedRollOutResumes) {
  const Model m = model_from_file("scenarios/demo_district.txtpb",
                                  {"run.steps=60", "subdistrict.targeting=TARGETING_LOTTERY"});
  check_resume(m, 29, 44, 2);
}

TEST(Checkpoint, PilotAndManagementResume) {
  check_resume(model_from_file("scenarios/jiangdong_minju_pilot.txtpb"), 23, 61, 1);
  check_resume(model_from_file("scenarios/management_models.txtpb", {"run.steps=80"}), 41, 13, 2);
}

TEST(Checkpoint, RefusesAnotherScenario) {
  const Model m = model_from_file("scenarios/demo_district.txtpb", {"run.steps=10"});
  const Model other = model_from_file("scenarios/demo_district.txtpb", {"run.steps=10", "run.seed=99"});
  const std::string path = temp_path("other");
  Simulation a(m);
  a.step();
  save_checkpoint(a, info_of(m, 1), path);
  Simulation b(other);
  try {
    restore_checkpoint(b, path);
    ADD_FAILURE() << "a checkpoint of another scenario was accepted";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("scenario_sha256"), std::string::npos) << e.what();
  }
  std::remove(path.c_str());
}

TEST(Checkpoint, RefusesAnotherBuild) {
  const Model m = model_from_file("scenarios/demo_district.txtpb", {"run.steps=10"});
  const std::string path = temp_path("build");
  Simulation a(m);
  CheckpointInfo info = info_of(m, 0);
  info.git_commit = std::string(git_commit()) + "-other";
  save_checkpoint(a, info, path);
  try {
    (void)read_checkpoint_info(path);
    ADD_FAILURE() << "a checkpoint of another build was accepted";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("git_commit"), std::string::npos) << e.what();
  }
  std::remove(path.c_str());
}

TEST(Checkpoint, LayoutNamesEveryTableField) {
  // the layout a checkpoint must match is built from the same tables as what is saved
  const std::string layout = checkpoint_layout();
  int lines = 0;
  for (char c : layout) lines += c == '\n';
  int fields = 1;  // condition
#define COUNT(type, name, doc) ++fields;
  COURTYARD_HOUSEHOLD_FIELDS(COUNT)
  COURTYARD_COURTYARD_FIELDS(COUNT)
#undef COUNT
  EXPECT_GT(lines, fields);  // the simulation's own state besides
  EXPECT_NE(layout.find("state/tenure uint8\n"), std::string::npos);
  EXPECT_NE(layout.find("state/fund float64\n"), std::string::npos);
  EXPECT_NE(layout.find("simulation/budget_left_ float64 scalar\n"), std::string::npos);
  EXPECT_NE(layout.find("simulation/target_status_ uint8\n"), std::string::npos);
}

}  // namespace
}  // namespace courtyard
