// Courtyard meetings (ba ba hui) and votes.
//
// Attendance: a logistic choice on engagement, ties, tenure and mobilisation (a home visit in the last 8
// weeks, or a known party member in the stairwell). Support: the proposal's appeal to the household
// (its levy willingness, or for rules its norms, for the demands agenda its dissatisfaction) plus the
// face-to-face communication effect (Balliet 2010) and, where community workers and party members
// persuade, an appeal to reciprocity scaled by the courtyard's history of paying together.
#include <array>
#include <cmath>
#include <limits>

#include "core/rng.h"
#include "governance/governance.h"

namespace courtyard {

bool art278_quorum(const OwnerVote& v) {
  // exact fractions: 3 * part >= 2 * total (no rounding at the 2/3 boundary)
  return v.owners > 0 && 3 * v.participating_owners >= 2 * v.owners && 3 * v.participating_area >= 2 * v.area;
}

bool art278_adopted(const OwnerVote& v, bool major) {
  if (!art278_quorum(v)) return false;
  if (major) return 4 * v.yes_owners >= 3 * v.participating_owners && 4 * v.yes_area >= 3 * v.participating_area;
  return 2 * v.yes_owners > v.participating_owners && 2 * v.yes_area > v.participating_area;
}

namespace {

constexpr int32_t kMobilisedWeeks = 8;

// Floor area of a flat: the courtyard's mean area +-20%, fixed for the run.
double flat_area(const Model& m, int32_t c, int64_t slot) {
  Stream r(m.seed, Purpose::kFlatArea, static_cast<uint32_t>(c), static_cast<uint32_t>(slot), 0);
  return m.courtyards[c].flat_area_m2 * (0.8 + 0.4 * r.uniform());
}

// Log-odds of supporting a proposal, before the discussion.
double appeal(const Week& w, const State& s, int32_t c, int64_t h, int32_t proposal) {
  const ProposalSpec& p = w.model.proposals[proposal];
  if (p.cost_per_household > 0) return levy_log_odds(w, s, c, h, proposal);
  const bool free_rider = s.coop[h] == CoopType::kFreeRider;
  if (proposal == kProposalDemands) return 1.0 + 3.0 * (0.5 - s.satisfaction[h]);  // they want change
  if (proposal == w.model.repairs_proposal)  // spending the fund: trust in who spends it, wish for change
    return 1.0 + w.model.params.fee_payment.trust_weight * (s.trust[h] - 0.5) + 3.0 * (0.5 - s.satisfaction[h]);
  return 0.5 + 3.0 * (s.norms[h] - 0.5) - (free_rider ? 1.0 : 0.0);                 // a rule for all
}

// Log-odds of an absent owner's proxy or written vote: the proposal's benefit to the flat alone.
double absentee_log_odds(const Model& m, const ProposalSpec& p, int floor, int stairwell) {
  const auto& g = m.params.governance;
  return g.levy_intercept + (p.benefits(floor, stairwell) ? g.levy_benefit_weight : 0.0);
}

}  // namespace

MeetingResult hold_meeting(const Week& w, State& s, int32_t c, int32_t proposal, Caller caller, bool persuasion) {
  const Model& m = w.model;
  const auto& g = m.params.governance;
  const ProposalSpec& p = m.proposals[proposal];
  const int64_t h0 = first_household(m, c), h1 = end_household(m, c);
  const bool art278 = p.rule != VotingRule::kMajorityPresent;

  // stairwells where a party member has made the membership known
  std::array<bool, 256> party_stairwell{};
  if (s.institutions[c] & kPartyBranch)
    for (int64_t h = h0; h < h1; ++h)
      if (occupied(s, h) && (s.flags[h] & kParty)) party_stairwell[s.stairwell[h]] = true;

  Stream r(m.seed, Purpose::kMeetings, static_cast<uint32_t>(c), static_cast<uint32_t>(proposal),
           static_cast<uint32_t>(w.step));
  // absent owners' proxy and written votes come from a stream of their own: the meeting's draws
  // are the same with or without them
  Stream proxy(m.seed, Purpose::kProxyVotes, static_cast<uint32_t>(c), static_cast<uint32_t>(proposal),
               static_cast<uint32_t>(w.step));
  const double proxy_share = art278 ? g.absentee_vote_share : 0.0;
  MeetingResult out;
  OwnerVote vote;
  int32_t residents = 0;
  for (int64_t h = h0; h < h1; ++h) {
    double u_attend, u_vote;
    r.uniform_pair(&u_attend, &u_vote);
    s.civic[h] &= static_cast<uint8_t>(~(kAttended | kPersuaded));
    // every flat has an owner: owner-occupiers vote at the meeting; owners who let the flat or leave
    // it empty vote by proxy or in writing (a share of them), from the proposal's benefit to the flat
    const double area = art278 ? flat_area(m, c, h - h0) : 0;
    vote.owners += 1;
    vote.area += area;
    if (art278) {
      double u_part, u_yes;
      proxy.uniform_pair(&u_part, &u_yes);
      if (s.tenure[h] != Tenure::kOwner && u_part < proxy_share) {
        vote.participating_owners += 1;
        vote.participating_area += area;
        if (u_yes < logistic(absentee_log_odds(m, p, s.floor[h], s.stairwell[h]))) {
          vote.yes_owners += 1;
          vote.yes_area += area;
        }
      }
    }
    if (!occupied(s, h)) continue;
    ++residents;
    const bool owner = s.tenure[h] == Tenure::kOwner;
    const bool mobilised = (s.visited_step[h] > 0 && w.step - (s.visited_step[h] - 1) < kMobilisedWeeks) ||
                           party_stairwell[s.stairwell[h]];
    const double lo_attend = g.attendance_intercept + g.attendance_engagement_weight * s.engagement[h] +
                             g.attendance_ties_weight * s.ties[h] + (owner ? g.attendance_owner_bonus : 0) +
                             (mobilised ? g.attendance_mobilisation : 0);
    if (u_attend >= logistic(lo_attend)) continue;
    ++out.attendees;

    // discussion, persuasion, vote (the appeal is taken before this meeting's flags are set, so that
    // a levy's appeal does not count this meeting's communication and persuasion twice)
    double lo = appeal(w, s, c, h, proposal) + g.communication_effect;
    if (persuasion) lo += g.persuasion_effect * s.joint_history[c];
    s.civic[h] |= kAttended;
    if (persuasion) s.civic[h] |= kPersuaded;
    const double support = logistic(lo);
    const bool yes = u_vote < support;
    // of those who do not support it, some abstain rather than vote against
    const bool abstain = !yes && u_vote < support + 0.3 * (1 - support);
    out.yes += yes;
    out.abstain += abstain;
    out.no += !yes && !abstain;
    if (owner) {
      vote.participating_owners += 1;
      vote.participating_area += area;
      if (yes) {
        vote.yes_owners += 1;
        vote.yes_area += area;
      }
    }
  }
  switch (p.rule) {
    case VotingRule::kMajorityPresent: out.adopted = out.yes > out.no; break;
    case VotingRule::kArt278Ordinary: out.adopted = art278_adopted(vote, false); break;
    case VotingRule::kArt278Major: out.adopted = art278_adopted(vote, true); break;
  }

  // a meeting is a shared event: acquaintance and engagement grow; a decision taken together builds trust
  for (int64_t h = h0; h < h1; ++h) {
    if (!(s.civic[h] & kAttended)) continue;
    s.engagement[h] = clamp01f(s.engagement[h] + 0.05f);
    s.ties[h] = clamp01f(s.ties[h] + 0.02f);
    if (out.adopted) s.trust[h] = clamp01f(s.trust[h] + 0.03f);
  }
  s.meetings[c] += 1;
  s.last_attendance[c] = residents > 0 ? static_cast<float>(out.attendees) / residents : 0.f;
  s.weeks_since_meeting[c] = 0;

  Event e;
  e.step = w.step;
  e.courtyard = c;
  e.type = EventType::kMeeting;
  e.subject = proposal;
  e.caller = static_cast<int32_t>(caller);
  e.attendees = out.attendees;
  e.yes = out.yes;
  e.no = out.no;
  e.abstain = out.abstain;
  e.rule = static_cast<int16_t>(p.rule);
  e.outcome = out.adopted;
  e.share = s.last_attendance[c];
  w.events.push(c, e);

  if (!out.adopted) return out;
  if (proposal == kProposalDemands) {
    // the council takes up what was raised: attendees' demands and half the urgent ones
    for (int64_t h = h0; h < h1; ++h)
      if ((s.civic[h] & kAttended) && s.demands[h] > 0) --s.demands[h];
    s.urgent_demands[c] /= 2;
  } else if (proposal == kProposalCovenant) {
    s.institutions[c] |= kCovenant;
  } else if (p.cost_per_household > 0) {
    start_levy(w, s, c, proposal, true, persuasion);
  }
  return out;
}

}  // namespace courtyard
