// What an intervention does to a courtyard when it starts and when its window ends (the intervention
// timeline that calls these is sim/interventions.cpp). Each acts on courtyard c alone.
#include "sim/intervention_effects.h"

#include <algorithm>

#include "governance/governance.h"

namespace courtyard {

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
    case InterventionType::kResidentsCouncil:
      s.institutions[c] |= kCouncil;
      // a council on its own calls its meetings; in a package that is the council_meetings component
      if (iv.component.empty()) s.institutions[c] |= kCouncilMeetings;
      break;
    case InterventionType::kCouncilMeetings: s.institutions[c] |= kCouncilMeetings; break;
    case InterventionType::kAssetsSurvey: break;  // what it knows lets hardware works start
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
    case InterventionType::kReceptionStation: s.institutions[c] &= static_cast<uint16_t>(~kReception); break;
    case InterventionType::kTransparencyBoard: s.institutions[c] &= static_cast<uint16_t>(~kTransparency); break;
    case InterventionType::kCouncilMeetings: s.institutions[c] &= static_cast<uint16_t>(~kCouncilMeetings); break;
    default: break;  // cleaning: its share is recomputed each week
  }
}

bool is_lasting(const InterventionSpec& iv) {
  if (iv.lasting) return true;
  switch (iv.type) {
    case InterventionType::kCleaning:
    case InterventionType::kHomeVisits:
    case InterventionType::kAwards:
    case InterventionType::kServices:
    case InterventionType::kActivity: return true;
    default: return false;
  }
}

}  // namespace courtyard
