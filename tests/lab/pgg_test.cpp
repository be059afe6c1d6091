// The public-goods game played with the households' payment rule: the literature's regularities,
// checked over 20 seeds with stated tolerances.
#include <gtest/gtest.h>

#include "lab/lab.h"
#include "support/scenarios.h"

namespace courtyard {
namespace {

constexpr int kSeeds = 20;

const Model& model() {
  static const Model m = testing::model_from_text(testing::one_courtyard("households: 10", 1));
  return m;
}

PggSettings settings(int seed, int group_size = 4) {
  PggSettings g;
  g.group_size = group_size;
  g.groups = group_size >= 40 ? 50 : 500;  // 2,000 players per seed
  g.seed = static_cast<uint64_t>(seed);
  return g;
}

// Ledyard 1995: first rounds at 40-60% of the endowment, decaying with repetition; Fischbacher &
// Gachter 2010: decay because conditional cooperators give slightly less than they believe others give.
TEST(PublicGoodsGame, StartsNearHalfAndDecaysWithoutPunishment) {
  double first = 0;
  int decays = 0;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    const auto off = run_public_goods_game(model().params, settings(seed), false);
    first += off.front().mean_share / kSeeds;
    decays += off.back().mean_share < off.front().mean_share - 0.10;  // at least 10 points lost in 10 rounds
    for (size_t t = 1; t < off.size(); ++t) EXPECT_LT(off[t].mean_share, off[t - 1].mean_share) << "round " << t + 1;
  }
  EXPECT_EQ(decays, kSeeds);
  EXPECT_GT(first, 0.40);
  EXPECT_LT(first, 0.60);
}

// Fehr & Gachter 2000 (groups of 4) and Xu, Cadsby, Fan & Song 2013 (groups of 40): peer punishment
// holds or raises contributions; in groups of 40 they rise gradually, not to nearly all by round 4.
TEST(PublicGoodsGame, PunishmentHoldsContributionsInGroupsOf4And40) {
  for (int n : {4, 40}) {
    int holds = 0, gradual = 0;
    for (int seed = 1; seed <= kSeeds; ++seed) {
      const auto on = run_public_goods_game(model().params, settings(seed, n), true);
      const auto off = run_public_goods_game(model().params, settings(seed, n), false);
      holds += on.back().mean_share >= on.front().mean_share - 0.02;  // within 2 points of round 1, or higher
      gradual += on[3].mean_share < 0.95;
      EXPECT_GT(on.back().mean_share, off.back().mean_share + 0.10) << "group size " << n;
    }
    EXPECT_EQ(holds, kSeeds) << "group size " << n;
    if (n == 40) {
      EXPECT_EQ(gradual, kSeeds);
    }
  }
}

// Herrmann, Thoni & Gachter 2008; Nikiforakis 2008: where low contributors punish high ones and
// punished players hit back, punishment sustains less cooperation.
TEST(PublicGoodsGame, AntisocialPunishmentLowersContributions) {
  int lower = 0;
  double gap = 0;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    PggSettings g = settings(seed);
    const auto ordinary = run_public_goods_game(model().params, g, true);
    g.antisocial = true;
    const auto antisocial = run_public_goods_game(model().params, g, true);
    lower += antisocial.back().mean_share < ordinary.back().mean_share - 0.02;
    gap += (ordinary.back().mean_share - antisocial.back().mean_share) / kSeeds;
    EXPECT_GT(antisocial.back().antisocial, 0.0);
  }
  EXPECT_EQ(lower, kSeeds);  // round 10 at least 2 points lower in every seed
  EXPECT_GT(gap, 0.05);
}

// Andreoni 1988: after a surprise restart contributions jump back up.
TEST(PublicGoodsGame, RestartRaisesContributions) {
  constexpr int kRestart = 6;
  int jumps = 0;
  for (int seed = 1; seed <= kSeeds; ++seed) {
    PggSettings g = settings(seed);
    g.restart_at = kRestart;
    const auto off = run_public_goods_game(model().params, g, false);
    jumps += off[kRestart - 1].mean_share > off[kRestart - 2].mean_share + 0.05;  // 5 points or more
    EXPECT_LT(off.back().mean_share, off[kRestart - 1].mean_share);             // and decays again
  }
  EXPECT_EQ(jumps, kSeeds);
}

}  // namespace
}  // namespace courtyard
