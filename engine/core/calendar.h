// Civil dates for weekly steps: step s covers the week starting start + 7*s days.
#pragma once

#include <cstdint>
#include <string>

namespace courtyard {

struct Date {
  int year = 2015, month = 1, day = 5;
};

// Days since 1970-01-01 of a civil date, and back (H. Hinnant's algorithms, proleptic Gregorian).
int64_t days_from_civil(Date d);
Date civil_from_days(int64_t z);

// Parses YYYY-MM-DD; returns false on a malformed or impossible date.
bool parse_date(const std::string& text, Date* out);
std::string format_date(Date d);

// The current time, UTC, as ISO 8601 (2026-11-28T02:00:00Z): provenance of result and sweep files.
std::string utc_now();

// True when the week starts on one of the first seven days of a calendar month: exactly one week of
// each month does, so monthly processes run once a month.
inline bool is_first_week_of_month(Date week_start) { return week_start.day <= 7; }

}  // namespace courtyard
