// Conditional cooperation in the courtyard's fee payment (the lab's public-goods game: tests/lab).
#include <gtest/gtest.h>

#include "support/scenarios.h"

namespace courtyard {
namespace {

using testing::model_from_text;
using testing::one_courtyard;
using testing::simulate;

constexpr int kSeeds = 20;

// A managed courtyard in good order whose households start believing nearly everyone pays.
const std::string kWellRun =
    "households: 86 stairwells: 4 management: MANAGEMENT_SELF initial_fund: 20000 maintenance_per_household_month: 10 "
    "initial_collection: 0.95 initial_trust: 0.6 initial_condition: 0.8 initial_disorder: 0.1 "
    "tenure { owner: 0.9 renter: 0.1 vacant: 0 }";

std::vector<double> collection_changes(const std::vector<std::string>& cooperation, int steps = 104) {
  std::vector<double> out;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    std::vector<std::string> o = cooperation;
    o.push_back("run.seed=" + std::to_string(seed));
    const auto t = simulate(model_from_text(one_courtyard(kWellRun, steps), o), 0, {"collection_rate"});
    // collection_rate at step 0 is the initial share; the first collection happens in week 1
    out.push_back(t.last("collection_rate") - 0.95);
  }
  return out;
}

TEST(ConditionalCooperation, CooperatorsWithHighBeliefsSustainPayment) {
  const auto d = collection_changes({"behaviour.cooperation.conditional_share=1", "behaviour.cooperation.free_rider_share=0",
                                     "behaviour.cooperation.hump_share=0", "behaviour.cooperation.other_share=0"});
  int sustained = 0;
  for (double x : d) sustained += x > -0.10;  // still at 85% or more after two years
  EXPECT_GE(sustained, 18);
}

// Over four years: the stated 95% is first held by the courtyard's custom of paying, which fades with a
// half-life of two years (docs/ODD.md 5.2); then the free riders' share shows.
TEST(ConditionalCooperation, FreeRidersWithoutVisibleAccountsMakeItDecay) {
  const auto d = collection_changes({"behaviour.cooperation.conditional_share=0.5", "behaviour.cooperation.free_rider_share=0.5",
                                     "behaviour.cooperation.hump_share=0", "behaviour.cooperation.other_share=0"}, 208);
  int decayed = 0;
  double mean = 0;
  for (double x : d) {
    decayed += x < -0.10;
    mean += x / d.size();
  }
  EXPECT_GE(decayed, 18);
  EXPECT_LT(mean, -0.12);
}

}  // namespace
}  // namespace courtyard
