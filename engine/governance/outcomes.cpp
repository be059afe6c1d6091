// The district's ratings of a courtyard (docs/governance.md): the "five haves" and the star rating.
// The case names both but not their criteria; the thresholds here are assumptions, documented.
#include "governance/governance.h"

namespace courtyard {

int five_haves(const State& s, int32_t c) {
  const uint16_t inst = s.institutions[c];
  int n = 0;
  n += (inst & (kPartyBranch | kCouncil | kCommittee)) != 0;               // an organisation
  n += s.condition[c * kFacilityCount + kCommonRooms] >= 0.7f;              // a place to meet
  n += (inst & kCovenant) != 0;                                             // rules
  n += s.services_level[c] > 0 || (inst & kActivities);                    // services and activities
  n += s.self_financing[c] != 0;                                            // its own funds
  return n;
}

int star_rating(const State& s, int32_t c, double collection_rate, double condition, double disorder) {
  int points = 0;
  points += collection_rate >= 0.9;
  points += condition >= 0.75;
  points += disorder <= 0.2;
  points += s.self_financing[c] != 0;
  points += five_haves(s, c) >= 4;
  return points > 1 ? points : 1;  // one star per criterion met, at least one: five need every criterion
}

}  // namespace courtyard
