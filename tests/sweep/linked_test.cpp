// Linked axes, cases, the check of every design point, growing a sweep, Morris' design and task blocks
// (issue 10: items 1, 2, 5 and 6).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>

#include "core/errors.h"
#include "sweep/sweep.h"

namespace courtyard::sweep {
namespace {

const std::string kDir = COURTYARD_SWEEP_TEST_DIR "/data";

Plan load(const std::string& text) { return load_sweep_text("s.txtpb", text, kDir); }

std::vector<Diagnostic> problems(const std::string& text) {
  try {
    load(text);
  } catch (const ScenarioError& e) {
    return e.diagnostics();
  }
  return {};
}

std::string all(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const Diagnostic& d : ds) out += d.format() + "\n";
  return out;
}

TEST(Expression, ArithmeticInTheAxisName) {
  Expression e;
  std::string error;
  int column = 0;
  ASSERT_TRUE(e.parse("0.9 - r", "r", &error, &column)) << error;
  EXPECT_DOUBLE_EQ(e.eval(0.35), 0.9 - 0.35);
  ASSERT_TRUE(e.parse("0.9 \xE2\x88\x92 r", "r", &error, &column)) << error;  // U+2212 minus
  EXPECT_DOUBLE_EQ(e.eval(0.25), 0.65);
  ASSERT_TRUE(e.parse("-(2 * r + 1) / 4 + max(r, 0.5) - min(1, r)", "r", &error, &column)) << error;
  EXPECT_DOUBLE_EQ(e.eval(0.2), -(0.4 + 1) / 4 + 0.5 - 0.2);
  ASSERT_TRUE(e.parse("0.1", "r", &error, &column));
  EXPECT_DOUBLE_EQ(e.eval(7), 0.1);
}

TEST(Expression, ErrorsSayWhere) {
  Expression e;
  std::string error;
  int column = 0;
  EXPECT_FALSE(e.parse("0.9 - share", "r", &error, &column));
  EXPECT_EQ(column, 7);
  EXPECT_NE(error.find("unknown name \"share\""), std::string::npos) << error;
  EXPECT_FALSE(e.parse("(r + 1", "r", &error, &column));
  EXPECT_NE(error.find("')'"), std::string::npos);
  EXPECT_FALSE(e.parse("r; system(1)", "r", &error, &column));
  EXPECT_EQ(column, 2);
  EXPECT_FALSE(e.parse("", "r", &error, &column));
}

TEST(Expression, ValuesRoundedTo12Digits) {
  EXPECT_EQ(link_value_text(0.9 - 0.35), "0.55");
  EXPECT_EQ(link_value_text(1.0 - 0.7 - 0.2), "0.1");
  EXPECT_EQ(link_value_text(3.0), "3");
  EXPECT_EQ(link_value_text(-0.0), "0");
}

constexpr const char* kRenterShare = R"(
  scenario: "tiny.txtpb"
  axes { path: "courtyards[1].initial_trust" name: "trust" values: [0.2, 0.4] }
  axes {
    name: "renter_share"
    values: [0.15, 0.35, 0.55]
    links { path: "courtyards[0].tenure.owner" expr: "0.9 - renter_share" }
    links { path: "courtyards[0].tenure.renter" expr: "renter_share" }
    links { path: "courtyards[0].tenure.vacant" expr: "0.1" }
  }
  replicates: 2
)";

TEST(LinkedAxes, ExpressionAxisSetsEveryLinkedField) {
  const Plan p = load(kRenterShare);
  ASSERT_EQ(p.axes.size(), 2u);
  EXPECT_EQ(p.axes[1].kind, Axis::Kind::kDerived);
  EXPECT_EQ(design_columns(p), (std::vector<std::string>{"trust", "renter_share", "courtyards[0].tenure.owner",
                                                         "courtyards[0].tenure.renter", "courtyards[0].tenure.vacant"}));
  const Design d = make_design(p);
  EXPECT_EQ(d.points, 6);
  EXPECT_EQ(design_row(p, d.runs[2]), (std::vector<std::string>{"0.2", "0.35", "0.55", "0.35", "0.1"}));
  EXPECT_EQ(run_overrides(p, d.runs[2]),
            (std::vector<std::string>{"courtyards[1].initial_trust=0.2", "courtyards[0].tenure.owner=0.55",
                                      "courtyards[0].tenure.renter=0.35", "courtyards[0].tenure.vacant=0.1",
                                      "run.seed=" + std::to_string(d.runs[2].seed)}));
  EXPECT_NE(design_csv(p, d).find("renter_share,courtyards[0].tenure.owner"), std::string::npos);
}

TEST(LinkedAxes, OneFieldOfACoupledRuleIsRefusedAtTheAxisWithItsCombination) {
  // the issue's report: a renter-share axis alone breaks owner + renter + vacant = 1
  const std::vector<Diagnostic> ds = problems(R"(
    scenario: "tiny.txtpb"
    axes { path: "courtyards[0].households" values: [30, 40] }
    axes { path: "courtyards[0].tenure.renter" values: [0.15, 0.35] }
  )");
  ASSERT_FALSE(ds.empty());
  for (const Diagnostic& d : ds) {
    EXPECT_EQ(d.file, "s.txtpb");
    EXPECT_EQ(d.line, 4) << d.format();  // the renter axis, not the households axis
    EXPECT_NE(d.message.find("must be 1"), std::string::npos) << d.format();
  }
}

TEST(LinkedAxes, EveryBadCombinationIsReportedNamingTheOtherValues) {
  // each value is valid with the base; households 2 with stairwells 3 is not
  const std::vector<Diagnostic> ds = problems(R"(
    scenario: "tiny.txtpb"
    axes { path: "courtyards[0].households" values: [30, 2, 1] }
    axes { path: "courtyards[0].stairwells" values: [2, 3] }
  )");
  std::set<std::string> combos;
  for (const Diagnostic& d : ds) {
    EXPECT_EQ(d.line, 4) << d.format();
    EXPECT_TRUE(d.field.starts_with("axes[1].values[")) << d.format();  // at the stairwells' value
    const std::string stairwells = d.field == "axes[1].values[1]" ? "3" : "2";
    if (d.message.find("households = 2)") != std::string::npos) combos.insert("2x" + stairwells);
    if (d.message.find("households = 1)") != std::string::npos) combos.insert("1x" + stairwells);
  }
  // the three bad combinations, each named
  EXPECT_EQ(combos, (std::set<std::string>{"2x3", "1x3", "1x2"})) << all(ds);
}

TEST(LinkedAxes, ComputedValueOutOfRangeReportedAtTheLinkWithTheAxisValue) {
  const std::vector<Diagnostic> ds = problems(R"(
    scenario: "tiny.txtpb"
    axes { name: "share" values: [0.2, 1.3] links { path: "courtyards[1].tenure.owner" expr: "1 - share" }
           links { path: "courtyards[1].tenure.renter" expr: "share" } }
  )");
  ASSERT_EQ(ds.size(), 2u) << all(ds);
  EXPECT_EQ(ds[0].field, "axes[0].links[0].expr");
  EXPECT_NE(ds[0].message.find("share = 1.3 gives courtyards[1].tenure.owner=-0.3"), std::string::npos) << ds[0].format();
  EXPECT_EQ(ds[1].field, "axes[0].links[1].expr");
}

TEST(LinkedAxes, TuplesSetFieldsTogether) {
  const Plan p = load(R"(
    scenario: "tiny.txtpb"
    axes { name: "tenure" fields: ["courtyards[0].tenure.owner", "courtyards[0].tenure.renter", "courtyards[0].tenure.vacant"]
           tuples { values: [0.7, 0.2, 0.1] } tuples { values: [0.3, 0.6, 0.1] name: "many renters" } }
  )");
  EXPECT_EQ(p.axes[0].kind, Axis::Kind::kTuples);
  EXPECT_EQ(p.axes[0].values, (std::vector<std::string>{"0.7/0.2/0.1", "many renters"}));
  const Design d = make_design(p);
  EXPECT_EQ(design_row(p, d.runs[1]), (std::vector<std::string>{"many renters", "0.3", "0.6", "0.1"}));
}

TEST(LinkedAxes, StructuralProblemsAreLocated) {
  const std::vector<Diagnostic> ds = problems(R"(
    scenario: "tiny.txtpb"
    axes { name: "t" fields: ["courtyards[0].floors", "courtyards[1].floors"] tuples { values: [3] } }
    axes { name: "r" values: [1] links { path: "courtyards[0].households" expr: "2 * r + z" } }
    axes { name: "bad name" values: [1] links { path: "courtyards[1].households" expr: "3" } }
    axes { name: "c" cases { name: "a" set: "run.seed=3" } cases { name: "a" } }
  )");
  std::set<std::string> fields;
  for (const Diagnostic& d : ds) fields.insert(d.field);
  for (const char* f : {"axes[0].tuples[0]", "axes[1].links[0].expr", "axes[2].name", "axes[3].cases[0].set[0]",
                        "axes[3].cases[1].name"})
    EXPECT_TRUE(fields.count(f)) << f << "\n" << all(ds);
}

TEST(Cases, NamedSetsOfOverridesIncludingNone) {
  const Plan p = load(R"(
    scenario: "tiny.txtpb"
    axes { name: "variant" cases { name: "as is" }
                           cases { name: "big" set: ["courtyards[0].households=60", "courtyards[0].stairwells=4"] } }
    axes { path: "courtyards[1].initial_trust" values: [0.2, 0.4] }
  )");
  EXPECT_EQ(p.axes[0].kind, Axis::Kind::kCases);
  const Design d = make_design(p);
  ASSERT_EQ(d.points, 4);
  EXPECT_EQ(run_overrides(p, d.runs[0]).size(), 2u);  // trust, seed
  EXPECT_EQ(run_overrides(p, d.runs[3])[1], "courtyards[0].stairwells=4");
  // a bad override in a case: at the case's entry
  const std::vector<Diagnostic> ds = problems(R"(
    scenario: "tiny.txtpb"
    axes { name: "variant" cases { name: "as is" } cases { name: "x" set: "courtyards[0].housholds=3" } }
  )");
  ASSERT_EQ(ds.size(), 1u) << all(ds);
  EXPECT_EQ(ds[0].field, "axes[0].cases[1].set[0]");
  EXPECT_NE(ds[0].message.find("did you mean"), std::string::npos);
}

// ---- growing ----------------------------------------------------------------------------------------

std::string grow_text(int replicates, const std::string& values, bool crn = true) {
  return R"(scenario: "tiny.txtpb"
    axes { path: "courtyards[0].households" values: )" + values + R"( }
    axes { path: "courtyards[1].initial_trust" values: [0.2, 0.4] }
    replicates: )" + std::to_string(replicates) + (crn ? "" : "\ncommon_random_numbers: false") + "\n";
}

TEST(Grow, MoreReplicatesAppendRunsAndKeepOldOnes) {
  const Plan small = load(grow_text(2, "[20, 30]"));
  const Design old_design = make_design(small);
  const std::string old_csv = design_csv(small, old_design);
  const Plan big = load(grow_text(3, "[20, 30, 40]"));
  const Design grown = folder_design(big, make_design(big), old_csv, true);
  ASSERT_EQ(grown.runs.size(), 3u * 2u * 3u);
  EXPECT_EQ(grown.points, 6);
  // old runs: the same rows, byte for byte, first
  const std::string csv = design_csv(big, grown);
  EXPECT_EQ(csv.substr(0, old_csv.size()), old_csv);
  // every canonical (point values, replicate) once, with its canonical seed (common random numbers)
  std::set<std::string> seen;
  for (const sweep::Run& r : grown.runs) {
    EXPECT_EQ(r.seed, run_seed(big.seed, static_cast<uint64_t>(r.replicate)));
    EXPECT_TRUE(seen.insert(r.values[0] + "/" + r.values[1] + "/" + std::to_string(r.replicate)).second);
    EXPECT_EQ(r.index, &r - grown.runs.data());
  }
  // the folder's own design again: nothing to add
  EXPECT_EQ(design_csv(big, folder_design(big, make_design(big), csv, true)), csv);
  // reading a folder (grow false) gives only its runs
  EXPECT_EQ(folder_design(big, make_design(big), old_csv, false).runs.size(), old_design.runs.size());
}

TEST(Grow, WithoutCommonRandomNumbersOldSeedsStay) {
  const Plan small = load(grow_text(1, "[20, 30]", false));
  const std::string old_csv = design_csv(small, make_design(small));
  const Plan big = load(grow_text(2, "[20, 30]", false));
  const Design grown = folder_design(big, make_design(big), old_csv, true);
  ASSERT_EQ(grown.runs.size(), 8u);
  const Design old_design = make_design(small);
  for (size_t i = 0; i < old_design.runs.size(); ++i) EXPECT_EQ(grown.runs[i].seed, old_design.runs[i].seed);
  for (size_t i = old_design.runs.size(); i < grown.runs.size(); ++i)
    EXPECT_EQ(grown.runs[i].seed, run_seed(big.seed, i));
}

TEST(Grow, ShrinkingOrChangingIsRefusedSayingWhat) {
  const Plan big = load(grow_text(2, "[20, 30]"));
  const std::string csv = design_csv(big, make_design(big));
  const Plan fewer = load(grow_text(1, "[20, 30]"));
  try {
    folder_design(fewer, make_design(fewer), csv, true);
    FAIL() << "shrinking accepted";
  } catch (const OutputCreateError& e) {
    EXPECT_NE(std::string(e.what()).find("no longer has 4 of its 8 runs"), std::string::npos) << e.what();
  }
  const Plan changed = load(grow_text(2, "[20, 35]"));
  EXPECT_THROW(folder_design(changed, make_design(changed), csv, true), OutputCreateError);
}

TEST(Grow, SobolAndMorrisGrowByPrefix) {
  const std::string axes = R"(scenario: "tiny.txtpb"
    axes { path: "courtyards[0].initial_trust" bounds { min: 0 max: 1 } }
    axes { path: "courtyards[1].initial_trust" bounds { min: 0 max: 1 } })";
  for (const auto& [a, b] : std::vector<std::pair<std::string, std::string>>{
           {"design { sobol { points: 8 } }", "design { sobol { points: 16 } }"},
           {"design { saltelli { base_points: 4 } }", "design { saltelli { base_points: 8 } }"},
           {"design { morris { trajectories: 3 } }", "design { morris { trajectories: 5 } }"}}) {
    const Plan small = load(axes + a);
    const Plan big = load(axes + b);
    const Design grown = folder_design(big, make_design(big), design_csv(small, make_design(small)), true);
    EXPECT_EQ(design_csv(big, grown), design_csv(big, make_design(big))) << b;  // the same as made at once
  }
}

// ---- Morris -----------------------------------------------------------------------------------------

TEST(Morris, TrajectoriesMoveOneFactorByDeltaPerStep) {
  const int r = 20, dims = 3, p = 4;
  const UnitDesign u = morris(r, dims, p, 42);
  ASSERT_EQ(u.rows, r * (dims + 1));
  const double delta = p / (2.0 * (p - 1));
  std::map<double, int> levels;
  for (int t = 0; t < r; ++t) {
    std::set<int> moved;
    for (int k = 0; k < dims; ++k) {
      int changed = -1, n = 0;
      for (int d = 0; d < dims; ++d)
        if (u.at(t * (dims + 1) + k + 1, d) != u.at(t * (dims + 1) + k, d)) {
          changed = d;
          ++n;
        }
      ASSERT_EQ(n, 1);
      EXPECT_TRUE(moved.insert(changed).second);
      EXPECT_NEAR(std::fabs(u.at(t * (dims + 1) + k + 1, changed) - u.at(t * (dims + 1) + k, changed)), delta, 1e-15);
    }
    for (int k = 0; k <= dims; ++k)
      for (int d = 0; d < dims; ++d) ++levels[u.at(t * (dims + 1) + k, d)];
  }
  // on the grid {0, 1/3, 2/3, 1}, every level used
  ASSERT_EQ(levels.size(), 4u);
  for (const auto& [v, n] : levels) EXPECT_NEAR(v * (p - 1), std::round(v * (p - 1)), 1e-12);
  EXPECT_EQ(levels.begin()->first, 0.0);
  EXPECT_EQ(levels.rbegin()->first, 1.0);
  // deterministic, keyed by the seed
  EXPECT_EQ(morris(r, dims, p, 42).u, u.u);
  EXPECT_NE(morris(r, dims, p, 43).u, u.u);
}

TEST(Morris, SweepOfMorrisHasRTimesDPlusOnePointsOnTheScaledGrid) {
  const Plan p = load(R"(scenario: "tiny.txtpb"
    axes { path: "courtyards[0].initial_trust" bounds { min: 0.2 max: 0.8 } }
    axes { path: "courtyards[0].households" bounds { min: 10 max: 40 } }
    design { morris { trajectories: 6 levels: 4 } })");
  const Design d = make_design(p);
  EXPECT_EQ(d.points, 6 * 3);
  std::set<std::string> trust, households;
  for (const sweep::Run& r : d.runs) {
    trust.insert(r.values[0]);
    households.insert(r.values[1]);
  }
  for (const std::string& v : trust) EXPECT_TRUE(v == "0.2" || v == "0.4" || v == "0.6000000000000001" || v == "0.8" ||
                                                 v == "0.6") << v;
  for (const std::string& v : households) EXPECT_TRUE(v == "10" || v == "20" || v == "30" || v == "40") << v;
  // integer fields need a grid of whole numbers
  const std::vector<Diagnostic> ds = problems(R"(scenario: "tiny.txtpb"
    axes { path: "courtyards[0].households" bounds { min: 10 max: 41 } }
    design { morris { trajectories: 6 levels: 4 } })");
  ASSERT_EQ(ds.size(), 1u) << all(ds);
  EXPECT_EQ(ds[0].field, "axes[0].bounds");
  EXPECT_EQ(problems(R"(scenario: "tiny.txtpb"
    axes { path: "courtyards[0].initial_trust" bounds { min: 0 max: 1 } }
    design { morris { trajectories: 2 levels: 5 } })").at(0).field, "design.morris.levels");
}

// ---- task blocks ------------------------------------------------------------------------------------

TEST(TaskBlock, ArrayIdsMapThroughTheRunList) {
  const std::vector<int64_t> list = {3, 7, 8, 20, 21};
  EXPECT_EQ(task_block(list, 0, 2), (std::vector<int64_t>{3, 7}));
  EXPECT_EQ(task_block(list, 2, 2), (std::vector<int64_t>{21}));
  EXPECT_TRUE(task_block(list, 3, 2).empty());
  EXPECT_TRUE(task_block(list, 1000000000000, 2).empty());
  EXPECT_EQ(task_block(list, 4, 1), (std::vector<int64_t>{21}));
}

}  // namespace
}  // namespace courtyard::sweep
