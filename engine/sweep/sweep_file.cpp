#include "sweep/sweep_file.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <set>

#include "core/errors.h"
#include "core/version.h"
#include "model/metric_table.h"
#include "sweep/h5.h"
#include "sweep/kinds.h"
#include "sweep/util.h"

namespace courtyard::sweep {

namespace fs = std::filesystem;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The whole text as a number, or nullopt.
std::optional<double> full_number(const std::string& s) {
  double x = kNaN;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), x);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return x;
}

const char* state_name(RunState s) {
  switch (s) {
    case RunState::kDone: return "done";
    case RunState::kFailed: return "failed";
    case RunState::kMissing: return "missing";
    case RunState::kBad: return "bad";
  }
  return "?";
}

}  // namespace

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      any = false;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || !field.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<ParameterColumn> parameter_columns(const Plan& plan, const Design& design) {
  const std::vector<std::vector<std::string>> rows = parse_csv(design_csv(plan, design));
  constexpr size_t kFixed = 4;  // run, point, replicate, seed
  const std::vector<std::string> fixed = {"run", "point", "replicate", "seed"};
  if (rows.empty() || rows[0].size() < kFixed || !std::equal(fixed.begin(), fixed.end(), rows[0].begin()) ||
      rows.size() != design.runs.size() + 1)
    throw std::logic_error("design.csv does not begin run,point,replicate,seed or lacks a row per run");
  std::vector<ParameterColumn> out;
  for (size_t j = kFixed; j < rows[0].size(); ++j) {
    ParameterColumn col;
    col.name = rows[0][j];
    for (size_t r = 1; r < rows.size(); ++r) col.text.push_back(j < rows[r].size() ? rows[r][j] : "");
    const Axis* axis = nullptr;
    for (const Axis& a : plan.axes)
      if (a.name == col.name) axis = &a;
    if (axis) {
      col.path = axis->path;
      col.numeric = axis->numeric;
    } else {
      for (const std::string& v : col.text) col.numeric = col.numeric && full_number(v).has_value();
    }
    out.push_back(std::move(col));
  }
  return out;
}

struct SweepFile::Impl {
  std::string path, temp;
  const Plan& plan;
  const Design& design;
  const std::vector<ParameterColumn>& columns;
  h5::Writer w;
  std::vector<std::string> column_vars;  // the variable name of each parameter column
  std::string coordinates;               // the non-dimension coordinates along run, space-separated
  std::vector<std::string> kind_metrics;
  bool finished = false;

  Impl(const std::string& dir, const Plan& p, const Design& d, const std::vector<ParameterColumn>& c)
      : path((fs::path(dir) / "sweep.h5").string()), temp(temporary_name(path)), plan(p), design(d), columns(c), w(temp) {}

  // long_name and units of a variable
  void describe(hid_t loc, const std::string& name, const std::string& long_name, const std::string& units) {
    h5::Handle o = w.open(loc, name);
    w.attr(o.get(), "long_name", long_name);
    if (!units.empty()) w.attr(o.get(), "units", units);
  }

  // run, its coordinates (point, replicate, seed, status, the parameters) and kind, in group `loc`
  void coordinates_in(hid_t loc, const Gathered& g) {
    std::vector<int64_t> index, point, replicate;
    std::vector<uint64_t> seed;
    for (const Run& run : design.runs) {
      index.push_back(run.index);
      point.push_back(run.point);
      replicate.push_back(run.replicate);
      seed.push_back(run.seed);
    }
    w.array(loc, "run", index);
    w.make_scale(loc, "run");
    describe(loc, "run", "run index (runs/run-NNNNN)", "1");
    w.array(loc, "point", point);
    describe(loc, "point", "design point", "1");
    w.array(loc, "replicate", replicate);
    describe(loc, "replicate", "replicate of the design point", "1");
    w.array_u64(loc, "seed", seed);
    describe(loc, "seed", "the run's seed (run.seed)", "1");
    std::vector<std::string> status;
    for (RunState s : g.state) status.push_back(state_name(s));
    w.array(loc, "status", status);
    describe(loc, "status", "done, failed or missing", "");
    for (const char* v : {"point", "replicate", "seed", "status"}) w.attach(loc, v, "run", 0);
    for (size_t j = 0; j < columns.size(); ++j) {
      const ParameterColumn& c = columns[j];
      const std::string& var = column_vars[j];
      if (c.numeric) {
        std::vector<double> x;
        for (const std::string& t : c.text) x.push_back(full_number(t).value_or(kNaN));
        w.array(loc, var, x);
      } else {
        w.array(loc, var, c.text);
      }
      w.attach(loc, var, "run", 0);
      h5::Handle o = w.open(loc, var);
      w.attr(o.get(), "long_name", c.path.empty() ? "parameter " + c.name : "scenario field " + c.path);
      w.attr(o.get(), "column", c.name);
      if (!c.path.empty()) w.attr(o.get(), "path", c.path);
    }
    w.array(loc, "kind", g.kinds);
    w.make_scale(loc, "kind");
    describe(loc, "kind", std::string("courtyard kind (") + kExplicitKind + ": the explicitly described courtyards)", "");
    w.attr(loc, "coordinates", coordinates);
  }

  void data_variable(hid_t loc, const std::string& name, const std::string& long_name, const std::string& units,
                     const std::vector<std::string>& dims, bool time_coordinates) {
    for (size_t a = 0; a < dims.size(); ++a) w.attach(loc, name, dims[a], static_cast<unsigned>(a));
    h5::Handle o = w.open(loc, name);
    w.attr(o.get(), "long_name", long_name);
    if (!units.empty()) w.attr(o.get(), "units", units);
    w.attr_f64(o.get(), "_FillValue", kNaN);
    w.attr(o.get(), "coordinates", coordinates + (time_coordinates ? " step" : ""));
  }
};

namespace {

std::pair<std::string, std::string> metric_text(const std::string& metric) {
  const int id = find_metric(metric);
  if (id < 0) return {metric, ""};
  return {all_metrics()[static_cast<size_t>(id)].long_name, all_metrics()[static_cast<size_t>(id)].units};
}

}  // namespace

SweepFile::SweepFile(const std::string& dir, const Plan& plan, const Design& design, const Folder& folder,
                     const std::vector<ParameterColumn>& columns, const Gathered& g, const TimeAxis* time,
                     const std::vector<std::string>& metrics, const std::vector<std::string>& kind_metrics)
    : impl_(std::make_unique<Impl>(dir, plan, design, columns)) {
  Impl& m = *impl_;
  h5::Writer& w = m.w;
  const size_t nrun = design.runs.size();
  m.kind_metrics = time ? kind_metrics : std::vector<std::string>();

  // names: a parameter column named like another variable of the file gets "_param" appended
  std::set<std::string> taken = {"run", "point", "replicate", "seed", "status", "time", "kind", "step"};
  for (const std::string& x : metrics) taken.insert(x);
  for (const std::string& x : kind_metrics) taken.insert(x + "_by_kind");
  for (const Summary& s : plan.summaries) taken.insert({s.name, s.name + "_by_kind"});
  m.coordinates = "point replicate seed status";
  for (const ParameterColumn& c : columns) {
    std::string name = c.name;
    while (taken.count(name)) name += "_param";
    taken.insert(name);
    m.column_vars.push_back(name);
    if (name.find(' ') == std::string::npos) m.coordinates += " " + name;
  }

  int64_t done = 0;
  for (RunState s : g.state) done += s == RunState::kDone;
  const hid_t root = w.root();
  w.attr(root, "title", "courtyard sweep: " + plan.name);
  w.attr(root, "Conventions", "CF-1.8");
  w.attr(root, "format_version", int64_t{2});
  w.attr(root, "sweep_name", plan.name);
  w.attr(root, "design", design_name(plan.design.kind));
  w.attr(root, "points", design.points);
  w.attr(root, "replicates", static_cast<int64_t>(plan.replicates));
  w.attr(root, "runs", static_cast<int64_t>(nrun));
  w.attr(root, "runs_done", done);
  w.attr_u64(root, "seed", plan.seed);
  w.attr_i8(root, "common_random_numbers", plan.common_random_numbers ? 1 : 0);
  w.attr(root, "keep", plan.summary_only ? "summary" : "full");
  w.attr(root, "identity", sweep_identity(plan));
  w.attr(root, "engine_version", engine_version());
  w.attr(root, "git_commit", git_commit());
  w.attr(root, "created_utc", utc_now());
  m.coordinates_in(root, g);

  // every done run's file, by an external link (paths relative to DIR)
  const hid_t lg = w.group("runs");
  std::vector<std::string> sources(nrun);
  for (size_t r = 0; r < nrun; ++r) {
    if (g.state[r] != RunState::kDone) continue;
    sources[r] = (fs::path("runs") / fs::path(folder.run_path(static_cast<int64_t>(r))).filename()).string();
    w.external_link(lg, folder.run_name(static_cast<int64_t>(r)), sources[r], "/");
  }
  if (!time) return;

  // the time axis, then the series
  w.array(root, "time", time->days);
  w.make_scale(root, "time");
  {
    h5::Handle o = w.open(root, "time");
    for (const auto& [k, v] : time->attrs) w.attr(o.get(), k, v);
  }
  w.array(root, "step", time->steps);
  w.attach(root, "step", "time", 0);
  m.describe(root, "step", "steps done at the record", "1");
  const int64_t ntime = static_cast<int64_t>(time->steps.size());
  for (const std::string& metric : metrics) {
    const auto [long_name, units] = metric_text(metric);
    w.virtual_rows(root, metric, sources, "/subdistrict/" + metric, ntime);
    m.data_variable(root, metric, long_name + " (subdistrict)", units, {"run", "time"}, true);
  }
  for (const std::string& metric : m.kind_metrics) {
    const auto [long_name, units] = metric_text(metric);
    const std::string name = metric + "_by_kind";
    w.nan_array(root, name, {nrun, g.kinds.size(), static_cast<uint64_t>(ntime)});
    m.data_variable(root, name, long_name + " (per courtyard kind)", units, {"run", "kind", "time"}, true);
  }
}

SweepFile::~SweepFile() {
  if (impl_ && !impl_->finished) {
    try {
      impl_->w.close();
    } catch (...) {
      // the temporary file goes anyway
    }
    std::remove(impl_->temp.c_str());
  }
}

void SweepFile::add_kind_series(int64_t run, const std::map<std::string, std::vector<double>>& series) {
  for (const std::string& metric : impl_->kind_metrics) {
    const auto it = series.find(metric);
    if (it != series.end()) impl_->w.write_row(impl_->w.root(), metric + "_by_kind", static_cast<uint64_t>(run), it->second);
  }
}

void SweepFile::finish(const Gathered& g) {
  Impl& m = *impl_;
  h5::Writer& w = m.w;
  const size_t nrun = m.design.runs.size(), nsum = m.plan.summaries.size(), nk = g.kinds.size();
  const hid_t sg = w.group("summary");
  w.attr(sg, "long_name", "one number per run (and per courtyard kind) from each run's records");
  m.coordinates_in(sg, g);
  for (size_t k = 0; k < nsum; ++k) {
    const Summary& s = m.plan.summaries[k];
    const auto [long_name, units] = metric_text(s.metric);
    std::vector<double> col(nrun);
    for (size_t r = 0; r < nrun; ++r) col[r] = g.summaries[r * nsum + k];
    w.array(sg, s.name, col);
    m.data_variable(sg, s.name, long_name + " (subdistrict, summary " + s.name + ")", units, {"run"}, false);
    if (!g.kind_summary[k]) continue;
    std::vector<double> per(nrun * nk);
    for (size_t r = 0; r < nrun; ++r)
      for (size_t j = 0; j < nk; ++j) per[r * nk + j] = g.kind_summaries[(r * nk + j) * nsum + k];
    const std::string name = s.name + "_by_kind";
    w.matrix(sg, name, nrun, nk, per);
    m.data_variable(sg, name, long_name + " (per courtyard kind, summary " + s.name + ")", units, {"run", "kind"}, false);
  }
  w.close();
  m.finished = true;
  if (std::rename(m.temp.c_str(), m.path.c_str()) != 0) {
    std::remove(m.temp.c_str());
    throw IoError("cannot write " + m.path);
  }
}

}  // namespace courtyard::sweep
