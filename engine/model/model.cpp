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
    case InterventionType::kReceptionStation: return "reception_station";
    case InterventionType::kHouseholdSurvey: return "household_survey";
    case InterventionType::kHomeVisits: return "home_visits";
    case InterventionType::kPartyBranch: return "party_branch";
    case InterventionType::kResidentsCouncil: return "residents_council";
    case InterventionType::kResidentsCommittee: return "residents_committee";
    case InterventionType::kCovenant: return "covenant";
    case InterventionType::kAwards: return "awards";
    case InterventionType::kServices: return "services";
    case InterventionType::kTransparencyBoard: return "transparency_board";
    case InterventionType::kActivity: return "activity";
    case InterventionType::kMeeting: return "meeting";
    case InterventionType::kLevy: return "levy";
    case InterventionType::kAssetsSurvey: return "assets_survey";
    case InterventionType::kCouncilMeetings: return "council_meetings";
    case InterventionType::kCount: break;
  }
  return "unknown";
}

const char* payer_name(Payer p) {
  switch (p) {
    case Payer::kSubdistrict: return "subdistrict";
    case Payer::kCourtyard: return "courtyard";
    case Payer::kCommunity: return "community";
  }
  return "unknown";
}

const char* targeting_name(Targeting t) {
  switch (t) {
    case Targeting::kFirstCome: return "first_come";
    case Targeting::kWorstConditionFirst: return "worst_condition_first";
    case Targeting::kGainPerYuan: return "gain_per_yuan";
    case Targeting::kLottery: return "lottery";
  }
  return "unknown";
}

bool ProposalSpec::benefits(int floor, int stairwell) const {
  switch (beneficiaries) {
    case Beneficiaries::kEveryone: return true;
    case Beneficiaries::kUpperFloors: return floor >= floors_from;
    case Beneficiaries::kLowerFloors: return floor <= floors_to;
    case Beneficiaries::kStairwells:
      for (int32_t s : stairwells)
        if (s == stairwell) return true;
      return false;
  }
  return false;
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
    case EventType::kStaffWait: return "staff_wait";
    case EventType::kTargeted: return "targeted";
    case EventType::kUnpaid: return "unpaid";
    case EventType::kCompanyLeft: return "company_left";
    case EventType::kCount: break;
  }
  return "unknown";
}

}  // namespace courtyard
