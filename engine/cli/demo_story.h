// The trainer's demo, what it tells: the month-numbering rule, the narrative of one seed and its
// summary over all the seeds (docs/governance.md, "The trainer's demo").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/events.h"
#include "model/model.h"

namespace courtyard {

// The one month-numbering rule of the demo, its report and its docs: month m starts at week
// round(m x 52 / 12) of the run (as a package's months do), and week w belongs to month round(w x 12 / 52).
// The two are inverse: week_of_month(month_of_week(w)) is the week of month m nearest w.
int month_of_week(int32_t week);
int32_t week_of_month(int month);

// "month 9 (week 39, 2015-11-30)": the month, the week and its calendar date, for the narrative.
std::string when_text(const Model& m, int32_t week);

// The narrative of one run: one plain line per intervention, meeting and levy of `courtyard`, by month.
void print_narrative(const Model& m, const std::vector<Event>& events, int32_t courtyard);

// What happened over all the seeds: for each intervention, meeting and levy told by the narrative (in the
// order of the first seed that had it; the k-th event of a kind and subject is matched across seeds), in
// how many seeds it happened, in which months, and how meetings voted and levies were paid (lowest to
// highest seed).
void print_summary_over_seeds(const Model& m, const std::vector<std::vector<Event>>& events_by_seed, int32_t courtyard);

}  // namespace courtyard
