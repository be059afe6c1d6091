// Sweep files: what a valid file becomes (axes, values, seeds, summaries), and where each problem of an
// invalid one is reported (FILE:LINE:COL: field.path: message, like a scenario's).
#include <gtest/gtest.h>

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

// The problem reported for `field`, or a failure listing what was reported.
Diagnostic problem_at(const std::string& text, const std::string& field) {
  const std::vector<Diagnostic> ds = problems(text);
  for (const Diagnostic& d : ds)
    if (d.field == field) return d;
  std::string all;
  for (const Diagnostic& d : ds) all += "\n  " + d.format();
  ADD_FAILURE() << "no problem at " << field << "; got:" << all;
  return {};
}

TEST(SweepSpec, ValidFactorialBecomesPlan) {
  const Plan p = load(R"(
    name: "t"
    scenario: "tiny.txtpb"
    axes { path: "courtyards[0].households" values: [20, 30] }
    axes { path: "courtyards[1].initial_trust" name: "trust" range { first: 0 last: 1 steps: 11 } }
    axes { path: "courtyards[0].management" levels: ["MANAGEMENT_NONE", "MANAGEMENT_SELF"] }
    replicates: 3
  )");
  ASSERT_EQ(p.axes.size(), 3u);
  EXPECT_TRUE(p.axes[0].integer);
  EXPECT_EQ(p.axes[0].values, (std::vector<std::string>{"20", "30"}));
  EXPECT_EQ(p.axes[1].name, "trust");
  EXPECT_FALSE(p.axes[1].integer);
  // weighted means of the ends: 0.3, not 0.30000000000000004
  EXPECT_EQ(p.axes[1].values, (std::vector<std::string>{"0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"}));
  EXPECT_FALSE(p.axes[2].numeric);
  const Design d = make_design(p);
  EXPECT_EQ(d.points, 2 * 11 * 2);
  EXPECT_EQ(d.runs.size(), static_cast<size_t>(2 * 11 * 2 * 3));
  // default summaries: every recorded metric at the end
  EXPECT_FALSE(p.summaries.empty());
  EXPECT_EQ(p.summaries[0].at, Summary::At::kEnd);
  EXPECT_EQ(p.summaries[0].name, p.summaries[0].metric);
  // the run's overrides: the axes, then the seed
  const std::vector<std::string> o = run_overrides(p, d.runs[7]);
  ASSERT_EQ(o.size(), 4u);
  EXPECT_EQ(o[0], "courtyards[0].households=20");
  EXPECT_EQ(o[3], "run.seed=" + std::to_string(d.runs[7].seed));
}

TEST(SweepSpec, CommonRandomNumbersShareSeedsAcrossPoints) {
  const std::string axes = R"(scenario: "tiny.txtpb" axes { path: "courtyards[0].fee_per_month" values: [10, 20, 30] } replicates: 4 )";
  const Design on = make_design(load(axes));
  for (const sweep::Run& r : on.runs) EXPECT_EQ(r.seed, on.runs[static_cast<size_t>(r.replicate)].seed);
  std::set<uint64_t> per_replicate;
  for (int k = 0; k < 4; ++k) per_replicate.insert(on.runs[static_cast<size_t>(k)].seed);
  EXPECT_EQ(per_replicate.size(), 4u);
  const Design off = make_design(load(axes + "common_random_numbers: false"));
  std::set<uint64_t> all;
  for (const sweep::Run& r : off.runs) all.insert(r.seed);
  EXPECT_EQ(all.size(), off.runs.size());
}

TEST(SweepSpec, SameFileSameDesignBytes) {
  const std::string text = R"(scenario: "tiny.txtpb"
    axes { path: "courtyards[1].initial_trust" bounds { min: 0.1 max: 0.9 } }
    axes { path: "courtyards[0].households" bounds { min: 20 max: 40 } }
    design { sobol { points: 16 } } replicates: 2)";
  const Plan a = load(text + " seed: 9"), b = load(text + " seed: 9");
  const std::string csv = design_csv(a, make_design(a));
  EXPECT_EQ(csv, design_csv(b, make_design(b)));
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "run,point,replicate,seed,courtyards[1].initial_trust,courtyards[0].households");
  // the seed keys the scrambling: another seed, another design
  const Plan c = load(text + " seed: 10");
  EXPECT_NE(csv, design_csv(c, make_design(c)));
}

TEST(SweepSpec, SampledIntegerFieldsTakeWholeNumbersInBounds) {
  const Plan p = load(R"(scenario: "tiny.txtpb"
    axes { path: "courtyards[0].households" bounds { min: 20 max: 23 } }
    design { latin_hypercube { points: 40 } })");
  EXPECT_TRUE(p.axes[0].integer);
  std::set<std::string> seen;
  for (const sweep::Run& r : make_design(p).runs) {
    const int v = std::stoi(r.values[0]);
    EXPECT_GE(v, 20);
    EXPECT_LE(v, 23);
    EXPECT_EQ(std::to_string(v), r.values[0]);
    seen.insert(r.values[0]);
  }
  EXPECT_EQ(seen.size(), 4u);  // every whole number of [20, 23]; LHS puts 10 points on each
}

TEST(SweepSpec, SaltelliSizeIsNTimesTwoDPlusTwo) {
  const Plan p = load(R"(scenario: "tiny.txtpb"
    axes { path: "courtyards[0].initial_trust" bounds { min: 0 max: 1 } }
    axes { path: "courtyards[1].initial_trust" bounds { min: 0 max: 1 } }
    axes { path: "courtyards[0].fee_per_month" bounds { min: 10 max: 50 } }
    design { saltelli { base_points: 8 } })");
  EXPECT_EQ(make_design(p).runs.size(), 8u * (2 * 3 + 2));
}

TEST(SweepSpec, UnknownFieldIsLocatedWithSuggestion) {
  const Diagnostic d = problems("scenario: \"tiny.txtpb\"\nreplicate: 2\n").at(0);
  EXPECT_EQ(d.file, "s.txtpb");
  EXPECT_EQ(d.line, 2);
  EXPECT_EQ(d.column, 1);
  EXPECT_NE(d.message.find("did you mean \"replicates\""), std::string::npos) << d.message;
}

TEST(SweepSpec, BadAxisPathFoundByTryingTheOverride) {
  const Diagnostic d = problem_at("scenario: \"tiny.txtpb\"\naxes { path: \"courtyards[0].housholds\" values: [1] }\n",
                                  "axes[0].path");
  EXPECT_EQ(d.line, 2);
  EXPECT_EQ(d.column, 8);
  EXPECT_NE(d.message.find("unknown field \"housholds\""), std::string::npos) << d.message;
  const Diagnostic past = problem_at("scenario: \"tiny.txtpb\"\naxes { path: \"courtyards[5].households\" values: [1] }\n",
                                     "axes[0].path");
  EXPECT_NE(past.message.find("past the end"), std::string::npos) << past.message;
}

TEST(SweepSpec, BadValueReportedAtTheValue) {
  const Diagnostic d = problem_at(
      "scenario: \"tiny.txtpb\"\naxes {\n  path: \"courtyards[0].households\"\n  values: 30\n  values: 0\n}\n",
      "axes[0].values[1]");
  EXPECT_EQ(d.line, 5);
  EXPECT_EQ(d.column, 3);
}

TEST(SweepSpec, DesignRequirements) {
  EXPECT_NE(problem_at(R"(scenario: "tiny.txtpb" axes { path: "courtyards[0].initial_trust" values: [0.1] }
                          design { latin_hypercube { points: 10 } })",
                       "axes[0]")
                .message.find("bounds"),
            std::string::npos);
  EXPECT_NE(problem_at(R"(scenario: "tiny.txtpb" axes { path: "courtyards[0].initial_trust" bounds { min: 0 max: 1 } }
                          design { sobol { points: 12 } })",
                       "design.sobol.points")
                .message.find("power of two"),
            std::string::npos);
  EXPECT_NE(problem_at(R"(scenario: "tiny.txtpb" axes { path: "courtyards[0].initial_trust" values: [] })", "axes[0]")
                .message.find("no values"),
            std::string::npos);
  EXPECT_NE(problem_at(R"(scenario: "tiny.txtpb" axes { path: "courtyards[0].initial_trust" bounds { min: 0 max: 1 } })",
                       "axes[0].bounds")
                .message.find("factorial"),
            std::string::npos);
}

TEST(SweepSpec, SummariesCheckedAgainstWhatTheBaseRecords) {
  EXPECT_NE(problem_at(R"(scenario: "tiny.txtpb" keep { summaries { metric: "colection_rate" } })", "keep.summaries[0].metric")
                .message.find("not a metric"),
            std::string::npos);
  EXPECT_NE(problem_at(R"(scenario: "tiny.txtpb" keep { summaries { metric: "disorder" step: 13 } })", "keep.summaries[0].step")
                .message.find("outside the run"),
            std::string::npos);
  const Plan p = load(R"(scenario: "tiny.txtpb" keep { mode: KEEP_SUMMARY
      summaries { metric: "disorder" step: 6 } summaries { metric: "disorder" window { first_step: 4 } } })");
  EXPECT_TRUE(p.summary_only);
  EXPECT_EQ(p.summaries[0].name, "disorder_at_6");
  EXPECT_EQ(p.summaries[1].name, "disorder_mean_4_end");
}

TEST(SweepSpec, EveryProblemReportedAtOnce) {
  const std::vector<Diagnostic> ds = problems(R"(scenario: "tiny.txtpb" replicates: 0
    axes { path: "run.seed" values: [1] }
    axes { path: "courtyards[0].initial_trust" values: [0.1, 0.1] })");
  std::set<std::string> fields;
  for (const Diagnostic& d : ds) fields.insert(d.field);
  EXPECT_TRUE(fields.count("replicates"));
  EXPECT_TRUE(fields.count("axes[0].path"));
  EXPECT_TRUE(fields.count("axes[1].values[1]"));
}

TEST(SweepSpec, BaseScenarioProblemsKeepTheirOwnLocation) {
  const std::vector<Diagnostic> ds = problems(R"(scenario: "no_such_file.txtpb")");
  ASSERT_FALSE(ds.empty());
  EXPECT_EQ(ds[0].field, "scenario");
  EXPECT_NE(ds[0].message.find("cannot read"), std::string::npos);
}

}  // namespace
}  // namespace courtyard::sweep
