// Sweep files: parsed with the scenario loader's text-format parser and locations (so that problems read
// FILE:LINE:COL: field.path: message, as a scenario's do), checked against the base scenario, and turned
// into a plain Plan. The only file of engine/sweep that sees the Sweep message.
//
// An axis path is checked the way a run will use it: the base scenario is loaded with PATH=VALUE as a
// --set override, for every listed value and for both ends of the bounds. What the loader says about the
// override is reported at the axis (its path or the offending value); problems it causes elsewhere in the
// scenario are reported at the value, quoting the scenario's own location.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <cstring>

#include "core/file_io.h"
#include "courtyard/v1/sweep.pb.h"
#include "scenario/detail.h"
#include "scenario/scenario.h"
#include "sim/metrics.h"
#include "sweep/sweep.h"

namespace courtyard::sweep {

namespace {

namespace sd = scenario_detail;
namespace pb = google::protobuf;
namespace v1 = courtyard::v1;

constexpr int64_t kMaxRuns = 10'000'000;

// a * b for counts (>= 0), saturated at INT64_MAX instead of overflowing
int64_t saturated_product(int64_t a, int64_t b) {
  int64_t out = 0;
  return __builtin_mul_overflow(a, b, &out) ? std::numeric_limits<int64_t>::max() : out;
}
constexpr int64_t kMaxSampledPoints = int64_t{1} << 24;

sd::FieldPath sweep_field(const sd::FieldPath& base, std::string_view name, int index = -1) {
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
std::string number_text(double x) {
  char buf[64];
  if (x == std::trunc(x) && std::fabs(x) < 1e15) {
    const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(x));
    return std::string(buf, r.ptr);
  }
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

bool power_of_two(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

// The scenario field a --set path ends in (nullptr if the path does not name one).
const pb::FieldDescriptor* resolve_field(const std::string& path) {
  const pb::Descriptor* type = v1::Scenario::descriptor();
  const pb::FieldDescriptor* field = nullptr;
  size_t i = 0;
  while (i <= path.size()) {
    size_t end = path.find('.', i);
    if (end == std::string::npos) end = path.size();
    std::string segment = path.substr(i, end - i);
    const size_t bracket = segment.find('[');
    if (bracket != std::string::npos) segment.resize(bracket);
    if (!type) return nullptr;
    field = type->FindFieldByName(segment);
    if (!field) field = type->FindFieldByCamelcaseName(segment);
    if (!field) return nullptr;
    type = field->message_type();
    i = end + 1;
  }
  return field;
}

bool valid_column_name(const std::string& name) {
  if (name.empty()) return false;
  for (char ch : name) {
    const auto u = static_cast<unsigned char>(ch);
    if (!(std::isalnum(u) || ch == '_' || ch == '.' || ch == '[' || ch == ']' || ch == '-')) return false;
  }
  return true;
}

std::string read_file(const std::string& path) { return read_whole_file(path, ""); }

// The base scenario as the sweep uses it: its text, read once, and what it records.
struct Base {
  bool ok = false;
  std::vector<std::string> metrics;  // recorded metric names
  int32_t steps = 0, record_every = 1;
};

Base load_base(Checker& c, Plan& plan, const sd::FieldPath& where) {
  Base base;
  try {
    plan.scenario_text = read_file(plan.scenario_path);
  } catch (const IoError& e) {
    c.fail(where, e.what());
    return base;
  }
  plan.scenario_json = sd::looks_like_json(plan.scenario_path, plan.scenario_text);
  try {
    const LoadedScenario loaded = load_scenario_text(plan.scenario_path, plan.scenario_text, plan.scenario_json);
    const Model model = build_model(loaded);
    plan.effective_scenario = scenario_to_text(loaded.spec);
    for (const MetricColumn& m : MetricRecorder(model).columns()) base.metrics.push_back(m.name);
    base.steps = model.steps;
    base.record_every = model.output.record_every;
    base.ok = true;
  } catch (const ScenarioError& e) {
    // the base's own problems, at their own locations, then where the sweep names it
    c.problems.insert(c.problems.end(), e.diagnostics().begin(), e.diagnostics().end());
    c.fail(where, "the base scenario " + plan.scenario_path + " is invalid (problems above)");
  }
  return base;
}

// Loads the base with PATH=VALUE; returns false if the path itself is bad (reported at `path_at`).
// Problems with the value are reported at `value_at`.
bool try_value(Checker& c, const Plan& plan, const std::string& axis_path, const std::string& value,
               const sd::FieldPath& path_at, const sd::FieldPath& value_at) {
  const std::string assignment = axis_path + "=" + value;
  try {
    const LoadedScenario loaded =
        load_scenario_text(plan.scenario_path, plan.scenario_text, plan.scenario_json, {assignment});
    build_model(loaded);
  } catch (const ScenarioError& e) {
    bool path_ok = true;
    for (const Diagnostic& d : e.diagnostics()) {
      const bool at_override = d.file == "--set[0]";
      const std::string field = d.field.empty() ? "" : d.field + ": ";
      if (at_override && d.column <= static_cast<int>(axis_path.size())) {
        c.fail(path_at, field + d.message);
        path_ok = false;
      } else if (at_override) {
        c.fail(value_at, field + d.message);
      } else {
        c.fail(value_at, "with " + assignment + " the base scenario is invalid: " + d.format());
      }
    }
    return path_ok;
  } catch (const UsageError& e) {
    c.fail(path_at, e.what());
    return false;
  }
  return true;
}

void check_axes(Checker& c, const v1::Sweep& spec, Plan& plan, bool base_ok) {
  std::set<std::string> paths;
  int64_t values_so_far = 1;  // combinations of the axes' values so far (a factorial design's points)
  const int64_t replicates = std::max(1, spec.replicates());
  for (int i = 0; i < spec.axes_size(); ++i) {
    const v1::Axis& a = spec.axes(i);
    const sd::FieldPath ap = sweep_field({}, "axes", i);
    Axis axis;
    axis.path = a.path();
    axis.name = a.has_name() ? a.name() : a.path();

    // the path: given, not the seed, not twice
    bool path_ok = true;
    if (a.path().empty()) {
      c.fail(sweep_field(ap, "path"), "give the scenario field this axis varies, as in --set (e.g. \"courtyard_kinds[0].count\")");
      path_ok = false;
    } else if (a.path().find_first_of("= \t") != std::string::npos) {
      c.fail(sweep_field(ap, "path"), "a field path has no '=' or blanks: \"" + a.path() + "\"");
      path_ok = false;
    } else if (a.path() == "run.seed") {
      c.fail(sweep_field(ap, "path"), "the sweep sets run.seed itself (from seed, replicates and common_random_numbers)");
      path_ok = false;
    } else if (!paths.insert(a.path()).second) {
      c.fail(sweep_field(ap, "path"), "\"" + a.path() + "\" is varied by an earlier axis too");
    }
    if ((a.has_name() || !a.path().empty()) && !valid_column_name(axis.name))
      c.fail(sweep_field(ap, a.has_name() ? "name" : "path"),
             "column name \"" + axis.name + "\" must be letters, digits and _ . [ ] - only");

    // exactly one kind of values
    const int kinds = (a.values_size() > 0) + (a.levels_size() > 0) + a.has_range() + a.has_bounds();
    if (kinds == 0) {
      c.fail(ap, "axis \"" + axis.name + "\" has no values: give values, levels, range or bounds");
      plan.axes.push_back(axis);
      continue;
    }
    if (kinds > 1) {
      c.fail(ap, "axis \"" + axis.name + "\" gives more than one of values, levels, range and bounds");
      plan.axes.push_back(axis);
      continue;
    }

    // the values, each with where it was written
    std::vector<sd::FieldPath> value_at;
    if (a.values_size() > 0) {
      for (int k = 0; k < a.values_size(); ++k) {
        if (!std::isfinite(a.values(k))) c.fail(sweep_field(ap, "values", k), "values must be finite numbers");
        axis.values.push_back(number_text(a.values(k)));
        value_at.push_back(sweep_field(ap, "values", k));
      }
    } else if (a.levels_size() > 0) {
      axis.numeric = false;
      for (int k = 0; k < a.levels_size(); ++k) {
        axis.values.push_back(a.levels(k));
        value_at.push_back(sweep_field(ap, "levels", k));
      }
    } else if (a.has_range()) {
      const v1::Range& r = a.range();
      const sd::FieldPath rp = sweep_field(ap, "range");
      if (!r.has_first()) c.fail(rp, "range needs first");
      if (!r.has_last()) c.fail(rp, "range needs last");
      if (!r.has_steps() || r.steps() < 1) {
        c.fail(r.has_steps() ? sweep_field(rp, "steps") : rp, "range needs steps >= 1 (how many values, first and last included)");
      } else if (r.steps() > 1'000'000) {
        c.fail(sweep_field(rp, "steps"), "at most 1000000 steps");
      } else if (saturated_product(saturated_product(values_so_far, r.steps()), replicates) > kMaxRuns) {
        // refused before the values are made: a few such axes would fill the memory
        c.fail(sweep_field(rp, "steps"), "the sweep would have more than " + std::to_string(kMaxRuns) +
                                             " runs (this axis's " + std::to_string(r.steps()) + " values times " +
                                             std::to_string(values_so_far) + " combinations of the earlier axes times " +
                                             std::to_string(replicates) + " replicates)");
      } else if (r.has_first() && r.has_last()) {
        if (!std::isfinite(r.first()) || !std::isfinite(r.last())) {
          c.fail(rp, "first and last must be finite");
        } else if (r.steps() > 1 && r.first() == r.last()) {
          c.fail(sweep_field(rp, "last"), "first and last are equal: use steps: 1 for a single value");
        } else {
          // each value a weighted mean of the ends: 0..1 in 11 steps gives 0.3, not 0.30000000000000004
          const int n = r.steps();
          for (int k = 0; k < n; ++k) {
            const double x = n == 1 ? r.first() : (r.first() * (n - 1 - k) + r.last() * k) / (n - 1);
            axis.values.push_back(number_text(x));
            value_at.push_back(rp);
          }
        }
      }
    } else {
      axis.sampled = true;
      const v1::Bounds& b = a.bounds();
      const sd::FieldPath bp = sweep_field(ap, "bounds");
      axis.min = b.min();
      axis.max = b.max();
      if (!b.has_min() || !b.has_max()) {
        c.fail(bp, "bounds need min and max");
      } else if (!std::isfinite(b.min()) || !std::isfinite(b.max())) {
        c.fail(bp, "min and max must be finite");
      } else if (!(b.min() < b.max())) {
        c.fail(sweep_field(bp, "max"), "max (" + number_text(b.max()) + ") must be above min (" + number_text(b.min()) + ")");
      } else {
        axis.values = {number_text(b.min()), number_text(b.max())};
        value_at = {sweep_field(bp, "min"), sweep_field(bp, "max")};
      }
    }

    if (!axis.sampled) values_so_far = saturated_product(values_so_far, std::max<int64_t>(1, static_cast<int64_t>(axis.values.size())));

    // repeated values would run the same point twice
    if (a.values_size() > 0 || a.levels_size() > 0) {
      std::set<std::string> seen;
      for (size_t k = 0; k < axis.values.size(); ++k)
        if (!seen.insert(axis.values[k]).second) c.fail(value_at[k], "the value " + axis.values[k] + " is listed twice");
    }

    // the field's type: integer fields take whole numbers
    if (path_ok && base_ok) {
      if (const pb::FieldDescriptor* f = resolve_field(a.path())) {
        const auto t = f->cpp_type();
        axis.integer = t == pb::FieldDescriptor::CPPTYPE_INT32 || t == pb::FieldDescriptor::CPPTYPE_INT64 ||
                       t == pb::FieldDescriptor::CPPTYPE_UINT32 || t == pb::FieldDescriptor::CPPTYPE_UINT64;
        const bool number = axis.integer || t == pb::FieldDescriptor::CPPTYPE_DOUBLE ||
                            t == pb::FieldDescriptor::CPPTYPE_FLOAT;
        if (axis.sampled && !number) {
          c.fail(sweep_field(ap, "bounds"), "\"" + a.path() + "\" is not a number: give its levels in a factorial design");
          path_ok = false;
        } else if (axis.sampled && axis.integer && (axis.min != std::trunc(axis.min) || axis.max != std::trunc(axis.max))) {
          c.fail(sweep_field(ap, "bounds"), "\"" + a.path() + "\" holds whole numbers: give whole min and max");
          path_ok = false;
        } else if (a.has_range() && axis.integer) {
          for (const std::string& v : axis.values)
            if (v.find_first_of(".e") != std::string::npos) {
              c.fail(sweep_field(ap, "range"), "\"" + a.path() + "\" holds whole numbers, but the range gives " + v);
              path_ok = false;
              break;
            }
        }
      }
    }

    // the values tried on the base scenario (a range: its ends); a bad path is reported once
    if (path_ok && base_ok && !axis.values.empty()) {
      std::vector<size_t> tried;
      for (size_t k = 0; k < axis.values.size(); ++k)
        if (!a.has_range() || k == 0 || k + 1 == axis.values.size()) tried.push_back(k);
      if (try_value(c, plan, a.path(), axis.values[tried[0]], sweep_field(ap, "path"), value_at[tried[0]]))
        for (size_t t = 1; t < tried.size(); ++t)
          try_value(c, plan, a.path(), axis.values[tried[t]], sweep_field(ap, "path"), value_at[tried[t]]);
    }
    if (axis.sampled) axis.values.clear();
    plan.axes.push_back(axis);
  }
}

// The design, its size and what it asks of the axes.
void check_design(Checker& c, const v1::Sweep& spec, Plan& plan) {
  const sd::FieldPath dp = sweep_field({}, "design");
  const v1::Design& d = spec.design();
  DesignSettings& s = plan.design;
  sd::FieldPath kp = dp;
  switch (d.kind_case()) {
    case v1::Design::kLatinHypercube:
      s.kind = DesignKind::kLatinHypercube;
      kp = sweep_field(dp, "latin_hypercube");
      s.points = d.latin_hypercube().points();
      s.centered = d.latin_hypercube().centered();
      if (s.points < 1 || s.points > kMaxSampledPoints)
        c.fail(d.latin_hypercube().has_points() ? sweep_field(kp, "points") : kp, "latin_hypercube needs points, 1 to 16777216");
      break;
    case v1::Design::kSobol:
      s.kind = DesignKind::kSobol;
      kp = sweep_field(dp, "sobol");
      s.points = d.sobol().points();
      s.scramble = d.sobol().scramble();
      s.skip = d.sobol().skip();
      if (!d.sobol().has_points()) {
        c.fail(kp, "sobol needs points (a power of two)");
      } else if (!power_of_two(s.points) || s.points > kMaxSampledPoints) {
        c.fail(sweep_field(kp, "points"), "points must be a power of two (1, 2, 4, ... 16777216) for the Sobol' balance properties, not " +
                                     std::to_string(s.points));
      }
      if (s.skip < 0) c.fail(sweep_field(kp, "skip"), "skip must be >= 0");
      break;
    case v1::Design::kSaltelli:
      s.kind = DesignKind::kSaltelli;
      kp = sweep_field(dp, "saltelli");
      s.points = d.saltelli().base_points();
      s.second_order = d.saltelli().second_order();
      s.scramble = d.saltelli().scramble();
      s.skip = d.saltelli().skip();
      if (!d.saltelli().has_base_points()) {
        c.fail(kp, "saltelli needs base_points (N, a power of two)");
      } else if (!power_of_two(s.points) || s.points > kMaxSampledPoints) {
        c.fail(sweep_field(kp, "base_points"), "base_points must be a power of two (1, 2, 4, ... 16777216), not " +
                                          std::to_string(s.points));
      }
      if (s.skip < 0) c.fail(sweep_field(kp, "skip"), "skip must be >= 0");
      break;
    case v1::Design::kFactorial:
    case v1::Design::KIND_NOT_SET:
      s.kind = DesignKind::kFactorial;
      if (d.has_factorial()) kp = sweep_field(dp, "factorial");
      break;
  }

  const bool sampling = s.kind != DesignKind::kFactorial;
  if (sampling && spec.axes_size() == 0) c.fail(kp, std::string(design_name(s.kind)) + " needs at least one axis with bounds");
  const int dims = spec.axes_size() * (s.kind == DesignKind::kSaltelli ? 2 : 1);
  if ((s.kind == DesignKind::kSobol || s.kind == DesignKind::kSaltelli) && dims > kSobolMaxDimensions)
    c.fail(kp, std::string(design_name(s.kind)) + " with " + std::to_string(spec.axes_size()) + " axes needs " +
                   std::to_string(dims) + " Sobol' dimensions; at most " + std::to_string(kSobolMaxDimensions) +
                   " are available");
  if (s.kind == DesignKind::kLatinHypercube && spec.axes_size() > 255) c.fail(kp, "latin_hypercube takes at most 255 axes");
  if ((s.kind == DesignKind::kSobol || s.kind == DesignKind::kSaltelli) && s.skip >= 0 &&
      s.points + s.skip > (int64_t{1} << 32))
    c.fail(sweep_field(kp, "skip"), "points + skip must stay within 2^32");
  for (int i = 0; i < spec.axes_size(); ++i) {
    const v1::Axis& a = spec.axes(i);
    const sd::FieldPath ap = sweep_field({}, "axes", i);
    if (!sampling && a.has_bounds())
      c.fail(sweep_field(ap, "bounds"), "a factorial design takes values, levels or range; bounds are for latin_hypercube, sobol and saltelli");
    if (sampling && !a.has_bounds() && (a.values_size() || a.levels_size() || a.has_range()))
      c.fail(ap, std::string(design_name(s.kind)) + " samples each axis between bounds: give bounds { min: ... max: ... }");
  }

  // points, then runs
  // (products saturated, not overflowing: 10^6 x 10^6 values x 9,223,373 replicates wrapped below the limit)
  int64_t points = 1;
  if (s.kind == DesignKind::kFactorial) {
    for (const Axis& a : plan.axes) points = saturated_product(points, std::max<int64_t>(1, static_cast<int64_t>(a.values.size())));
  } else if (s.kind == DesignKind::kSaltelli) {
    const int64_t d2 = spec.axes_size();
    points = saturated_product(s.points, s.second_order ? 2 * d2 + 2 : d2 + 2);
  } else {
    points = s.points;
  }
  plan.replicates = spec.replicates();
  if (spec.replicates() < 1) c.fail(sweep_field({}, "replicates"), "replicates must be >= 1");
  if (saturated_product(points, std::max(1, spec.replicates())) > kMaxRuns)
    c.fail(spec.has_replicates() ? sweep_field({}, "replicates") : dp,
           "the sweep would have more than 10000000 runs (" +
               (points == std::numeric_limits<int64_t>::max() ? std::string("past 2^63") : std::to_string(points)) +
               " points)");
}

std::string default_summary_name(const Summary& s) {
  switch (s.at) {
    case Summary::At::kEnd: return s.metric;
    case Summary::At::kStep: return s.metric + "_at_" + std::to_string(s.step);
    case Summary::At::kWindow:
      return s.metric + "_mean_" + std::to_string(s.first_step) + "_" +
             (s.last_step < 0 ? std::string("end") : std::to_string(s.last_step));
  }
  return s.metric;
}

// What each run keeps, checked against what the base scenario records.
void check_keep(Checker& c, const v1::Sweep& spec, Plan& plan, const Base& base) {
  const sd::FieldPath kp = sweep_field({}, "keep");
  const v1::Keep& keep = spec.keep();
  if (keep.mode() == v1::KEEP_MODE_UNSPECIFIED) c.fail(sweep_field(kp, "mode"), "mode must be KEEP_FULL or KEEP_SUMMARY");
  plan.summary_only = keep.mode() == v1::KEEP_SUMMARY;
  if (keep.summaries_size() == 0) {
    for (const std::string& m : base.metrics) {
      Summary s;
      s.metric = s.name = m;
      plan.summaries.push_back(s);
    }
    return;
  }
  auto recorded = [&](int32_t step) {
    return step >= 0 && step <= base.steps && (step % base.record_every == 0 || step == base.steps);
  };
  for (int i = 0; i < keep.summaries_size(); ++i) {
    const v1::Summary& in = keep.summaries(i);
    const sd::FieldPath sp = sweep_field(kp, "summaries", i);
    Summary s;
    s.metric = in.metric();
    if (in.metric().empty()) {
      c.fail(sp, "a summary needs a metric");
    } else if (base.ok && std::find(base.metrics.begin(), base.metrics.end(), in.metric()) == base.metrics.end()) {
      std::string list;
      for (const std::string& m : base.metrics) list += (list.empty() ? "" : ", ") + m;
      c.fail(sweep_field(sp, "metric"), "\"" + in.metric() + "\" is not a metric the base scenario records (" + list + ")");
    }
    if (in.at_case() == v1::Summary::kStep) {
      s.at = Summary::At::kStep;
      s.step = in.step();
      if (base.ok && (s.step < 0 || s.step > base.steps)) {
        c.fail(sweep_field(sp, "step"), "step " + std::to_string(s.step) + " is outside the run (0 to " + std::to_string(base.steps) + ")");
      } else if (base.ok && !recorded(s.step)) {
        c.fail(sweep_field(sp, "step"), "step " + std::to_string(s.step) + " is not recorded (record_every " +
                                   std::to_string(base.record_every) + ")");
      }
    } else if (in.at_case() == v1::Summary::kWindow) {
      s.at = Summary::At::kWindow;
      const v1::Window& w = in.window();
      s.first_step = w.first_step();
      s.last_step = w.has_last_step() ? w.last_step() : -1;
      const sd::FieldPath wp = sweep_field(sp, "window");
      const int32_t last = s.last_step < 0 ? base.steps : s.last_step;
      if (s.first_step < 0) {
        c.fail(sweep_field(wp, "first_step"), "first_step must be >= 0");
      } else if (w.has_last_step() && s.last_step < s.first_step) {
        c.fail(sweep_field(wp, "last_step"), "last_step must be >= first_step");
      } else if (base.ok && last > base.steps) {
        c.fail(sweep_field(wp, "last_step"), "last_step " + std::to_string(last) + " is past the end of the run (" +
                                        std::to_string(base.steps) + " steps)");
      } else if (base.ok) {
        bool any = false;
        for (int32_t t = s.first_step; t <= last && !any; ++t) any = recorded(t);
        if (!any) c.fail(wp, "no recorded step lies in the window");
      }
    }
    s.name = in.has_name() ? in.name() : default_summary_name(s);
    if (!valid_column_name(s.name))
      c.fail(sweep_field(sp, in.has_name() ? "name" : "metric"), "column name \"" + s.name + "\" must be letters, digits and _ . [ ] - only");
    plan.summaries.push_back(s);
  }
}

// Column names: unique across axes and summaries, none of the fixed columns.
void check_names(Checker& c, const v1::Sweep& spec, const Plan& plan) {
  std::set<std::string> seen = {"run", "point", "replicate", "seed", "status"};
  std::set<std::string> paths;
  for (size_t i = 0; i < plan.axes.size(); ++i) {
    const sd::FieldPath ap = sweep_field({}, "axes", static_cast<int>(i));
    // an axis that repeats a path is reported as such (check_axes), not again for its name
    const bool repeated = !paths.insert(plan.axes[i].path).second;
    if (!seen.insert(plan.axes[i].name).second && !plan.axes[i].path.empty() && !repeated)
      c.fail(sweep_field(ap, spec.axes(static_cast<int>(i)).has_name() ? "name" : "path"),
             "column name \"" + plan.axes[i].name + "\" is taken: give the axis a name");
  }
  for (size_t i = 0; i < plan.summaries.size() && static_cast<int>(i) < spec.keep().summaries_size(); ++i) {
    const sd::FieldPath sp = sweep_field(sweep_field({}, "keep"), "summaries", static_cast<int>(i));
    if (!seen.insert(plan.summaries[i].name).second)
      c.fail(sweep_field(sp, spec.keep().summaries(static_cast<int>(i)).has_name() ? "name" : "metric"),
             "column name \"" + plan.summaries[i].name + "\" is taken: give the summary a name");
  }
}

}  // namespace

const char* design_name(DesignKind kind) {
  switch (kind) {
    case DesignKind::kFactorial: return "factorial";
    case DesignKind::kLatinHypercube: return "latin_hypercube";
    case DesignKind::kSobol: return "sobol";
    case DesignKind::kSaltelli: return "saltelli";
  }
  return "?";
}

std::string Plan::keep_text() const {
  std::string out = summary_only ? "keep: summary\n" : "keep: full\n";
  for (const Summary& s : summaries) {
    out += "summary " + s.name + " = " + s.metric;
    if (s.at == Summary::At::kStep) out += " at " + std::to_string(s.step);
    if (s.at == Summary::At::kWindow)
      out += " mean " + std::to_string(s.first_step) + ".." + (s.last_step < 0 ? "end" : std::to_string(s.last_step));
    out += "\n";
  }
  return out;
}

Plan load_sweep(const std::string& path, const std::string& scenario_override) {
  std::error_code ec;  // too large: refused before it is read
  if (const uintmax_t bytes = std::filesystem::file_size(path, ec); !ec) {
    if (auto size = sd::check_file_size(path, bytes); !size.empty()) throw ScenarioError(std::move(size));
  }
  const std::string text = read_file(path);
  return load_sweep_text(path, text, std::filesystem::path(path).parent_path().string(), scenario_override);
}

Plan load_sweep_text(const std::string& name, const std::string& text, const std::string& dir,
                     const std::string& scenario_override) {
  // syntax and unknown fields: every error, then stop
  v1::Sweep spec;
  sd::ParsedText parsed = sd::parse_text_format_message(name, text, &spec);
  if (!parsed.errors.empty()) throw ScenarioError(std::move(parsed.errors));
  Checker c(*parsed.locator);

  Plan plan;
  plan.name = spec.name();
  plan.sweep_path = name;
  plan.sweep_text = text;
  plan.seed = spec.seed();
  plan.common_random_numbers = spec.common_random_numbers();

  // the base scenario
  Base base;
  if (!scenario_override.empty()) {
    plan.scenario_path = scenario_override;
    base = load_base(c, plan, sweep_field({}, "scenario"));
  } else if (spec.scenario().empty()) {
    c.fail(sweep_field({}, "scenario"), "the sweep needs a base scenario: scenario: \"path/to/scenario.txtpb\" (relative to the sweep file)");
  } else {
    const std::filesystem::path p(spec.scenario());
    plan.scenario_path = p.is_absolute() || dir.empty() ? p.lexically_normal().string()
                                                        : (std::filesystem::path(dir) / p).lexically_normal().string();
    base = load_base(c, plan, sweep_field({}, "scenario"));
  }
  plan.base_steps = base.steps;
  plan.base_record_every = base.record_every;

  check_axes(c, spec, plan, base.ok);
  check_design(c, spec, plan);
  check_keep(c, spec, plan, base);
  check_names(c, spec, plan);
  if (!c.problems.empty()) throw ScenarioError(std::move(c.problems));
  if (plan.name.empty()) plan.name = std::filesystem::path(name).stem().string();
  return plan;
}

}  // namespace courtyard::sweep
