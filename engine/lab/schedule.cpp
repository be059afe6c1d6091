// The cooperation types' strategy-method schedules (Fischbacher, Gachter & Fehr 2001): for each share
// of others paying, the probability that a household of the type pays, read off the courtyard's own
// payment rule at neutral conditions.
#include "life/life.h"
#include "lab/lab.h"

namespace courtyard {

std::vector<ScheduleRow> payment_schedule(const Params& params, int points) {
  if (points < 2) points = 2;
  const auto& c = params.cooperation;
  const double weight[4] = {c.conditional_share, c.free_rider_share, c.hump_share, c.other_share};
  double total_weight = 0;
  for (double w : weight) total_weight += w;
  std::vector<ScheduleRow> rows(static_cast<size_t>(points));
  for (int k = 0; k < points; ++k) {
    ScheduleRow& row = rows[static_cast<size_t>(k)];
    row.others = static_cast<double>(k) / (points - 1);
    for (int t = 0; t < 4; ++t) {
      // neutral conditions: trust, satisfaction and means 0.5; an owner; nobody collecting; no pressure
      row.pay[t] = payment_probability(params, static_cast<CoopType>(t), row.others, 0.5, 0.5, 0.5, false, false, 0);
      row.population += weight[t] * row.pay[t];
    }
    if (total_weight > 0) row.population /= total_weight;
  }
  return rows;
}

double schedule_slope(const std::vector<ScheduleRow>& rows, int type) {
  if (rows.size() < 2) return 0;
  double mx = 0, my = 0;
  auto y = [type](const ScheduleRow& r) { return type < 0 ? r.population : r.pay[type]; };
  for (const auto& r : rows) {
    mx += r.others;
    my += y(r);
  }
  mx /= rows.size();
  my /= rows.size();
  double sxy = 0, sxx = 0;
  for (const auto& r : rows) {
    sxy += (r.others - mx) * (y(r) - my);
    sxx += (r.others - mx) * (r.others - mx);
  }
  return sxx > 0 ? sxy / sxx : 0;
}

}  // namespace courtyard
