#include "model/model.h"

#include "model/events.h"

namespace courtyard {

int facility_from_name(const std::string& name) {
  for (int f = 0; f < kFacilityCount; ++f)
    if (name == kFacilityNames[f]) return f;
  return kFacilityCount;
}

const char* intervention_type_name(InterventionType t) {
  switch (t) {
    case InterventionType::kHardwareUpgrade: return "hardware_upgrade";
    case InterventionType::kFeeChange: return "fee_change";
    case InterventionType::kSubsidy: return "subsidy";
    case InterventionType::kManagementChange: return "management_change";
    case InterventionType::kCleaning: return "cleaning";
    case InterventionType::kCount: break;
  }
  return "unknown";
}

const char* event_type_name(EventType t) {
  switch (t) {
    case EventType::kInterventionStart: return "intervention_start";
    case EventType::kInterventionDeferred: return "intervention_deferred";
    case EventType::kInterventionEnd: return "intervention_end";
    case EventType::kFacilityFailure: return "facility_failure";
    case EventType::kRepair: return "repair";
    case EventType::kMeeting: return "meeting";
    case EventType::kLevy: return "levy";
    case EventType::kCount: break;
  }
  return "unknown";
}

}  // namespace courtyard
