// The weekly civic life of a courtyard under its institutions.
#include "core/rng.h"
#include "governance/governance.h"

namespace courtyard {

void civic_life(const Week& w, State& s, int32_t c) {
  const Model& m = w.model;
  const auto& g = m.params.governance;
  const int64_t h0 = first_household(m, c), h1 = end_household(m, c);
  const uint16_t inst = s.institutions[c];

  // home visits by community workers: trust and engagement grow, demands are heard and passed on
  if (s.visit_coverage[c] > 0) {
    const bool heard = inst & (kCouncil | kCommittee | kReception);
    Stream r(m.seed, Purpose::kInterventions, static_cast<uint32_t>(c), 0x10000000u, static_cast<uint32_t>(w.step));
    for (int64_t h = h0; h < h1; ++h) {
      const double u = r.uniform();
      if (!occupied(s, h) || u >= s.visit_coverage[c]) continue;
      s.visited_step[h] = static_cast<uint16_t>(w.step + 1);
      s.trust[h] = clamp01f(s.trust[h] + static_cast<float>(g.visit_trust_gain));
      s.engagement[h] = clamp01f(s.engagement[h] + static_cast<float>(g.visit_engagement_gain));
      if (heard && s.demands[h] > 0) --s.demands[h];
    }
  }

  // the council calls a meeting when demands pile up (at most every four weeks); its volunteers
  // prepare it (the community's workers are not needed)
  if ((inst & kCouncilMeetings) && s.weeks_since_meeting[c] >= 4) {
    int32_t residents = 0;
    for (int64_t h = h0; h < h1; ++h) residents += occupied(s, h);
    if (residents > 0 && s.open_demands[c] > g.meeting_demand_threshold * residents) {
      hold_meeting(w, s, c, kProposalDemands, Caller::kCouncil, (inst & kPartyBranch) != 0);
      s.volunteer_hours[c] += static_cast<float>(m.params.costs.meeting_volunteer_hours);
    }
  }

  // an adopted levy: follow-up visits to those who have not paid
  if (s.levy_proposal[c] >= 0 && s.levy_weeks_left[c] > 0) follow_up_levy(w, s, c);

  // monthly: recognition awards ("harmonious family", "most beautiful balcony") and activities
  if (w.first_week_of_month && (inst & (kAwards | kActivities))) {
    const float award = (inst & kAwards) ? static_cast<float>(g.award_gain) : 0.f;
    const float together = (inst & kActivities) ? static_cast<float>(g.activity_ties_gain) : 0.f;
    for (int64_t h = h0; h < h1; ++h) {
      if (!occupied(s, h)) continue;
      s.norms[h] += award * (1.f - s.norms[h]);
      s.engagement[h] += award * (1.f - s.engagement[h]);
      s.ties[h] += together * s.engagement[h] * (1.f - s.ties[h]);
    }
  }
  s.weeks_since_meeting[c] += 1;
  s.weeks_since_notice[c] += 1;
}

}  // namespace courtyard
