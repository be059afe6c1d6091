// Events: things that happen at a step in a courtyard, written to the /events table.
// One flat record type for all kinds; fields a kind does not use stay at their defaults.
#pragma once

#include <cstdint>

namespace courtyard {

// Never renumber: the values are stored in output files (an HDF5 enum type names them).
enum class EventType : int16_t {
  kInterventionStart = 0,  // subject: intervention index; amount: cost charged (yuan)
  kInterventionDeferred,   // subject: intervention index; amount: cost that could not be paid
  kInterventionEnd,        // subject: intervention index
  kFacilityFailure,        // subject: facility id; share: condition after the failure
  kRepair,                 // subject: facility id; amount: yuan spent; share: condition after
  kMeeting,                // governance: subject agenda item; attendees, yes, no, abstain, rule, outcome
  kLevy,                   // governance: subject agenda item; attendees: households asked; yes: paid;
                           // amount: yuan collected (0 when it fails); share: paid share; outcome
  kStaffWait,              // subject: intervention index; staff_hours: hours still to be worked (first
                           // week it waits for the community's workers)
  kTargeted,               // subject: intervention index; the subdistrict chose this courtyard for its
                           // money: rule: targeting rule; share: the rule's criterion; yes: rank this
                           // week among those waiting (from 1); amount: cost
  kUnpaid,                 // subject: intervention index; a lasting act's running cost could not be
                           // paid (first week of a spell): amount: yuan due; payer
  kCompanyLeft,            // the management company left: subject months of low collection; share: the
                           // last collection rate
  kCount
};
const char* event_type_name(EventType t);

struct Event {
  int32_t step = 0;
  int32_t courtyard = 0;
  EventType type = EventType::kInterventionStart;
  int16_t rule = 0;      // voting rule (governance)
  int32_t subject = -1;  // what the event is about (see EventType)
  int32_t caller = -1;   // who called a meeting (governance)
  int32_t attendees = 0;
  int32_t yes = 0, no = 0, abstain = 0;
  int32_t outcome = 0;   // 1 adopted / done, 0 rejected / not done
  double amount = 0;     // yuan
  float share = 0;       // a share in [0,1]
  float staff_hours = 0;      // community workers' hours the act took (interventions)
  float volunteer_hours = 0;  // volunteers' hours the act took (interventions)
  int16_t payer = 0;          // who paid `amount` (Payer; 0: nobody)
  int32_t wait_weeks = 0;     // weeks an intervention waited for money, staff or what it needs
};

}  // namespace courtyard
