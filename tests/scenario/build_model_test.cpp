// build_model: generated courtyards (keyed, deterministic draws), ids, offsets, parameters, interventions.
#include <charconv>
#include <cstring>

#include "core/rng.h"
#include "scenario/detail.h"
#include "scenario/sha256.h"
#include "test_util.h"

namespace courtyard {
namespace {

Model model_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return build_model(load_scenario_text("t.txtpb", text, false, overrides));
}

Model demo(const std::vector<std::string>& overrides = {}) {
  return build_model(load_scenario_text("<embedded:demo_district>", embedded_default_scenario(), false, overrides));
}

bool same_courtyard(const CourtyardSpec& a, const CourtyardSpec& b) {
  return a.name == b.name && a.kind == b.kind && a.community == b.community && a.households == b.households &&
         a.stairwells == b.stairwells && a.floors == b.floors && a.build_year == b.build_year &&
         a.owner_share == b.owner_share && a.renter_share == b.renter_share && a.vacant_share == b.vacant_share &&
         a.party_member_share == b.party_member_share && a.initial_condition == b.initial_condition &&
         a.initial_disorder == b.initial_disorder && a.fee_per_month == b.fee_per_month &&
         a.initial_fund == b.initial_fund && a.management == b.management && a.flat_area_m2 == b.flat_area_m2 &&
         a.initial_collection == b.initial_collection && a.initial_trust == b.initial_trust &&
         a.maintenance_per_household_month == b.maintenance_per_household_month;
}

TEST(BuildModel, SameSeedSameGeneratedCourtyards) {
  const Model a = demo(), b = demo();
  ASSERT_EQ(a.ncourtyard(), 241);
  ASSERT_EQ(b.ncourtyard(), a.ncourtyard());
  for (int32_t c = 0; c < a.ncourtyard(); ++c) EXPECT_TRUE(same_courtyard(a.courtyards[c], b.courtyards[c])) << c;
  EXPECT_EQ(a.household_offset, b.household_offset);
  EXPECT_EQ(a.scenario_sha256, b.scenario_sha256);
}

TEST(BuildModel, DifferentSeedDifferentCourtyards) {
  const Model a = demo(), b = demo({"run.seed=1"});
  int differ = 0;
  for (int32_t c = 1; c < a.ncourtyard(); ++c) differ += a.courtyards[c].households != b.courtyards[c].households;
  EXPECT_GT(differ, 200);  // nearly every drawn households differs (81 values each)
  EXPECT_TRUE(same_courtyard(a.courtyards[0], b.courtyards[0]));  // the explicit courtyard is not drawn
  EXPECT_NE(a.scenario_sha256, b.scenario_sha256);
}

TEST(BuildModel, DrawsAreKeyedByCourtyardAndAttribute) {
  // households of courtyard 5 is Stream(seed, kGenerateCourtyards, 5, <field number 4>, 0), rounded
  const Model m = demo();
  const CourtyardSpec& c = m.courtyards[5];
  ASSERT_EQ(c.name, "old-dormitory-5");
  Stream households(m.seed, Purpose::kGenerateCourtyards, 5, courtyard::v1::CourtyardKind::kHouseholdsFieldNumber, 0);
  EXPECT_EQ(c.households, std::lround(households.uniform(40, 120)));
  Stream condition(m.seed, Purpose::kGenerateCourtyards, 5, courtyard::v1::CourtyardKind::kInitialConditionFieldNumber, 0);
  EXPECT_DOUBLE_EQ(c.initial_condition, std::clamp(condition.normal(0.55, 0.1), 0.2, 0.9));
}

TEST(BuildModel, GeneratedCourtyardsNamedAndOrdered) {
  const Model m = demo();
  EXPECT_EQ(m.kind_names, (std::vector<std::string>{"old-dormitory", "new-estate"}));
  EXPECT_EQ(m.courtyards[0].name, "Jiangdong Minju Zone 2");
  EXPECT_EQ(m.courtyards[0].kind, -1);
  EXPECT_EQ(m.courtyards[1].name, "old-dormitory-1");
  EXPECT_EQ(m.courtyards[200].name, "old-dormitory-200");
  EXPECT_EQ(m.courtyards[201].name, "new-estate-1");
  EXPECT_EQ(m.courtyards[240].name, "new-estate-40");
  for (int32_t c = 1; c <= 200; ++c) EXPECT_EQ(m.courtyards[c].kind, 0);
  for (int32_t c = 201; c <= 240; ++c) EXPECT_EQ(m.courtyards[c].kind, 1);
}

// The case scenarios carry the case's own names (shared/seed/jiangdong-minju-case.zh.txt): the subdistrict
// 双桂路街道, its communities 牛沙路, 五福桥, 通慧 and, in preparation, 双桂路, 汇泉路; the roof building
// 龙舟路60号院新五栋 in 牛沙路. The demo (engine/cli/demo_command.cpp) follows these courtyards by name.
TEST(BuildModel, CaseScenariosCarryTheCaseNames) {
  auto model = [](const std::string& name) {
    return build_model(load_scenario_text("<embedded:" + name + ">", embedded_scenario(name), false, {}));
  };
  const Model sub = build_model(load_scenario(testing::scenarios_dir() + "/shuangguilu_subdistrict.txtpb"));
  EXPECT_EQ(sub.subdistrict_name, "双桂路街道");
  EXPECT_EQ(sub.community_names, (std::vector<std::string>{"牛沙路", "五福桥", "通慧", "双桂路", "汇泉路"}));
  const Model roof = model("roof_insulation_meeting");
  EXPECT_EQ(roof.subdistrict_name, "双桂路街道");
  ASSERT_EQ(roof.ncourtyard(), 1);
  EXPECT_EQ(roof.courtyards[0].name, "龙舟路60号院新五栋");
  EXPECT_EQ(roof.community_names[static_cast<size_t>(roof.courtyards[0].community)], "牛沙路");
  EXPECT_EQ(roof.output.household_snapshots, (std::vector<int32_t>{0}));
  // the case's names in the other language (Scenario.labels), for the report
  auto label = [](const Model& m, const std::string& key) {
    for (const LabelSpec& l : m.labels)
      if (l.key == key) return l;
    return LabelSpec{};
  };
  EXPECT_EQ(label(roof, "龙舟路60号院新五栋").en, "Longzhou Road No. 60, new building 5 (龙舟路60号院新五栋)");
  EXPECT_EQ(label(roof, "courtyard meeting on the insulation").zh, "院落会议：屋顶隔热");
  const Model pilot = model("jiangdong_minju_pilot");
  EXPECT_EQ(label(pilot, "Jiangdong Minju Zone 2").zh, "江东民居二区");
  EXPECT_EQ(label(pilot, "organisation").zh, "建组织");
  EXPECT_EQ(label(pilot, "services").zh, "强服务");
  for (const char* name : {"jiangdong_minju_pilot", "jiangdong_minju_baseline", "demo_district"}) {
    const Model m = model(name);
    EXPECT_EQ(m.subdistrict_name, "双桂路街道") << name;
    EXPECT_EQ(m.courtyards[0].name, "Jiangdong Minju Zone 2") << name;
    EXPECT_EQ(m.community_names[static_cast<size_t>(m.courtyards[0].community)], "牛沙路") << name;
  }
}

// Names are labels: renaming every community, courtyard and kind (here into Chinese) builds the same
// courtyards, numbered the same way, with the same drawn attributes.
TEST(BuildModel, NamesDoNotChangeTheModel) {
  const Model a = demo();
  const Model b = demo({"communities[0].name=东", "communities[1].name=西", "courtyards[0].community=东",
                        "courtyard_kinds[0].communities[0]=东", "courtyard_kinds[0].communities[1]=西",
                        "courtyard_kinds[1].communities[0]=西", "courtyards[0].name=江东民居二区",
                        "courtyard_kinds[0].name=老旧院落", "interventions[0].targets.kind=老旧院落"});
  ASSERT_EQ(a.ncourtyard(), b.ncourtyard());
  EXPECT_EQ(b.courtyards[1].name, "老旧院落-1");
  for (int32_t c = 0; c < a.ncourtyard(); ++c) {
    CourtyardSpec x = a.courtyards[c], y = b.courtyards[c];
    x.name = y.name = "";
    EXPECT_EQ(x.households, y.households);
    EXPECT_EQ(x.community, y.community);
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_DOUBLE_EQ(x.initial_condition, y.initial_condition);
    EXPECT_DOUBLE_EQ(x.initial_trust, y.initial_trust);
    EXPECT_DOUBLE_EQ(x.fee_per_month, y.fee_per_month);
  }
  EXPECT_EQ(a.household_offset, b.household_offset);
  EXPECT_EQ(a.community_courtyards, b.community_courtyards);
  EXPECT_EQ(a.interventions.size(), b.interventions.size());
  EXPECT_EQ(a.interventions[0].courtyards, b.interventions[0].courtyards);
}

TEST(BuildModel, DrawsStayInsideTheirDistributions) {
  const Model m = demo();
  for (int32_t c = 1; c <= 200; ++c) {
    const auto& y = m.courtyards[c];
    EXPECT_GE(y.households, 40);
    EXPECT_LE(y.households, 120);
    EXPECT_GE(y.stairwells, 2);
    EXPECT_LE(y.stairwells, 6);
    EXPECT_EQ(y.floors, 6);                    // fixed
    EXPECT_GE(y.initial_condition, 0.2);       // normal clamped
    EXPECT_LE(y.initial_condition, 0.9);
    EXPECT_DOUBLE_EQ(y.fee_per_month, 30);
    EXPECT_DOUBLE_EQ(y.owner_share, 0.65);     // the kind's tenure mix
    EXPECT_DOUBLE_EQ(y.flat_area_m2, 60);      // no Dist: the courtyard default
    EXPECT_DOUBLE_EQ(y.maintenance_per_household_month, 0);
    EXPECT_EQ(y.management, Management::kNone);
  }
  for (int32_t c = 201; c <= 240; ++c) {
    EXPECT_EQ(m.courtyards[c].management, Management::kCompany);
    EXPECT_DOUBLE_EQ(m.courtyards[c].maintenance_per_household_month, 20);
  }
}

TEST(BuildModel, NormalClampedToBounds) {
  const Model m = model_of(R"(
    courtyard_kinds { name: "k" count: 200 initial_trust { normal { mean: 0.5 sd: 5 min: 0.4 max: 0.6 } } }
  )");
  int at_bounds = 0;
  for (const auto& c : m.courtyards) {
    EXPECT_GE(c.initial_trust, 0.4);
    EXPECT_LE(c.initial_trust, 0.6);
    at_bounds += c.initial_trust == 0.4 || c.initial_trust == 0.6;
  }
  EXPECT_GT(at_bounds, 150);  // sd 5 over a 0.2 window: nearly all clamped
}

TEST(BuildModel, ExplicitCourtyardCopiedAndTenureDefaultsToOwners) {
  const Model m = model_of(R"(
    courtyards { name: "A" households: 30 stairwells: 3 floors: 5 build_year: 1985 party_member_share: 0.1
      initial_condition: 0.7 initial_disorder: 0.1 fee_per_month: 25 initial_fund: 1000 management: MANAGEMENT_SELF
      flat_area_m2: 55 initial_collection: 0.6 initial_trust: 0.45 maintenance_per_household_month: 3 }
    courtyards { name: "B" tenure { owner: 0.5 renter: 0.4 vacant: 0.1 } }
  )");
  const auto& a = m.courtyards[0];
  EXPECT_EQ(a.households, 30);
  EXPECT_EQ(a.stairwells, 3);
  EXPECT_EQ(a.floors, 5);
  EXPECT_EQ(a.build_year, 1985);
  EXPECT_DOUBLE_EQ(a.party_member_share, 0.1);
  EXPECT_DOUBLE_EQ(a.initial_condition, 0.7);
  EXPECT_DOUBLE_EQ(a.initial_disorder, 0.1);
  EXPECT_DOUBLE_EQ(a.fee_per_month, 25);
  EXPECT_DOUBLE_EQ(a.initial_fund, 1000);
  EXPECT_EQ(a.management, Management::kSelf);
  EXPECT_DOUBLE_EQ(a.flat_area_m2, 55);
  EXPECT_DOUBLE_EQ(a.initial_collection, 0.6);
  EXPECT_DOUBLE_EQ(a.initial_trust, 0.45);
  EXPECT_DOUBLE_EQ(a.maintenance_per_household_month, 3);
  EXPECT_DOUBLE_EQ(a.owner_share, 1);
  EXPECT_DOUBLE_EQ(a.renter_share, 0);
  EXPECT_DOUBLE_EQ(a.vacant_share, 0);
  const auto& b = m.courtyards[1];
  EXPECT_EQ(b.households, 86);  // schema defaults
  EXPECT_DOUBLE_EQ(b.renter_share, 0.4);
  EXPECT_DOUBLE_EQ(b.vacant_share, 0.1);
}

TEST(BuildModel, CommunitiesDealtInTurnAndGrouped) {
  const Model m = model_of(R"(
    communities { name: "East" } communities { name: "West" } communities { name: "North" }
    courtyards { name: "A" community: "North" }
    courtyards { name: "B" }
    courtyard_kinds { name: "k" count: 5 communities: "West" communities: "East" }
  )");
  ASSERT_EQ(m.ncommunity(), 3);
  std::vector<int32_t> community;
  for (const auto& c : m.courtyards) community.push_back(c.community);
  EXPECT_EQ(community, (std::vector<int32_t>{2, 0, 1, 0, 1, 0, 1}));
  EXPECT_EQ(m.community_courtyards, (std::vector<int32_t>{1, 3, 5, 2, 4, 6, 0}));
  EXPECT_EQ(m.community_offset, (std::vector<int32_t>{0, 3, 6, 7}));
}

TEST(BuildModel, HouseholdOffsetsArePrefixSums) {
  const Model m = demo();
  ASSERT_EQ(m.household_offset.size(), m.courtyards.size() + 1);
  EXPECT_EQ(m.household_offset[0], 0);
  for (int32_t c = 0; c < m.ncourtyard(); ++c)
    EXPECT_EQ(m.household_offset[c + 1] - m.household_offset[c], m.courtyards[c].households);
  EXPECT_EQ(m.nhousehold(), m.household_offset.back());
  EXPECT_GT(m.nhousehold(), 200 * 40);
}

TEST(BuildModel, RunSettingsCopied) {
  const Model m = model_of(R"(
    run { seed: 99 steps: 30 start_date: "2016-02-29" output { metrics: "disorder" metrics: "fund_balance"
          record_every: 2 block_records: 8 per_facility: true } }
    subdistrict { name: "Shuangguilu" budget_yuan: 5e5 }
    courtyards { name: "A" }
  )");
  EXPECT_EQ(m.seed, 99u);
  EXPECT_EQ(m.steps, 30);
  EXPECT_EQ(m.start_date.year, 2016);
  EXPECT_EQ(m.start_date.month, 2);
  EXPECT_EQ(m.start_date.day, 29);
  EXPECT_EQ(m.output.metrics, (std::vector<std::string>{"disorder", "fund_balance"}));
  EXPECT_EQ(m.output.record_every, 2);
  EXPECT_EQ(m.output.block_records, 8);
  EXPECT_TRUE(m.output.per_facility);
  EXPECT_EQ(m.subdistrict_name, "Shuangguilu");
  EXPECT_DOUBLE_EQ(m.subdistrict_budget, 5e5);
  EXPECT_EQ(m.community_names, (std::vector<std::string>{"default"}));
}

TEST(BuildModel, CopiesEveryBehaviourParameter) {
  // Params holds the behaviour doubles in schema order: give each a distinct valid value and read
  // Params back as an array of doubles
  constexpr size_t kCount = sizeof(Params) / sizeof(double);
  static_assert(sizeof(Params) == kCount * sizeof(double));
  const auto& rules = scenario_detail::behaviour_rules();
  ASSERT_EQ(rules.size(), kCount);
  std::vector<std::string> overrides;
  std::vector<double> expected;
  for (size_t i = 0; i < rules.size(); ++i) {
    double v = 0.001 * static_cast<double>(i + 1);
    const std::string group = rules[i].group, field = rules[i].field;
    if (group == "cooperation" && field.ends_with("_share")) v = 0.4 - 0.1 * static_cast<double>(i);  // sums to 1
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, v).ptr;  // shortest text that reads back as v
    overrides.push_back("behaviour." + group + "." + field + "=" + std::string(text, end));
    expected.push_back(v);
  }
  const Model m = model_of(testing::kMinimal, overrides);
  double got[kCount];
  std::memcpy(got, &m.params, sizeof got);
  for (size_t i = 0; i < kCount; ++i) EXPECT_DOUBLE_EQ(got[i], expected[i]) << rules[i].group << "." << rules[i].field;
}

TEST(BuildModel, InterventionsResolved) {
  const Model m = model_of(R"(
    run { steps: 20 }
    courtyards { name: "A" } courtyards { name: "B" }
    courtyard_kinds { name: "k" count: 3 }
    interventions { name: "all" subsidy { yuan: 500 } }
    interventions { name: "some" start_step: 2 end_step: 5 payer: PAYER_COURTYARD intensity: 0.5 cost_yuan: 10
      targets { courtyards: "k-2" courtyards: "B" kind: "k" condition: "collection_rate <= 0.4" }
      hardware_upgrade { facilities: "gate" facilities: "roof" } }
    interventions { targets { all: true courtyards: "A" } fee_change { fee_per_month: 45 } }
    interventions { targets { condition: "disorder > 0.5" } management_change { management: MANAGEMENT_COMPANY } }
    interventions { targets { courtyards: "A" } cleaning { weekly_share: 0.25 } }
  )");
  ASSERT_EQ(m.interventions.size(), 5u);
  const auto& all = m.interventions[0];
  EXPECT_EQ(all.name, "all");
  EXPECT_EQ(all.type, InterventionType::kSubsidy);
  EXPECT_EQ(all.start_step, 0);
  EXPECT_EQ(all.end_step, 19);  // unset: to the end of the run
  EXPECT_EQ(all.courtyards, (std::vector<int32_t>{0, 1, 2, 3, 4}));
  EXPECT_DOUBLE_EQ(all.value, 500);
  EXPECT_EQ(all.payer, Payer::kSubdistrict);
  EXPECT_TRUE(all.condition_metric.empty());
  const auto& some = m.interventions[1];
  EXPECT_EQ(some.type, InterventionType::kHardwareUpgrade);
  EXPECT_EQ(some.start_step, 2);
  EXPECT_EQ(some.end_step, 5);
  EXPECT_EQ(some.payer, Payer::kCourtyard);
  EXPECT_DOUBLE_EQ(some.intensity, 0.5);
  EXPECT_DOUBLE_EQ(some.cost_yuan, 10);
  EXPECT_EQ(some.courtyards, (std::vector<int32_t>{1, 2, 3, 4}));  // union, ascending, no duplicate k-2
  EXPECT_EQ(some.condition_metric, "collection_rate");
  EXPECT_EQ(some.condition_op, '<');
  EXPECT_TRUE(some.condition_or_equal);
  EXPECT_DOUBLE_EQ(some.condition_value, 0.4);
  EXPECT_EQ(some.facilities, (std::vector<int32_t>{kGate, kRoof}));
  EXPECT_EQ(m.interventions[2].courtyards.size(), 5u);  // all wins
  EXPECT_DOUBLE_EQ(m.interventions[2].value, 45);
  EXPECT_EQ(m.interventions[3].courtyards.size(), 5u);  // a condition alone: all, filtered at start
  EXPECT_EQ(m.interventions[3].condition_op, '>');
  EXPECT_FALSE(m.interventions[3].condition_or_equal);
  EXPECT_EQ(m.interventions[3].management, Management::kCompany);
  EXPECT_EQ(m.interventions[4].type, InterventionType::kCleaning);
  EXPECT_EQ(m.interventions[4].courtyards, (std::vector<int32_t>{0}));
  EXPECT_DOUBLE_EQ(m.interventions[4].value, 0.25);
}

TEST(BuildModel, ScenarioTextAndFingerprint) {
  const LoadedScenario loaded = load_scenario_text("<embedded:demo_district>", embedded_default_scenario(), false);
  const Model m = build_model(loaded);
  EXPECT_EQ(m.scenario_name, "demo-district");
  EXPECT_EQ(m.scenario_text, scenario_to_text(loaded.spec));
  EXPECT_EQ(m.scenario_sha256, sha256_hex(m.scenario_text));
  EXPECT_EQ(m.scenario_sha256.size(), 64u);
}

TEST(BuildModel, ScenarioNameFallsBackToFileStem) {
  const Model m = build_model(load_scenario_text("runs/pilot.txtpb", testing::kMinimal, false));
  EXPECT_EQ(m.scenario_name, "pilot");
}

TEST(BuildModel, RejectsAnInvalidHandMadeScenario) {
  LoadedScenario loaded = load_scenario_text("t.txtpb", testing::kMinimal, false);
  loaded.spec.mutable_courtyards(0)->set_households(0);
  EXPECT_THROW(build_model(loaded), ScenarioError);
}

}  // namespace
}  // namespace courtyard
