#include <gtest/gtest.h>

#include "core/calendar.h"

namespace courtyard {
namespace {

TEST(Calendar, EpochAndRoundTrip) {
  EXPECT_EQ(days_from_civil({1970, 1, 1}), 0);
  EXPECT_EQ(days_from_civil({2000, 3, 1}) - days_from_civil({2000, 2, 28}), 2);  // 2000 is a leap year
  EXPECT_EQ(days_from_civil({1900, 3, 1}) - days_from_civil({1900, 2, 28}), 1);  // 1900 is not
  for (int64_t z = -1000; z < 100000; z += 37) {
    const Date d = civil_from_days(z);
    EXPECT_EQ(days_from_civil(d), z);
  }
}

TEST(Calendar, ParsesValidDatesAndRejectsImpossibleOnes) {
  Date d;
  ASSERT_TRUE(parse_date("2015-01-05", &d));
  EXPECT_EQ(d.year, 2015);
  EXPECT_EQ(d.month, 1);
  EXPECT_EQ(d.day, 5);
  EXPECT_EQ(format_date(d), "2015-01-05");
  EXPECT_TRUE(parse_date("2016-02-29", &d));
  EXPECT_FALSE(parse_date("2015-02-29", &d));
  EXPECT_FALSE(parse_date("2015-13-01", &d));
  EXPECT_FALSE(parse_date("2015-1-5", &d));
  EXPECT_FALSE(parse_date("2015-01-05x", &d));
  EXPECT_FALSE(parse_date("", &d));
}

TEST(Calendar, FirstWeekOfEachMonthIsFoundOncePerMonth) {
  // stepping weekly, every calendar month gets exactly one "first week", in order, none skipped
  for (const Date start : {Date{2015, 1, 5}, Date{2016, 2, 20}, Date{2019, 12, 31}}) {
    const int64_t day0 = days_from_civil(start);
    int last = -1, months = 0;
    for (int s = 0; s < 520; ++s) {
      const Date d = civil_from_days(day0 + 7 * s);
      if (!is_first_week_of_month(d)) continue;
      const int index = d.year * 12 + d.month - 1;
      if (last >= 0) {
        EXPECT_EQ(index, last + 1) << format_date(d);
      }
      last = index;
      ++months;
    }
    EXPECT_GE(months, 118);
    EXPECT_LE(months, 120);
  }
}

}  // namespace
}  // namespace courtyard
