// Governance with actors, time and money (issue "Governance with actors, time and money"): packages as
// data (every component can be left out, moved or strengthened; a component whose need is absent is
// rejected with its location), community workers whose hours run out (work waits, and the wait is in
// /events), a worker in one courtyard a week, and the subdistrict's targeting rules.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>
#include <string>
#include <vector>

#include "support/scenarios.h"

namespace courtyard {
namespace {

using testing::model_from_file;
using testing::model_from_text;

constexpr const char* kPilot = "scenarios/jiangdong_minju_pilot.txtpb";

int32_t find_component(const Model& m, const std::string& name) {
  for (size_t i = 0; i < m.interventions.size(); ++i)
    if (m.interventions[i].component == name) return static_cast<int32_t>(i);
  return -1;
}

// ---- packages -----------------------------------------------------------------------------------

TEST(Packages, EveryComponentAndStepCanBeLeftOut) {
  const Model full = model_from_file(kPilot);
  for (const auto& name : package_component_names()) ASSERT_GE(find_component(full, name), 0) << name;
  std::vector<std::string> names = package_component_names();
  names.insert(names.end(), package_step_names().begin(), package_step_names().end());
  for (const auto& name : names) {
    SCOPED_TRACE(name);
    const Model m = model_from_file(kPilot, {"interventions[0].package.without[0]=" + name, "run.steps=60"});
    EXPECT_LT(m.interventions.size(), full.interventions.size());
    if (std::find(package_step_names().begin(), package_step_names().end(), name) == package_step_names().end()) {
      EXPECT_EQ(find_component(m, name), -1);
    }
    Simulation sim(m);
    for (int w = 0; w < 60; ++w) sim.step();  // and the reduced package runs
  }
  // what needs a removed component goes with it
  const Model no_covenant = model_from_file(kPilot, {"interventions[0].package.without[0]=covenant"});
  EXPECT_EQ(find_component(no_covenant, "awards"), -1);
  const Model no_council = model_from_file(kPilot, {"interventions[0].package.without[0]=council"});
  EXPECT_EQ(find_component(no_council, "council_meetings"), -1);
  EXPECT_GE(find_component(no_council, "committee"), 0);
}

TEST(Packages, AComponentWhoseNeedIsAbsentIsRejectedAtItsLocation) {
  const std::string text =
      "courtyards { name: \"c\" }\n"
      "interventions {\n"
      "  name: \"p\"\n"
      "  package {\n"
      "    covenant { start_month: 1 }\n"
      "    awards { start_month: 2 }\n"
      "    council_meetings { }\n"
      "    without: \"no_such_thing\"\n"
      "  }\n"
      "}\n";
  try {
    model_from_text(text);
    FAIL() << "accepted a package whose council meetings lack the council";
  } catch (const ScenarioError& e) {
    const std::string what = e.what();
    SCOPED_TRACE(what);
    EXPECT_NE(what.find("<test>:7:5: interventions[0].package.council_meetings: needs the component \"council\""),
              std::string::npos);
    EXPECT_NE(what.find("<test>:8:5: interventions[0].package.without[0]: no component or step is called"),
              std::string::npos);
    EXPECT_EQ(what.find("package.awards"), std::string::npos);  // the covenant is there
  }
  // leaving the covenant out takes the awards with it: no error
  EXPECT_NO_THROW(model_from_text("courtyards { name: \"c\" }\ninterventions { package { covenant {} awards {} without: "
                                  "\"covenant\" platform {} } }\n"));
}

TEST(Packages, ComponentsMoveAndStrengthenFromSet) {
  const Model base = model_from_file(kPilot);
  const Model moved = model_from_file(kPilot, {"interventions[0].package.services.start_month=6",
                                               "interventions[0].package.home_visits.intensity=2"});
  const auto& s0 = base.interventions[find_component(base, "services")];
  const auto& s1 = moved.interventions[find_component(moved, "services")];
  EXPECT_EQ(s0.offset_steps, 52);  // month 12 of 4.33 weeks
  EXPECT_EQ(s1.offset_steps, 26);  // month 6
  const auto& v0 = base.interventions[find_component(base, "home_visits")];
  const auto& v1 = moved.interventions[find_component(moved, "home_visits")];
  EXPECT_DOUBLE_EQ(v1.intensity, 2 * v0.intensity);
  EXPECT_DOUBLE_EQ(v1.staff_hours_per_household_week, 2 * v0.staff_hours_per_household_week);
}

// ---- actors: staff hours ------------------------------------------------------------------------

// Six decayed courtyards of one community all start the pilot's package at once.
std::string rollout(double hours_per_worker) {
  return "run { steps: 60 }\nsubdistrict { budget_yuan: 1000000 }\n"
         "communities { name: \"k\" workers: 6 hours_per_worker_week: " + std::to_string(hours_per_worker) + " }\n"
         "courtyard_kinds { name: \"old\" count: 6 households { fixed: 86 } initial_collection { fixed: 0.3 }\n"
         "  initial_condition { fixed: 0.4 } initial_disorder { fixed: 0.6 } }\n"
         "interventions { name: \"pilot\" targets { kind: \"old\" }\n"
         "  package { platform {} assets_survey {} demands_survey {} home_visits {} party_members_known {}\n"
         "            three_level_meetings {} party_branch {} council {} council_meetings {} committee {} } }\n";
}

struct Starts {
  double mean_step = 0;        // mean start step over components and courtyards (the run's end when
                               // one has not started)
  int32_t started = 0;         // (component, courtyard) starts
  int64_t waited_weeks = 0;    // sum of the start rows' wait_weeks
  int32_t staff_waits = 0;     // staff_wait rows
  double staff_hours = 0;      // metric staff_hours summed over the run
};

Starts run_rollout(double hours_per_worker) {
  const Model m = model_from_text(rollout(hours_per_worker));
  Simulation sim(m);
  Starts out;
  double steps = 0;
  for (int w = 0; w < m.steps; ++w) {
    sim.step();
    for (const Event& e : sim.step_events()) {
      if (e.type == EventType::kInterventionStart) {
        ++out.started;
        steps += e.step;
        out.waited_weeks += e.wait_weeks;
      }
      out.staff_waits += e.type == EventType::kStaffWait;
    }
    for (int32_t c = 0; c < m.ncourtyard(); ++c) out.staff_hours += sim.state().staff_hours[c];
    sim.reset_interval_counters();
  }
  const int32_t due = 10 * m.ncourtyard();  // ten components in each courtyard
  out.mean_step = (steps + static_cast<double>(due - out.started) * m.steps) / due;
  return out;
}

TEST(Actors, HalvingTheCommunitysStaffHoursDelaysThePackageAndTheDelayIsInEvents) {
  const Starts full = run_rollout(20), half = run_rollout(10);
  SCOPED_TRACE(::testing::Message() << "full: mean start " << full.mean_step << ", waited " << full.waited_weeks
                                  << ", staff waits " << full.staff_waits << "; half: " << half.mean_step << ", "
                                  << half.waited_weeks << ", " << half.staff_waits);
  std::printf("full: mean start %.1f, waited %lld; half: %.1f, waited %lld, started %d of 60\n", full.mean_step,
              static_cast<long long>(full.waited_weeks), half.mean_step, static_cast<long long>(half.waited_weeks), half.started);
  EXPECT_EQ(full.started, 60);  // with the default hours, the whole package starts within 60 weeks
  EXPECT_LT(half.started, full.started);
  EXPECT_GT(half.mean_step, full.mean_step + 4.0);  // at least a month later on average
  EXPECT_GT(half.waited_weeks, full.waited_weeks);  // the start rows say how long each waited
  EXPECT_GE(half.staff_waits, full.staff_waits);
  EXPECT_GT(half.staff_waits, 0);
  // the hours worked are those the package needs, whenever they are worked (lasting acts that got
  // fewer hours in a week acted less: the halved run works no more hours than the full one)
  EXPECT_LE(half.staff_hours, full.staff_hours + 1e-6);
}

TEST(Actors, AWorkerWorksInOneCourtyardAWeek) {
  // one worker with 100 hours; two courtyards each need 43 hours for a survey in week 0
  const Model m = model_from_text(
      "run { steps: 4 }\ncommunities { name: \"k\" workers: 1 hours_per_worker_week: 100 }\n"
      "courtyard_kinds { name: \"a\" count: 2 households { fixed: 86 } }\n"
      "interventions { targets { kind: \"a\" } package { demands_survey { start_month: 0 } } }\n");
  Simulation sim(m);
  sim.step();
  EXPECT_FLOAT_EQ(sim.state().staff_hours[0], 43.f);
  EXPECT_FLOAT_EQ(sim.state().staff_hours[1], 0.f);  // 57 hours left, but the worker is in courtyard 0
  sim.step();
  EXPECT_FLOAT_EQ(sim.state().staff_hours[1], 43.f);
}

TEST(Actors, WithoutVolunteersTheCleanUpDoesNotHappen) {
  // a clean-up campaign and monthly activities in a disordered courtyard whose party members are known;
  // the same with volunteers who give no hours
  const std::string text =
      "run { steps: 12 }\nsubdistrict { budget_yuan: 100000 }\n"
      "courtyards { name: \"c\" initial_disorder: 0.6 party_member_share: 0.2 }\n"
      "interventions { package { party_members_known { start_month: 0 } cleaning_campaign { start_month: 0 }\n"
      "  activities { start_month: 0 } } }\n";
  auto run = [&](const std::vector<std::string>& o) {
    const Model m = model_from_text(text, o);
    Simulation sim(m);
    double hours = 0;
    for (int w = 0; w < m.steps; ++w) {
      sim.step();
      hours += sim.state().volunteer_hours[0];
      sim.reset_interval_counters();
    }
    return std::pair<double, double>{sim.state().disorder[0], hours};
  };
  const auto [with_disorder, with_hours] = run({});
  const auto [without_disorder, without_hours] = run({"behaviour.costs.volunteer_hours_per_week=0"});
  EXPECT_GT(with_hours, 50.0);          // 12 weeks of cleaning (8.6 h) and 3 months of activities (8 h)
  EXPECT_EQ(without_hours, 0.0);
  EXPECT_LT(with_disorder, 0.5 * without_disorder);  // the campaign removes 30% of disorder a week
}

// ---- budgets and targeting ----------------------------------------------------------------------

// 60 courtyards differing in condition and collection; repairs at 10,000 yuan each; money for 10 (and
// workers enough to supervise every repair in a week: money is the only limit here).
std::string targeting_scenario(const std::string& rule) {
  return "run { steps: 3 seed: 5 }\ncommunities { name: \"k\" workers: 60 }\n"
         "subdistrict { budget_yuan: 100000 targeting: " + rule + " }\n"
         "courtyard_kinds { name: \"a\" count: 60 households { fixed: 60 }\n"
         "  initial_condition { uniform { min: 0.1 max: 0.9 } } initial_collection { uniform { min: 0.1 max: 0.9 } } }\n"
         "interventions { name: \"repairs\" cost_yuan: 10000 hardware_upgrade { } intensity: 0.9 }\n";
}

struct Chosen {
  std::vector<int32_t> courtyards;  // in the order chosen
  std::vector<int32_t> ranks;
  int16_t rule = 0;
};

Chosen choose(const std::string& rule, std::vector<double>* condition = nullptr, std::vector<double>* collection = nullptr) {
  const Model m = model_from_text(targeting_scenario(rule));
  Simulation sim(m);
  if (condition)
    for (int32_t c = 0; c < m.ncourtyard(); ++c) condition->push_back(condition_index(sim.state(), c));
  if (collection)
    for (int32_t c = 0; c < m.ncourtyard(); ++c) collection->push_back(sim.state().collection_rate[c]);
  sim.step();
  Chosen out;
  std::vector<std::pair<int32_t, int32_t>> by_rank;
  for (const Event& e : sim.step_events())
    if (e.type == EventType::kTargeted) {
      by_rank.push_back({e.yes, e.courtyard});
      out.rule = e.rule;
    }
  std::sort(by_rank.begin(), by_rank.end());
  for (auto [rank, c] : by_rank) {
    out.ranks.push_back(rank);
    out.courtyards.push_back(c);
  }
  return out;
}

TEST(Targeting, EachRuleChoosesByItsCriterionAndSaysSoInEvents) {
  std::vector<double> condition, collection;
  const Chosen first = choose("TARGETING_FIRST_COME", &condition, &collection);
  const Chosen worst = choose("TARGETING_WORST_CONDITION_FIRST");
  const Chosen gain = choose("TARGETING_GAIN_PER_YUAN");
  const Chosen lottery = choose("TARGETING_LOTTERY");
  for (const Chosen* c : {&first, &worst, &gain, &lottery}) {
    ASSERT_EQ(c->courtyards.size(), 10u);  // the budget pays for ten
    EXPECT_EQ(c->ranks, (std::vector<int32_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  }
  EXPECT_EQ(first.rule, static_cast<int16_t>(Targeting::kFirstCome));
  EXPECT_EQ(worst.rule, static_cast<int16_t>(Targeting::kWorstConditionFirst));
  // first come: the lowest ids
  EXPECT_EQ(first.courtyards, (std::vector<int32_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  // worst condition first: the ten lowest condition indices, worst first
  std::vector<int32_t> ids(condition.size());
  std::iota(ids.begin(), ids.end(), 0);
  std::stable_sort(ids.begin(), ids.end(), [&](int32_t a, int32_t b) { return condition[a] < condition[b]; });
  EXPECT_EQ(worst.courtyards, std::vector<int32_t>(ids.begin(), ids.begin() + 10));
  // gain per yuan (equal sizes, fees and costs): the ten with the lowest collection
  std::stable_sort(ids.begin(), ids.end(), [&](int32_t a, int32_t b) { return collection[a] < collection[b]; });
  const std::set<int32_t> lowest(ids.begin(), ids.begin() + 10);
  EXPECT_EQ(std::set<int32_t>(gain.courtyards.begin(), gain.courtyards.end()), lowest);
  // the lottery: another set than first come, and the same one for the same seed
  EXPECT_NE(lottery.courtyards, first.courtyards);
  EXPECT_EQ(choose("TARGETING_LOTTERY").courtyards, lottery.courtyards);
}

TEST(Targeting, TheRuleAlsoOrdersWhomTheWorkersServeFirst) {
  // one worker, 43 hours a week: one survey a week among eight courtyards of differing condition
  auto surveyed_order = [](const std::string& rule, std::vector<double>* condition) {
    const Model m = model_from_text(
        "run { steps: 8 seed: 3 }\nsubdistrict { targeting: " + rule + " }\n"
        "communities { name: \"k\" workers: 1 hours_per_worker_week: 43 }\n"
        "courtyard_kinds { name: \"a\" count: 8 households { fixed: 86 } initial_condition { uniform { min: 0.1 max: 0.9 } } }\n"
        "interventions { targets { kind: \"a\" } package { demands_survey { start_month: 0 } } }\n");
    Simulation sim(m);
    if (condition)
      for (int32_t c = 0; c < m.ncourtyard(); ++c) condition->push_back(condition_index(sim.state(), c));
    std::vector<int32_t> order;
    for (int w = 0; w < m.steps; ++w) {
      sim.step();
      for (const Event& e : sim.step_events())
        if (e.type == EventType::kInterventionStart) order.push_back(e.courtyard);
    }
    return order;
  };
  std::vector<double> condition;
  const auto first = surveyed_order("TARGETING_FIRST_COME", &condition);
  const auto worst = surveyed_order("TARGETING_WORST_CONDITION_FIRST", nullptr);
  EXPECT_EQ(first, (std::vector<int32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  std::vector<int32_t> ids(condition.size());
  std::iota(ids.begin(), ids.end(), 0);
  std::stable_sort(ids.begin(), ids.end(), [&](int32_t a, int32_t b) { return condition[a] < condition[b]; });
  EXPECT_EQ(worst, ids);  // conditions barely move in eight weeks: the order of the start
}

}  // namespace
}  // namespace courtyard
