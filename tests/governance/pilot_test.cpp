// The Jiangdong Minju pilot against its baseline, and what each of the four steps adds (20 seeds,
// common random numbers: seed k of the pilot and seed k of the baseline share every draw they can).
#include <gtest/gtest.h>

#include <cmath>

#include "support/scenarios.h"

namespace courtyard {
namespace {

using testing::model_from_file;
using testing::simulate;
using testing::Trajectory;

constexpr int kSeeds = 20;
const std::vector<std::string> kOutcomes = {"collection_rate", "fund_balance", "disorder", "move_outs",
                                            "condition_index", "trust_mean", "satisfaction_mean", "star_rating"};

Trajectory run(const std::string& file, int seed, std::vector<std::string> extra = {}) {
  extra.push_back("run.seed=" + std::to_string(seed));
  return simulate(model_from_file(file, extra), 0, kOutcomes);
}

TEST(Pilot, ReachesFullCollectionAndBeatsTheBaseline) {
  int reached = 0, positive_fund = 0, less_disorder = 0, fewer_moves = 0;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    const Trajectory pilot = run("scenarios/jiangdong_minju_pilot.txtpb", seed);
    const Trajectory base = run("scenarios/jiangdong_minju_baseline.txtpb", seed);
    // the case reports 100%; the model reaches about 0.9 (docs/validation.md, pilot_collection_m24):
    // what is checked here is the model's own claim, most of the way within two years
    reached += pilot.last("collection_rate") >= 0.80 && pilot.last("collection_rate") - base.last("collection_rate") >= 0.5;
    positive_fund += pilot.last("fund_balance") > 0;
    less_disorder += pilot.last("disorder") < base.last("disorder");
    fewer_moves += pilot.total("move_outs") < base.total("move_outs");
  }
  // "most runs": at least 16 of 20
  EXPECT_GE(reached, 16);
  EXPECT_GE(positive_fund, 16);
  EXPECT_GE(less_disorder, 16);
  EXPECT_GE(fewer_moves, 16);
}

// Mean of a 24-month outcome over the seeds, with the package minus one step.
double mean_outcome(const std::string& metric, const std::string& without) {
  double sum = 0;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    std::vector<std::string> o;
    if (!without.empty()) o.push_back("interventions[0].package.without[0]=" + without);
    sum += run("scenarios/jiangdong_minju_pilot.txtpb", seed, o).last(metric);
  }
  return sum / kSeeds;
}

// Each step's own contribution, stated as the outcome it is expected to weaken (docs/governance.md).
TEST(Pilot, EachStepMatters) {
  struct Case {
    const char* step;
    const char* metric;
    double min_loss;  // how much worse the outcome must be without the step (sign: worse)
    bool lower_is_worse;
  };
  const Case cases[] = {
      {"organisation", "collection_rate", 0.10, true},  // nobody collects, no accounts
      {"hardware", "condition_index", 0.05, true},      // nothing repaired
      {"covenant", "collection_rate", 0.02, true},      // no graduated sanctions
      {"services", "satisfaction_mean", 0.02, true},    // no services
  };
  for (const Case& c : cases) {
    const double full = mean_outcome(c.metric, ""), without = mean_outcome(c.metric, c.step);
    const double loss = c.lower_is_worse ? full - without : without - full;
    EXPECT_GE(loss, c.min_loss) << c.step << ": " << c.metric << " full " << full << " without " << without;
  }
}

}  // namespace
}  // namespace courtyard
