// The intervention timeline (a cross-courtyard phase: the subdistrict budget is shared).
//
// Interventions are taken in scenario order, and each one's target courtyards in ascending id order.
// A target waits until the intervention's window opens and its condition (if any) holds; then its cost
// is charged to the subdistrict budget or the courtyard's fund. If the money is not there it waits,
// the first deferral is logged as an event, and it is tried again each week until the window closes.
// The subdistrict's budget is a strict queue: after the first item it cannot pay in a week, later items
// that cost money wait too, so a cheap late item never jumps an expensive early one.
#include <algorithm>

#include "governance/governance.h"
#include "sim/metrics.h"
#include "sim/simulation.h"

namespace courtyard {

namespace {

bool condition_holds(const InterventionSpec& iv, const Model& m, const State& s, int32_t c) {
  if (iv.condition_metric.empty()) return true;
  const double v = metric_value(find_metric(iv.condition_metric), m, s, c);
  if (iv.condition_op == '<') return iv.condition_or_equal ? v <= iv.condition_value : v < iv.condition_value;
  return iv.condition_or_equal ? v >= iv.condition_value : v > iv.condition_value;
}

// The one-off effect, or the start of a lasting one, of an intervention in courtyard c.
void start_effect(const InterventionSpec& iv, const Week& w, State& s, int32_t c) {
  const auto& g = w.model.params.governance;
  switch (iv.type) {
    case InterventionType::kHardwareUpgrade: {
      const float target = static_cast<float>(iv.intensity);
      auto upgrade = [&](int f) {
        float& cond = s.condition[c * kFacilityCount + f];
        cond = std::max(cond, target);
      };
      if (iv.facilities.empty())
        for (int f = 0; f < kFacilityCount; ++f) upgrade(f);
      else
        for (int f : iv.facilities) upgrade(f);
      break;
    }
    case InterventionType::kFeeChange: s.fee[c] = iv.value; break;
    case InterventionType::kSubsidy: s.fund[c] += iv.value * iv.intensity; break;
    case InterventionType::kManagementChange:
      // a new manager: its contract (when given), and a fresh record of collection and votes
      s.management[c] = iv.management;
      if (iv.contract >= 0) s.contract[c] = iv.contract;
      s.low_collection_months[c] = 0;
      s.repairs_approved_until[c] = 0;
      break;
    case InterventionType::kCleaning: break;  // lasting: applied each week while active
    case InterventionType::kReceptionStation: s.institutions[c] |= kReception; break;
    case InterventionType::kHouseholdSurvey: s.institutions[c] |= kSurveyed; break;
    case InterventionType::kHomeVisits: s.visit_coverage[c] = static_cast<float>(iv.value * iv.intensity); break;
    case InterventionType::kPartyBranch: {
      // the courtyard's party members make their membership known and take part
      s.institutions[c] |= kPartyBranch;
      for (int64_t h = first_household(w.model, c); h < end_household(w.model, c); ++h)
        if (occupied(s, h) && (s.flags[h] & kParty)) s.engagement[h] = std::max(s.engagement[h], 0.8f);
      break;
    }
    case InterventionType::kResidentsCouncil: s.institutions[c] |= kCouncil; break;
    case InterventionType::kResidentsCommittee:
      s.institutions[c] |= kCommittee;
      if (s.management[c] == Management::kNone) s.management[c] = Management::kSelf;
      s.maintenance_rate[c] = std::max(s.maintenance_rate[c], g.committee_maintenance);
      break;
    case InterventionType::kCovenant:
      hold_meeting(w, s, c, kProposalCovenant, (s.institutions[c] & kCouncil) ? Caller::kCouncil : iv.caller,
                   (s.institutions[c] & kPartyBranch) != 0);
      break;
    case InterventionType::kAwards: s.institutions[c] |= kAwards; break;
    case InterventionType::kServices: s.services_level[c] = static_cast<float>(iv.value * iv.intensity); break;
    case InterventionType::kTransparencyBoard: s.institutions[c] |= kTransparency; break;
    case InterventionType::kActivity: s.institutions[c] |= kActivities; break;
    case InterventionType::kMeeting: hold_meeting(w, s, c, iv.proposal, iv.caller, iv.persuasion); break;
    case InterventionType::kLevy: start_levy(w, s, c, iv.proposal, false, false); break;
    case InterventionType::kCount: break;
  }
}

// The end of a lasting intervention's window.
void end_effect(const InterventionSpec& iv, State& s, int32_t c) {
  switch (iv.type) {
    case InterventionType::kHomeVisits: s.visit_coverage[c] = 0.f; break;
    case InterventionType::kAwards: s.institutions[c] &= static_cast<uint16_t>(~kAwards); break;
    case InterventionType::kServices: s.services_level[c] = 0.f; break;
    case InterventionType::kActivity: s.institutions[c] &= static_cast<uint16_t>(~kActivities); break;
    default: break;  // cleaning: its share is recomputed each week
  }
}

bool is_lasting(const InterventionSpec& iv) {
  switch (iv.type) {
    case InterventionType::kCleaning:
    case InterventionType::kHomeVisits:
    case InterventionType::kAwards:
    case InterventionType::kServices:
    case InterventionType::kActivity: return true;
    default: return false;
  }
}

}  // namespace

void Simulation::apply_interventions(const Week& w) {
  const Model& m = model_;
  State& s = state_;
  const int32_t step = s.step;
  for (auto& share : s.cleaning_share) share = 0.f;
  // the subdistrict pays in a strict queue: once one item cannot be paid this week, every later item
  // (scenario order, then ascending courtyard id) that costs money waits too
  bool queue_blocked = false;

  for (size_t i = 0; i < m.interventions.size(); ++i) {
    const InterventionSpec& iv = m.interventions[i];
    if (step < iv.start_step) continue;
    for (size_t t = 0; t < iv.courtyards.size(); ++t) {
      const int32_t c = iv.courtyards[t];
      const int64_t slot = target_offset_[i] + static_cast<int64_t>(t);
      Status& status = target_status_[slot];
      // a package's later step: in this courtyard, its offset after the package's first step started
      if (iv.follows >= 0 && status == Status::kWaiting) {
        const int32_t leader = target_start_[target_offset_[iv.follows] + static_cast<int64_t>(t)];
        if (leader < 0 || step < leader + iv.offset_steps) continue;
      }
      const int32_t end = iv.duration_steps >= 0 && target_start_[slot] >= 0
                              ? std::min(iv.end_step, target_start_[slot] + iv.duration_steps)
                              : iv.end_step;
      Event e;
      e.step = step;
      e.courtyard = c;
      e.subject = static_cast<int32_t>(i);

      // a lasting intervention acts each week of its window, then ends
      if (status == Status::kActive) {
        if (step > end) {
          status = Status::kDone;
          end_effect(iv, s, c);
          e.type = EventType::kInterventionEnd;
          e.outcome = 1;
          event_slots().push(c, e);
        } else if (iv.type == InterventionType::kCleaning) {
          s.cleaning_share[c] = std::min(1.f, s.cleaning_share[c] + static_cast<float>(iv.value * iv.intensity));
        }
        continue;
      }
      if (status == Status::kDone || step > end) continue;
      if (!condition_holds(iv, m, s, c)) continue;

      // pay, or wait for the money
      const bool by_subdistrict = iv.paid_by_subdistrict;
      const double cost = iv.cost_yuan + iv.cost_per_household_yuan * m.courtyards[c].households +
                          (iv.type == InterventionType::kSubsidy ? iv.value * iv.intensity : 0);
      const bool affordable =
          by_subdistrict ? (cost <= 0 || (!queue_blocked && budget_left_ >= cost)) : s.fund[c] >= cost;
      if (by_subdistrict && !affordable) queue_blocked = true;
      if (!affordable) {
        if (status == Status::kWaiting) {
          e.type = EventType::kInterventionDeferred;
          e.amount = cost;
          event_slots().push(c, e);
          status = Status::kDeferred;
        }
        continue;
      }
      if (by_subdistrict) budget_left_ -= cost;
      else s.fund[c] -= cost;

      status = is_lasting(iv) ? Status::kActive : Status::kDone;
      target_start_[slot] = step;
      e.type = EventType::kInterventionStart;
      e.amount = cost;
      e.outcome = 1;
      event_slots().push(c, e);  // before the events the intervention causes (a meeting, a levy)
      // improvements paid from outside are seen like those paid from the fund
      if (iv.type == InterventionType::kHardwareUpgrade) s.spent_month[c] += cost;
      start_effect(iv, w, s, c);
      if (iv.type == InterventionType::kCleaning)
        s.cleaning_share[c] = std::min(1.f, s.cleaning_share[c] + static_cast<float>(iv.value * iv.intensity));
    }
  }
}

}  // namespace courtyard
