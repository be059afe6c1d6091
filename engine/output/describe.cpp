// `courtyard info`: a human summary of a result file, read with the HDF5 C API.
//
// Everything shown is read from the file itself (event type names from its enum type, metrics from
// its /timeseries group), so the summary stays right for files written by older engine versions.
#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
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

// One "key  value" line, keys aligned.
void row(std::string& out, const std::string& key, const std::string& value) {
  out += key;
  out.append(key.size() < 12 ? 12 - key.size() : 1, ' ');
  out += value;
  out += '\n';
}

std::string human_size(uintmax_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[64];
  if (u == 0)
    std::snprintf(buf, sizeof buf, "%ju B", bytes);
  else
    std::snprintf(buf, sizeof buf, "%.1f %s (%ju bytes)", v, units[u], bytes);
  return buf;
}

// Number of rows of a dataset (its first dimension; 1 for a scalar).
hsize_t rows_of(hid_t ds) {
  Handle space(check(H5Dget_space(ds), "reading a dataset's shape"));
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank <= 0) return 1;
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims[0];
}

// One element of a 1-D dataset, converted to `mem_type`.
void read_one(hid_t ds, hsize_t index, hid_t mem_type, void* out, const std::string& what) {
  Handle file_space(check(H5Dget_space(ds), what));
  const hsize_t count = 1;
  check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, &index, nullptr, &count, nullptr), what);
  Handle mem_space(check(H5Screate_simple(1, &count, nullptr), what));
  check(H5Dread(ds, mem_type, mem_space, file_space, H5P_DEFAULT, out), what);
}

// Names of the objects in a group, in creation order where the group tracks it, else by name.
std::vector<std::string> member_names(hid_t group) {
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  hsize_t idx = 0;
  if (H5Literate(group, H5_INDEX_CRT_ORDER, H5_ITER_INC, &idx, collect, &names) < 0) {
    H5Eclear2(H5E_DEFAULT);
    names.clear();
    idx = 0;
    check(H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, &idx, collect, &names), "listing a group");
  }
  return names;
}

// Counts of each event type in /events, keyed by the names of the file's enum type.
std::vector<std::pair<std::string, uint64_t>> count_events(hid_t file, hsize_t* total) {
  std::vector<std::pair<std::string, uint64_t>> counts;
  *total = 0;
  if (H5Lexists(file, "events", H5P_DEFAULT) <= 0) return counts;
  const std::string what = "reading /events";
  Handle ds(check(H5Dopen2(file, "events", H5P_DEFAULT), what));
  *total = rows_of(ds);

  // the enum type of the "type" member, as stored and in native form
  Handle file_type(check(H5Dget_type(ds), what));
  if (H5Tget_class(file_type) != H5T_COMPOUND) throw IoError(what + ": not a compound table");
  const int member = H5Tget_member_index(file_type, "type");
  if (member < 0) throw IoError(what + ": no 'type' field");
  Handle stored_enum(check(H5Tget_member_type(file_type, static_cast<unsigned>(member)), what));
  if (H5Tget_class(stored_enum) != H5T_ENUM) throw IoError(what + ": 'type' is not an enum");
  Handle native_enum(check(H5Tget_native_type(stored_enum, H5T_DIR_ASCEND), what));
  if (H5Tget_size(native_enum) != sizeof(int16_t)) throw IoError(what + ": 'type' is not a 16-bit enum");

  // read only that member, a slab at a time
  Handle mem_type(check(H5Tcreate(H5T_COMPOUND, sizeof(int16_t)), what));
  check(H5Tinsert(mem_type, "type", 0, native_enum), what);
  std::map<int16_t, uint64_t> by_value;
  constexpr hsize_t kSlab = hsize_t{1} << 20;
  std::vector<int16_t> buf(static_cast<size_t>(std::min(*total, kSlab)));
  for (hsize_t start = 0; start < *total; start += kSlab) {
    const hsize_t count = std::min(kSlab, *total - start);
    Handle file_space(check(H5Dget_space(ds), what));
    check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, &start, nullptr, &count, nullptr), what);
    Handle mem_space(check(H5Screate_simple(1, &count, nullptr), what));
    check(H5Dread(ds, mem_type, mem_space, file_space, H5P_DEFAULT, buf.data()), what);
    for (hsize_t i = 0; i < count; ++i) ++by_value[buf[static_cast<size_t>(i)]];
  }

  // name each value by the file's enum
  for (const auto& [value, n] : by_value) {
    char name[128] = "";
    if (H5Tenum_nameof(native_enum, &value, name, sizeof name) < 0) {
      H5Eclear2(H5E_DEFAULT);
      std::snprintf(name, sizeof name, "(value %d)", value);
    }
    counts.emplace_back(name, n);
  }
  return counts;
}

// A 1-D dataset read whole, converted to `mem_type`.
template <class T>
std::vector<T> read_column(hid_t loc, const char* name, hid_t mem_type, const std::string& what) {
  Handle ds(check(H5Dopen2(loc, name, H5P_DEFAULT), what));
  std::vector<T> out(static_cast<size_t>(rows_of(ds)));
  if (!out.empty()) check(H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), what);
  return out;
}

// Entry `index` of the 1-D string dataset /courtyards/name, or "" when there is none.
std::string courtyard_name(hid_t file, int32_t index) {
  if (H5Lexists(file, "courtyards", H5P_DEFAULT) <= 0 || H5Lexists(file, "courtyards/name", H5P_DEFAULT) <= 0)
    return "";
  const std::string what = "reading /courtyards/name";
  Handle ds(check(H5Dopen2(file, "courtyards/name", H5P_DEFAULT), what));
  if (index < 0 || static_cast<hsize_t>(index) >= rows_of(ds)) return "";
  Handle type = h5::vlen_string_type();
  char* text = nullptr;
  read_one(ds, static_cast<hsize_t>(index), type, &text, what);
  std::string out = text != nullptr ? text : "";
  H5free_memory(text);
  return out;
}

// The datasets of /households as the file holds them: those with a value per record and household
// (time, household), and the fixed ones with a value per household (attached to the household scale),
// but `courtyard`, which the lines per courtyard show.
void snapshot_datasets(hid_t group, std::string* per_record, std::string* fixed) {
  const std::string what = "reading /households";
  Handle household(check(H5Dopen2(group, "household", H5P_DEFAULT), what));
  for (const std::string& name : member_names(group)) {
    H5O_info_t info;
    if (H5Oget_info_by_name2(group, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0 ||
        info.type != H5O_TYPE_DATASET)
      continue;
    Handle ds(check(H5Dopen2(group, name.c_str(), H5P_DEFAULT), what + "/" + name));
    Handle space(check(H5Dget_space(ds), what + "/" + name));
    std::string* list = nullptr;
    if (H5Sget_simple_extent_ndims(space) == 2)
      list = per_record;
    else if (name != "courtyard" && H5DSis_scale(ds) <= 0 && H5DSis_attached(ds, household, 0) > 0)
      list = fixed;
    if (list == nullptr) continue;
    if (!list->empty()) *list += ", ";
    *list += name;
  }
}

// The /households group in one line and a line per courtyard: "N households of K courtyards, R
// records (what each holds); fixed: ...", then "  <id>  <name>  <households>". Empty when the file has
// no snapshots.
std::string describe_snapshots(hid_t file) {
  if (H5Lexists(file, "households", H5P_DEFAULT) <= 0) return "";
  const std::string what = "reading /households";
  Handle group(check(H5Gopen2(file, "households", H5P_DEFAULT), what));
  const auto courtyard = read_column<int32_t>(group, "courtyard", H5T_NATIVE_INT32, what);
  Handle time(check(H5Dopen2(group, "time", H5P_DEFAULT), what));
  std::vector<std::pair<int32_t, size_t>> per_courtyard;  // in file order (ascending ids)
  for (const int32_t c : courtyard) {
    if (per_courtyard.empty() || per_courtyard.back().first != c) per_courtyard.emplace_back(c, 0);
    ++per_courtyard.back().second;
  }
  std::string per_record, fixed;
  snapshot_datasets(group, &per_record, &fixed);
  std::string out;
  row(out, "snapshots",
      std::to_string(courtyard.size()) + " households of " + std::to_string(per_courtyard.size()) +
          (per_courtyard.size() == 1 ? " courtyard, " : " courtyards, ") + std::to_string(rows_of(time)) +
          " records (" + per_record + ")" + (fixed.empty() ? "" : "; fixed: " + fixed));
  size_t wid = 0;
  for (const auto& [c, n] : per_courtyard) wid = std::max(wid, std::to_string(c).size());
  for (const auto& [c, n] : per_courtyard) {
    const std::string id = std::to_string(c);
    out += "  " + std::string(wid - id.size(), ' ') + id + "  " + courtyard_name(file, c) + " (" +
           std::to_string(n) + " households)\n";
  }
  return out;
}

std::string date_after(Date start, double days) {
  return format_date(civil_from_days(days_from_civil(start) + static_cast<int64_t>(std::llround(days))));
}

}  // namespace

std::string describe_run_file(const std::string& path) {
  h5::silence_errors();
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) throw IoError(path + ": no such file");
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    H5Eclear2(H5E_DEFAULT);
    throw IoError(path + ": not an HDF5 file");
  }
  Handle file(check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "opening " + path));
  const auto attr = [&](const char* name) { return h5::read_attr_text(file, name).value_or("?"); };
  if (!h5::read_string_attr(file, "engine_version") || H5Lexists(file, "timeseries", H5P_DEFAULT) <= 0)
    throw IoError(path + ": not a courtyard result file");

  // provenance
  std::string out;
  row(out, "file", path + ", " + human_size(fs::file_size(path, ec)));
  row(out, "title", attr("title"));
  row(out, "scenario", attr("scenario_name") + ", sha256 " + attr("scenario_sha256"));
  row(out, "engine", attr("engine_version") + ", commit " + attr("git_commit"));
  row(out, "seed", attr("seed"));
  row(out, "created", attr("created_utc"));
  row(out, "command", attr("command_line"));

  // how far the run got
  const bool complete = h5::read_int_attr(file, "complete").value_or(0) != 0;
  const std::string status = attr("status");
  std::string note;
  if (!complete)
    note = status == "running" ? " (complete=0: still being written, or its writer died)"
                               : " (complete=0: stopped before the planned end)";
  row(out, "status", status + note);
  if (status == "failed") row(out, "failure", attr("failure"));
  if (h5::read_string_attr(file, "sweep_run")) row(out, "sweep", attr("sweep_run") + " of sweep " + attr("sweep_design"));
  row(out, "steps",
      attr("steps_done") + " of " + attr("steps_planned") + " done, recorded every " + attr("record_every"));

  // the time axis
  Handle ts(check(H5Gopen2(file, "timeseries", H5P_DEFAULT), "opening /timeseries"));
  std::string start_text = h5::read_string_attr(file, "start_date").value_or("");
  Handle time(check(H5Dopen2(ts, "time", H5P_DEFAULT), "opening /timeseries/time"));
  if (start_text.empty()) {
    const std::string units = h5::read_string_attr(time, "units").value_or("");
    if (units.rfind("days since ", 0) == 0) start_text = units.substr(11, 10);
  }
  Date start;
  const bool have_start = parse_date(start_text, &start);
  row(out, "start date", have_start ? format_date(start) : "?");
  Handle cy(check(H5Dopen2(ts, "courtyard", H5P_DEFAULT), "opening /timeseries/courtyard"));
  row(out, "courtyards", std::to_string(rows_of(cy)));

  const hsize_t nrecords = rows_of(time);
  std::string records = std::to_string(nrecords);
  if (nrecords > 0) {
    double first = 0, last = 0;
    read_one(time, 0, H5T_NATIVE_DOUBLE, &first, "reading /timeseries/time");
    read_one(time, nrecords - 1, H5T_NATIVE_DOUBLE, &last, "reading /timeseries/time");
    if (have_start) records += ", " + date_after(start, first) + " to " + date_after(start, last);
    if (H5Lexists(ts, "step", H5P_DEFAULT) > 0) {
      Handle step(check(H5Dopen2(ts, "step", H5P_DEFAULT), "opening /timeseries/step"));
      int32_t s0 = 0, s1 = 0;
      read_one(step, 0, H5T_NATIVE_INT32, &s0, "reading /timeseries/step");
      read_one(step, nrecords - 1, H5T_NATIVE_INT32, &s1, "reading /timeseries/step");
      records += " (steps " + std::to_string(s0) + " to " + std::to_string(s1) + ")";
    }
  }
  row(out, "records", records);

  // metrics: the (time, courtyard) arrays of /timeseries
  std::vector<std::vector<std::string>> metrics;
  for (const std::string& name : member_names(ts)) {
    H5O_info_t info;
    if (H5Oget_info_by_name2(ts, name.c_str(), &info, H5O_INFO_BASIC, H5P_DEFAULT) < 0 ||
        info.type != H5O_TYPE_DATASET)
      continue;
    Handle ds(check(H5Dopen2(ts, name.c_str(), H5P_DEFAULT), "opening /timeseries/" + name));
    Handle space(check(H5Dget_space(ds), "reading /timeseries/" + name));
    if (H5Sget_simple_extent_ndims(space) != 2 || H5DSis_scale(ds) > 0) continue;
    metrics.push_back({name, h5::read_string_attr(ds, "units").value_or(""),
                       h5::read_string_attr(ds, "long_name").value_or("")});
  }
  row(out, "metrics", std::to_string(metrics.size()));
  size_t wname = 0, wunits = 0;
  for (const auto& m : metrics) {
    wname = std::max(wname, m[0].size());
    wunits = std::max(wunits, m[1].size());
  }
  for (const auto& m : metrics) {
    std::string line = "  " + m[0] + std::string(wname - m[0].size() + 2, ' ') + "[" + m[1] + "]" +
                       std::string(wunits - m[1].size() + 2, ' ') + m[2];
    out += line + '\n';
  }

  // events by type
  hsize_t nevents = 0;
  const auto counts = count_events(file, &nevents);
  row(out, "events", std::to_string(nevents));
  size_t wtype = 0;
  for (const auto& [name, n] : counts) wtype = std::max(wtype, name.size());
  for (const auto& [name, n] : counts)
    out += "  " + name + std::string(wtype - name.size() + 2, ' ') + std::to_string(n) + '\n';

  // household snapshots, when the run recorded any
  const std::string snapshots = describe_snapshots(file);
  if (snapshots.empty())
    row(out, "snapshots", "none");
  else
    out += snapshots;
  return out;
}

}  // namespace courtyard
