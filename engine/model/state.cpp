#include "model/state.h"

#include <cstring>

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

namespace {
// Byte equality: NaN entries (no meeting yet, say) compare equal to themselves, and -0 differs from 0.
template <class T>
bool same_bytes(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}
}  // namespace

bool State::operator==(const State& other) const {
  bool same = step == other.step && same_bytes(condition, other.condition);
#define COURTYARD_EQ(type, name, doc) same = same && same_bytes(name, other.name);
  COURTYARD_HOUSEHOLD_FIELDS(COURTYARD_EQ)
  COURTYARD_COURTYARD_FIELDS(COURTYARD_EQ)
#undef COURTYARD_EQ
  return same;
}

}  // namespace courtyard
