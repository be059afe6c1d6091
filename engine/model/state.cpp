#include "model/state.h"

namespace courtyard {

void State::allocate(int64_t nhousehold, int32_t ncourtyard) {
  step = 0;
#define COURTYARD_ALLOC_HH(type, name, doc) name.assign(static_cast<size_t>(nhousehold), type{});
#define COURTYARD_ALLOC_CY(type, name, doc) name.assign(static_cast<size_t>(ncourtyard), type{});
  COURTYARD_HOUSEHOLD_FIELDS(COURTYARD_ALLOC_HH)
  COURTYARD_COURTYARD_FIELDS(COURTYARD_ALLOC_CY)
#undef COURTYARD_ALLOC_HH
#undef COURTYARD_ALLOC_CY
  condition.assign(static_cast<size_t>(ncourtyard) * kFacilityCount, 0.f);
}

bool State::operator==(const State& other) const {
  bool same = step == other.step && condition == other.condition;
#define COURTYARD_EQ(type, name, doc) same = same && name == other.name;
  COURTYARD_HOUSEHOLD_FIELDS(COURTYARD_EQ)
  COURTYARD_COURTYARD_FIELDS(COURTYARD_EQ)
#undef COURTYARD_EQ
  return same;
}

}  // namespace courtyard
