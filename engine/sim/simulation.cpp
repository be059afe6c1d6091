#include "sim/simulation.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>

#include "core/rng.h"

namespace courtyard {

const char* phase_name(Phase p) {
  switch (p) {
    case Phase::kInterventions: return "interventions";
    case Phase::kWear: return "wear";
    case Phase::kMaintenance: return "maintenance";
    case Phase::kBrokenWindows: return "broken_windows";
    case Phase::kSatisfactionTrust: return "satisfaction_trust";
    case Phase::kCivic: return "civic";
    case Phase::kFeePayment: return "fee_payment";
    case Phase::kCovenant: return "covenant";
    case Phase::kManagement: return "management";
    case Phase::kDemands: return "demands";
    case Phase::kMoveOut: return "move_out";
    case Phase::kRelocate: return "relocate";
    case Phase::kMoveIn: return "move_in";
    case Phase::kTies: return "ties";
    case Phase::kEvents: return "events";
    case Phase::kCount: break;
  }
  return "unknown";
}

Simulation::Simulation(const Model& model) : model_(model) {
  const int32_t nc = model.ncourtyard();
  state_.allocate(model.nhousehold(), nc);

  // events: a few fixed slots per courtyard and step, then the courtyard's overflow list (life.h). Sized
  // by what a step usually holds, not by the worst case (8 per intervention), which reserved about
  // 24 KB per courtyard on the city run.
  event_capacity_ = kEventSlotsPerCourtyard;
  event_slots_.resize(static_cast<size_t>(nc) * event_capacity_);
  event_count_.assign(nc, 0);
  event_overflow_.resize(nc);

  target_offset_.push_back(0);
  for (const auto& iv : model.interventions)
    target_offset_.push_back(target_offset_.back() + static_cast<int64_t>(iv.courtyards.size()));
  target_status_.assign(static_cast<size_t>(target_offset_.back()), Status::kWaiting);
  target_start_.assign(static_cast<size_t>(target_offset_.back()), -1);
  target_due_.assign(static_cast<size_t>(target_offset_.back()), -1);
  target_hours_.assign(static_cast<size_t>(target_offset_.back()), 0.0);
  target_logged_.assign(static_cast<size_t>(target_offset_.back()), 0);
  lottery_key_.assign(static_cast<size_t>(target_offset_.back()), 0);
  size_t most_targets = 0;
  for (size_t i = 0; i < model.interventions.size(); ++i) {
    const auto& iv = model.interventions[i];
    most_targets = std::max(most_targets, iv.courtyards.size());
    for (size_t t = 0; t < iv.courtyards.size(); ++t) {
      Stream r(model.seed, Purpose::kTargeting, static_cast<uint32_t>(i), static_cast<uint32_t>(t), 0);
      lottery_key_[target_offset_[i] + static_cast<int64_t>(t)] = r.next_u32();
    }
  }
  criterion_.assign(static_cast<size_t>(nc), 0.0);
  if (model.targeting != Targeting::kFirstCome) iv_order_.assign(static_cast<size_t>(target_offset_.back()), 0);
  iv_bucket_.assign(static_cast<size_t>(target_offset_.back()), 0);
  iv_bucket_offset_.assign(model.interventions.size() * static_cast<size_t>(model.ncommunity() + 1), 0);
  screen_reach_.assign(most_targets, 0);
  screen_rank_.assign(most_targets, 0);
  screen_charge_.assign(2 * most_targets, 0.0);
  screen_counts_.assign(4, 0);
  // Interventions are taken by community in parallel (interventions.cpp) when a target's courtyard is
  // the same in the components it follows or needs, and an intervention names a courtyard once: so
  // far always (a package's components share its targets; target lists are sorted and unique).
  interventions_by_community_ = true;
  for (const auto& iv : model.interventions) {
    for (size_t t = 1; t < iv.courtyards.size(); ++t)
      interventions_by_community_ = interventions_by_community_ && iv.courtyards[t - 1] < iv.courtyards[t];
    if (iv.follows >= 0) interventions_by_community_ = interventions_by_community_ && model.interventions[iv.follows].courtyards == iv.courtyards;
    for (const int32_t need : iv.needs)
      interventions_by_community_ = interventions_by_community_ && model.interventions[need].courtyards == iv.courtyards;
  }
  volunteer_step_.assign(static_cast<size_t>(nc), -1);
  volunteer_left_.assign(static_cast<size_t>(nc), 0.0);
  budget_left_ = model.subdistrict_budget;
  community_budget_left_.assign(model.community_budget_per_year.begin(), model.community_budget_per_year.end());
  worker_offset_.push_back(0);
  for (int32_t k = 0; k < model.ncommunity(); ++k) worker_offset_.push_back(worker_offset_.back() + model.community_workers[k]);
  worker_courtyard_.assign(static_cast<size_t>(worker_offset_.back()), -1);
  worker_hours_left_.assign(static_cast<size_t>(worker_offset_.back()), 0.0);
  // under first come each intervention's order is fixed for the run
  if (model.targeting == Targeting::kFirstCome)
    for (size_t i = 0; i < model.interventions.size(); ++i) order_targets(i);

  attraction_.assign(nc, 0);
  cumulative_.assign(model.community_courtyards.size(), 0);
  vacancy_cursor_.assign(nc, 0);

  tbb::parallel_for(tbb::blocked_range<int32_t>(0, nc, 16), [&](const tbb::blocked_range<int32_t>& r) {
    for (int32_t c = r.begin(); c < r.end(); ++c) init_courtyard(model_, state_, c);
  });
}

Week Simulation::week() {
  const Date d = model_.date_of_step(state_.step);
  const double year = d.year + (d.month - 1) / 12.0;
  return Week{model_, state_.step, year, is_first_week_of_month(d), event_slots()};
}

// Runs per-courtyard phases, in the order given, over blocks of courtyards: a block's households stay
// in cache from one phase to the next. Each phase's time is summed per thread (timings never reach the
// output, so thread-local sums are fine here).
void Simulation::courtyard_phases(const Week& w, std::initializer_list<CourtyardPhase> phases) {
  tbb::parallel_for(tbb::blocked_range<int32_t>(0, model_.ncourtyard(), 16), [&](const tbb::blocked_range<int32_t>& r) {
    auto& seconds = thread_phase_seconds_.local();
    for (const CourtyardPhase& phase : phases) {
      const auto t0 = std::chrono::steady_clock::now();
      for (int32_t c = r.begin(); c < r.end(); ++c) phase.run(w, state_, c);
      seconds[static_cast<int>(phase.phase)] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
  });
}

template <class Fn>
void Simulation::serial(Phase phase, Fn&& fn) {
  const auto t0 = std::chrono::steady_clock::now();
  fn();
  serial_seconds_[static_cast<int>(phase)] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The courtyard's week.
void Simulation::step() {
  const Week w = week();
  std::fill(event_count_.begin(), event_count_.end(), 0);

  serial(Phase::kInterventions, [&] { apply_interventions(w); });
  courtyard_phases(w, {{Phase::kWear, wear_and_failures},
                       {Phase::kMaintenance, maintenance},
                       {Phase::kBrokenWindows, broken_windows},
                       {Phase::kSatisfactionTrust, satisfaction_and_trust},
                       {Phase::kCivic, civic_life},
                       {Phase::kFeePayment, fee_payment},  // acts in the first week of a month
                       {Phase::kCovenant, enforce_covenant},  // likewise
                       {Phase::kManagement, management_month},  // likewise
                       {Phase::kDemands, demands},
                       {Phase::kMoveOut, move_out}});
  serial(Phase::kRelocate, [&] { relocate_within_communities(); });
  courtyard_phases(w, {{Phase::kMoveIn, move_in}, {Phase::kTies, ties_and_norms}});
  serial(Phase::kEvents, [&] { gather_events(); });

  ++state_.step;
}

std::array<double, static_cast<int>(Phase::kCount)> Simulation::phase_seconds() const {
  auto total = serial_seconds_;
  for (const auto& local : thread_phase_seconds_)
    for (size_t i = 0; i < total.size(); ++i) total[i] += local[i];
  return total;
}

double Simulation::interventions_serial_seconds() const {
  return serial_seconds_[static_cast<int>(Phase::kInterventions)] - interventions_parallel_seconds_;
}

void Simulation::reset_interval_counters() {
  std::fill(state_.violations.begin(), state_.violations.end(), 0);
  std::fill(state_.move_outs.begin(), state_.move_outs.end(), 0);
  std::fill(state_.move_ins.begin(), state_.move_ins.end(), 0);
  std::fill(state_.meetings.begin(), state_.meetings.end(), 0);
  std::fill(state_.move_outs_owner.begin(), state_.move_outs_owner.end(), 0);
  std::fill(state_.move_outs_renter.begin(), state_.move_outs_renter.end(), 0);
  std::fill(state_.owner_weeks.begin(), state_.owner_weeks.end(), 0);
  std::fill(state_.renter_weeks.begin(), state_.renter_weeks.end(), 0);
  std::fill(state_.sanctions.begin(), state_.sanctions.end(), 0);
  std::fill(state_.enforcement_hours.begin(), state_.enforcement_hours.end(), 0.f);
  std::fill(state_.staff_hours.begin(), state_.staff_hours.end(), 0.f);
  std::fill(state_.volunteer_hours.begin(), state_.volunteer_hours.end(), 0.f);
  std::fill(state_.spent_subdistrict.begin(), state_.spent_subdistrict.end(), 0.0);
  std::fill(state_.spent_community.begin(), state_.spent_community.end(), 0.0);
  std::fill(state_.spent_courtyard.begin(), state_.spent_courtyard.end(), 0.0);
}

void Simulation::gather_events() {
  step_events_.clear();  // keeps its capacity: no allocation once the busiest step has been seen
  for (int32_t c = 0; c < model_.ncourtyard(); ++c) {
    const int32_t n = event_count_[c];
    if (n == 0) continue;
    const Event* first = event_slots_.data() + static_cast<int64_t>(c) * event_capacity_;
    step_events_.insert(step_events_.end(), first, first + std::min(n, event_capacity_));
    if (n > event_capacity_) {
      step_events_.insert(step_events_.end(), event_overflow_[c].begin(), event_overflow_[c].end());
      event_overflow_[c].clear();
    }
  }
}

// Movers (marked by move_out with their ability) look for a vacant flat on the market in another
// courtyard of their community, chosen with probability proportional to vacancies x attractiveness.
// Computed from the state at the start of the phase; applied in ascending courtyard and slot order
// within each community. A mover only ever lands in its own community and every draw is keyed by
// (courtyard, slot, step), so the communities are independent: they run in parallel, each in that
// order, and the result does not depend on the thread count.
void Simulation::relocate_within_communities() {
  const Model& m = model_;
  State& s = state_;
  // attractiveness of each courtyard's vacancies (parallel: each courtyard writes its own entry)
  tbb::parallel_for(tbb::blocked_range<int32_t>(0, m.ncourtyard(), 16), [&](const tbb::blocked_range<int32_t>& r) {
    for (int32_t c = r.begin(); c < r.end(); ++c) {
      int64_t vacancies = 0;
      for (int64_t h = first_household(m, c); h < end_household(m, c); ++h)
        vacancies += !occupied(s, h) && (s.flags[h] & (kForRent | kForSale));
      attraction_[c] = static_cast<double>(vacancies) * (0.1 + environment_quality(s, c));
      vacancy_cursor_[c] = first_household(m, c);
    }
  });
  tbb::parallel_for(tbb::blocked_range<int32_t>(0, m.ncommunity(), 1), [&](const tbb::blocked_range<int32_t>& r) {
    for (int32_t k = r.begin(); k < r.end(); ++k) relocate_in_community(k);
  });
}

void Simulation::relocate_in_community(int32_t k) {
  const Model& m = model_;
  State& s = state_;
  const int64_t first = m.community_offset[k];
  const int32_t* members = m.community_courtyards.data() + first;
  const int32_t n = m.community_offset[k + 1] - m.community_offset[k];
  if (n < 2) return;
  // cumulative attraction over the community's courtyards, in id order
  double total = 0;
  for (int32_t i = 0; i < n; ++i) cumulative_[first + i] = (total += attraction_[members[i]]);
  if (total <= 0) return;
  const double* cum = cumulative_.data() + first;
  for (int32_t i = 0; i < n; ++i) {
    const int32_t c = members[i];
    if (s.leavers[c] == 0) continue;
    for (int64_t h = first_household(m, c); h < end_household(m, c); ++h) {
      if (s.mover_ability[h] < 0) continue;
      const float ability = s.mover_ability[h];
      s.mover_ability[h] = -1.f;
      Stream r(m.seed, Purpose::kRelocate, static_cast<uint32_t>(c), static_cast<uint32_t>(h - first_household(m, c)),
               static_cast<uint32_t>(state_.step));
      // pick a destination courtyard
      const double x = r.uniform() * total;
      const int32_t j = static_cast<int32_t>(std::upper_bound(cum, cum + n, x) - cum);
      const int32_t dest = members[std::min(j, n - 1)];
      if (dest == c) continue;  // the best flat on offer was back home: leaves the community instead
      // the next vacant flat on the market there
      int64_t& cursor = vacancy_cursor_[dest];
      while (cursor < end_household(m, dest) &&
             (occupied(s, cursor) || !(s.flags[cursor] & (kForRent | kForSale))))
        ++cursor;
      if (cursor == end_household(m, dest)) continue;  // filled up this week: leaves the community
      settle_newcomer(m, s, dest, cursor, Tenure::kRenter, ability,
                      static_cast<uint32_t>(cursor - first_household(m, dest)) | 0x80000000u,
                      static_cast<uint32_t>(state_.step));
      s.move_ins[dest] += 1;
      ++cursor;
    }
  }
}

}  // namespace courtyard
