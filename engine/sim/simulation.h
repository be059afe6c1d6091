// The weekly step: the courtyard's schedule as a fixed chain of named phases.
//
// Phases that touch only their own courtyard run under tbb::parallel_for over courtyards. Phases that
// cross courtyards (interventions under a shared subdistrict budget, moves between courtyards of a
// community) run in parallel over communities, each community in the serial order (interventions.cpp
// and relocate_in_community say why the result is the same), with the subdistrict's budget settled
// in that order; a subdistrict-paid intervention whose payments cannot be known in advance, and
// every intervention on one thread, run serially. Scratch buffers are sized at construction: step() never
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
  // Seconds of the interventions phase spent outside its parallel passes (wall time): what stays
  // serial (the week's set-up, screening a subdistrict-paid intervention, one taken in order).
  double interventions_serial_seconds() const;
  // How the interventions the subdistrict pays were taken so far, one count per intervention and week
  // (interventions.cpp): in the serial order, or by community in parallel, screened as charging the
  // subdistrict nothing, only what its budget covers, or only what it cannot pay.
  struct InterventionPasses {
    int64_t serial = 0, free = 0, all = 0, nothing = 0;
  };
  InterventionPasses intervention_passes() const;
  // For tests: take every intervention in the serial order, the reference the parallel passes match.
  void take_interventions_serially() { interventions_by_community_ = false; }
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

  EventSlots event_slots() { return EventSlots{event_slots_.data(), event_count_.data(), event_overflow_.data(), event_capacity_}; }
  void apply_interventions(const Week& w);
  // interventions.cpp: the community's workers (a worker works in one courtyard a week), payments,
  // a lasting act's week, and the order the subdistrict takes courtyards waiting for its money.
  // The subdistrict's strict queue as one target sees it: blocked after the first item it could not
  // pay this week, the target's rank among those waiting for its money, and where its charges go
  // when they are settled after a parallel pass (null: paid at once).
  struct Queue {
    bool blocked = false;
    int32_t rank = 0;
    double* deferred = nullptr;  // two charges at most: the start, then the first week's running cost
    int32_t ndeferred = 0;
  };
  // How far a target gets this week before money or staff are asked (interventions.cpp, reach()).
  enum class Reach : uint8_t { kNothing, kEnds, kRuns, kReady };
  struct Screen;
  double staff(int32_t c, double hours);
  double volunteers(int32_t c, double hours);
  bool can_pay(Payer payer, int32_t c, double yuan, bool queue_blocked) const;
  void pay(Payer payer, int32_t c, double yuan, Queue& q);
  void run_lasting(const InterventionSpec& iv, const Week& w, int64_t slot, int32_t c, Queue& q);
  double order_key(size_t i, size_t t) const;
  int32_t target_at(size_t i, int64_t pos) const;  // the target taken pos-th this week
  void order_targets(size_t i);
  Reach reach(size_t i, size_t t, int32_t step) const;
  void take_target(size_t i, size_t t, const Week& w, Queue& q);
  Screen screen(size_t i, const Week& w, bool queue_blocked);
  void take_in_parallel(const Week& w, size_t lead, bool queue_blocked, size_t first, size_t last);
  void relocate_within_communities();
  void relocate_in_community(int32_t k);  // one community's movers, in courtyard and slot order
  void gather_events();

  // The data members, declared through two tables so that a checkpoint (sim/checkpoint.cpp) saves every
  // one that carries state from one week to the next, and a compile-time check there catches a member
  // declared outside them:
  //   COURTYARD_SIMULATION_STATE      checkpointed (besides state_): read by a later step
  //   COURTYARD_SIMULATION_DERIVED    rebuilt by the constructor from the model, scratch written before it
  //                                   is read within a step, or timings that never reach the output
  //   X(type, name, initializer)
  enum class Status : uint8_t { kWaiting, kDeferred, kActive, kDone };
  static constexpr int32_t kEventSlotsPerCourtyard = 4;
  using ThreadPhaseSeconds = oneapi::tbb::enumerable_thread_specific<PhaseTimes>;
#define COURTYARD_SIMULATION_STATE(X)                                                                    \
  /* interventions: one status per (intervention, target courtyard) */                                 \
  X(std::vector<Status>, target_status_, {})    /* (sum of targets) */                                 \
  X(std::vector<int32_t>, target_start_, {})    /* (sum of targets) step it started, -1 not yet */     \
  X(std::vector<int32_t>, target_due_, {})      /* (sum of targets) step first due, -1 */              \
  X(std::vector<double>, target_hours_, {})     /* (sum of targets) staff hours towards a one-off act */\
  X(std::vector<uint8_t>, target_logged_, {})   /* (sum of targets) TargetLog bits: waits logged */    \
  X(std::vector<double>, criterion_, {})        /* (ncourtyard) the targeting rule's criterion */      \
  X(double, budget_left_, {0})                  /* the subdistrict's budget left, yuan */              \
  X(std::vector<double>, community_budget_left_, {}) /* (ncommunity) this year's, yuan */              \
  X(std::vector<int32_t>, worker_courtyard_, {})  /* (nworker) where the worker is this week, -1 */    \
  X(std::vector<double>, worker_hours_left_, {})  /* (nworker) hours left this week */                 \
  X(std::vector<int32_t>, volunteer_step_, {})    /* (ncourtyard) step the volunteers' week was counted */\
  X(std::vector<double>, volunteer_left_, {})     /* (ncourtyard) volunteers' hours left this week */
#define COURTYARD_SIMULATION_DERIVED(X)                                                                  \
  X(PhaseTimes, serial_seconds_, {})                                                                     \
  X(double, interventions_parallel_seconds_, {0}) /* wall time of the interventions' parallel passes */ \
  X(ThreadPhaseSeconds, thread_phase_seconds_, {PhaseTimes{}})                                           \
  /* events: a few fixed slots per courtyard and step, then an overflow list per courtyard (life.h), */ \
  /* emptied at the start of each step */                                                                \
  X(std::vector<Event>, event_slots_, {})       /* (ncourtyard x event_capacity_) */                   \
  X(std::vector<int32_t>, event_count_, {})     /* (ncourtyard) */                                     \
  X(std::vector<std::vector<Event>>, event_overflow_, {}) /* (ncourtyard) events past the slots */     \
  X(std::vector<Event>, step_events_, {})       /* gathered in courtyard order; grows to the busiest step */\
  X(int32_t, event_capacity_, {0})                                                                       \
  X(std::vector<int64_t>, target_offset_, {})   /* (ninterventions+1) */                               \
  X(std::vector<uint32_t>, lottery_key_, {})    /* (sum of targets) the subdistrict's lottery ticket */ \
  X(std::vector<int32_t>, worker_offset_, {})   /* (ncommunity+1) first worker of each community */   \
  /* interventions: each one's targets in the order taken this week (under first come: in id order, */ \
  /* not stored), and grouped by community in that order (interventions.cpp) */                          \
  X(std::vector<int32_t>, iv_order_, {})        /* (sum of targets, or none under first come) */       \
  X(std::vector<int32_t>, iv_bucket_, {})       /* (sum of targets) target indices by community */     \
  X(std::vector<int32_t>, iv_bucket_offset_, {}) /* (ninterventions x (ncommunity+1)) */                \
  /* scratch: a subdistrict-paid intervention screened before a parallel pass (interventions.cpp) */     \
  X(std::vector<uint8_t>, screen_reach_, {})    /* (most targets) Reach */                             \
  X(std::vector<int32_t>, screen_rank_, {})     /* (most targets) rank before the target */            \
  X(std::vector<double>, screen_charge_, {})    /* (2 x most targets) charges to settle in order */    \
  X(bool, interventions_by_community_, {false})  /* whether interventions may be taken in parallel */  \
  X(std::vector<int64_t>, screen_counts_, {})   /* (4) InterventionPasses, by Screen::Kind */           \
  /* relocation scratch */                                                                               \
  X(std::vector<double>, attraction_, {})       /* (ncourtyard) vacancies x attractiveness */          \
  X(std::vector<double>, cumulative_, {})       /* (ncourtyard) running sums within each community */   \
  X(std::vector<int64_t>, vacancy_cursor_, {})  /* (ncourtyard) next slot to look at for a vacancy */

  const Model& model_;
  State state_;
#define COURTYARD_SIMULATION_DECLARE(type, name, init) type name init;
  COURTYARD_SIMULATION_STATE(COURTYARD_SIMULATION_DECLARE)
  COURTYARD_SIMULATION_DERIVED(COURTYARD_SIMULATION_DECLARE)
#undef COURTYARD_SIMULATION_DECLARE

  friend struct SimulationCheckpointAccess;  // sim/checkpoint.cpp
};

}  // namespace courtyard
