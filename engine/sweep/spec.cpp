// Sweep files: parsed with the scenario loader's text-format parser and locations (so that problems read
// FILE:LINE:COL: field.path: message, as a scenario's do), checked against the base scenario, and turned
// into a plain Plan. This file and spec_axes.cpp (the axes, and the check of every design point) are the
// only ones of engine/sweep that see the Sweep message.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "core/file_io.h"
#include "scenario/scenario.h"
#include "sim/metrics.h"
#include "sweep/spec_detail.h"

namespace courtyard::sweep {

namespace spec_detail {

std::string number_text(double x) {
  char buf[64];
  if (x == std::trunc(x) && std::fabs(x) < 1e15) {
    const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(x));
    return std::string(buf, r.ptr);
  }
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

bool valid_column_name(const std::string& name) {
  if (name.empty()) return false;
  for (char ch : name) {
    const auto u = static_cast<unsigned char>(ch);
    if (!(std::isalnum(u) || ch == '_' || ch == '.' || ch == '[' || ch == ']' || ch == '-')) return false;
  }
  return true;
}

}  // namespace spec_detail

namespace {

using namespace spec_detail;

bool power_of_two(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

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
    case v1::Design::kMorris: {
      s.kind = DesignKind::kMorris;
      kp = sweep_field(dp, "morris");
      const v1::MorrisDesign& m = d.morris();
      s.points = m.trajectories();
      s.levels = m.levels();
      if (!m.has_trajectories() || s.points < 1 || s.points > kMaxSampledPoints)
        c.fail(m.has_trajectories() ? sweep_field(kp, "trajectories") : kp, "morris needs trajectories, 1 to 16777216 (r; 10 to 50 is usual)");
      if (s.levels < 2 || s.levels % 2 != 0 || s.levels > 1000)
        c.fail(sweep_field(kp, "levels"), "levels must be even, 2 to 1000 (the grid has levels points per axis; 4 is usual), not " +
                                              std::to_string(s.levels));
      break;
    }
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
  if ((s.kind == DesignKind::kLatinHypercube || s.kind == DesignKind::kMorris) && spec.axes_size() > 255)
    c.fail(kp, std::string(design_name(s.kind)) + " takes at most 255 axes");
  if ((s.kind == DesignKind::kSobol || s.kind == DesignKind::kSaltelli) && s.skip >= 0 &&
      s.points + s.skip > (int64_t{1} << 32))
    c.fail(sweep_field(kp, "skip"), "points + skip must stay within 2^32");
  for (int i = 0; i < spec.axes_size(); ++i) {
    const v1::Axis& a = spec.axes(i);
    const sd::FieldPath ap = sweep_field({}, "axes", i);
    if (!sampling && a.has_bounds())
      c.fail(sweep_field(ap, "bounds"), "a factorial design takes values, levels or range; bounds are for latin_hypercube, sobol, saltelli and morris");
    if (sampling && !a.has_bounds() && (a.values_size() || a.levels_size() || a.has_range() || a.tuples_size() || a.cases_size()))
      c.fail(ap, std::string(design_name(s.kind)) + " samples each axis between bounds: give bounds { min: ... max: ... }");
    // Morris' grid on a field of whole numbers: every level a whole number
    if (s.kind == DesignKind::kMorris && static_cast<size_t>(i) < plan.axes.size() && plan.axes[i].integer &&
        plan.axes[i].sampled && s.levels >= 2 &&
        std::fmod(plan.axes[i].max - plan.axes[i].min, static_cast<double>(s.levels - 1)) != 0)
      c.fail(sweep_field(ap, "bounds"), "\"" + plan.axes[i].path + "\" holds whole numbers: with " + std::to_string(s.levels) +
                                            " levels, max - min must be a multiple of " + std::to_string(s.levels - 1));
  }

  // points, then runs
  // (products saturated, not overflowing: 10^6 x 10^6 values x 9,223,373 replicates wrapped below the limit)
  int64_t points = 1;
  if (s.kind == DesignKind::kFactorial) {
    for (const Axis& a : plan.axes) points = saturated_product(points, std::max<int64_t>(1, static_cast<int64_t>(a.values.size())));
  } else if (s.kind == DesignKind::kSaltelli) {
    const int64_t d2 = spec.axes_size();
    points = saturated_product(s.points, s.second_order ? 2 * d2 + 2 : d2 + 2);
  } else if (s.kind == DesignKind::kMorris) {
    points = saturated_product(s.points, spec.axes_size() + 1);
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
    if (!seen.insert(plan.axes[i].name).second && (!plan.axes[i].path.empty() || spec.axes(static_cast<int>(i)).has_name()) &&
        !repeated)
      c.fail(sweep_field(ap, spec.axes(static_cast<int>(i)).has_name() ? "name" : "path"),
             "column name \"" + plan.axes[i].name + "\" is taken: give the axis a name");
    // a linked field's column is its path (a path set twice is reported by check_axes)
    for (const Link& l : plan.axes[i].links)
      if (!l.path.empty() && seen.count(l.path) && !paths.count(l.path))
        c.fail(ap, "column name \"" + l.path + "\" (a linked field) is taken: rename the axis that has it");
    for (const Link& l : plan.axes[i].links) seen.insert(l.path);
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
    case DesignKind::kMorris: return "morris";
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

  const size_t before_axes = c.problems.size();
  const std::vector<AxisSites> sites = check_axes(c, spec, plan, base.ok);
  const size_t after_axes = c.problems.size();
  check_design(c, spec, plan);
  const bool design_ok = c.problems.size() == after_axes ||
                         (spec.replicates() < 1 && c.problems.size() == after_axes + 1);  // points need no replicates
  check_keep(c, spec, plan, base);
  check_names(c, spec, plan);
  // every design point's scenario, once the axes and the design are sound (not for a folder's copies)
  if (base.ok && after_axes == before_axes && design_ok && scenario_override.empty()) {
    Plan one = plan;
    one.replicates = 1;
    check_points(c, one, sites);
  }
  if (!c.problems.empty()) throw ScenarioError(std::move(c.problems));
  if (plan.name.empty()) plan.name = std::filesystem::path(name).stem().string();
  return plan;
}

}  // namespace courtyard::sweep
