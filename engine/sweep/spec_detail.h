// What spec.cpp (the sweep file, its design and keep settings) and spec_axes.cpp (its axes and the
// check of every design point) share. Internal to engine/sweep.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "courtyard/v1/sweep.pb.h"
#include "scenario/detail.h"
#include "sweep/sweep.h"

namespace courtyard::sweep::spec_detail {

namespace sd = scenario_detail;
namespace v1 = courtyard::v1;

constexpr int64_t kMaxRuns = 10'000'000;
constexpr int64_t kMaxSampledPoints = int64_t{1} << 24;

// a * b for counts (>= 0), saturated at INT64_MAX instead of overflowing
inline int64_t saturated_product(int64_t a, int64_t b) {
  int64_t out = 0;
  return __builtin_mul_overflow(a, b, &out) ? std::numeric_limits<int64_t>::max() : out;
}

inline sd::FieldPath sweep_field(const sd::FieldPath& base, std::string_view name, int index = -1) {
  return sd::at(v1::Sweep::descriptor(), base, name, index);
}

// Collects problems, each located in the sweep file.
class Checker {
 public:
  explicit Checker(const sd::Locator& locator) : locator_(locator) {}
  // a field that was not written (a missing one) is reported at the start of the file
  void fail(const sd::FieldPath& path, const std::string& message) {
    sd::SourceLoc loc = locator_.locate(path);
    if (loc.line == 0) loc.line = loc.column = 1;
    problems.push_back(sd::make_diagnostic(loc, sd::path_string(path), message));
  }
  std::vector<Diagnostic> problems;

 private:
  const sd::Locator& locator_;
};

// A number as --set reads it and design.csv shows it: whole numbers as integers, others in the shortest
// form that reads back as the same double.
std::string number_text(double x);
// Column names: letters, digits and _ . [ ] -
bool valid_column_name(const std::string& name);

// Where each axis, value, field, link and case was written (for problems found at design points).
struct AxisSites {
  sd::FieldPath axis;                     // axes[i]
  sd::FieldPath path;                     // axes[i].path
  std::vector<sd::FieldPath> value;       // per level (a range: the range; bounds: the bounds)
  std::vector<sd::FieldPath> link_path;   // fields[j] or links[j].path
  std::vector<sd::FieldPath> link_value;  // links[j].expr (derived)
  std::vector<std::vector<sd::FieldPath>> case_set;  // cases[c].set[s]
};

// The axes: read, checked on their own (not yet against the base), into plan.axes; returns their sites.
std::vector<AxisSites> check_axes(Checker& c, const v1::Sweep& spec, Plan& plan, bool base_ok);
// Loads the base scenario with each design point's overrides (the first kMaxCheckedPoints points) and
// reports every problem at the axis, field or value it comes from, naming the point.
void check_points(Checker& c, const Plan& plan, const std::vector<AxisSites>& sites);

}  // namespace courtyard::sweep::spec_detail
