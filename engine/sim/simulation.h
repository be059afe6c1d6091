// The weekly step: the courtyard's schedule as a fixed chain of named phases.
//
// Phases that touch only their own courtyard run under tbb::parallel_for over courtyards. Phases that
// cross courtyards (interventions under a shared subdistrict budget, moves between courtyards of a
// community) run in ascending id order. Scratch buffers are sized at construction: step() never
// allocates. Each phase is timed.
#pragma once

#include <oneapi/tbb/enumerable_thread_specific.h>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

#include "governance/governance.h"
#include "life/life.h"
#include "model/events.h"
#include "model/model.h"
#include "model/state.h"

namespace courtyard {

enum class Phase : int {
  kInterventions = 0,  // scheduled interventions start, wait for budget, or end   (cross-courtyard)
  kWear,               // facilities wear and fail
  kMaintenance,        // repairs and cleaning paid from the fund
  kBrokenWindows,      // violations add disorder, cleaning removes it
  kSatisfactionTrust,  // satisfaction and trust follow what residents see
  kCivic,              // home visits, council meetings, levy follow-ups, awards and activities
  kFeePayment,         // the monthly fee (first week of each month)
  kCovenant,           // the covenant's sanctions by enforcers (first week of each month)
  kManagement,         // a company stays or leaves; an owners' committee votes on repairs (monthly)
  kDemands,            // demands raised and addressed
  kMoveOut,            // households leave
  kRelocate,           // movers find flats in other courtyards of their community     (cross-courtyard)
  kMoveIn,             // newcomers fill vacant flats
  kTies,               // ties, engagement and norms
  kEvents,             // the step's events gathered in courtyard order
  kCount
};
const char* phase_name(Phase p);

class Simulation {
 public:
  explicit Simulation(const Model& model);

  // Simulates one week.
  void step();

  const Model& model() const { return model_; }
  const State& state() const { return state_; }
  State& mutable_state() { return state_; }
  // Events of the last step, in (courtyard, phase) order.
  std::span<const Event> step_events() const { return {step_events_.data(), step_events_.size()}; }
  // Seconds spent in each phase so far (summed over threads for the per-courtyard phases).
  std::array<double, static_cast<int>(Phase::kCount)> phase_seconds() const;
  // Subdistrict budget left, yuan.
  double budget_left() const { return budget_left_; }
  // Zeroes the counters that metrics report per record interval (violations, moves).
  void reset_interval_counters();

 private:
  using PhaseTimes = std::array<double, static_cast<int>(Phase::kCount)>;
  struct CourtyardPhase {
    Phase phase;
    void (*run)(const Week&, State&, int32_t);
  };
  void courtyard_phases(const Week& w, std::initializer_list<CourtyardPhase> phases);
  template <class Fn>
  void serial(Phase phase, Fn&& fn);
  Week week();

  EventSlots event_slots() { return EventSlots{event_slots_.data(), event_count_.data(), event_capacity_}; }
  void apply_interventions(const Week& w);
  void relocate_within_communities();
  void gather_events();

  const Model& model_;
  State state_;
  PhaseTimes serial_seconds_{};
  oneapi::tbb::enumerable_thread_specific<PhaseTimes> thread_phase_seconds_{PhaseTimes{}};

  // events: fixed slots per courtyard and step
  std::vector<Event> event_slots_;      // (ncourtyard x event_capacity_)
  std::vector<int32_t> event_count_;    // (ncourtyard)
  std::vector<Event> step_events_;      // gathered, capacity reserved at load
  int32_t event_capacity_ = 0;

  // interventions: one status per (intervention, target courtyard)
  enum class Status : uint8_t { kWaiting, kDeferred, kActive, kDone };
  std::vector<Status> target_status_;   // (sum of targets)
  std::vector<int32_t> target_start_;   // (sum of targets) step it started, -1 not yet
  std::vector<int64_t> target_offset_;  // (ninterventions+1)
  double budget_left_ = 0;

  // relocation scratch
  std::vector<double> attraction_;        // (ncourtyard) vacancies x attractiveness
  std::vector<double> cumulative_;        // (ncourtyard) running sums of attraction_ within each community
  std::vector<int64_t> vacancy_cursor_;   // (ncourtyard) next slot to look at for a vacancy
};

}  // namespace courtyard
