// `courtyard info` for a sweep's files: a run's summary file (runs/run-NNNNN.summary.h5, KEEP_SUMMARY)
// and the collected sweep.h5 (docs/sweeps.md). As describe.cpp, everything shown is read from the file.
#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "core/calendar.h"
#include "core/errors.h"
#include "output/hdf5_util.h"
#include "output/run_file.h"

namespace courtyard {
namespace {

namespace fs = std::filesystem;
using h5::check;
using h5::Handle;

void row(std::string& out, const std::string& key, const std::string& value) {
  out += key;
  out.append(key.size() < 12 ? 12 - key.size() : 1, ' ');
  out += value;
  out += '\n';
}

std::string size_text(const std::string& path) {
  std::error_code ec;
  const uintmax_t bytes = fs::file_size(path, ec);
  if (ec) return "?";
  char buf[64];
  if (bytes < 1024)
    std::snprintf(buf, sizeof buf, "%ju B", bytes);
  else if (bytes < 1024 * 1024)
    std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / 1024);
  else
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024));
  return buf;
}

// A number in at most 6 significant digits ("nan" for NaN).
std::string num(double x) {
  if (std::isnan(x)) return "nan";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

bool exists(hid_t loc, const std::string& name) {
  size_t pos = 0;
  while ((pos = name.find('/', pos + 1)) != std::string::npos)
    if (H5Lexists(loc, name.substr(0, pos).c_str(), H5P_DEFAULT) <= 0) return false;
  return H5Lexists(loc, name.c_str(), H5P_DEFAULT) > 0;
}

bool is_dataset(hid_t loc, const std::string& name) {
  H5O_info_t info;
  if (H5Oget_info_by_name2(loc, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0) {
    H5Eclear2(H5E_DEFAULT);
    return false;
  }
  return info.type == H5O_TYPE_DATASET;
}

// Names in a group, by name order (external links are not followed).
std::vector<std::string> members(hid_t group) {
  std::vector<std::string> names;
  auto add = [](hid_t, const char* name, const H5L_info_t* info, void* data) -> herr_t {
    if (info->type == H5L_TYPE_HARD) static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  hsize_t idx = 0;
  check(H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, &idx, add, &names), "listing a group");
  return names;
}

std::vector<hsize_t> shape(hid_t loc, const std::string& name) {
  Handle ds(check(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), "opening " + name));
  Handle space(check(H5Dget_space(ds), "reading " + name));
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> dims(static_cast<size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims;
}

std::vector<double> doubles(hid_t loc, const std::string& name) {
  Handle ds(check(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), "opening " + name));
  Handle space(check(H5Dget_space(ds), "reading " + name));
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  std::vector<double> out(static_cast<size_t>(std::max<hssize_t>(n, 0)));
  if (!out.empty()) check(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "reading " + name);
  return out;
}

bool is_string(hid_t loc, const std::string& name) {
  Handle ds(check(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), "opening " + name));
  Handle type(check(H5Dget_type(ds), "reading " + name));
  return H5Tget_class(type) == H5T_STRING;
}

std::vector<std::string> strings(hid_t loc, const std::string& name) {
  Handle ds(check(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), "opening " + name));
  Handle space(check(H5Dget_space(ds), "reading " + name));
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  std::vector<std::string> out;
  if (n <= 0) return out;
  Handle type = h5::vlen_string_type();
  std::vector<char*> p(static_cast<size_t>(n), nullptr);
  check(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data()), "reading " + name);
  for (char* q : p) out.emplace_back(q ? q : "");
  H5Dvlen_reclaim(type, space, H5P_DEFAULT, p.data());
  return out;
}

std::string attr_of(hid_t loc, const std::string& object, const char* name) {
  Handle o(H5Oopen(loc, object.c_str(), H5P_DEFAULT));
  if (!o.valid()) {
    H5Eclear2(H5E_DEFAULT);
    return "";
  }
  return h5::read_attr_text(o, name).value_or("");
}

std::string join(const std::vector<std::string>& items, const std::string& sep = ", ") {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
  return out;
}

// "3 values: 20, 30, 40", or for many numbers "40 values from 0.1 to 0.9".
std::string values_text(hid_t loc, const std::string& name) {
  std::vector<std::string> distinct;
  bool numeric = !is_string(loc, name);
  double lo = INFINITY, hi = -INFINITY;
  if (numeric) {
    std::set<double> seen;
    for (double x : doubles(loc, name)) {
      if (std::isnan(x) || !seen.insert(x).second) continue;
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
    for (double x : seen) distinct.push_back(num(x));
  } else {
    for (const std::string& s : strings(loc, name))
      if (std::find(distinct.begin(), distinct.end(), s) == distinct.end()) distinct.push_back(s);
  }
  const std::string n = std::to_string(distinct.size()) + (distinct.size() == 1 ? " value" : " values");
  if (distinct.size() <= 8) return n + ": " + join(distinct);
  if (numeric) return n + " from " + num(lo) + " to " + num(hi);
  return n + ": " + join(std::vector<std::string>(distinct.begin(), distinct.begin() + 6)) + ", ...";
}

// The time axis as "N records, DATE to DATE (steps A to B)" from `time` (days since) and `step`.
std::string records_text(hid_t loc) {
  const std::vector<double> days = doubles(loc, "time");
  std::string out = std::to_string(days.size());
  const std::string units = attr_of(loc, "time", "units");
  Date start;
  if (!days.empty() && units.rfind("days since ", 0) == 0 && parse_date(units.substr(11, 10), &start)) {
    auto at = [&](double d) {
      return format_date(civil_from_days(days_from_civil(start) + static_cast<int64_t>(std::llround(d))));
    };
    out += ", " + at(days.front()) + " to " + at(days.back());
  }
  if (exists(loc, "step")) {
    const std::vector<double> steps = doubles(loc, "step");
    if (!steps.empty()) out += " (steps " + num(steps.front()) + " to " + num(steps.back()) + ")";
  }
  return out;
}

// mean (min to max) over the finite values
std::string spread(const std::vector<double>& v) {
  double sum = 0, lo = INFINITY, hi = -INFINITY;
  size_t n = 0;
  for (double x : v)
    if (std::isfinite(x)) {
      sum += x;
      lo = std::min(lo, x);
      hi = std::max(hi, x);
      ++n;
    }
  if (n == 0) return "no values";
  return "mean " + num(sum / static_cast<double>(n)) + " (" + num(lo) + " to " + num(hi) + ") over " + std::to_string(n) +
         (n == 1 ? " value" : " values");
}

std::string describe_summary_file(hid_t file, const std::string& path) {
  const auto attr = [&](const char* name) { return h5::read_attr_text(file, name).value_or("?"); };
  std::string out;
  row(out, "file", path + ", " + size_text(path));
  row(out, "what", "a sweep run's summary file (keep summary): summaries only, no time series");
  row(out, "title", attr("title"));
  row(out, "scenario", attr("scenario_name") + ", sha256 " + attr("scenario_sha256"));
  row(out, "engine", attr("engine_version") + ", commit " + attr("git_commit"));
  row(out, "run", attr("run") + " (point " + attr("point") + ", replicate " + attr("replicate") + "); its parameters: "
                      "row " + attr("run") + " of the sweep folder's design.csv");
  row(out, "seed", attr("seed"));
  row(out, "created", attr("created_utc"));
  row(out, "command", attr("command_line"));
  row(out, "status", attr("status") + (h5::read_int_attr(file, "complete").value_or(0) ? "" : " (complete=0)"));
  row(out, "steps", attr("steps_done") + " done");

  std::vector<std::pair<std::string, double>> values;
  if (exists(file, "summary")) {
    Handle g(check(H5Gopen2(file, "summary", H5P_DEFAULT), "opening /summary"));
    for (const std::string& name : members(g)) {
      const std::vector<double> v = doubles(g, name);
      values.emplace_back(name, v.empty() ? NAN : v[0]);
    }
  }
  row(out, "summaries", std::to_string(values.size()) + " (/summary/<name>, the subdistrict)");
  size_t w = 0;
  for (const auto& [name, v] : values) w = std::max(w, name.size());
  for (const auto& [name, v] : values) out += "  " + name + std::string(w - name.size() + 2, ' ') + num(v) + "\n";

  if (exists(file, "by_kind/kind")) {
    Handle g(check(H5Gopen2(file, "by_kind", H5P_DEFAULT), "opening /by_kind"));
    const std::vector<std::string> kinds = strings(g, "kind");
    row(out, "kinds", std::to_string(kinds.size()) + ": " + join(kinds) + " (/by_kind/<name>, one value per kind)");
    for (const std::string& name : members(g)) {
      if (name == "kind") continue;
      const std::vector<double> v = doubles(g, name);
      std::vector<std::string> parts;
      for (size_t k = 0; k < kinds.size() && k < v.size(); ++k) parts.push_back(kinds[k] + " " + num(v[k]));
      out += "  " + name + std::string(w > name.size() ? w - name.size() + 2 : 2, ' ') + join(parts) + "\n";
    }
  } else {
    row(out, "kinds", "none recorded (a file from before per-kind summaries)");
  }
  if (exists(file, "parameters/scenario.txtpb"))
    row(out, "scenario", "/parameters/scenario.txtpb holds the run's effective scenario");
  return out;
}

std::string describe_sweep_file(hid_t file, const std::string& path) {
  const auto attr = [&](const char* name) { return h5::read_attr_text(file, name).value_or("?"); };
  std::string out;
  row(out, "file", path + ", " + size_text(path));
  row(out, "what", "a collected sweep (courtyard sweep collect)");
  row(out, "title", attr("title"));
  row(out, "sweep", attr("sweep_name") + ": " + attr("design") + " design, " + attr("points") + " points x " +
                        attr("replicates") + " replicates, seed " + attr("seed") + ", keep " + attr("keep"));
  row(out, "engine", attr("engine_version") + ", commit " + attr("git_commit"));
  row(out, "created", attr("created_utc"));
  if (!exists(file, "run") || !exists(file, "status")) {
    row(out, "layout", "an earlier layout (before format_version 2): run `courtyard sweep collect` on its folder again");
    return out;
  }
  std::map<std::string, int> count;
  for (const std::string& s : strings(file, "status")) ++count[s];
  row(out, "runs", attr("runs") + ": " + std::to_string(count["done"]) + " done, " + std::to_string(count["failed"]) +
                       " failed, " + std::to_string(count["missing"]) + " missing");

  // the parameters: the variables along run that carry the design.csv column they come from
  std::vector<std::string> params;
  for (const std::string& name : members(file))
    if (is_dataset(file, name) && !attr_of(file, name, "column").empty()) params.push_back(name);
  row(out, "parameters", std::to_string(params.size()) + " (coordinates along run, as design.csv's columns)");
  size_t w = 0;
  for (const std::string& p : params) w = std::max(w, p.size());
  for (const std::string& p : params) {
    const std::string field = attr_of(file, p, "path");
    out += "  " + p + std::string(w - p.size() + 2, ' ') + values_text(file, p) + (field.empty() ? "" : "  [" + field + "]") + "\n";
  }
  const std::vector<std::string> kinds = exists(file, "kind") ? strings(file, "kind") : std::vector<std::string>();
  row(out, "kinds", std::to_string(kinds.size()) + (kinds.empty() ? "" : ": " + join(kinds)));

  // the series: data variables over (run, time) and (run, kind, time)
  std::vector<std::string> series, per_kind;
  for (const std::string& name : members(file)) {
    if (!is_dataset(file, name) || attr_of(file, name, "coordinates").empty()) continue;
    (shape(file, name).size() == 3 ? per_kind : series).push_back(name);
  }
  if (exists(file, "time"))
    row(out, "records", records_text(file));
  else
    row(out, "records", "none: " + std::string(attr("keep") == "summary" ? "summary runs keep no series"
                                                                         : "no run done, or the runs' records differ"));
  row(out, "series", std::to_string(series.size()) + " (run, time) subdistrict, " + std::to_string(per_kind.size()) +
                         " (run, kind, time) per kind");
  w = 0;
  for (const std::string& s : series) w = std::max(w, s.size());
  for (const std::string& s : series)
    out += "  " + s + std::string(w - s.size() + 2, ' ') + "[" + attr_of(file, s, "units") + "]  " +
           attr_of(file, s, "long_name") + "\n";

  // the summaries
  if (exists(file, "summary")) {
    Handle g(check(H5Gopen2(file, "summary", H5P_DEFAULT), "opening /summary"));
    std::vector<std::string> sums;
    size_t nk = 0;
    for (const std::string& name : members(g)) {
      if (!is_dataset(g, name) || attr_of(g, name, "coordinates").empty()) continue;
      if (shape(g, name).size() == 2)
        ++nk;
      else
        sums.push_back(name);
    }
    row(out, "summaries", std::to_string(sums.size()) + " (run) and " + std::to_string(nk) + " (run, kind) in /summary");
    w = 0;
    for (const std::string& s : sums) w = std::max(w, s.size());
    for (const std::string& s : sums) out += "  " + s + std::string(w - s.size() + 2, ' ') + spread(doubles(g, s)) + "\n";
  }
  row(out, "open with", "xr.open_dataset(\"" + fs::path(path).filename().string() +
                            "\", engine=\"h5netcdf\")  (group=\"summary\" for the summaries)");
  return out;
}

}  // namespace

std::string describe_file(const std::string& path) {
  h5::silence_errors();
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw IoError(path + ": no such file");
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw IoError(path + ": not an HDF5 file");
  }
  {
    Handle file(check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "opening " + path));
    if (h5::read_string_attr(file, "sweep_name")) return describe_sweep_file(file, path);
    if (H5Lexists(file, "summary", H5P_DEFAULT) > 0 && h5::read_attr_text(file, "run") &&
        H5Lexists(file, "timeseries", H5P_DEFAULT) <= 0)
      return describe_summary_file(file, path);
  }
  return describe_run_file(path);
}

}  // namespace courtyard
