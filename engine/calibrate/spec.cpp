// Calibration files and targets files: parsed with the scenario loader's text-format parser and locations
// (FILE:LINE:COL: field.path: message, as scenarios and sweep files), checked against the base scenario,
// and turned into a plain Setup. The only file of engine/calibrate that sees the Calibration message.
//
// A parameter is checked the way a run uses it: the base scenario is loaded with PATH=MIN and with
// PATH=MAX as --set overrides. A target is checked against the base: its metric exists, its place is a
// courtyard or kind of the base, its week is one the run records.
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "calibrate/calibrate.h"
#include "core/file_io.h"
#include "courtyard/v1/calibrate.pb.h"
#include "model/metric_table.h"
#include "scenario/detail.h"
#include "scenario/scenario.h"

namespace courtyard::calibrate {

namespace {

namespace sd = scenario_detail;
namespace pb = google::protobuf;
namespace v1 = courtyard::v1;
namespace fs = std::filesystem;

sd::FieldPath field(const sd::FieldPath& base, std::string_view name, int index = -1) {
  return sd::at(v1::Calibration::descriptor(), base, name, index);
}

class Checker {
 public:
  explicit Checker(const sd::Locator& locator) : locator_(locator) {}
  void fail(const sd::FieldPath& path, const std::string& message) {
    sd::SourceLoc loc = locator_.locate(path);
    if (loc.line == 0) loc.line = loc.column = 1;
    problems.push_back(sd::make_diagnostic(loc, sd::path_string(path), message));
  }
  std::vector<Diagnostic> problems;

 private:
  const sd::Locator& locator_;
};

// Read with read(2): a read error part way is an error, not the end of the file (core/file_io.h).
std::string read_file(const std::string& path) { return read_whole_file(path, ""); }

std::string resolve(const std::string& dir, const std::string& p) {
  const fs::path path(p);
  return path.is_absolute() || dir.empty() ? path.lexically_normal().string() : (fs::path(dir) / path).lexically_normal().string();
}


bool valid_column_name(const std::string& name) {
  if (name.empty()) return false;
  for (char ch : name) {
    const auto u = static_cast<unsigned char>(ch);
    if (!(std::isalnum(u) || ch == '_' || ch == '.' || ch == '[' || ch == ']' || ch == '-')) return false;
  }
  return true;
}

bool parse_double(std::string_view s, double* out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool parse_int(std::string_view s, int64_t* out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The base scenario, loaded once: what targets are checked against.
struct Base {
  bool ok = false;
  Model model;
};

// Loads the base with PATH=VALUE; problems reported at `at`.
void try_value(Checker& c, const Setup& s, const std::string& assignment, const sd::FieldPath& at) {
  try {
    build_model(load_scenario_text(s.scenario_path, s.scenario_text, s.scenario_json, {assignment}));
  } catch (const ScenarioError& e) {
    for (const Diagnostic& d : e.diagnostics()) {
      const std::string f = d.field.empty() ? "" : d.field + ": ";
      if (d.file == "--set[0]")
        c.fail(at, "with " + assignment + ": " + f + d.message);
      else
        c.fail(at, "with " + assignment + " the base scenario is invalid: " + d.format());
    }
  } catch (const UsageError& e) {
    c.fail(at, e.what());
  }
}

void check_parameters(Checker& c, const v1::Calibration& spec, Setup& s, bool base_ok) {
  std::set<std::string> paths, names;
  if (spec.parameters_size() == 0) c.fail(field({}, "parameters"), "give at least one parameter to fit");
  if (spec.parameters_size() > 32) c.fail(field({}, "parameters", 32), "at most 32 parameters");
  for (int i = 0; i < spec.parameters_size(); ++i) {
    const v1::CalibratedParameter& p = spec.parameters(i);
    const sd::FieldPath pp = field({}, "parameters", i);
    Parameter out;
    out.path = p.path();
    out.name = p.has_name() ? p.name() : p.path();
    bool ok = true;
    if (p.path().empty()) {
      c.fail(field(pp, "path"), "give the scenario field to fit, as in --set (e.g. \"behaviour.fee_payment.intercept\")");
      ok = false;
    } else if (p.path().find_first_of("= \t") != std::string::npos) {
      c.fail(field(pp, "path"), "a field path has no '=' or blanks: \"" + p.path() + "\"");
      ok = false;
    } else if (p.path() == "run.seed") {
      c.fail(field(pp, "path"), "the calibration sets run.seed itself (every run has its own seed)");
      ok = false;
    } else if (!paths.insert(p.path()).second) {
      c.fail(field(pp, "path"), "\"" + p.path() + "\" is fitted by an earlier parameter too");
      ok = false;
    } else if (const pb::FieldDescriptor* f = sd::override_field(p.path()); !f) {
      c.fail(field(pp, "path"), "\"" + p.path() + "\" does not name a field of the scenario (a path as in --set)");
      ok = false;
    } else {
      const auto t = f->cpp_type();
      if (t != pb::FieldDescriptor::CPPTYPE_DOUBLE && t != pb::FieldDescriptor::CPPTYPE_FLOAT) {
        c.fail(field(pp, "path"), "\"" + p.path() + "\" is not a floating-point field: only those can be fitted "
                                  "(the perturbation kernel is continuous)");
        ok = false;
      }
    }
    if (!p.path().empty() && !valid_column_name(out.name))
      c.fail(field(pp, p.has_name() ? "name" : "path"), "column name \"" + out.name + "\" must be letters, digits and _ . [ ] - only");
    else if (!p.path().empty() && !names.insert(out.name).second)
      c.fail(field(pp, p.has_name() ? "name" : "path"), "column name \"" + out.name + "\" is taken: give the parameter a name");
    if (!p.has_uniform()) {
      c.fail(pp, "give the prior: uniform { min: ... max: ... }");
      ok = false;
    } else {
      const sd::FieldPath up = field(pp, "uniform");
      out.min = p.uniform().min();
      out.max = p.uniform().max();
      if (!p.uniform().has_min() || !p.uniform().has_max()) {
        c.fail(up, "the uniform prior needs min and max");
        ok = false;
      } else if (!std::isfinite(out.min) || !std::isfinite(out.max)) {
        c.fail(up, "min and max must be finite");
        ok = false;
      } else if (!(out.min < out.max)) {
        c.fail(field(up, "max"), "max (" + number_text(out.max) + ") must be above min (" + number_text(out.min) + ")");
        ok = false;
      }
    }
    if (ok && base_ok) {
      try_value(c, s, p.path() + "=" + number_text(out.min), field(field(pp, "uniform"), "min"));
      try_value(c, s, p.path() + "=" + number_text(out.max), field(field(pp, "uniform"), "max"));
    }
    s.parameters.push_back(out);
  }
}

void check_settings(Checker& c, const v1::Calibration& spec, Setup& s) {
  s.population = spec.population();
  s.generations = spec.generations();
  s.seed = spec.seed();
  s.quantile = spec.quantile();
  s.min_tolerance = spec.min_tolerance();
  s.max_batches = spec.max_batches();
  s.predictive_samples = spec.predictive_samples();
  if (s.population < 2 || s.population > 100000) c.fail(field({}, "population"), "population must be 2 to 100000");
  if (s.generations < 1 || s.generations > 1000) c.fail(field({}, "generations"), "generations must be 1 to 1000");
  if (!(s.quantile > 0 && s.quantile < 1)) c.fail(field({}, "quantile"), "quantile must lie strictly between 0 and 1");
  if (!(std::isfinite(s.min_tolerance) && s.min_tolerance >= 0))
    c.fail(field({}, "min_tolerance"), "min_tolerance must be a finite number >= 0");
  if (s.max_batches < 1 || s.max_batches > 100000) c.fail(field({}, "max_batches"), "max_batches must be 1 to 100000");
  if (s.predictive_samples < 0 || s.predictive_samples > 1000000)
    c.fail(field({}, "predictive_samples"), "predictive_samples must be 0 to 1000000");
}

// The targets CSV: "metric,where,when,observed,tolerance", '#' comments and blank lines skipped.
void load_targets(std::vector<Diagnostic>& problems, Setup& s, const Base& base) {
  const std::string& file = s.targets_path;
  auto fail = [&](int line, int column, const std::string& what, const std::string& message) {
    problems.push_back(sd::make_diagnostic({file, line, column}, what, message));
  };
  static const char* kColumns[] = {"metric", "where", "when", "observed", "tolerance"};
  std::istringstream in(s.targets_text);
  std::string raw;
  int line = 0;
  bool header = false;
  while (std::getline(in, raw)) {
    ++line;
    const std::string_view text = trim(raw);
    if (text.empty() || text.front() == '#') continue;
    // the fields and their 1-based columns
    std::vector<std::string_view> cells;
    std::vector<int> columns;
    size_t start = 0;
    for (;;) {
      const size_t comma = raw.find(',', start);
      const size_t end = comma == std::string::npos ? raw.size() : comma;
      std::string_view cell(raw.data() + start, end - start);
      size_t lead = 0;
      while (lead < cell.size() && (cell[lead] == ' ' || cell[lead] == '\t')) ++lead;
      cells.push_back(trim(cell));
      columns.push_back(static_cast<int>(start + lead) + 1);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (!header) {
      header = true;
      bool same = cells.size() == 5;
      for (size_t k = 0; same && k < 5; ++k) same = cells[k] == kColumns[k];
      if (!same) fail(line, 1, "", "the first line must be the header: metric,where,when,observed,tolerance");
      continue;
    }
    if (raw.find('"') != std::string::npos) {
      fail(line, static_cast<int>(raw.find('"')) + 1, "", "quotes are not read: names hold no commas, write them bare");
      continue;
    }
    if (cells.size() != 5) {
      fail(line, columns[std::min<size_t>(cells.size(), 5) - 1], "",
           "expected 5 fields (metric,where,when,observed,tolerance), got " + std::to_string(cells.size()));
      continue;
    }
    Target t;
    bool ok = true;
    // metric
    t.metric = std::string(cells[0]);
    t.metric_id = find_metric(t.metric);
    if (t.metric_id < 0) {
      std::string names;
      for (const MetricDef& m : all_metrics()) names += (names.empty() ? "" : ", ") + m.name;
      fail(line, columns[0], "metric", "unknown metric \"" + t.metric + "\" (one of " + names + ")");
      ok = false;
    }
    // where
    t.where_text = std::string(cells[1]);
    if (cells[1] == "subdistrict") {
      t.where = Target::Where::kSubdistrict;
    } else if (cells[1].starts_with("courtyard:") || cells[1].starts_with("kind:")) {
      const bool courtyard = cells[1].starts_with("courtyard:");
      t.where = courtyard ? Target::Where::kCourtyard : Target::Where::kKind;
      t.place = std::string(trim(cells[1].substr(courtyard ? 10 : 5)));
      if (base.ok) {
        bool found = false;
        if (courtyard) {
          for (const CourtyardSpec& cs : base.model.courtyards) found = found || cs.name == t.place;
        } else {
          for (const std::string& k : base.model.kind_names) found = found || k == t.place;
        }
        if (!found) {
          fail(line, columns[1], "where",
               std::string("the base scenario has no ") + (courtyard ? "courtyard" : "courtyard kind") + " named \"" + t.place + "\"");
          ok = false;
        }
      }
    } else {
      fail(line, columns[1], "where", "expected subdistrict, courtyard:NAME or kind:NAME, got \"" + std::string(cells[1]) + "\"");
      ok = false;
    }
    // when
    t.when_text = std::string(cells[2]);
    int64_t n = -1;
    if (cells[2] == "end") {
      t.step = base.ok ? base.model.steps : 0;
    } else if (cells[2].starts_with("month ") && parse_int(trim(cells[2].substr(6)), &n) && n >= 0 && n <= 100000) {
      t.step = static_cast<int32_t>(std::lround(static_cast<double>(n) * 365.25 / 84.0));  // weeks in n months
    } else if (cells[2].starts_with("week ") && parse_int(trim(cells[2].substr(5)), &n) && n >= 0 && n <= 100000) {
      t.step = static_cast<int32_t>(n);
    } else {
      fail(line, columns[2], "when", "expected \"month N\", \"week N\" or \"end\", got \"" + std::string(cells[2]) + "\"");
      ok = false;
    }
    if (ok && base.ok) {
      const int32_t steps = base.model.steps, every = base.model.output.record_every;
      if (t.step > steps) {
        fail(line, columns[2], "when", t.when_text + " is week " + std::to_string(t.step) + ", past the run's " +
                                           std::to_string(steps) + " weeks");
        ok = false;
      } else if (t.step % every != 0 && t.step != steps) {
        fail(line, columns[2], "when", t.when_text + " is week " + std::to_string(t.step) + ", which the run does not record (record_every " +
                                           std::to_string(every) + ")");
        ok = false;
      }
    }
    // observed, tolerance
    if (!parse_double(cells[3], &t.observed) || !std::isfinite(t.observed)) {
      fail(line, columns[3], "observed", "expected a finite number, got \"" + std::string(cells[3]) + "\"");
      ok = false;
    }
    if (!parse_double(cells[4], &t.tolerance) || !std::isfinite(t.tolerance) || !(t.tolerance > 0)) {
      fail(line, columns[4], "tolerance", "expected a number above 0, got \"" + std::string(cells[4]) + "\"");
      ok = false;
    }
    t.name = "target_" + std::to_string(s.targets.size()) + "_" + t.metric;
    s.targets.push_back(t);  // a bad row is kept too, so that later rows keep their numbers in names
  }
  if (!header) fail(1, 1, "", "the targets file is empty: give the header metric,where,when,observed,tolerance and a row per target");
  else if (s.targets.empty()) fail(line > 0 ? line : 1, 1, "", "the targets file has no targets: give a row per target");
  if (s.targets.size() > 1000) fail(1, 1, "", "at most 1000 targets");
}

}  // namespace

Setup load_calibration(const std::string& path) {
  std::error_code ec;  // too large: refused before it is read
  if (const uintmax_t bytes = fs::file_size(path, ec); !ec) {
    if (auto size = sd::check_file_size(path, bytes); !size.empty()) throw ScenarioError(std::move(size));
  }
  const std::string text = read_file(path);
  const std::string dir = fs::path(path).parent_path().string();
  v1::Calibration spec;
  sd::ParsedText parsed = sd::parse_text_format_message(path, text, &spec);
  if (!parsed.errors.empty()) throw ScenarioError(std::move(parsed.errors));
  Checker c(*parsed.locator);

  Setup s;
  s.spec_path = path;
  s.spec_text = text;
  s.name = spec.name().empty() ? fs::path(path).stem().string() : spec.name();

  // the base scenario
  Base base;
  if (spec.scenario().empty()) {
    c.fail(field({}, "scenario"), "the calibration needs a base scenario: scenario: \"path/to/scenario.txtpb\" (relative to this file)");
  } else {
    s.scenario_path = resolve(dir, spec.scenario());
    try {
      s.scenario_text = read_file(s.scenario_path);
      s.scenario_json = sd::looks_like_json(s.scenario_path, s.scenario_text);
      const LoadedScenario loaded = load_scenario_text(s.scenario_path, s.scenario_text, s.scenario_json);
      base.model = build_model(loaded);
      s.effective_scenario = scenario_to_text(loaded.spec);
      base.ok = true;
    } catch (const IoError& e) {
      c.fail(field({}, "scenario"), e.what());
    } catch (const ScenarioError& e) {
      c.problems.insert(c.problems.end(), e.diagnostics().begin(), e.diagnostics().end());
      c.fail(field({}, "scenario"), "the base scenario " + s.scenario_path + " is invalid (problems above)");
    }
  }

  check_parameters(c, spec, s, base.ok);
  check_settings(c, spec, s);

  // the targets
  if (spec.targets().empty()) {
    c.fail(field({}, "targets"), "the calibration needs a targets file: targets: \"targets.csv\" (relative to this file)");
  } else {
    s.targets_path = resolve(dir, spec.targets());
    bool read = true;
    try {
      s.targets_text = read_file(s.targets_path);
    } catch (const IoError& e) {
      c.fail(field({}, "targets"), e.what());
      read = false;
    }
    if (read && s.targets_text.size() > (size_t{16} << 20)) {
      c.fail(field({}, "targets"), s.targets_path + " is larger than 16 MiB: a targets file holds a few rows");
      read = false;
    }
    if (read) load_targets(c.problems, s, base);
  }
  if (!c.problems.empty()) throw ScenarioError(std::move(c.problems));
  return s;
}

}  // namespace courtyard::calibrate
