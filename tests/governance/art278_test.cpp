// Civil Code art. 278: participation by owners holding >= 2/3 of the area and >= 2/3 of the owners;
// ordinary matters need more than half of the participating owners and area, major ones >= 3/4.
#include <gtest/gtest.h>

#include "governance/governance.h"

namespace courtyard {
namespace {

OwnerVote vote(double owners, double area, double p_owners, double p_area, double y_owners, double y_area) {
  return OwnerVote{owners, area, p_owners, p_area, y_owners, y_area};
}

TEST(Art278, QuorumNeedsTwoThirdsOfOwnersAndOfArea) {
  EXPECT_TRUE(art278_quorum(vote(90, 900, 60, 600, 0, 0)));   // exactly 2/3 of each
  EXPECT_FALSE(art278_quorum(vote(90, 900, 59, 600, 0, 0)));  // one owner short
  EXPECT_FALSE(art278_quorum(vote(90, 900, 60, 599, 0, 0)));  // 1 m^2 short
  EXPECT_FALSE(art278_quorum(vote(0, 0, 0, 0, 0, 0)));        // nobody owns anything
}

TEST(Art278, OrdinaryMattersNeedMoreThanHalf) {
  // 60 owners with 600 m^2 take part
  EXPECT_FALSE(art278_adopted(vote(90, 900, 60, 600, 30, 300), false));  // exactly half: not more
  EXPECT_TRUE(art278_adopted(vote(90, 900, 60, 600, 31, 301), false));
  EXPECT_FALSE(art278_adopted(vote(90, 900, 60, 600, 31, 300), false));  // owners yes, area exactly half
  EXPECT_FALSE(art278_adopted(vote(90, 900, 60, 600, 30, 400), false));  // area yes, owners exactly half
}

TEST(Art278, MajorMattersNeedThreeQuarters) {
  EXPECT_TRUE(art278_adopted(vote(90, 900, 60, 600, 45, 450), true));   // exactly 3/4 of each
  EXPECT_FALSE(art278_adopted(vote(90, 900, 60, 600, 44, 450), true));
  EXPECT_FALSE(art278_adopted(vote(90, 900, 60, 600, 45, 449), true));
  EXPECT_TRUE(art278_adopted(vote(90, 900, 60, 600, 45, 450), false));  // and that carries an ordinary one
}

TEST(Art278, UnanimousVoteWithoutQuorumFails) {
  EXPECT_FALSE(art278_adopted(vote(90, 900, 50, 500, 50, 500), false));
  EXPECT_FALSE(art278_adopted(vote(90, 900, 50, 500, 50, 500), true));
}

}  // namespace
}  // namespace courtyard
