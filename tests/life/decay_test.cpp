// The vicious circle and its opposite, and broken windows.
//
// Each property is checked over 20 seeds. Tolerances: a direction must hold in at least 18 of 20 seeds
// (under a fair coin that happens with probability 2e-4), and the mean change must clear a stated margin.
#include <gtest/gtest.h>

#include "lab/lab.h"
#include "support/scenarios.h"

namespace courtyard {
namespace {

using testing::model_from_text;
using testing::one_courtyard;
using testing::simulate;
using testing::Trajectory;

constexpr int kSeeds = 20;
constexpr int kMajority = 18;

// The case's courtyard before the pilot: 86 households, 4 stairwells, early 1990s, nobody manages it,
// an empty fund; the rest at the schema's defaults (a middling start).
const std::string kAbandoned =
    "households: 86 stairwells: 4 floors: 6 build_year: 1992 management: MANAGEMENT_NONE initial_fund: 0";
// The same courtyard with a residents' committee and steady funded maintenance.
const std::string kMaintained =
    "households: 86 stairwells: 4 floors: 6 build_year: 1992 management: MANAGEMENT_SELF initial_fund: 20000 "
    "maintenance_per_household_month: 10";

std::vector<Trajectory> runs(const std::string& courtyard, const std::vector<std::string>& metrics, int steps = 104) {
  std::vector<Trajectory> out;
  for (int seed = 1; seed <= kSeeds; ++seed)
    out.push_back(simulate(model_from_text(one_courtyard(courtyard, steps), {"run.seed=" + std::to_string(seed)}), 0, metrics));
  return out;
}

struct Change {
  int up = 0, down = 0;
  double mean = 0;
};
Change change(const std::vector<Trajectory>& rs, const std::string& metric) {
  Change c;
  for (const auto& t : rs) {
    const double d = t.last(metric) - t.first(metric);
    c.up += d > 0;
    c.down += d < 0;
    c.mean += d / rs.size();
  }
  return c;
}

const std::vector<std::string> kMetrics = {"condition_index", "disorder", "collection_rate", "owner_share",
                                           "renter_share", "trust_mean", "move_outs", "violations"};

TEST(ViciousCircle, AbandonedCourtyardDecaysOnEveryFront) {
  const auto rs = runs(kAbandoned, kMetrics);
  const Change cond = change(rs, "condition_index"), dis = change(rs, "disorder"),
               col = change(rs, "collection_rate"), own = change(rs, "owner_share"), rent = change(rs, "renter_share");
  EXPECT_GE(cond.down, kMajority);
  EXPECT_LT(cond.mean, -0.05);
  EXPECT_GE(dis.up, kMajority);
  // a courtyard that starts tidy keeps its descriptive norm for a while (disorder has memory and a
  // tipping point, docs/ODD.md 7.4): disorder creeps up while condition and collection fall first
  EXPECT_GT(dis.mean, 0.03);
  EXPECT_GE(col.down, kMajority);
  EXPECT_LT(col.mean, -0.1);
  EXPECT_GE(own.down, kMajority);
  EXPECT_LT(own.mean, -0.03);
  EXPECT_GE(rent.up, kMajority);
  EXPECT_GT(rent.mean, 0.02);
}

TEST(HeldInPlace, FundedMaintenanceKeepsConditionAndCollection) {
  const auto rs = runs(kMaintained, kMetrics);
  const Change cond = change(rs, "condition_index"), col = change(rs, "collection_rate"), dis = change(rs, "disorder");
  // condition and collection stay within 0.05 of where they started, or improve
  EXPECT_GT(cond.mean, -0.05);
  EXPECT_GT(col.mean, -0.05);
  EXPECT_LT(dis.mean, 0.05);
  // and end clearly above the abandoned courtyard's
  const auto bad = runs(kAbandoned, kMetrics);
  double cond_gap = 0, col_gap = 0;
  for (int i = 0; i < kSeeds; ++i) {
    cond_gap += (rs[i].last("condition_index") - bad[i].last("condition_index")) / kSeeds;
    col_gap += (rs[i].last("collection_rate") - bad[i].last("collection_rate")) / kSeeds;
  }
  EXPECT_GT(cond_gap, 0.1);
  EXPECT_GT(col_gap, 0.2);
}

TEST(BrokenWindows, LabRatioIsKeizerLikeForCheapAndSmallerForCostly) {
  const Model m = model_from_text(one_courtyard("households: 10", 1));
  double cheap = 0, costly = 0;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    LitterSettings g;
    g.subjects = 3000;
    g.seed = static_cast<uint64_t>(seed);
    const auto cells = run_litter_experiment(m.params, g);  // cheap/orderly, cheap/disordered, costly/...
    const double rc = cells[1].rate / cells[0].rate, rk = cells[3].rate / cells[2].rate;
    EXPECT_GE(rc, 1.5) << "seed " << seed;
    EXPECT_LE(rc, 3.0) << "seed " << seed;
    cheap += rc / kSeeds;
    costly += rk / kSeeds;
  }
  EXPECT_LT(costly, cheap - 0.5);  // clearly smaller: costly violations barely respond
}

TEST(BrokenWindows, DisorderedCourtyardViolatesAboutTwiceAsOften) {
  // the same households (same seed) in a disordered and in an orderly courtyard, first four weeks
  const std::string common = "households: 86 stairwells: 4 management: MANAGEMENT_NONE ";
  double ratio = 0;
  int within = 0;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    const std::vector<std::string> o = {"run.seed=" + std::to_string(seed)};
    const auto messy = simulate(model_from_text(one_courtyard(common + "initial_disorder: 0.95 initial_condition: 0.1", 4), o), 0, {"violations"});
    const auto tidy = simulate(model_from_text(one_courtyard(common + "initial_disorder: 0.0 initial_condition: 1.0", 4), o), 0, {"violations"});
    const double r = messy.total("violations") / std::max(1.0, tidy.total("violations"));
    ratio += r / kSeeds;
    within += r >= 1.2 && r <= 3.5;
  }
  // the cue acts on cheap violations through the descriptive norm (docs/ODD.md 7.4), so the extremes
  // differ by about the cue's risk ratio, as in Keizer et al. 2008 and Cialdini et al. 1990 (2-3x)
  EXPECT_GE(ratio, 1.5);
  EXPECT_LE(ratio, 3.0);
  EXPECT_GE(within, 16);  // single courtyards are noisy: most seeds in [1.2, 3.5]
}

}  // namespace
}  // namespace courtyard
