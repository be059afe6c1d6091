// The intervention timeline (a cross-courtyard phase: the subdistrict budget is shared).
//
// Interventions are taken in scenario order, and each one's target courtyards in ascending id order.
// A target waits until the intervention's window opens and its condition (if any) holds; then its cost
// is charged to the subdistrict budget or the courtyard's fund. If the money is not there it waits,
// the first deferral is logged as an event, and it is tried again each week until the window closes.
#include <algorithm>

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

// The one-off or lasting effect of an intervention starting in courtyard c.
void start_effect(const InterventionSpec& iv, State& s, int32_t c) {
  switch (iv.type) {
    case InterventionType::kHardwareUpgrade: {
      const float target = static_cast<float>(iv.intensity);
      auto upgrade = [&](int f) {
        float& cond = s.condition[c * kFacilityCount + f];
        cond = std::max(cond, target);
      };
      if (iv.facilities.empty())
        for (int f = 0; f < kFacilityCount; ++f) upgrade(f);
      else
        for (int f : iv.facilities) upgrade(f);
      break;
    }
    case InterventionType::kFeeChange: s.fee[c] = iv.value; break;
    case InterventionType::kSubsidy: s.fund[c] += iv.value * iv.intensity; break;
    case InterventionType::kManagementChange: s.management[c] = iv.management; break;
    case InterventionType::kCleaning: break;  // lasting: applied each week while active
    case InterventionType::kCount: break;
  }
}

bool is_lasting(const InterventionSpec& iv) { return iv.type == InterventionType::kCleaning; }

}  // namespace

void Simulation::apply_interventions() {
  const Model& m = model_;
  State& s = state_;
  const int32_t step = s.step;
  for (auto& share : s.cleaning_share) share = 0.f;

  for (size_t i = 0; i < m.interventions.size(); ++i) {
    const InterventionSpec& iv = m.interventions[i];
    if (step < iv.start_step) continue;
    for (size_t t = 0; t < iv.courtyards.size(); ++t) {
      const int32_t c = iv.courtyards[t];
      Status& status = target_status_[target_offset_[i] + static_cast<int64_t>(t)];
      Event e;
      e.step = step;
      e.courtyard = c;
      e.subject = static_cast<int32_t>(i);

      // a lasting intervention acts each week of its window, then ends
      if (status == Status::kActive) {
        if (step > iv.end_step) {
          status = Status::kDone;
          e.type = EventType::kInterventionEnd;
          e.outcome = 1;
          event_slots().push(c, e);
        } else if (iv.type == InterventionType::kCleaning) {
          s.cleaning_share[c] = std::min(1.f, s.cleaning_share[c] + static_cast<float>(iv.value * iv.intensity));
        }
        continue;
      }
      if (status == Status::kDone || step > iv.end_step) continue;
      if (!condition_holds(iv, m, s, c)) continue;

      // pay, or wait for the money
      const bool by_subdistrict = iv.paid_by_subdistrict;
      const double cost = iv.cost_yuan + (iv.type == InterventionType::kSubsidy && by_subdistrict ? iv.value * iv.intensity : 0);
      const bool affordable = by_subdistrict ? budget_left_ >= cost : s.fund[c] >= cost;
      if (!affordable) {
        if (status == Status::kWaiting) {
          e.type = EventType::kInterventionDeferred;
          e.amount = cost;
          event_slots().push(c, e);
          status = Status::kDeferred;
        }
        continue;
      }
      if (by_subdistrict) budget_left_ -= cost;
      else s.fund[c] -= cost;

      start_effect(iv, s, c);
      if (iv.type == InterventionType::kCleaning)
        s.cleaning_share[c] = std::min(1.f, s.cleaning_share[c] + static_cast<float>(iv.value * iv.intensity));
      status = is_lasting(iv) ? Status::kActive : Status::kDone;
      e.type = EventType::kInterventionStart;
      e.amount = cost;
      e.outcome = 1;
      event_slots().push(c, e);
    }
  }
}

}  // namespace courtyard
