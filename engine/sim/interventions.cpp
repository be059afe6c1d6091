// The intervention timeline (a cross-courtyard phase: the subdistrict's budget, the communities'
// budgets and their workers are shared; taken by community in parallel, see below).
//
// Interventions are taken in scenario order (a package's components in the case's order), and each
// one's target courtyards in ascending id order, or, for one the subdistrict pays, in the order of its
// targeting rule (docs/governance.md, "Budgets and targeting"). A target waits until the window opens,
// its condition (if any) holds and the components it needs have started; then
//   1. its payer must be able to pay its start cost, else it is deferred (logged once) and tried
//      again each week. The subdistrict's budget is a strict queue: after the first item it cannot pay
//      in a week, later items that cost it money wait too, so a cheap late item never jumps an
//      expensive early one;
//   2. the community's workers must work its one-off staff hours (a survey, founding the council,
//      preparing a meeting); hours accumulate over weeks (the first week short is logged) and a worker
//      works in one courtyard a week, taken in the order above: earlier work is served first;
//   3. it is paid and starts; a lasting act then takes its hours and running cost each week (and
//      month), and acts in proportion to the staff hours it got; a week its running cost cannot be
//      paid it does not act (logged once per spell).
// Hours and yuan are summed per courtyard (metrics staff_hours, volunteer_hours, spent_*), and every
// start row in /events carries its cost, hours, payer and the weeks it waited.
//
// In parallel, with the same result on any thread count. A target touches only its own courtyard (its
// state, fund, volunteers, event slots, and its slots of this intervention), its community (the
// workers and the community's budget), and, when the subdistrict pays, the subdistrict's budget, the
// queue and the rank; a meeting or a levy acts on the one courtyard and draws keyed random numbers.
// What it reads of other interventions is the same courtyard's slots of the components it follows or
// needs (a package's components share their targets; the constructor checks this, and that a
// courtyard is named once, else everything stays serial). So an intervention the subdistrict does not
// pay is taken by community in parallel: each community takes its own targets in the week's order
// (each intervention's order, split by community with a stable counting sort: order_targets), and a
// run of such interventions shares one pass, each community taking the run's interventions in turn.
// Every courtyard and community then sees the same operations in the same order as in the serial
// loop, so every sum, draw and event comes out bit for bit the same.
// An intervention the subdistrict pays is screened first (screen(): what each target can reach does
// not depend on the intervention's other targets, so it is known before they are taken): when it can
// charge the subdistrict nothing, or its budget covers every charge it could make (with a margin for
// rounding) and the queue is open, or every charge it could make is more than the budget, whether each
// charge is affordable is known in advance; it then leads the next parallel pass, each target with its
// rank in the queue counted in the week's order, and its charges are taken from the budget after the
// pass in that order. Otherwise it is taken in the serial order, paying at once, as a barrier between
// passes. Only that, the week's set-up and the screens' bookkeeping stay serial. On one thread the
// serial loop is taken throughout (same result, and cheaper: it reads the targets in id order).
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <limits>

#include "governance/governance.h"
#include "sim/intervention_effects.h"
#include "sim/metrics.h"
#include "sim/simulation.h"

namespace courtyard {

namespace {

bool condition_holds(const InterventionSpec& iv, const Model& m, const State& s, int32_t c) {
  if (iv.condition_metric.empty()) return true;
  const double v = metric_value(find_metric(iv.condition_metric), m, s, c);
  if (iv.condition_op == '<') return iv.condition_or_equal ? v <= iv.condition_value : v < iv.condition_value;
  return iv.condition_or_equal ? v >= iv.condition_value : v > iv.condition_value;
}

// TargetLog bits: a wait already logged for this target
enum : uint8_t { kLoggedStaffWait = 1, kLoggedUnpaid = 2, kUnpaidMonth = 4, kShortMonth = 8 };

constexpr double kHoursTolerance = 1e-9;

// A lasting act's running cost this week, as run_lasting asks it: the weekly cost, and in a month's
// first week the monthly cost on top (0 when there is none).
double weekly_cost(const InterventionSpec& iv, double households) {
  return iv.yuan_per_week + iv.yuan_per_household_week * households;
}
double monthly_cost(const InterventionSpec& iv, double households) {
  return iv.yuan_per_month + iv.yuan_per_household_month * households;
}
// What starting a target costs its payer.
double start_cost(const InterventionSpec& iv, double households) {
  return iv.cost_yuan + iv.cost_per_household_yuan * households +
         (iv.type == InterventionType::kSubsidy ? iv.value * iv.intensity : 0);
}

// Runs fn and adds its wall time to `seconds`.
template <class Fn>
void timed(double& seconds, Fn&& fn) {
  const auto t0 = std::chrono::steady_clock::now();
  fn();
  seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

double Simulation::staff(int32_t c, double hours) {
  const int32_t k = model_.courtyards[c].community;
  double got = 0;
  // workers already in this courtyard this week first, then free ones, lowest index first
  for (int pass = 0; pass < 2 && got < hours - kHoursTolerance; ++pass) {
    for (int32_t w = worker_offset_[k]; w < worker_offset_[k + 1] && got < hours - kHoursTolerance; ++w) {
      if (worker_courtyard_[w] != (pass == 0 ? c : -1) || worker_hours_left_[w] <= 0) continue;
      worker_courtyard_[w] = c;
      const double take = std::min(worker_hours_left_[w], hours - got);
      worker_hours_left_[w] -= take;
      got += take;
    }
  }
  state_.staff_hours[c] += static_cast<float>(got);
  return got;
}

// The courtyard's volunteers give volunteer_hours_per_week each, counted at the first request of a week
// (the state then); an act takes what is left, up to what it asks.
double Simulation::volunteers(int32_t c, double hours) {
  if (volunteer_step_[c] != state_.step) {
    volunteer_step_[c] = state_.step;
    volunteer_left_[c] = courtyard_volunteers(model_, state_, c) * model_.params.costs.volunteer_hours_per_week;
  }
  const double given = std::min(volunteer_left_[c], hours);
  volunteer_left_[c] -= given;
  state_.volunteer_hours[c] += static_cast<float>(given);
  return given;
}

bool Simulation::can_pay(Payer payer, int32_t c, double yuan, bool queue_blocked) const {
  if (yuan <= 0) return true;
  switch (payer) {
    case Payer::kSubdistrict: return !queue_blocked && budget_left_ >= yuan;
    case Payer::kCommunity: return community_budget_left_[model_.courtyards[c].community] >= yuan;
    case Payer::kCourtyard: return state_.fund[c] >= yuan;
  }
  return false;
}

// A charge to the subdistrict in a parallel pass is noted (q.deferred) and taken from its budget
// afterwards, in the serial order (take_in_parallel); everything else is paid at once.
void Simulation::pay(Payer payer, int32_t c, double yuan, Queue& q) {
  if (yuan <= 0) return;
  switch (payer) {
    case Payer::kSubdistrict:
      if (q.deferred) q.deferred[q.ndeferred++] = yuan;
      else budget_left_ -= yuan;
      state_.spent_subdistrict[c] += yuan;
      break;
    case Payer::kCommunity:
      community_budget_left_[model_.courtyards[c].community] -= yuan;
      state_.spent_community[c] += yuan;
      break;
    case Payer::kCourtyard: state_.fund[c] -= yuan; state_.spent_courtyard[c] += yuan; break;
  }
}

// A week of a lasting act: its running cost (weekly, and monthly in a month's first week), its staff
// hours and its volunteers; it acts in proportion to the staff hours it got, and not at all in a week
// (or month) whose running cost could not be paid.
void Simulation::run_lasting(const InterventionSpec& iv, const Week& w, int64_t slot, int32_t c, Queue& q) {
  State& s = state_;
  const double households = model_.courtyards[c].households;
  uint8_t& logged = target_logged_[slot];
  double yuan = weekly_cost(iv, households);
  if (w.first_week_of_month) {
    const double monthly = monthly_cost(iv, households);
    // a month's running cost is paid in its first week, or the month goes without
    if (monthly > 0) {
      if (can_pay(iv.payer, c, monthly + yuan, false)) logged &= static_cast<uint8_t>(~kUnpaidMonth);
      else logged |= kUnpaidMonth;
      if (!(logged & kUnpaidMonth)) yuan += monthly;
    }
  }
  bool paid = !(logged & kUnpaidMonth) && can_pay(iv.payer, c, yuan, false);
  if (paid) {
    pay(iv.payer, c, yuan, q);
    logged &= static_cast<uint8_t>(~kLoggedUnpaid);
  } else if (!(logged & kLoggedUnpaid)) {
    logged |= kLoggedUnpaid;
    Event e;
    e.step = w.step;
    e.courtyard = c;
    e.subject = static_cast<int32_t>(&iv - model_.interventions.data());
    e.type = EventType::kUnpaid;
    e.amount = yuan + iv.yuan_per_month + iv.yuan_per_household_month * households;
    e.payer = static_cast<int16_t>(iv.payer);
    event_slots().push(c, e);
  }
  // the community's workers, then the courtyard's volunteers
  const double need = iv.staff_hours_per_week + iv.staff_hours_per_household_week * households;
  const double got = paid && need > 0 ? staff(c, need) : 0;
  const double staffed = !paid ? 0.0 : need <= 0 || got >= need - kHoursTolerance ? 1.0 : got / need;
  double asked = iv.volunteer_hours_per_week + iv.volunteer_hours_per_household_week * households;
  if (w.first_week_of_month) asked += iv.volunteer_hours_per_month;
  const double given = paid && asked > 0 ? volunteers(c, asked) : 0;
  const double helped = !paid ? 0.0 : asked <= 0 || given >= asked - kHoursTolerance ? 1.0 : given / asked;
  // a monthly act is held the months its volunteers turn out for (at least half the hours it asks)
  if (w.first_week_of_month && iv.volunteer_hours_per_month > 0) {
    if (helped >= 0.5) logged &= static_cast<uint8_t>(~kShortMonth);
    else logged |= kShortMonth;
  }
  switch (iv.type) {
    case InterventionType::kCleaning:  // volunteers and residents clear the rubble
      s.cleaning_share[c] = std::min(1.f, s.cleaning_share[c] + static_cast<float>(iv.value * iv.intensity * helped));
      break;
    case InterventionType::kHomeVisits: s.visit_coverage[c] = static_cast<float>(iv.value * iv.intensity) * static_cast<float>(staffed); break;
    case InterventionType::kServices: s.services_level[c] = static_cast<float>(iv.value * iv.intensity) * static_cast<float>(staffed); break;
    case InterventionType::kReceptionStation: {  // staffed in turns: open the weeks at least half the turns are
      const double turns = paid ? (got + given) / std::max(need + asked, 1e-9) : 0.0;
      if (turns >= 0.5 - kHoursTolerance) s.institutions[c] |= kReception;
      else s.institutions[c] &= static_cast<uint16_t>(~kReception);
      break;
    }
    case InterventionType::kAwards:
    case InterventionType::kActivity:
    case InterventionType::kTransparencyBoard: {
      const uint16_t flag = iv.type == InterventionType::kAwards ? kAwards
                            : iv.type == InterventionType::kActivity ? kActivities
                                                                      : kTransparency;
      if (paid && !(logged & kShortMonth)) s.institutions[c] |= flag;
      else s.institutions[c] &= static_cast<uint16_t>(~flag);
      break;
    }
    default: break;
  }
}

// The key target t of intervention i is ordered by this week: its index under first come, else the
// targeting rule's criterion (criterion_, per courtyard, computed once a week in apply_interventions;
// the lottery's tickets are fixed for the run).
double Simulation::order_key(size_t i, size_t t) const {
  const Model& m = model_;
  const InterventionSpec& iv = m.interventions[i];
  const int32_t c = iv.courtyards[t];
  switch (m.targeting) {
    case Targeting::kFirstCome: break;
    case Targeting::kWorstConditionFirst: return criterion_[c];
    case Targeting::kGainPerYuan:  // fees not collected a month, per yuan of this act
      return criterion_[c] / std::max(1.0, iv.cost_yuan + iv.cost_per_household_yuan * m.courtyards[c].households);
    case Targeting::kLottery: return lottery_key_[target_offset_[i] + static_cast<int64_t>(t)];
  }
  return static_cast<double>(t);
}

int32_t Simulation::target_at(size_t i, int64_t pos) const {
  return model_.targeting == Targeting::kFirstCome ? static_cast<int32_t>(pos) : iv_order_[target_offset_[i] + pos];
}

// The order intervention i's targets are taken this week: ascending id under first come, else the
// targeting rule's order (ties in ascending id), which decides both who gets the subdistrict's money
// when it is short and whom the community's workers serve first when their hours are short. Then the
// same order split by community (a stable counting sort): each community's targets in that order.
void Simulation::order_targets(size_t i) {
  const Model& m = model_;
  const InterventionSpec& iv = m.interventions[i];
  const int64_t base = target_offset_[i];
  const int64_t n = static_cast<int64_t>(iv.courtyards.size());
  if (m.targeting != Targeting::kFirstCome) {
    int32_t* order = iv_order_.data() + base;
    for (int64_t t = 0; t < n; ++t) order[t] = static_cast<int32_t>(t);
    const bool descending = m.targeting == Targeting::kGainPerYuan;
    std::stable_sort(order, order + n, [&](int32_t a, int32_t b) {
      const double ka = order_key(i, static_cast<size_t>(a)), kb = order_key(i, static_cast<size_t>(b));
      return descending ? ka > kb : ka < kb;
    });
  }
  const int32_t nk = m.ncommunity();
  int32_t* offset = iv_bucket_offset_.data() + static_cast<int64_t>(i) * (nk + 1);
  std::fill(offset, offset + nk + 1, 0);
  for (int64_t t = 0; t < n; ++t) ++offset[m.courtyards[iv.courtyards[t]].community + 1];
  for (int32_t k = 0; k < nk; ++k) offset[k + 1] += offset[k];
  for (int64_t pos = 0; pos < n; ++pos) {  // offset[k] runs to the end of community k's run ...
    const int32_t t = target_at(i, pos);
    iv_bucket_[base + offset[m.courtyards[iv.courtyards[t]].community]++] = t;
  }
  for (int32_t k = nk; k > 0; --k) offset[k] = offset[k - 1];  // ... and is moved back to its start
  offset[0] = 0;
}

// How far target t of intervention i gets this week before money or staff are asked: nothing (not
// due, done, or its condition or the components it needs not met), the end of its window, a week of
// a lasting act, or ready to start. Reads only the target's own slots, the same courtyard's slots of
// the components it follows or needs, and its courtyard's state.
Simulation::Reach Simulation::reach(size_t i, size_t t, int32_t step) const {
  const Model& m = model_;
  const InterventionSpec& iv = m.interventions[i];
  const int32_t c = iv.courtyards[t];
  const int64_t slot = target_offset_[i] + static_cast<int64_t>(t);
  const Status status = target_status_[slot];
  // a package's later component: in this courtyard, its offset after the package's first started
  if (iv.follows >= 0 && status == Status::kWaiting) {
    const int32_t leader = target_start_[target_offset_[iv.follows] + static_cast<int64_t>(t)];
    if (leader < 0 || step < int64_t{leader} + iv.offset_steps) return Reach::kNothing;
  }
  // in 64 bits: a start plus a window length cannot overflow
  const int32_t end = iv.duration_steps >= 0 && target_start_[slot] >= 0
                          ? static_cast<int32_t>(std::min<int64_t>(
                                iv.end_step, int64_t{target_start_[slot]} + iv.duration_steps))
                          : iv.end_step;
  // a lasting intervention acts each week of its window, then ends
  if (status == Status::kActive) return step > end ? Reach::kEnds : Reach::kRuns;
  if (status == Status::kDone || step > end) return Reach::kNothing;
  if (!condition_holds(iv, m, state_, c)) return Reach::kNothing;
  // the components it needs must have started in this courtyard
  for (const int32_t need : iv.needs)
    if (target_start_[target_offset_[need] + static_cast<int64_t>(t)] < 0) return Reach::kNothing;
  return Reach::kReady;
}

// Target t of intervention i, this week.
void Simulation::take_target(size_t i, size_t t, const Week& w, Queue& q) {
  const Model& m = model_;
  State& s = state_;
  const int32_t step = s.step;
  const InterventionSpec& iv = m.interventions[i];
  const int32_t c = iv.courtyards[t];
  const int64_t slot = target_offset_[i] + static_cast<int64_t>(t);
  const Reach reached = reach(i, t, step);
  if (reached == Reach::kNothing) return;
  Status& status = target_status_[slot];
  Event e;
  e.step = step;
  e.courtyard = c;
  e.subject = static_cast<int32_t>(i);
  if (reached == Reach::kEnds) {
    status = Status::kDone;
    end_effect(iv, s, c);
    e.type = EventType::kInterventionEnd;
    e.outcome = 1;
    event_slots().push(c, e);
    return;
  }
  if (reached == Reach::kRuns) {
    run_lasting(iv, w, slot, c, q);
    return;
  }
  if (target_due_[slot] < 0) target_due_[slot] = step;

  // 1. the money must be there, or it waits
  const double households = m.courtyards[c].households;
  const double cost = start_cost(iv, households);
  const bool by_subdistrict = iv.payer == Payer::kSubdistrict && cost > 0;
  if (by_subdistrict) ++q.rank;
  const bool affordable = can_pay(iv.payer, c, cost, q.blocked);
  if (by_subdistrict && !affordable) q.blocked = true;
  if (!affordable) {
    if (status == Status::kWaiting) {
      e.type = EventType::kInterventionDeferred;
      e.amount = cost;
      e.payer = static_cast<int16_t>(iv.payer);
      event_slots().push(c, e);
      status = Status::kDeferred;
    }
    return;
  }
  // 2. the community's workers must work its one-off hours, over as many weeks as it takes
  const double hours = iv.staff_hours + iv.staff_hours_per_household * households;
  double& worked = target_hours_[slot];
  if (worked < hours - kHoursTolerance) worked += staff(c, hours - worked);
  if (worked < hours - kHoursTolerance) {
    if (!(target_logged_[slot] & kLoggedStaffWait)) {
      target_logged_[slot] |= kLoggedStaffWait;
      e.type = EventType::kStaffWait;
      e.staff_hours = static_cast<float>(hours - worked);
      event_slots().push(c, e);
    }
    return;
  }
  // 3. paid, and it starts
  pay(iv.payer, c, cost, q);
  status = is_lasting(iv) ? Status::kActive : Status::kDone;
  target_start_[slot] = step;
  if (by_subdistrict) {
    Event chosen = e;
    chosen.type = EventType::kTargeted;
    chosen.rule = static_cast<int16_t>(m.targeting);
    chosen.share = static_cast<float>(order_key(i, t));
    chosen.yes = q.rank;
    chosen.amount = cost;
    chosen.payer = static_cast<int16_t>(iv.payer);
    event_slots().push(c, chosen);
  }
  const double given = iv.volunteer_hours > 0 ? volunteers(c, iv.volunteer_hours) : 0;
  e.type = EventType::kInterventionStart;
  e.amount = cost;
  e.outcome = 1;
  e.payer = cost > 0 ? static_cast<int16_t>(iv.payer) : 0;
  e.staff_hours = static_cast<float>(hours);
  e.volunteer_hours = static_cast<float>(given);
  e.wait_weeks = step - target_due_[slot];
  event_slots().push(c, e);  // before the events the intervention causes (a meeting, a levy)
  // improvements paid from outside are seen like those paid from the fund
  if (iv.type == InterventionType::kHardwareUpgrade) s.spent_month[c] += cost;
  start_effect(iv, w, s, c);
  if (status == Status::kActive) run_lasting(iv, w, slot, c, q);
}

// What a subdistrict-paid intervention can charge the subdistrict this week, screened before it is
// taken (every target reached as it will be: reach() reads nothing the intervention's other targets
// change), and whether its charges can be settled after a parallel pass:
//   kFree     it can charge nothing (no target ready at a cost, no running cost due);
//   kAll      the budget covers every charge it could make, with a margin for rounding, and the queue
//             is open: every charge is affordable whatever order they come in;
//   kNothing  every charge it could make is more than the budget (or, for a start, the queue is
//             blocked): none is affordable, nothing is paid, and the queue ends blocked if a target
//             waited for the money;
//   kSerial   none of these: taken in the serial order.
struct Simulation::Screen {
  enum Kind { kSerial, kFree, kAll, kNothing } kind = kSerial;
  bool blocks = false;  // kNothing: a target waits for the subdistrict's money, so the queue ends blocked
};

Simulation::Screen Simulation::screen(size_t i, const Week& w, bool queue_blocked) {
  const Model& m = model_;
  const InterventionSpec& iv = m.interventions[i];
  const int64_t n = static_cast<int64_t>(iv.courtyards.size());
  if (n > (int64_t{1} << 30)) return {};  // the margin below assumes fewer terms
  timed(interventions_parallel_seconds_, [&] {
    tbb::parallel_for(tbb::blocked_range<int64_t>(0, n, 256), [&](const tbb::blocked_range<int64_t>& r) {
      for (int64_t t = r.begin(); t < r.end(); ++t)
        screen_reach_[t] = static_cast<uint8_t>(reach(i, static_cast<size_t>(t), w.step));
    });
  });
  // in the serial order: each target's rank before it, the sum and the least of what it could charge
  double most = 0;
  double least_start = std::numeric_limits<double>::infinity(), least_running = least_start;
  int32_t rank = 0;
  for (int64_t pos = 0; pos < n; ++pos) {
    const int32_t t = target_at(i, pos);
    const Reach reached = static_cast<Reach>(screen_reach_[t]);
    const double households = m.courtyards[iv.courtyards[t]].households;
    screen_rank_[t] = rank;
    screen_charge_[2 * static_cast<int64_t>(t)] = screen_charge_[2 * static_cast<int64_t>(t) + 1] = 0;
    bool running = reached == Reach::kRuns;
    if (reached == Reach::kReady) {
      const double cost = start_cost(iv, households);
      if (cost > 0) {
        ++rank;
        most += cost;
        least_start = std::min(least_start, cost);
      }
      running = is_lasting(iv);  // it may start and run its first week
    }
    if (!running) continue;
    // as run_lasting asks: weekly + monthly, or the weekly alone
    const double weekly = weekly_cost(iv, households);
    const double monthly = w.first_week_of_month ? monthly_cost(iv, households) : 0;
    if (weekly > 0) least_running = std::min(least_running, weekly);
    if (monthly > 0) least_running = std::min(least_running, monthly + weekly);
    most += std::max(weekly, monthly > 0 ? monthly + weekly : 0.0);
  }
  Screen out;
  const double budget = budget_left_;
  if (most <= 0) {
    out.kind = Screen::kFree;
  } else if (!queue_blocked && most * (1 + 1e-6) <= budget * (1 - 1e-6)) {
    // At most 2n charges are taken in turn from the budget; each subtraction rounds by at most half an
    // ulp of a result in [0, budget], so the budget left differs from the exact one by less than
    // 2n * 2^-53 * budget < 1e-6 * budget (n < 2^30); the sum `most` is off by less than that too.
    // So before every charge the budget left (as computed) is at least that charge: all affordable.
    out.kind = Screen::kAll;
  } else if ((queue_blocked || budget < least_start) && budget < least_running) {
    out.kind = Screen::kNothing;
    out.blocks = rank > 0;
  }
  return out;
}

// Interventions [first, last), none paid by the subdistrict (or not yet started), after `lead` (a
// subdistrict-paid one that screen() cleared, or npos): each community takes its own targets of each
// intervention in turn, in the week's order. Every state they touch belongs to the target's courtyard
// or its community (its workers and budget), so the operations on each come in the serial order.
void Simulation::take_in_parallel(const Week& w, size_t lead, bool queue_blocked, size_t first, size_t last) {
  const Model& m = model_;
  const int32_t nk = m.ncommunity();
  const auto t0 = std::chrono::steady_clock::now();
  tbb::parallel_for(tbb::blocked_range<int32_t>(0, nk, 1), [&](const tbb::blocked_range<int32_t>& r) {
    for (int32_t k = r.begin(); k < r.end(); ++k) {
      auto each = [&](size_t i, auto&& fn) {
        const int32_t* offset = iv_bucket_offset_.data() + static_cast<int64_t>(i) * (nk + 1);
        const int32_t* bucket = iv_bucket_.data() + target_offset_[i];
        for (int32_t b = offset[k]; b < offset[k + 1]; ++b) fn(static_cast<size_t>(bucket[b]));
      };
      if (lead != static_cast<size_t>(-1))
        each(lead, [&](size_t t) {
          Queue q{queue_blocked, screen_rank_[t], &screen_charge_[2 * t], 0};
          take_target(lead, t, w, q);
        });
      for (size_t i = first; i < last; ++i) {
        if (w.step < m.interventions[i].start_step) continue;
        each(i, [&](size_t t) {
          Queue q;
          take_target(i, t, w, q);
        });
      }
    }
  });
  interventions_parallel_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void Simulation::apply_interventions(const Week& w) {
  const Model& m = model_;
  State& s = state_;
  const int32_t step = s.step;
  for (auto& share : s.cleaning_share) share = 0.f;
  // the communities' workers start the week free; their budgets are renewed each year of the run
  for (int32_t k = 0; k < m.ncommunity(); ++k)
    for (int32_t wk = worker_offset_[k]; wk < worker_offset_[k + 1]; ++wk) {
      worker_courtyard_[wk] = -1;
      worker_hours_left_[wk] = m.community_hours_per_worker[k];
    }
  if (step > 0 && step % 52 == 0)
    std::copy(m.community_budget_per_year.begin(), m.community_budget_per_year.end(), community_budget_left_.begin());
  // the targeting rule's criterion of each courtyard this week (state at the start of the week), and
  // each intervention's order of its targets from it (first come: fixed, set by the constructor)
  if (m.targeting == Targeting::kWorstConditionFirst || m.targeting == Targeting::kGainPerYuan) timed(interventions_parallel_seconds_, [&] {
    tbb::parallel_for(tbb::blocked_range<int32_t>(0, m.ncourtyard(), 64), [&](const tbb::blocked_range<int32_t>& r) {
      for (int32_t c = r.begin(); c < r.end(); ++c) {
        if (m.targeting == Targeting::kWorstConditionFirst) {
          criterion_[c] = condition_index(s, c);
        } else {
          int32_t occupied_flats = 0;
          for (int64_t h = first_household(m, c); h < end_household(m, c); ++h) occupied_flats += occupied(s, h);
          criterion_[c] = (1.0 - s.collection_rate[c]) * occupied_flats * s.fee[c];
        }
      }
    });
  });
  if (m.targeting != Targeting::kFirstCome) timed(interventions_parallel_seconds_, [&] {
    tbb::parallel_for(tbb::blocked_range<size_t>(0, m.interventions.size(), 1), [&](const tbb::blocked_range<size_t>& r) {
      for (size_t i = r.begin(); i < r.end(); ++i)
        if (step >= m.interventions[i].start_step) order_targets(i);
    });
  });
  // the subdistrict pays in a strict queue: once one item cannot be paid this week, every later item
  // that costs it money waits too
  bool queue_blocked = false;
  // on one thread the parallel passes buy nothing and their community order reads memory out of
  // order, so every intervention is taken serially (the same result either way)
  const bool by_community =
      interventions_by_community_ && tbb::this_task_arena::max_concurrency() > 1 &&
      tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism) > 1;
  constexpr size_t kNone = static_cast<size_t>(-1);
  const size_t count = m.interventions.size();
  for (size_t i = 0; i < count;) {
    const InterventionSpec& iv = m.interventions[i];
    if (step < iv.start_step) {
      ++i;
      continue;
    }
    size_t lead = kNone;
    Screen screened;
    if (!by_community || iv.payer == Payer::kSubdistrict) {
      if (by_community) screened = screen(i, w, queue_blocked);
      if (iv.payer == Payer::kSubdistrict) ++screen_counts_[screened.kind];
      if (screened.kind == Screen::kSerial) {
        // in the week's order, paying at once
        Queue q{queue_blocked, 0, nullptr, 0};
        for (int64_t pos = 0; pos < static_cast<int64_t>(iv.courtyards.size()); ++pos)
          take_target(i, static_cast<size_t>(target_at(i, pos)), w, q);
        queue_blocked = q.blocked;
        ++i;
        continue;
      }
      lead = i++;
    }
    // the run of interventions the subdistrict does not pay (or not yet started) that follows
    size_t last = i;
    while (last < count && (m.interventions[last].payer != Payer::kSubdistrict || step < m.interventions[last].start_step))
      ++last;
    take_in_parallel(w, lead, queue_blocked, i, last);
    if (lead != kNone) {
      // the lead's charges, taken from the budget in the serial order
      const InterventionSpec& led = m.interventions[lead];
      for (int64_t pos = 0; pos < static_cast<int64_t>(led.courtyards.size()); ++pos) {
        const int64_t t = target_at(lead, pos);
        for (int j = 0; j < 2; ++j)
          if (screen_charge_[2 * t + j] > 0) budget_left_ -= screen_charge_[2 * t + j];
      }
      if (screened.kind == Screen::kNothing && screened.blocks) queue_blocked = true;
    }
    i = last;
  }
}

Simulation::InterventionPasses Simulation::intervention_passes() const {
  return {screen_counts_[Screen::kSerial], screen_counts_[Screen::kFree], screen_counts_[Screen::kAll],
          screen_counts_[Screen::kNothing]};
}

}  // namespace courtyard
