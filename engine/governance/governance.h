// Governance: how residents organise to reverse the decay.
//
// Institutions (party branch, council, committee, covenant, posted accounts, reception station) are
// flags on the courtyard that the life processes read. Meetings gather households (attendance by
// engagement, ties, tenure and mobilisation), discuss face to face, hear persuasion, and vote by the
// proposal's rule; an adopted levy is then collected with follow-up visits. Every function acts on one
// courtyard, so it can run in the parallel courtyard phases or from the serial intervention phase.
#pragma once

#include <cstdint>

#include "life/life.h"

namespace courtyard {

// Owners' votes under Civil Code art. 278 (counts of owners and their floor area, m^2).
struct OwnerVote {
  double owners = 0, area = 0;                 // all owners of the building's flats
  double participating_owners = 0, participating_area = 0;
  double yes_owners = 0, yes_area = 0;
};
// Participation: owners holding >= 2/3 of the area and >= 2/3 of the owners.
bool art278_quorum(const OwnerVote& v);
// Quorum, then approval: ordinary matters need more than half of the participating owners and of their
// area; major matters (items 6-8: raising maintenance funds, rebuilding, changing the use of common
// parts) at least 3/4 of each.
bool art278_adopted(const OwnerVote& v, bool major);

struct MeetingResult {
  int32_t attendees = 0, yes = 0, no = 0, abstain = 0;
  bool adopted = false;
};

// A courtyard meeting on `proposal`, now. Writes attendance flags, effects of the discussion and of an
// adopted decision (a levy starts, the covenant comes into force, demands are taken up), and an event.
MeetingResult hold_meeting(const Week& w, State& s, int32_t c, int32_t proposal, Caller caller, bool persuasion);

// Asks every resident household for the proposal's levy. After a meeting (`adopted`) unpaid households
// are visited again each week for levy_followup_weeks (and persuaded, when the meeting was); without
// one, the single ask decides.
void start_levy(const Week& w, State& s, int32_t c, int32_t proposal, bool adopted, bool persuasion);

// One week of follow-up visits for the open levy; closes it after the last.
void follow_up_levy(const Week& w, State& s, int32_t c);

// The weekly civic life of a courtyard: home visits, the reception station, the council calling a
// meeting when demands pile up, levy follow-ups, monthly awards and activities.
void civic_life(const Week& w, State& s, int32_t c);

// The covenant's graduated sanctions, monthly after the fees (governance/covenant.cpp): received
// sanctions fade; enforcers with limited hours sanction households in arrears (reminder, home visit,
// notice at the gate), who comply or resent.
void enforce_covenant(const Week& w, State& s, int32_t c);
// Enforcers of courtyard c now: known party members, council volunteers and stairwell leads.
int32_t covenant_enforcers(const Model& m, const State& s, int32_t c);
// Volunteers of courtyard c now, for the work of interventions: known party members, residents whose
// engagement is at least 0.7, and under a council a lead for each stairwell.
int32_t courtyard_volunteers(const Model& m, const State& s, int32_t c);

// The management models' monthly decisions, after the fees (governance/management.cpp): a company
// leaves after sustained low collection; an owners' committee puts repairs to an art. 278 vote.
void management_month(const Week& w, State& s, int32_t c);

// The district's ratings (assumed criteria, docs/governance.md): the "five haves" checklist, 0..5
// (organisation, a place to meet, rules, services or activities, own funds), and stars, 1..5.
int five_haves(const State& s, int32_t c);
int star_rating(const State& s, int32_t c, double collection_rate, double condition, double disorder);

// Log-odds of a household paying a proposal's levy (or supporting it at a meeting).
double levy_log_odds(const Week& w, const State& s, int32_t c, int64_t h, int32_t proposal);

}  // namespace courtyard
