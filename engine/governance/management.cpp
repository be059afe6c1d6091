// The monthly decisions of the management models (after the fees are in):
//   - a company whose collection stays below its contract's exit level for exit_months months in a row
//     leaves: the courtyard is left without management (an event records it);
//   - an owners' committee with repairs waiting puts spending the fund on repairs to the owners, a Civil
//     Code art. 278 vote at a courtyard meeting (using the maintenance fund is an ordinary matter, art.
//     278(5): more than half of the participating owners and area); an adopted vote authorises repairs
//     for owners_committee_approval_months months. Until then the fund is not spent on repairs.
#include <algorithm>
#include <cmath>

#include "governance/governance.h"

namespace courtyard {

namespace {

// Whole weeks of a span in months (capped: validation allows any non-negative number of months).
int32_t months_to_weeks(double months) {
  return static_cast<int32_t>(std::lround(std::min(months, 1e6) * 52.0 / 12.0));
}

void company_stays_or_leaves(const Week& w, State& s, int32_t c) {
  const ContractSpec& k = contract_of(w.model, s, c);
  if (s.collection_rate[c] < k.exit_collection) {
    ++s.low_collection_months[c];
  } else {
    s.low_collection_months[c] = 0;
  }
  if (k.exit_months <= 0 || s.low_collection_months[c] < k.exit_months) return;
  Event e;
  e.step = w.step;
  e.courtyard = c;
  e.type = EventType::kCompanyLeft;
  e.subject = s.low_collection_months[c];
  e.share = s.collection_rate[c];
  w.events.push(c, e);
  s.management[c] = Management::kNone;
  s.low_collection_months[c] = 0;
}

// Repairs the courtyard waits for: a failure not yet dealt with, or a facility worn below what the
// routine budget keeps up (the maintenance rule's urgent threshold, 0.3, or any wear with a budget).
bool repairs_waiting(const State& s, int32_t c) {
  if (s.urgent_demands[c] > 0) return true;
  for (int f = 0; f < kFacilityCount; ++f) {
    const float cond = s.condition[c * kFacilityCount + f];
    if (cond < 0.3f || (s.maintenance_rate[c] > 0 && cond < 0.9f)) return true;
  }
  return false;
}

void owners_vote_on_repairs(const Week& w, State& s, int32_t c) {
  const Model& m = w.model;
  const auto& mm = m.params.management_models;
  if (m.repairs_proposal < 0 || w.step < s.repairs_approved_until[c] || !repairs_waiting(s, c)) return;
  if (w.step - s.repairs_vote_step[c] < months_to_weeks(mm.owners_committee_vote_interval_months)) return;
  s.repairs_vote_step[c] = w.step;
  const MeetingResult r = hold_meeting(w, s, c, m.repairs_proposal, Caller::kOwnersCommittee, false);
  if (r.adopted) s.repairs_approved_until[c] = w.step + months_to_weeks(mm.owners_committee_approval_months);
}

}  // namespace

void management_month(const Week& w, State& s, int32_t c) {
  if (!w.first_week_of_month) return;
  switch (s.management[c]) {
    case Management::kCompany: company_stays_or_leaves(w, s, c); break;
    case Management::kOwnersCommittee: owners_vote_on_repairs(w, s, c); break;
    default: break;
  }
}

}  // namespace courtyard
