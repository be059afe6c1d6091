// Tenure and moving: who leaves, who pays, who knows the neighbours.
#include <gtest/gtest.h>

#include "sim/simulation.h"
#include "support/scenarios.h"

namespace courtyard {
namespace {

using testing::model_from_text;
using testing::one_courtyard;

constexpr int kSeeds = 20;

const std::string kMixed = "households: 86 stairwells: 4 management: MANAGEMENT_NONE tenure { owner: 0.6 renter: 0.4 vacant: 0 }";
const std::string kMessy = kMixed + " initial_disorder: 0.8 initial_condition: 0.3";
// the mixed courtyard with a committee collecting fees, so that payment by tenure can be compared
const std::string kCollected = "households: 86 stairwells: 4 management: MANAGEMENT_SELF initial_fund: 20000 "
                               "maintenance_per_household_month: 10 tenure { owner: 0.6 renter: 0.4 vacant: 0 }";
const std::string kTidy = kMixed + " initial_disorder: 0.05 initial_condition: 0.95";

// Tallies over a run, slot by slot: who left (and their means), by tenure.
struct MoveTally {
  double owner_weeks = 0, renter_weeks = 0, owner_leaves = 0, renter_leaves = 0;
  double leavers = 0, resident_weeks = 0;
  // means of owner-occupiers who leave and of all owner-occupier weeks (within one tenure, so that
  // the renters' higher mobility and lower means do not stand in for the effect of means)
  double owner_leaver_ability = 0, owner_ability_weeks = 0;
  double renter_ties = 0, renters = 0, owner_ties = 0, owners = 0;
  double renter_paid = 0, owner_paid = 0;
};

void tally(const std::string& courtyard, int seed, int steps, MoveTally& t) {
  const Model m = model_from_text(one_courtyard(courtyard, steps), {"run.seed=" + std::to_string(seed)});
  Simulation sim(m);
  const State& s = sim.state();
  const int64_t n = m.nhousehold();
  std::vector<Tenure> tenure(n);
  std::vector<float> years(n), ability(n);
  for (int step = 0; step < steps; ++step) {
    for (int64_t h = 0; h < n; ++h) {
      tenure[h] = s.tenure[h];
      years[h] = s.years[h];
      ability[h] = s.ability[h];
    }
    sim.step();
    for (int64_t h = 0; h < n; ++h) {
      if (tenure[h] == Tenure::kVacant) continue;
      const bool renter = tenure[h] == Tenure::kRenter;
      (renter ? t.renter_weeks : t.owner_weeks) += 1;
      t.resident_weeks += 1;
      if (!renter) t.owner_ability_weeks += ability[h];
      // the occupant left: the flat is empty, or a newcomer (years reset) took it the same week
      const bool left = s.tenure[h] == Tenure::kVacant || s.years[h] < years[h];
      if (!left) continue;
      (renter ? t.renter_leaves : t.owner_leaves) += 1;
      if (!renter) t.owner_leaver_ability += ability[h];
      t.leavers += 1;
    }
  }
  // final state: ties and payment by tenure
  for (int64_t h = 0; h < n; ++h) {
    if (s.tenure[h] == Tenure::kRenter) {
      t.renter_ties += s.ties[h];
      t.renter_paid += (s.flags[h] & kPaid) != 0;
      t.renters += 1;
    } else if (s.tenure[h] == Tenure::kOwner) {
      t.owner_ties += s.ties[h];
      t.owner_paid += (s.flags[h] & kPaid) != 0;
      t.owners += 1;
    }
  }
}

TEST(TenureAndMoving, RentersHoldFewerTiesAndPayLess) {
  MoveTally t;
  for (int seed = 1; seed <= kSeeds; ++seed) tally(kCollected, seed, 52, t);
  const double renter_ties = t.renter_ties / t.renters, owner_ties = t.owner_ties / t.owners;
  const double renter_pay = t.renter_paid / t.renters, owner_pay = t.owner_paid / t.owners;
  EXPECT_LT(renter_ties, owner_ties - 0.1);
  EXPECT_LT(renter_pay, owner_pay - 0.05);
}

TEST(TenureAndMoving, RentersMoveSeveralTimesMoreOftenThanOwners) {
  MoveTally t;
  for (int seed = 1; seed <= kSeeds; ++seed) tally(kMixed, seed, 104, t);
  const double renter_rate = t.renter_leaves / t.renter_weeks, owner_rate = t.owner_leaves / t.owner_weeks;
  ASSERT_GT(owner_rate, 0);
  EXPECT_GE(renter_rate / owner_rate, 3.0);  // CPS 2006: about four times (30% vs 7% a year)
  EXPECT_LE(renter_rate / owner_rate, 8.0);
}

TEST(TenureAndMoving, DisorderedCourtyardsLoseMoreHouseholdsTheBetterOffFirst) {
  MoveTally messy, tidy;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    tally(kMessy, seed, 104, messy);
    tally(kTidy, seed, 104, tidy);
  }
  const double messy_rate = messy.leavers / messy.resident_weeks, tidy_rate = tidy.leavers / tidy.resident_weeks;
  EXPECT_GT(messy_rate, 1.3 * tidy_rate);
  // owner-occupiers who leave the disordered courtyard are better off than the owner-occupiers there
  EXPECT_GT(messy.owner_leaver_ability / messy.owner_leaves, messy.owner_ability_weeks / messy.owner_weeks + 0.03);
}

}  // namespace
}  // namespace courtyard
