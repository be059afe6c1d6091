// Management models as mechanisms: who collects the fee, where the money goes, what residents see.
//
// Nobody: no one collects door to door, nothing is spent on upkeep. A residents' committee collects
// into the fund and spends it. A company collects, keeps its margin and spends the rest, and keeps
// its accounts to itself. A trust-based manager collects into a jointly supervised account, is paid a
// fixed remuneration from it, and shows every expense as it happens: residents read money and
// payment as from posted accounts. An owners' committee collects into the fund and pays running costs
// and cleaning, but repairs wait for an adopted art. 278 vote (governance/management.cpp holds it).
#include <algorithm>

#include "life/life.h"

namespace courtyard {

const ContractSpec& contract_of(const Model& m, const State& s, int32_t c) {
  // a model built by hand without contracts: the default terms (the former company: no margin, 0.7)
  static const ContractSpec kDefault{};
  const int32_t k = s.contract[c];
  return k >= 0 && k < static_cast<int32_t>(m.contracts.size()) ? m.contracts[k] : kDefault;
}

bool collects(const State& s, int32_t c) { return s.management[c] != Management::kNone; }

double service_level(const Model& m, const State& s, int32_t c) {
  switch (s.management[c]) {
    case Management::kNone: return 0.2;
    case Management::kSelf: return 0.6;
    case Management::kCompany:
    case Management::kTrust: return contract_of(m, s, c).service_level;
    case Management::kOwnersCommittee: return m.params.management_models.owners_committee_service_level;
  }
  return 0.2;
}

bool accounts_posted(const State& s, int32_t c) {
  return (s.institutions[c] & kTransparency) || s.management[c] == Management::kTrust;
}

void bank_fees(const Model& m, State& s, int32_t c, double income) {
  const ContractSpec& k = contract_of(m, s, c);
  const int32_t households = m.courtyards[c].households;
  s.manager_take_month[c] = 0;
  switch (s.management[c]) {
    case Management::kCompany: {
      // the company keeps its margin; the rest funds upkeep and services
      const double kept = k.margin * income;
      s.fund[c] += income - kept;
      s.manager_take_month[c] = kept;
      return;
    }
    case Management::kTrust: {
      // every yuan goes into the supervised account; the manager's fixed pay comes out of it
      s.fund[c] += income;
      const double pay = std::min(s.fund[c], k.remuneration * households);
      s.fund[c] -= pay;
      s.costs_month[c] += pay;
      s.manager_take_month[c] = pay;
      return;
    }
    default: s.fund[c] += income; return;
  }
}

bool repairs_allowed(int32_t step, const State& s, int32_t c) {
  if (s.management[c] == Management::kNone) return false;
  if (s.management[c] == Management::kOwnersCommittee) return step < s.repairs_approved_until[c];
  return true;
}

}  // namespace courtyard
