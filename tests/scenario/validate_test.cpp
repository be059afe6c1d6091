// Validation rules, one property per test; every problem is collected and located.
#include <cmath>
#include <cstdio>
#include <set>

#include "model/metric_table.h"
#include "model/model.h"
#include "scenario/detail.h"
#include "test_util.h"

namespace courtyard {
namespace {

using scenario_detail::behaviour_rules;
using testing::find_field;
using testing::joined;
using testing::kMinimal;
using testing::problems_of;

// The scenario is rejected with a problem on `field`.
::testing::AssertionResult rejects(const std::vector<Diagnostic>& ds, const std::string& field) {
  if (find_field(ds, field)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "no problem on " << field << "; got:\n" << joined(ds);
}
::testing::AssertionResult rejects(const std::vector<std::string>& overrides, const std::string& field) {
  return rejects(problems_of(kMinimal, overrides), field);
}

TEST(Validate, MinimalAndDemoScenariosAreValid) {
  EXPECT_TRUE(problems_of(kMinimal).empty()) << joined(problems_of(kMinimal));
  EXPECT_TRUE(problems_of(embedded_default_scenario()).empty());
}

TEST(Validate, EveryProblemReportedNotOnlyTheFirst) {
  const auto ds = problems_of(R"(
    run { steps: 0 start_date: "2015-13-01" }
    courtyards { name: "A" households: 0 initial_trust: 2 }
    courtyards { name: "A" }
  )");
  EXPECT_TRUE(rejects(ds, "run.steps"));
  EXPECT_TRUE(rejects(ds, "run.start_date"));
  EXPECT_TRUE(rejects(ds, "courtyards[0].households"));
  EXPECT_TRUE(rejects(ds, "courtyards[0].initial_trust"));
  EXPECT_TRUE(rejects(ds, "courtyards[1].name"));
  EXPECT_EQ(ds.size(), 5u) << joined(ds);
  // each located at its field
  EXPECT_EQ(find_field(ds, "courtyards[0].initial_trust")->format().rfind("t.txtpb:3:42: courtyards[0].initial_trust: ", 0),
            0u);
}

TEST(Validate, RunSettings) {
  EXPECT_TRUE(rejects({"run.steps=0"}, "run.steps"));
  EXPECT_TRUE(rejects({"run.steps=-3"}, "run.steps"));
  EXPECT_TRUE(rejects({"run.steps=50001"}, "run.steps"));
  EXPECT_TRUE(problems_of(kMinimal, {"run.steps=50000"}).empty());
  EXPECT_TRUE(problems_of(kMinimal, {"run.steps=1"}).empty());
  for (const char* bad : {"2015-02-30", "2015-1-5", "05/01/2015", "", "2015-01-05x"})
    EXPECT_TRUE(rejects({std::string("run.start_date=") + bad}, "run.start_date")) << bad;
  EXPECT_TRUE(problems_of(kMinimal, {"run.start_date=2016-02-29"}).empty());
  EXPECT_TRUE(rejects({"run.output.record_every=0"}, "run.output.record_every"));
  EXPECT_TRUE(rejects({"run.output.block_records=0"}, "run.output.block_records"));
  EXPECT_TRUE(problems_of(kMinimal, {"run.seed=0"}).empty());
  EXPECT_TRUE(problems_of(kMinimal, {"run.seed=18446744073709551615"}).empty());
}

TEST(Validate, MetricNamesMustBeKnownAndListedOnce) {
  std::string all = "run { output {";
  for (const auto& m : scenario_detail::known_metric_names()) all += " metrics: \"" + m + "\"";
  all += " } }\ncourtyards { name: \"A\" }";
  EXPECT_TRUE(problems_of(all).empty()) << joined(problems_of(all));
  EXPECT_EQ(scenario_detail::known_metric_names().size(), courtyard::all_metrics().size());
  const auto ds = problems_of("run { output { metrics: \"disorder\" metrics: \"joy\" metrics: \"disorder\" } }\n"
                              "courtyards { name: \"A\" }");
  EXPECT_TRUE(rejects(ds, "run.output.metrics[1]"));
  EXPECT_TRUE(rejects(ds, "run.output.metrics[2]"));
  EXPECT_EQ(ds.size(), 2u) << joined(ds);
}

TEST(Validate, AtLeastOneCourtyard) {
  EXPECT_TRUE(rejects(problems_of("run { steps: 5 }"), "courtyards"));
  EXPECT_TRUE(rejects(problems_of("courtyard_kinds { name: \"k\" count: 0 }"), "courtyards"));
  EXPECT_TRUE(problems_of("courtyard_kinds { name: \"k\" count: 1 }").empty());
}

TEST(Validate, NamesUniqueAndNonEmpty) {
  EXPECT_TRUE(rejects(problems_of("courtyards { households: 5 stairwells: 1 }"), "courtyards[0].name"));
  EXPECT_TRUE(rejects(problems_of("courtyards { name: \"A\" } courtyards { name: \"A\" }"), "courtyards[1].name"));
  EXPECT_TRUE(rejects(problems_of("courtyard_kinds { name: \"k\" } courtyard_kinds { name: \"k\" }"),
                      "courtyard_kinds[1].name"));
  EXPECT_TRUE(rejects(problems_of("courtyard_kinds { count: 2 }"), "courtyard_kinds[0].name"));
  EXPECT_TRUE(rejects(problems_of("communities { name: \"E\" } communities { name: \"E\" } courtyards { name: \"A\" }"),
                      "communities[1].name"));
  EXPECT_TRUE(rejects(problems_of("communities { } courtyards { name: \"A\" }"), "communities[0].name"));
  // an explicit courtyard may not take a generated courtyard's name; outside the count it may
  EXPECT_TRUE(rejects(problems_of("courtyard_kinds { name: \"old\" count: 3 } courtyards { name: \"old-2\" }"),
                      "courtyards[0].name"));
  EXPECT_TRUE(problems_of("courtyard_kinds { name: \"old\" count: 3 } courtyards { name: \"old-4\" }").empty());
  EXPECT_TRUE(problems_of("courtyard_kinds { name: \"old\" count: 3 } courtyards { name: \"old-02\" }").empty());
}

TEST(Validate, CommunityReferencesMustExist) {
  const auto ds = problems_of(R"(
    communities { name: "East" }
    courtyards { name: "A" community: "West" }
    courtyards { name: "B" community: "East" }
    courtyard_kinds { name: "k" communities: "East" communities: "North" }
  )");
  EXPECT_TRUE(rejects(ds, "courtyards[0].community"));
  EXPECT_TRUE(rejects(ds, "courtyard_kinds[0].communities[1]"));
  EXPECT_EQ(ds.size(), 2u) << joined(ds);
  // the implicit default community may be named
  EXPECT_TRUE(problems_of("courtyards { name: \"A\" community: \"default\" }").empty());
}

TEST(Validate, CourtyardSizes) {
  EXPECT_TRUE(rejects({"courtyards[0].households=0"}, "courtyards[0].households"));
  EXPECT_TRUE(rejects({"courtyards[0].households=100001"}, "courtyards[0].households"));
  EXPECT_TRUE(rejects({"courtyards[0].stairwells=0"}, "courtyards[0].stairwells"));
  EXPECT_TRUE(rejects({"courtyards[0].stairwells=21"}, "courtyards[0].stairwells"));  // > 20 households
  EXPECT_TRUE(problems_of(kMinimal, {"courtyards[0].stairwells=20"}).empty());
  EXPECT_TRUE(rejects({"courtyards[0].floors=0"}, "courtyards[0].floors"));
  EXPECT_TRUE(rejects({"courtyards[0].floors=61"}, "courtyards[0].floors"));
  EXPECT_TRUE(rejects({"courtyards[0].build_year=1899"}, "courtyards[0].build_year"));
  EXPECT_TRUE(rejects({"courtyards[0].build_year=2101"}, "courtyards[0].build_year"));
  EXPECT_TRUE(problems_of(kMinimal, {"courtyards[0].floors=60", "courtyards[0].build_year=2100"}).empty());
}

TEST(Validate, CourtyardSharesInUnitInterval) {
  for (const char* f : {"party_member_share", "initial_condition", "initial_disorder", "initial_collection",
                        "initial_trust"}) {
    const std::string path = std::string("courtyards[0].") + f;
    EXPECT_TRUE(rejects({path + "=1.01"}, path));
    EXPECT_TRUE(rejects({path + "=-0.01"}, path));
    EXPECT_TRUE(problems_of(kMinimal, {path + "=1"}).empty()) << path;
    EXPECT_TRUE(problems_of(kMinimal, {path + "=0"}).empty()) << path;
  }
  // NaN written in the file is not a share
  EXPECT_TRUE(rejects(problems_of("courtyards { name: \"A\" initial_trust: nan }"), "courtyards[0].initial_trust"));
}

TEST(Validate, AmountsNonNegative) {
  for (const char* f : {"fee_per_month", "initial_fund", "flat_area_m2", "maintenance_per_household_month"}) {
    const std::string path = std::string("courtyards[0].") + f;
    EXPECT_TRUE(rejects({path + "=-1"}, path));
    EXPECT_TRUE(problems_of(kMinimal, {path + "=0"}).empty()) << path;
  }
  EXPECT_TRUE(rejects(problems_of("courtyards { name: \"A\" initial_fund: inf }"), "courtyards[0].initial_fund"));
  EXPECT_TRUE(rejects({"subdistrict.budget_yuan=-5"}, "subdistrict.budget_yuan"));
}

TEST(Validate, ManagementMustBeSpecified) {
  EXPECT_TRUE(rejects({"courtyards[0].management=MANAGEMENT_UNSPECIFIED"}, "courtyards[0].management"));
  EXPECT_TRUE(problems_of(kMinimal, {"courtyards[0].management=MANAGEMENT_COMPANY"}).empty());
}

TEST(Validate, TenureSharesSumToOne) {
  auto with = [](const std::string& tenure) {
    return problems_of("courtyards { name: \"A\" tenure { " + tenure + " } }");
  };
  EXPECT_TRUE(with("owner: 0.62 renter: 0.30 vacant: 0.08").empty());
  EXPECT_TRUE(with("owner: 1").empty());
  EXPECT_TRUE(with("owner: 0.3333333 renter: 0.3333333 vacant: 0.3333334").empty());
  EXPECT_TRUE(rejects(with("owner: 0.6 renter: 0.3"), "courtyards[0].tenure"));
  EXPECT_TRUE(rejects(with("owner: 0.5 renter: 0.5 vacant: 0.00001"), "courtyards[0].tenure"));
  EXPECT_TRUE(rejects(with("owner: 1.5 renter: -0.5"), "courtyards[0].tenure.owner"));
  EXPECT_TRUE(rejects(with("owner: 1.5 renter: -0.5"), "courtyards[0].tenure.renter"));
  EXPECT_TRUE(rejects(problems_of("courtyard_kinds { name: \"k\" tenure { owner: 0.2 } }"), "courtyard_kinds[0].tenure"));
  // a missing tenure mix means owner-occupied
  EXPECT_TRUE(problems_of("courtyards { name: \"A\" }").empty());
}

// A kind with one distribution, and the problems of it.
std::vector<Diagnostic> kind_with(const std::string& dist) {
  return problems_of("courtyard_kinds { name: \"k\" count: 2 " + dist + " }");
}

TEST(Validate, DistributionsWellFormed) {
  EXPECT_TRUE(kind_with("households { fixed: 30 }").empty());
  EXPECT_TRUE(kind_with("households { uniform { min: 30 max: 30 } }").empty());
  EXPECT_TRUE(kind_with("initial_trust { normal { mean: 0.5 sd: 0.1 min: 0 max: 1 } }").empty());
  EXPECT_TRUE(rejects(kind_with("households { }"), "courtyard_kinds[0].households"));
  EXPECT_TRUE(rejects(kind_with("households { uniform { min: 90 max: 30 } }"), "courtyard_kinds[0].households.uniform"));
  EXPECT_TRUE(rejects(kind_with("initial_trust { normal { mean: 0.5 sd: -0.1 min: 0 max: 1 } }"),
                      "courtyard_kinds[0].initial_trust.normal.sd"));
  EXPECT_TRUE(rejects(kind_with("initial_trust { normal { mean: 0.5 sd: 0.1 min: 0.8 max: 0.2 } }"),
                      "courtyard_kinds[0].initial_trust.normal"));
}

TEST(Validate, DistributionRangeFitsTheField) {
  EXPECT_TRUE(rejects(kind_with("households { uniform { min: 0 max: 30 } }"), "courtyard_kinds[0].households.uniform.min"));
  EXPECT_TRUE(rejects(kind_with("floors { uniform { min: 5 max: 70 } }"), "courtyard_kinds[0].floors.uniform.max"));
  EXPECT_TRUE(rejects(kind_with("households { fixed: 0 }"), "courtyard_kinds[0].households.fixed"));
  EXPECT_TRUE(rejects(kind_with("initial_trust { fixed: 1.2 }"), "courtyard_kinds[0].initial_trust.fixed"));
  EXPECT_TRUE(rejects(kind_with("fee_per_month { uniform { min: -5 max: 30 } }"),
                      "courtyard_kinds[0].fee_per_month.uniform.min"));
  // a normal is clamped to [min, max]: unset bounds (+-1e300) do not fit a bounded field
  const auto ds = kind_with("initial_trust { normal { mean: 0.5 sd: 0.1 } }");
  EXPECT_TRUE(rejects(ds, "courtyard_kinds[0].initial_trust.normal.min"));
  EXPECT_TRUE(rejects(ds, "courtyard_kinds[0].initial_trust.normal.max"));
  EXPECT_NE(find_field(ds, "courtyard_kinds[0].initial_trust.normal.min")->message.find("set normal.min"),
            std::string::npos);
  // every field is bounded above too (docs/scenario-format.md, "Bounds"): a normal needs its max as well
  EXPECT_TRUE(rejects(kind_with("fee_per_month { normal { mean: 30 sd: 10 min: 0 } }"),
                      "courtyard_kinds[0].fee_per_month.normal.max"));
  EXPECT_TRUE(kind_with("fee_per_month { normal { mean: 30 sd: 10 min: 0 max: 200 } }").empty());
}

TEST(Validate, KindStairwellsNeverExceedHouseholds) {
  EXPECT_TRUE(kind_with("households { uniform { min: 10 max: 20 } } stairwells { uniform { min: 1 max: 10 } }").empty());
  EXPECT_TRUE(rejects(kind_with("households { uniform { min: 5 max: 20 } } stairwells { uniform { min: 1 max: 10 } }"),
                      "courtyard_kinds[0].stairwells"));
  // absent: the courtyard default (4 stairwells)
  EXPECT_TRUE(rejects(kind_with("households { fixed: 3 }"), "courtyard_kinds[0].stairwells"));
}

TEST(Validate, KindCountInRange) {
  EXPECT_TRUE(rejects(problems_of("courtyards { name: \"A\" } courtyard_kinds { name: \"k\" count: -1 }"),
                      "courtyard_kinds[0].count"));
  EXPECT_TRUE(rejects(problems_of("courtyard_kinds { name: \"k\" count: 100001 }"), "courtyard_kinds[0].count"));
}

TEST(Validate, ManagementContractTermsInRange) {
  // every term of a contract, where a courtyard, a kind or a management change sets it
  for (const std::string base : {"courtyards[0].contract.", "courtyard_kinds[0].contract."}) {
    const std::string kind = base.starts_with("courtyard_kinds") ? "courtyard_kinds { name: \"k\" } " : "";
    auto rejected = [&](const std::string& field, const std::string& value) {
      return rejects(problems_of(std::string(kMinimal) + kind, {base + field + "=" + value}), base + field);
    };
    EXPECT_TRUE(rejected("margin", "1.5"));
    EXPECT_TRUE(rejected("margin", "-0.1"));
    EXPECT_TRUE(rejected("service_level", "1.1"));
    EXPECT_TRUE(rejected("exit_collection", "-0.5"));
    EXPECT_TRUE(rejected("exit_months", "-1"));
    EXPECT_TRUE(rejected("exit_months", "2000"));
    EXPECT_TRUE(rejected("remuneration_per_household_month", "-3"));
    EXPECT_TRUE(problems_of(std::string(kMinimal) + kind, {base + "margin=0.2", base + "exit_months=6",
                                                           base + "remuneration_per_household_month=3"})
                    .empty());
  }
  const std::string change = std::string(kMinimal) +
                             "interventions { name: \"hire\" management_change { management: MANAGEMENT_COMPANY "
                             "contract { margin: 2 } } }";
  EXPECT_TRUE(rejects(problems_of(change), "interventions[0].management_change.contract.margin"));
  EXPECT_TRUE(problems_of(std::string(kMinimal) + "courtyards { name: \"B\" management: MANAGEMENT_TRUST } "
                          "courtyards { name: \"C\" management: MANAGEMENT_OWNERS_COMMITTEE }")
                  .empty());
}

TEST(Validate, EveryBehaviourParameterHasARule) {
  // each double of each Behaviour part is classified exactly once (a new field needs a rule)
  std::set<std::string> ruled;
  for (const auto& r : behaviour_rules())
    EXPECT_TRUE(ruled.insert(std::string(r.group) + "." + r.field).second) << r.group << "." << r.field;
  size_t fields = 0;
  const auto* behaviour = courtyard::v1::Behaviour::descriptor();
  for (int i = 0; i < behaviour->field_count(); ++i) {
    const auto* group = behaviour->field(i)->message_type();
    ASSERT_NE(group, nullptr);
    for (int j = 0; j < group->field_count(); ++j) {
      ++fields;
      EXPECT_TRUE(ruled.count(behaviour->field(i)->name() + "." + group->field(j)->name()))
          << "no rule for " << behaviour->field(i)->name() << "." << group->field(j)->name();
    }
  }
  EXPECT_EQ(fields, ruled.size());
}

TEST(Validate, BehaviourParametersInRange) {
  // every parameter has a finite lower and upper bound: the bounds are valid, just past either is
  // refused, and so are NaN and infinity (cooperation's shares are checked at the bounds by their sum)
  for (const auto& r : behaviour_rules()) {
    const std::string path = std::string("behaviour.") + r.group + "." + r.field;
    ASSERT_TRUE(std::isfinite(r.lo) && std::isfinite(r.hi) && r.lo < r.hi) << path;
    const double step = std::max(1e-6, 1e-6 * (r.hi - r.lo));
    char lo_past[40], hi_past[40];
    std::snprintf(lo_past, sizeof lo_past, "%.17g", r.lo - step);
    std::snprintf(hi_past, sizeof hi_past, "%.17g", r.hi + step);
    EXPECT_TRUE(rejects({path + "=" + lo_past}, path)) << lo_past;
    EXPECT_TRUE(rejects({path + "=" + hi_past}, path)) << hi_past;
    EXPECT_TRUE(rejects(problems_of(std::string(kMinimal) + "behaviour { " + r.group + " { " + r.field + ": inf } }"), path));
    EXPECT_TRUE(rejects(problems_of(std::string(kMinimal) + "behaviour { " + r.group + " { " + r.field + ": nan } }"), path));
    if (std::string(r.group) == "cooperation" && std::string(r.field).ends_with("_share")) continue;
    char lo[40], hi[40];
    std::snprintf(lo, sizeof lo, "%.17g", r.lo);
    std::snprintf(hi, sizeof hi, "%.17g", r.hi);
    EXPECT_TRUE(problems_of(kMinimal, {path + "=" + lo}).empty()) << path << "=" << lo;
    EXPECT_TRUE(problems_of(kMinimal, {path + "=" + hi}).empty()) << path << "=" << hi;
  }
}

TEST(Validate, AmountsHaveUpperBounds) {
  // the reliability report's extremes, and the other amounts that had only a lower bound
  EXPECT_TRUE(rejects({"behaviour.trust.opacity_noise=1e100"}, "behaviour.trust.opacity_noise"));
  EXPECT_TRUE(rejects({"courtyards[0].fee_per_month=1e308"}, "courtyards[0].fee_per_month"));
  EXPECT_TRUE(rejects({"courtyards[0].initial_fund=1e13"}, "courtyards[0].initial_fund"));
  EXPECT_TRUE(rejects({"subdistrict.budget_yuan=1e300"}, "subdistrict.budget_yuan"));
  EXPECT_TRUE(problems_of(kMinimal, {"courtyards[0].fee_per_month=1000000", "subdistrict.budget_yuan=1e12"}).empty());
}

TEST(Validate, CooperationSharesSumToOne) {
  EXPECT_TRUE(rejects({"behaviour.cooperation.hump_share=0.2"}, "behaviour.cooperation"));
  EXPECT_TRUE(problems_of(kMinimal, {"behaviour.cooperation.hump_share=0.2", "behaviour.cooperation.other_share=0"}).empty());
}

// The minimal scenario plus one intervention.
std::vector<Diagnostic> with_intervention(const std::string& body) {
  return problems_of(std::string(kMinimal) + "courtyard_kinds { name: \"old\" count: 2 }\ninterventions { " + body + " }");
}

TEST(Validate, InterventionSchedule) {
  EXPECT_TRUE(with_intervention("start_step: 0 end_step: 9 subsidy { yuan: 1 }").empty());
  EXPECT_TRUE(rejects(with_intervention("start_step: 10 subsidy { yuan: 1 }"), "interventions[0].start_step"));
  EXPECT_TRUE(rejects(with_intervention("start_step: -1 subsidy { yuan: 1 }"), "interventions[0].start_step"));
  EXPECT_TRUE(rejects(with_intervention("start_step: 5 end_step: 4 subsidy { yuan: 1 }"), "interventions[0].end_step"));
  const auto ds = with_intervention("start_step: 5 end_step: 10 subsidy { yuan: 1 }");
  ASSERT_TRUE(rejects(ds, "interventions[0].end_step"));
  EXPECT_NE(find_field(ds, "interventions[0].end_step")->message.find("past the end of the run"), std::string::npos);
}

TEST(Validate, InterventionAmountsAndAction) {
  EXPECT_TRUE(rejects(with_intervention("intensity: 1.1 subsidy { yuan: 1 }"), "interventions[0].intensity"));
  EXPECT_TRUE(rejects(with_intervention("cost_yuan: -1 subsidy { yuan: 1 }"), "interventions[0].cost_yuan"));
  EXPECT_TRUE(rejects(with_intervention("payer: PAYER_UNSPECIFIED subsidy { yuan: 1 }"), "interventions[0].payer"));
  EXPECT_TRUE(rejects(with_intervention("name: \"x\""), "interventions[0]"));
  EXPECT_TRUE(rejects(with_intervention("subsidy { yuan: -1 }"), "interventions[0].subsidy.yuan"));
  EXPECT_TRUE(rejects(with_intervention("subsidy { }"), "interventions[0].subsidy"));
  EXPECT_TRUE(rejects(with_intervention("fee_change { fee_per_month: -1 }"), "interventions[0].fee_change.fee_per_month"));
  EXPECT_TRUE(rejects(with_intervention("fee_change { }"), "interventions[0].fee_change"));
  EXPECT_TRUE(rejects(with_intervention("management_change { }"), "interventions[0].management_change.management"));
  EXPECT_TRUE(with_intervention("management_change { management: MANAGEMENT_SELF }").empty());
  EXPECT_TRUE(rejects(with_intervention("cleaning { weekly_share: 2 }"), "interventions[0].cleaning.weekly_share"));
  EXPECT_TRUE(with_intervention("hardware_upgrade { facilities: \"roof\" facilities: \"common_rooms\" }").empty());
  EXPECT_TRUE(rejects(with_intervention("hardware_upgrade { facilities: \"lift\" }"),
                      "interventions[0].hardware_upgrade.facilities[0]"));
}

TEST(Validate, InterventionTargets) {
  EXPECT_TRUE(with_intervention("targets { courtyards: \"A\" courtyards: \"old-2\" } subsidy { yuan: 1 }").empty());
  EXPECT_TRUE(rejects(with_intervention("targets { courtyards: \"old-3\" } subsidy { yuan: 1 }"),
                      "interventions[0].targets.courtyards[0]"));
  EXPECT_TRUE(rejects(with_intervention("targets { courtyards: \"A\" courtyards: \"B\" } subsidy { yuan: 1 }"),
                      "interventions[0].targets.courtyards[1]"));
  EXPECT_TRUE(with_intervention("targets { kind: \"old\" } subsidy { yuan: 1 }").empty());
  EXPECT_TRUE(rejects(with_intervention("targets { kind: \"new\" } subsidy { yuan: 1 }"), "interventions[0].targets.kind"));
  EXPECT_TRUE(with_intervention("targets { condition: \"collection_rate < 0.5\" } subsidy { yuan: 1 }").empty());
  EXPECT_TRUE(rejects(with_intervention("targets { condition: \"happiness < 0.5\" } subsidy { yuan: 1 }"),
                      "interventions[0].targets.condition"));
  // per-facility conditions, as the sim's metric table has them
  EXPECT_TRUE(with_intervention("targets { condition: \"facility_roof < 0.3\" } hardware_upgrade { }").empty());
  EXPECT_TRUE(rejects(with_intervention("targets { condition: \"facility_lift < 0.3\" } hardware_upgrade { }"),
                      "interventions[0].targets.condition"));
}

TEST(Validate, ConditionGrammar) {
  std::string error;
  const auto c = scenario_detail::parse_condition("  disorder>=0.25 ", &error);
  ASSERT_TRUE(c.has_value()) << error;
  EXPECT_EQ(c->metric, "disorder");
  EXPECT_EQ(c->op, '>');
  EXPECT_TRUE(c->or_equal);
  EXPECT_DOUBLE_EQ(c->value, 0.25);
  const auto d = scenario_detail::parse_condition("fund_balance < -1e3", &error);
  ASSERT_TRUE(d.has_value()) << error;
  EXPECT_EQ(d->op, '<');
  EXPECT_FALSE(d->or_equal);
  EXPECT_DOUBLE_EQ(d->value, -1000);
  for (const char* bad : {"", "disorder", "disorder < ", "disorder == 0.5", "disorder < 0.5 and", "< 0.5",
                          "disorder <> 0.5", "joy < 0.5", "disorder < nan"}) {
    EXPECT_FALSE(scenario_detail::parse_condition(bad, &error).has_value()) << bad;
    EXPECT_FALSE(error.empty());
  }
}

TEST(Validate, HouseholdSnapshotsNameCourtyards) {
  EXPECT_TRUE(problems_of("run { output { household_snapshots: \"k-2\" } } courtyard_kinds { name: \"k\" count: 2 }").empty());
  EXPECT_TRUE(rejects(problems_of("run { output { household_snapshots: \"k-3\" } } courtyard_kinds { name: \"k\" count: 2 }"),
                      "run.output.household_snapshots[0]"));
}

// Scenario.labels: names in a second language for the report; each key once, with a name.
TEST(Validate, LabelsHaveAKeyOnceAndAName) {
  const std::string base = R"(
    name: "pilot" subdistrict { name: "双桂路街道" } communities { name: "牛沙路" }
    courtyards { name: "Zone 2" community: "牛沙路" households: 10 stairwells: 1 }
    courtyard_kinds { name: "old" count: 2 }
    interventions { name: "clean-up" cleaning { } }
  )";
  const auto ok = problems_of(base + R"(
    labels { key: "Zone 2" zh: "江东民居二区" } labels { key: "old-2" zh: "老旧院落二" }
    labels { key: "old" zh: "老旧院落" } labels { key: "clean-up" zh: "清洁行动" }
    labels { key: "双桂路街道" en: "Shuangguilu subdistrict" } labels { key: "牛沙路" en: "Niushalu" }
    labels { key: "pilot" zh: "试点" } labels { key: "covenant" zh: "定公约" } labels { key: "organisation" zh: "建组织" }
    labels { key: "collection_rate" zh: "物业费收缴率" en: "fee collection" }
  )");
  EXPECT_TRUE(ok.empty()) << joined(ok);
  // a key that names nothing here is kept, unused (a paired baseline drops the interventions it names)
  const auto unused = problems_of(base + R"(labels { key: "Zone 3" zh: "三区" })");
  EXPECT_TRUE(unused.empty()) << joined(unused);
  EXPECT_TRUE(rejects(problems_of(base + R"(labels { key: "Zone 2" zh: "二区" } labels { key: "Zone 2" zh: "又二区" })"),
                      "labels[1].key"));
  EXPECT_TRUE(rejects(problems_of(base + R"(labels { zh: "二区" })"), "labels[0].key"));
  EXPECT_TRUE(rejects(problems_of(base + R"(labels { key: "Zone 2" })"), "labels[0]"));
  EXPECT_TRUE(rejects(problems_of(base + R"(labels { key: "Zone 2" zh: "二\n区" })"), "labels[0].zh"));
}

TEST(Validate, ChineseNamesAreValid) {
  const auto ds = problems_of(R"(
    name: "院落名称"
    subdistrict { name: "双桂路街道" }
    communities { name: "牛沙路" } communities { name: "五福桥" }
    courtyards { name: "江东民居二区" community: "牛沙路" households: 86 stairwells: 4 }
    courtyard_kinds { name: "老旧院落" count: 2 communities: ["五福桥"] }
    run { output { household_snapshots: ["江东民居二区", "老旧院落-2"] } }
    interventions { name: "清洁行动" targets { kind: "老旧院落" courtyards: "江东民居二区" } cleaning { } }
  )");
  EXPECT_TRUE(ds.empty()) << joined(ds);
  // the same through --set, with a Chinese value
  EXPECT_TRUE(problems_of("communities { name: \"牛沙路\" } courtyards { name: \"A\" households: 5 stairwells: 1 }",
                          {"courtyards[0].name=龙舟路60号院新五栋", "courtyards[0].community=牛沙路"})
                  .empty());
}

TEST(Validate, Utf8Checker) {
  using scenario_detail::invalid_utf8_at;
  constexpr size_t kOk = std::string_view::npos;
  EXPECT_EQ(invalid_utf8_at(""), kOk);
  EXPECT_EQ(invalid_utf8_at("plain ASCII"), kOk);
  EXPECT_EQ(invalid_utf8_at("江东民居二区 (Zone 2) é"), kOk);
  EXPECT_EQ(invalid_utf8_at("\xF0\x9F\x8F\xA0"), kOk);         // U+1F3E0, four bytes
  EXPECT_EQ(invalid_utf8_at("ab\xFF"), 2u);                     // never a UTF-8 byte
  EXPECT_EQ(invalid_utf8_at("a\x80"), 1u);                      // a lone continuation byte
  EXPECT_EQ(invalid_utf8_at("\xE6\xB1"), 0u);                   // truncated: 汇 without its last byte
  EXPECT_EQ(invalid_utf8_at("\xE6\xB1x"), 0u);                  // a continuation byte missing
  EXPECT_EQ(invalid_utf8_at("\xC0\xAF"), 0u);                   // overlong '/'
  EXPECT_EQ(invalid_utf8_at("\xE0\x80\xAF"), 0u);               // overlong '/', three bytes
  EXPECT_EQ(invalid_utf8_at("\xED\xA0\x80"), 0u);               // a UTF-16 surrogate (U+D800)
  EXPECT_EQ(invalid_utf8_at("\xF4\x90\x80\x80"), 0u);           // past U+10FFFF
  EXPECT_EQ(invalid_utf8_at("\xE5\x8F\x8C\xB4"), 3u);           // 双, then a stray continuation byte
}

TEST(Validate, InvalidUtf8RejectedWhereWritten) {
  // a text file: at the field, FILE:LINE:COL
  const auto ds = problems_of("run { steps: 10 }\ncourtyards { name: \"A\xFF\" households: 20 stairwells: 2 }\n"
                              "courtyard_kinds { name: \"k\" count: 1 communities: [\"\xC0\xAF\"] }\n"
                              "communities { name: \"\xC0\xAF\" }\n");
  const Diagnostic* d = find_field(ds, "courtyards[0].name");
  ASSERT_NE(d, nullptr) << joined(ds);
  EXPECT_EQ(d->line, 2);
  EXPECT_EQ(d->column, 14);
  EXPECT_NE(d->message.find("UTF-8"), std::string::npos) << d->message;
  EXPECT_TRUE(rejects(ds, "courtyard_kinds[0].communities[0]"));
  EXPECT_TRUE(rejects(ds, "communities[0].name"));
  // JSON: at the string
  const auto js = problems_of("{\"run\": {\"steps\": 10},\n \"courtyards\": [{\"name\": \"B\xE6\xB1\", \"households\": 20, "
                              "\"stairwells\": 2}]}",
                              {}, true, "t.json");
  d = find_field(js, "courtyards[0].name");
  ASSERT_NE(d, nullptr) << joined(js);
  EXPECT_EQ(d->line, 2);
  EXPECT_EQ(d->column, 26);
  // --set: at the override
  const auto set = problems_of(kMinimal, {"courtyards[0].name=\xFF"});
  d = find_field(set, "courtyards[0].name");
  ASSERT_NE(d, nullptr) << joined(set);
  EXPECT_EQ(d->file, "--set[0]");
}

}  // namespace
}  // namespace courtyard
