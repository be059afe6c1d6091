// The trainer's demo: the month rule, the narrative of a seed and its summary over the seeds.
#include "cli/demo_story.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <tuple>

#include "core/calendar.h"

namespace courtyard {

int month_of_week(int32_t week) { return static_cast<int>(std::lround(week * 12.0 / 52.0)); }
int32_t week_of_month(int month) { return static_cast<int32_t>(std::lround(month * 52.0 / 12.0)); }

std::string when_text(const Model& m, int32_t week) {
  return "month " + std::to_string(month_of_week(week)) + " (week " + std::to_string(week) + ", " +
         format_date(m.date_of_step(week)) + ")";
}

namespace {

const char* caller_name(int32_t caller) {
  return caller == static_cast<int32_t>(Caller::kCouncil)           ? "the residents' council"
         : caller == static_cast<int32_t>(Caller::kCommittee)       ? "the residents' committee"
         : caller == static_cast<int32_t>(Caller::kOwnersCommittee) ? "the owners' committee"
                                                                    : "the community";
}

bool told(const Event& e) {
  return e.type == EventType::kInterventionStart || e.type == EventType::kInterventionDeferred ||
         e.type == EventType::kMeeting || e.type == EventType::kLevy;
}

std::string subject_name(const Model& m, const Event& e) {
  if (e.type == EventType::kInterventionStart || e.type == EventType::kInterventionDeferred)
    return m.interventions[e.subject].name;
  return m.proposals[e.subject].name;
}

}  // namespace

void print_narrative(const Model& m, const std::vector<Event>& events, int32_t courtyard) {
  const int32_t residents = m.courtyards[courtyard].households;
  for (const Event& e : events) {
    if (e.courtyard != courtyard || !told(e)) continue;
    const std::string when = when_text(m, e.step) + ": ";
    switch (e.type) {
      case EventType::kInterventionStart:
        std::printf("  %s%s%s\n", when.c_str(), m.interventions[e.subject].name.c_str(),
                    e.amount > 0 ? (" (" + std::to_string(static_cast<long long>(std::lround(e.amount))) + " yuan)").c_str() : "");
        break;
      case EventType::kInterventionDeferred:
        std::printf("  %s%s waits: the budget cannot pay %.0f yuan\n", when.c_str(), m.interventions[e.subject].name.c_str(), e.amount);
        break;
      case EventType::kMeeting: {
        const int present = e.attendees;
        const int households = e.share > 0 ? static_cast<int>(std::lround(present / e.share)) : residents;
        std::printf("  %sa courtyard meeting on %s, called by %s: %d of %d households present, %s %d to %d (%d abstained)\n",
                    when.c_str(), m.proposals[e.subject].name.c_str(), caller_name(e.caller), present, households,
                    e.outcome ? "adopted" : "rejected", e.yes, e.no, e.abstain);
        break;
      }
      case EventType::kLevy:
        std::printf("  %sthe levy for %s %s: %d of %d households paid (%.0f%%)%s\n", when.c_str(),
                    m.proposals[e.subject].name.c_str(), e.outcome ? "goes ahead" : "fails", e.yes, e.attendees,
                    100.0 * e.share, e.outcome ? "" : ", money returned");
        break;
      default: break;
    }
  }
}

void print_summary_over_seeds(const Model& m, const std::vector<std::vector<Event>>& events_by_seed, int32_t courtyard) {
  // key: (type, subject, occurrence); per key the events of each seed that had it
  using Key = std::tuple<int, int32_t, int>;
  std::vector<Key> order;
  std::map<Key, std::vector<const Event*>> seen;
  for (const auto& events : events_by_seed) {
    std::map<std::pair<int, int32_t>, int> count;
    for (const Event& e : events) {
      if (e.courtyard != courtyard || !told(e)) continue;
      const Key key{static_cast<int>(e.type), e.subject, count[{static_cast<int>(e.type), e.subject}]++};
      if (!seen.count(key)) order.push_back(key);
      seen[key].push_back(&e);
    }
  }
  // in the order of their earliest week
  std::stable_sort(order.begin(), order.end(), [&](const Key& a, const Key& b) {
    auto first = [&](const Key& k) {
      int32_t w = INT32_MAX;
      for (const Event* e : seen[k]) w = std::min(w, e->step);
      return w;
    };
    return first(a) < first(b);
  });
  const size_t n = events_by_seed.size();
  int same = 0;  // interventions that started in every seed in the same month: counted, not listed
  for (const Key& key : order) {
    const auto& es = seen[key];
    int lo = INT32_MAX, hi = INT32_MIN;
    for (const Event* e : es) {
      lo = std::min(lo, month_of_week(e->step));
      hi = std::max(hi, month_of_week(e->step));
    }
    const Event& e0 = *es.front();
    if (es.front()->type == EventType::kInterventionStart && es.size() == n && lo == hi) {
      ++same;
      continue;
    }
    std::string months = lo == hi ? "month " + std::to_string(lo) : "months " + std::to_string(lo) + "-" + std::to_string(hi);
    std::string what;
    switch (e0.type) {
      case EventType::kInterventionStart: what = subject_name(m, e0) + ": started"; break;
      case EventType::kInterventionDeferred: what = subject_name(m, e0) + ": waited for the budget"; break;
      case EventType::kMeeting: what = "meeting on " + subject_name(m, e0); break;
      case EventType::kLevy: what = "levy for " + subject_name(m, e0); break;
      default: break;
    }
    std::string detail;
    if (e0.type == EventType::kMeeting || e0.type == EventType::kLevy) {
      int ok = 0;
      double slo = 1e9, shi = -1e9;
      for (const Event* e : es) {
        ok += e->outcome ? 1 : 0;
        const double s = e0.type == EventType::kMeeting ? (e->yes + e->no + e->abstain > 0 ? 100.0 * e->yes / (e->yes + e->no + e->abstain) : 0)
                                                        : 100.0 * e->share;
        slo = std::min(slo, s);
        shi = std::max(shi, s);
      }
      char buf[160];
      if (e0.type == EventType::kMeeting)
        std::snprintf(buf, sizeof buf, ", adopted in %d; %.0f-%.0f%% of the votes cast were yes", ok, slo, shi);
      else
        std::snprintf(buf, sizeof buf, ", went ahead in %d; %.0f-%.0f%% of households paid", ok, slo, shi);
      detail = buf;
    }
    std::printf("  %s: in %zu of %zu seeds, %s%s\n", what.c_str(), es.size(), n, months.c_str(), detail.c_str());
  }
  if (same > 0) std::printf("  %d interventions started in every seed, each in the same month as above\n", same);
}

}  // namespace courtyard
