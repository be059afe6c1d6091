// Creating a result file (layout: docs/output-format.md; summary in run_file.h): every group, dataset
// and attribute, written on the caller's thread before the writer thread starts (run_file_impl.h).
//
// Why it is laid out this way:
// - netCDF-4 readers (h5netcdf, hence xarray) name dimensions after attached HDF5 dimension scales.
//   Every array therefore has a scale on each axis: a coordinate variable (time, courtyard) where
//   one exists, otherwise a netCDF-style "dimension but not a variable" scale (see make_dimension).
//   Without them readers invent phony_dim_N names or refuse the group.
// - Object time stamps are off, so two runs with the same inputs differ only in the root attributes
//   that say when and how the file was made.
// - The (time, courtyard) chunks hold a divisor of block_records records, so that a block covers
//   whole chunks and no chunk is ever read back (run_file_blocks.cpp writes them).
// - Household snapshots (/households, only when the model asks for them) are small int8 arrays,
//   written through HDF5's own deflate filter: their chunks also divide block_records.
#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/calendar.h"
#include "core/errors.h"
#include "output/hdf5_util.h"
#include "output/run_file_impl.h"

namespace courtyard {

using h5::check;
using h5::Handle;
using h5::write_attr;
using namespace run_file_detail;

hsize_t run_file_detail::chunk_time_length(int32_t block_records, hsize_t row_bytes, hsize_t max_bytes) {
  const hsize_t cap = std::max<hsize_t>(1, max_bytes / std::max<hsize_t>(1, row_bytes));
  const auto block = static_cast<hsize_t>(block_records);
  hsize_t best = 1;
  for (hsize_t d = 1; d <= std::min(block, cap); ++d)
    if (block % d == 0) best = d;
  return best;
}

namespace {

const char* management_name(Management m) {
  switch (m) {
    case Management::kNone: return "none";
    case Management::kSelf: return "self";
    case Management::kCompany: return "company";
    case Management::kTrust: return "trust";
    case Management::kOwnersCommittee: return "owners_committee";
  }
  return "none";
}

// Property lists: object time stamps off (reproducible bytes); groups keep creation order so readers
// list variables in the order they were written.
Handle dataset_plist() {
  Handle p(check(H5Pcreate(H5P_DATASET_CREATE), "dataset properties"));
  check(H5Pset_obj_track_times(p, false), "dataset properties");
  return p;
}

Handle make_group(hid_t parent, const char* name) {
  Handle gcpl(check(H5Pcreate(H5P_GROUP_CREATE), "group properties"));
  check(H5Pset_obj_track_times(gcpl, false), "group properties");
  check(H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "group properties");
  return Handle(
      check(H5Gcreate2(parent, name, H5P_DEFAULT, gcpl, H5P_DEFAULT), std::string("creating group ") + name));
}

// A dataset of fixed shape, written whole at creation (contiguous layout).
Handle write_fixed(hid_t loc, const std::string& name, hid_t file_type, hid_t mem_type, hsize_t n,
                   const void* data) {
  const std::string what = "writing " + name;
  Handle space(check(H5Screate_simple(1, &n, nullptr), what));
  Handle dcpl = dataset_plist();
  Handle ds(check(H5Dcreate2(loc, name.c_str(), file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), what));
  if (n > 0) check(H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), what);
  return ds;
}

// A 1-D string dataset (variable-length UTF-8).
Handle write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& values) {
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) ptrs.push_back(v.c_str());
  Handle type = h5::vlen_string_type();
  return write_fixed(loc, name, type, type, values.size(), ptrs.data());
}

// A 1-D series along an unlimited time axis, created empty and appended to block by block.
Handle make_series(hid_t loc, const std::string& name, hid_t file_type, hid_t mem_type, hsize_t chunk,
                   const void* fill) {
  const std::string what = "creating " + name;
  hsize_t dims = 0, maxdims = H5S_UNLIMITED;
  Handle space(check(H5Screate_simple(1, &dims, &maxdims), what));
  Handle dcpl = dataset_plist();
  check(H5Pset_chunk(dcpl, 1, &chunk), what);
  if (fill != nullptr) check(H5Pset_fill_value(dcpl, mem_type, fill), what);
  return Handle(check(H5Dcreate2(loc, name.c_str(), file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), what));
}

// A netCDF-style dimension without a coordinate variable: an empty-valued scale whose NAME is the
// marker netCDF-C writes, which h5netcdf and netCDF-C read as "a dimension, not a variable".
// An unlimited one grows with the arrays on it (readers take the longest of those).
Handle make_dimension(hid_t loc, const char* name, hsize_t size, bool unlimited) {
  const std::string what = std::string("creating dimension ") + name;
  const hsize_t maxsize = unlimited ? H5S_UNLIMITED : size, chunk = 1;
  Handle space(check(H5Screate_simple(1, &size, &maxsize), what));
  Handle dcpl = dataset_plist();
  check(H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER), what);
  if (unlimited) check(H5Pset_chunk(dcpl, 1, &chunk), what);
  Handle ds(check(H5Dcreate2(loc, name, H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), what));
  char marker[80];
  std::snprintf(marker, sizeof marker, "This is a netCDF dimension but not a netCDF variable.%10llu",
                static_cast<unsigned long long>(size));
  check(H5DSset_scale(ds, marker), what);
  return ds;
}

void attach(hid_t ds, hid_t scale, unsigned axis, const std::string& what) {
  check(H5DSattach_scale(ds, scale, axis), "attaching a dimension scale to " + what);
}

void describe(hid_t obj, const std::string& units, const std::string& long_name) {
  write_attr(obj, "units", units);
  write_attr(obj, "long_name", long_name);
}

// A group's time coordinate along its unlimited axis (a netCDF dimension belongs to one group, so
// /timeseries, /subdistrict and /households each have their own, with the same values): days since
// the start date, a dimension scale named "time", with CF's attributes.
Handle make_time_scale(hid_t group, const std::string& where, const Model& model, hsize_t chunk) {
  Handle time = make_series(group, "time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, chunk, nullptr);
  check(H5DSset_scale(time, "time"), "making " + where + "/time a dimension scale");
  describe(time, "days since " + format_date(model.start_date), "time at the end of the recorded step");
  write_attr(time, "calendar", "proleptic_gregorian");
  write_attr(time, "standard_name", "time");
  write_attr(time, "axis", "T");
  return time;
}


// The event type as an HDF5 enum over int16, one member per EventType named by event_type_name().
Handle event_enum_type() {
  Handle type(check(H5Tenum_create(H5T_NATIVE_INT16), "event type enum"));
  for (int16_t v = 0; v < static_cast<int16_t>(EventType::kCount); ++v) {
    const char* name = event_type_name(static_cast<EventType>(v));
    check(H5Tenum_insert(type, name, &v), std::string("event type enum: ") + name);
  }
  return type;
}

// The /events row: (name, offset in Event, native type, file type, long name, units).
struct EventField {
  const char* name;
  size_t offset;
  hid_t mem;
  hid_t file;
  const char* long_name;
  const char* units;
};

std::vector<EventField> event_fields() {
  // the enum member (type) is handled apart: its types are built, not predefined
  return {
      {"step", offsetof(Event, step), H5T_NATIVE_INT32, H5T_STD_I32LE, "step at which the event happened",
       "1"},
      {"courtyard", offsetof(Event, courtyard), H5T_NATIVE_INT32, H5T_STD_I32LE, "courtyard id", "1"},
      {"type", offsetof(Event, type), -1, -1, "event type (enum)", ""},
      {"rule", offsetof(Event, rule), H5T_NATIVE_INT16, H5T_STD_I16LE, "voting rule (governance events)",
       "1"},
      {"subject", offsetof(Event, subject), H5T_NATIVE_INT32, H5T_STD_I32LE,
       "what the event is about: intervention index, facility id or agenda item (-1: none)", "1"},
      {"caller", offsetof(Event, caller), H5T_NATIVE_INT32, H5T_STD_I32LE,
       "household that called the meeting (-1: none)", "1"},
      {"attendees", offsetof(Event, attendees), H5T_NATIVE_INT32, H5T_STD_I32LE,
       "households attending a meeting", "1"},
      {"yes", offsetof(Event, yes), H5T_NATIVE_INT32, H5T_STD_I32LE, "votes for", "1"},
      {"no", offsetof(Event, no), H5T_NATIVE_INT32, H5T_STD_I32LE, "votes against", "1"},
      {"abstain", offsetof(Event, abstain), H5T_NATIVE_INT32, H5T_STD_I32LE, "abstentions", "1"},
      {"outcome", offsetof(Event, outcome), H5T_NATIVE_INT32, H5T_STD_I32LE,
       "1: adopted or done, 0: rejected or not done", "1"},
      {"amount", offsetof(Event, amount), H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, "amount of money", "yuan"},
      {"share", offsetof(Event, share), H5T_NATIVE_FLOAT, H5T_IEEE_F32LE,
       "a share in [0,1] (condition, share paid), or the targeting rule's criterion", "1"},
      {"staff_hours", offsetof(Event, staff_hours), H5T_NATIVE_FLOAT, H5T_IEEE_F32LE,
       "community workers' hours the act took (or still needs, staff_wait)", "person-hours"},
      {"volunteer_hours", offsetof(Event, volunteer_hours), H5T_NATIVE_FLOAT, H5T_IEEE_F32LE,
       "volunteers' hours the act took", "person-hours"},
      {"payer", offsetof(Event, payer), H5T_NATIVE_INT16, H5T_STD_I16LE,
       "who paid amount: 1 subdistrict, 2 courtyard fund, 3 community (0: nobody)", "1"},
      {"wait_weeks", offsetof(Event, wait_weeks), H5T_NATIVE_INT32, H5T_STD_I32LE,
       "weeks the intervention waited for money, staff or the components it needs", "week"},
  };
}

}  // namespace

std::vector<int64_t> snapshot_households(const Model& model) {
  std::vector<int64_t> out;
  const auto& ids = model.output.household_snapshots;
  for (size_t i = 0; i < ids.size(); ++i) {
    const int32_t c = ids[i];
    if (c < 0 || c >= model.ncourtyard())
      throw std::invalid_argument("run file: snapshot courtyard " + std::to_string(c) + " does not exist");
    if (i > 0 && c <= ids[i - 1])
      throw std::invalid_argument("run file: snapshot courtyards must be given in ascending order, once each");
    if (model.household_offset.size() != static_cast<size_t>(model.ncourtyard()) + 1)
      throw std::invalid_argument("run file: household_offset must have ncourtyard+1 entries");
    for (int64_t h = model.household_offset[static_cast<size_t>(c)];
         h < model.household_offset[static_cast<size_t>(c) + 1]; ++h)
      out.push_back(h);
  }
  return out;
}

void RunFile::Impl::create(const Model& model, const RunFileInfo& info) {
  Handle fcpl(check(H5Pcreate(H5P_FILE_CREATE), "file properties"));
  check(H5Pset_obj_track_times(fcpl, false), "file properties");
  check(H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "file properties");
  errno = 0;
  const hid_t id = H5Fcreate(temp_path.c_str(), H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
  if (id < 0) {
    const int err = errno;
    std::string reason = h5::error_text();
    if (err != 0) reason = std::string(std::strerror(err)) + "; " + reason;
    throw OutputCreateError("cannot create the temporary file " + temp_path + " for " + final_path + ": " +
                            reason);
  }
  file = Handle(id);

  write_root_attributes(model, info);
  create_timeseries(model);
  create_subdistrict(model);
  write_courtyards(model);
  if (snapshots) create_households(model);
  create_events();
  write_parameters(model);
}

void RunFile::Impl::write_root_attributes(const Model& model, const RunFileInfo& info) {
  write_attr(file, "title", "courtyard run: " + model.scenario_name);
  // CF readers look for "Conventions"; "conventions" is the name in the engine's own attribute list
  write_attr(file, "Conventions", "CF-1.8");
  write_attr(file, "conventions", "CF-1.8");
  write_attr(file, "source", std::string("courtyard ") + info.engine_version);
  write_attr(file, "history", info.created_utc + ": " + info.command_line);
  write_attr(file, "format_version", kFormatVersion);
  write_attr(file, "engine_version", info.engine_version);
  write_attr(file, "git_commit", info.git_commit);
  write_attr(file, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &model.seed);
  write_attr(file, "scenario_name", model.scenario_name);
  write_attr(file, "scenario_sha256", model.scenario_sha256);
  write_attr(file, "created_utc", info.created_utc);
  write_attr(file, "command_line", info.command_line);
  write_attr(file, "start_date", format_date(model.start_date));
  write_attr(file, "subdistrict_name", model.subdistrict_name);
  write_attr(file, "steps_planned", model.steps);
  write_attr(file, "steps_done", int32_t{0});
  write_attr(file, "record_every", model.output.record_every);
  write_attr(file, "block_records", model.output.block_records);
  const int8_t incomplete = 0;
  write_attr(file, "complete", H5T_STD_I8LE, H5T_NATIVE_INT8, &incomplete);
  write_attr(file, "status", "running");
  if (!info.sweep_design.empty()) write_attr(file, "sweep_design", info.sweep_design);
  if (!info.sweep_run.empty()) write_attr(file, "sweep_run", info.sweep_run);
}

void RunFile::Impl::create_timeseries(const Model& model) {
  Handle group = make_group(file, "timeseries");
  const hsize_t series_chunk = std::max<hsize_t>(kMinSeriesChunk, static_cast<hsize_t>(block_records));

  // time: days since the start date, a coordinate along the unlimited axis
  ts_time = make_time_scale(group, "/timeseries", model, series_chunk);

  // courtyard: ids 0..n-1
  std::vector<int32_t> ids(static_cast<size_t>(ncourtyard));
  for (int32_t c = 0; c < ncourtyard; ++c) ids[static_cast<size_t>(c)] = c;
  ts_courtyard = write_fixed(group, "courtyard", H5T_STD_I32LE, H5T_NATIVE_INT32, ids.size(), ids.data());
  check(H5DSset_scale(ts_courtyard, "courtyard"), "making /timeseries/courtyard a dimension scale");
  describe(ts_courtyard, "1", "courtyard id");

  // step: the step of each record, for indexing by step
  ts_step = make_series(group, "step", H5T_STD_I32LE, H5T_NATIVE_INT32, series_chunk, nullptr);
  describe(ts_step, "1", "steps completed (weeks since the start)");
  attach(ts_step, ts_time, 0, "/timeseries/step");

  // one (time, courtyard) float32 array per metric, shuffled and deflated, NaN where never written
  chunk_time = chunk_time_length(block_records, sizeof(float) * static_cast<hsize_t>(ncourtyard));
  const hsize_t chunk[2] = {chunk_time, static_cast<hsize_t>(ncourtyard)};
  const hsize_t dims[2] = {0, static_cast<hsize_t>(ncourtyard)};
  const hsize_t maxdims[2] = {H5S_UNLIMITED, static_cast<hsize_t>(ncourtyard)};
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (const auto& m : metrics) {
    const std::string what = "creating /timeseries/" + m.name;
    Handle space(check(H5Screate_simple(2, dims, maxdims), what));
    Handle dcpl = dataset_plist();
    check(H5Pset_chunk(dcpl, 2, chunk), what);
    check(H5Pset_shuffle(dcpl), what);
    check(H5Pset_deflate(dcpl, kDeflateLevel), what);
    check(H5Pset_fill_value(dcpl, H5T_NATIVE_FLOAT, &nan), what);
    // its chunks are written whole, already compressed (H5Dwrite_chunk) and never read back: no chunk
    // cache (an access property: nothing of it is stored in the file)
    Handle dapl(check(H5Pcreate(H5P_DATASET_ACCESS), what));
    check(H5Pset_chunk_cache(dapl, 0, 0, H5D_CHUNK_CACHE_W0_DEFAULT), what);
    Handle ds(check(H5Dcreate2(group, m.name.c_str(), H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, dapl), what));
    {  // what the dataset was given (RunFile::memory())
      Handle access(check(H5Dget_access_plist(ds), what));
      size_t slots = 0, bytes = 0;
      double w0 = 0;
      check(H5Pget_chunk_cache(access, &slots, &bytes, &w0), what);
      timeseries_chunk_cache += static_cast<int64_t>(bytes);
    }
    describe(ds, m.units, m.long_name);
    write_attr(ds, "_FillValue", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, &nan);
    attach(ds, ts_time, 0, what);
    attach(ds, ts_courtyard, 1, what);
    ts_metric.push_back(std::move(ds));
  }
}

void RunFile::Impl::create_subdistrict(const Model& model) {
  Handle group = make_group(file, "subdistrict");
  write_attr(group, "long_name", "aggregates over all courtyards of " + model.subdistrict_name);
  const hsize_t series_chunk = std::max<hsize_t>(kMinSeriesChunk, static_cast<hsize_t>(block_records));

  // its own time scale (a netCDF dimension belongs to one group), same values as /timeseries/time
  sd_time = make_time_scale(group, "/subdistrict", model, series_chunk);

  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const auto& m : metrics) {
    const std::string what = "/subdistrict/" + m.name;
    Handle ds = make_series(group, m.name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, series_chunk, &nan);
    describe(ds, m.units, m.long_name);
    write_attr(ds, "_FillValue", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &nan);
    attach(ds, sd_time, 0, what);
    sd_metric.push_back(std::move(ds));
  }
}

void RunFile::Impl::write_courtyards(const Model& model) {
  Handle group = make_group(file, "courtyards");
  const auto n = static_cast<size_t>(ncourtyard);

  std::vector<int32_t> ids(n);
  for (size_t c = 0; c < n; ++c) ids[c] = static_cast<int32_t>(c);
  Handle scale = write_fixed(group, "courtyard", H5T_STD_I32LE, H5T_NATIVE_INT32, n, ids.data());
  check(H5DSset_scale(scale, "courtyard"), "making /courtyards/courtyard a dimension scale");
  describe(scale, "1", "courtyard id");

  // gather the columns of the static table
  std::vector<std::string> name(n), kind(n), community(n), management(n);
  std::vector<int32_t> households(n), stairwells(n), floors(n), build_year(n);
  std::vector<double> fee(n), fund(n), area(n);
  for (size_t c = 0; c < n; ++c) {
    const CourtyardSpec& s = model.courtyards[c];
    name[c] = s.name;
    kind[c] = s.kind >= 0 && static_cast<size_t>(s.kind) < model.kind_names.size()
                  ? model.kind_names[static_cast<size_t>(s.kind)]
                  : "";
    community[c] = s.community >= 0 && static_cast<size_t>(s.community) < model.community_names.size()
                       ? model.community_names[static_cast<size_t>(s.community)]
                       : "";
    management[c] = management_name(s.management);
    households[c] = s.households;
    stairwells[c] = s.stairwells;
    floors[c] = s.floors;
    build_year[c] = s.build_year;
    fee[c] = s.fee_per_month;
    fund[c] = s.initial_fund;
    area[c] = s.flat_area_m2;
  }

  // write each column with its units and long name, on the courtyard dimension
  auto finish_column = [&](Handle ds, const char* col, const char* units, const char* long_name) {
    describe(ds, units, long_name);
    attach(ds, scale, 0, std::string("/courtyards/") + col);
  };
  finish_column(write_strings(group, "name", name), "name", "1", "courtyard name");
  finish_column(write_strings(group, "kind", kind), "kind", "1",
                "courtyard kind (empty: explicitly described)");
  finish_column(write_strings(group, "community", community), "community", "1", "residents' community");
  finish_column(write_fixed(group, "households", H5T_STD_I32LE, H5T_NATIVE_INT32, n, households.data()),
                "households", "1", "flats (households)");
  finish_column(write_fixed(group, "stairwells", H5T_STD_I32LE, H5T_NATIVE_INT32, n, stairwells.data()),
                "stairwells", "1", "stairwells (units)");
  finish_column(write_fixed(group, "floors", H5T_STD_I32LE, H5T_NATIVE_INT32, n, floors.data()), "floors",
                "1", "floors");
  finish_column(write_fixed(group, "build_year", H5T_STD_I32LE, H5T_NATIVE_INT32, n, build_year.data()),
                "build_year", "1", "year built");
  finish_column(write_fixed(group, "fee_per_month", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, n, fee.data()),
                "fee_per_month", "yuan", "maintenance fee per household and month");
  finish_column(write_fixed(group, "initial_fund", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, n, fund.data()),
                "initial_fund", "yuan", "maintenance fund at the start");
  finish_column(write_fixed(group, "flat_area_m2", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, n, area.data()),
                "flat_area_m2", "m2", "floor area of a flat");
  finish_column(write_strings(group, "management", management), "management", "1",
                "management at the start: none, self, company, trust or owners_committee");

  // household_offset has ncourtyard+1 entries: it lies on its own coordinate-less dimension
  std::vector<int64_t> offset = model.household_offset;
  if (offset.size() != n + 1)
    throw std::invalid_argument("run file: household_offset must have ncourtyard+1 entries");
  Handle edge = make_dimension(group, "courtyard_edge", offset.size(), false);
  Handle ds =
      write_fixed(group, "household_offset", H5T_STD_I64LE, H5T_NATIVE_INT64, offset.size(), offset.data());
  describe(ds, "1", "first household of each courtyard; the last entry is the number of households");
  attach(ds, edge, 0, "/courtyards/household_offset");
}

void RunFile::Impl::create_households(const Model& model) {
  Handle group = make_group(file, "households");
  const hsize_t n = snapshot_ids.size();
  write_attr(group, "long_name",
             "household snapshots: every flat of " + std::to_string(model.output.household_snapshots.size()) +
                 " courtyard(s), recorded with every record");

  // time (and step) along the unlimited axis, as in /timeseries: a netCDF dimension belongs to one group
  const hsize_t series_chunk = std::max<hsize_t>(kMinSeriesChunk, static_cast<hsize_t>(block_records));
  hh_time = make_time_scale(group, "/households", model, series_chunk);

  // household: 0..n-1, the snapshot households in courtyard then slot order
  std::vector<int32_t> ids(n), courtyard(n), slot(n);
  size_t k = 0;
  for (const int32_t c : model.output.household_snapshots) {
    const int64_t h0 = model.household_offset[static_cast<size_t>(c)];
    const int64_t h1 = model.household_offset[static_cast<size_t>(c) + 1];
    for (int64_t h = h0; h < h1; ++h, ++k) {
      ids[k] = static_cast<int32_t>(k);
      courtyard[k] = c;
      slot[k] = static_cast<int32_t>(h - h0);
    }
  }
  Handle scale = write_fixed(group, "household", H5T_STD_I32LE, H5T_NATIVE_INT32, n, ids.data());
  check(H5DSset_scale(scale, "household"), "making /households/household a dimension scale");
  describe(scale, "1", "snapshot household index (courtyard, then slot order)");

  hh_step = make_series(group, "step", H5T_STD_I32LE, H5T_NATIVE_INT32, series_chunk, nullptr);
  describe(hh_step, "1", "steps completed (weeks since the start)");
  attach(hh_step, hh_time, 0, "/households/step");

  // where each household lives: fixed for the run
  auto static_column = [&](Handle ds, const char* col, const char* long_name) {
    describe(ds, "1", long_name);
    attach(ds, scale, 0, std::string("/households/") + col);
  };
  static_column(write_fixed(group, "courtyard", H5T_STD_I32LE, H5T_NATIVE_INT32, n, courtyard.data()),
                "courtyard", "courtyard id (see /courtyards)");
  static_column(write_fixed(group, "slot", H5T_STD_I32LE, H5T_NATIVE_INT32, n, slot.data()), "slot",
                "flat (household slot) within its courtyard, from 0");
  static_column(write_fixed(group, "stairwell", H5T_STD_I16LE, H5T_NATIVE_INT16, n, layout.stairwell.data()),
                "stairwell", "stairwell (unit) index, from 0");
  static_column(write_fixed(group, "floor", H5T_STD_I16LE, H5T_NATIVE_INT16, n, layout.floor.data()), "floor",
                "floor, from 1");

  // tenure and paid: (time, household) int8, deflated (shuffle does nothing for one-byte values);
  // chunks of whole blocks' divisors as for the metrics, capped near 1 MiB
  const hsize_t cols = std::min(n, kMaxHouseholdChunkBytes);
  const hsize_t rows = chunk_time_length(block_records, cols, kMaxHouseholdChunkBytes);
  auto flag_series = [&](const char* name, const char* long_name, std::vector<int8_t> values,
                         const char* meanings) {
    const std::string what = std::string("creating /households/") + name;
    const hsize_t dims[2] = {0, n}, maxdims[2] = {H5S_UNLIMITED, n}, chunk[2] = {rows, cols};
    Handle space(check(H5Screate_simple(2, dims, maxdims), what));
    Handle dcpl = dataset_plist();
    check(H5Pset_chunk(dcpl, 2, chunk), what);
    check(H5Pset_deflate(dcpl, kDeflateLevel), what);
    Handle ds(check(H5Dcreate2(group, name, H5T_STD_I8LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), what));
    describe(ds, "1", long_name);
    if (!values.empty())
      h5::write_attr_array(ds, "flag_values", H5T_STD_I8LE, H5T_NATIVE_INT8, values.size(), values.data());
    write_attr(ds, "flag_meanings", meanings);
    attach(ds, hh_time, 0, what);
    attach(ds, scale, 1, what);
    return ds;
  };
  hh_tenure = flag_series("tenure", "tenure of the flat: 0 owner-occupier, 1 renter, 2 vacant", {0, 1, 2},
                          "owner_occupier renter vacant");
  hh_paid = flag_series("paid", "1 if the household paid the fee at the last monthly collection (vacant: 0)",
                        {0, 1}, "not_paid paid");
  hh_civic = flag_series("civic",
                         "civic bit flags: the last meeting attended, the open levy asked / paid, persuaded; "
                         "the last closed levy asked / paid / persuaded (vacant: 0)",
                         {}, "attended levy_paid levy_asked persuaded last_levy_asked last_levy_paid "
                             "last_levy_persuaded");
  const int8_t masks[] = {1, 2, 4, 8, 16, 32, 64};
  h5::write_attr_array(hh_civic, "flag_masks", H5T_STD_I8LE, H5T_NATIVE_INT8, std::size(masks), masks);
}

void RunFile::Impl::create_events() {
  const std::vector<EventField> fields = event_fields();
  // the enum serves both sides (its base is the host's int16, little endian on the supported hosts)
  Handle mem_enum = event_enum_type();
  const hid_t file_enum = mem_enum;

  // memory type: the Event struct as it is; file type: the same members packed, little endian
  event_mem_type = Handle(check(H5Tcreate(H5T_COMPOUND, sizeof(Event)), "event type"));
  size_t file_size = 0;
  for (const auto& f : fields) file_size += f.file >= 0 ? H5Tget_size(f.file) : H5Tget_size(file_enum);
  Handle file_type(check(H5Tcreate(H5T_COMPOUND, file_size), "event type"));
  size_t file_offset = 0;
  for (const auto& f : fields) {
    const hid_t mem = f.mem >= 0 ? f.mem : static_cast<hid_t>(mem_enum);
    const hid_t ftype = f.file >= 0 ? f.file : file_enum;
    check(H5Tinsert(event_mem_type, f.name, f.offset, mem), "event type");
    check(H5Tinsert(file_type, f.name, file_offset, ftype), "event type");
    file_offset += H5Tget_size(ftype);
  }

  // an extendable, chunked, compressed table that starts with 0 rows
  const hsize_t dims = 0, maxdims = H5S_UNLIMITED, chunk = kEventChunk;
  Handle space(check(H5Screate_simple(1, &dims, &maxdims), "creating /events"));
  Handle dcpl = dataset_plist();
  check(H5Pset_chunk(dcpl, 1, &chunk), "creating /events");
  check(H5Pset_shuffle(dcpl), "creating /events");
  check(H5Pset_deflate(dcpl, kDeflateLevel), "creating /events");
  events = Handle(check(H5Dcreate2(file, "events", file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                        "creating /events"));
  // the memory and file types differ (packed, HDF5's enum), so HDF5 converts the rows through a buffer
  // (and a background buffer) of this size, in pieces: the same rows reach the same cached chunk
  event_dxpl = Handle(check(H5Pcreate(H5P_DATASET_XFER), "creating /events"));
  check(H5Pset_buffer(event_dxpl, kEventConvertBytes, nullptr, nullptr), "creating /events");

  // what each field means
  write_attr(events, "long_name",
             "events: things that happened at a step in a courtyard, in (step, courtyard) order");
  for (const auto& f : fields) {
    write_attr(events, (std::string(f.name) + "_long_name").c_str(), f.long_name);
    if (f.units[0] != '\0') write_attr(events, (std::string(f.name) + "_units").c_str(), f.units);
  }

  // a coordinate-less dimension so that netCDF readers name the axis "event"
  event_dim = make_dimension(file, "event", 0, true);
  attach(events, event_dim, 0, "/events");
  event_buffer.reserve(kEventChunk);
}

void RunFile::Impl::write_parameters(const Model& model) {
  Handle group = make_group(file, "parameters");
  Handle type = h5::vlen_string_type();
  Handle space(check(H5Screate(H5S_SCALAR), "writing /parameters/scenario.txtpb"));
  Handle dcpl = dataset_plist();
  Handle ds(check(H5Dcreate2(group, "scenario.txtpb", type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                  "writing /parameters/scenario.txtpb"));
  const char* text = model.scenario_text.c_str();
  check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &text), "writing /parameters/scenario.txtpb");
  write_attr(ds, "long_name",
             "the effective scenario (defaults and overrides applied), protobuf text format");
  write_attr(ds, "sha256", model.scenario_sha256);

  // the run's interventions by index (what /events' subject counts), after packages such as
  // one_two_three_four were expanded into several: on a value-less dimension "intervention"
  std::vector<std::string> names;
  for (const InterventionSpec& iv : model.interventions) names.push_back(iv.name);
  Handle dim = make_dimension(group, "intervention", names.size(), false);
  Handle ds_names = write_strings(group, "intervention_name", names);
  describe(ds_names, "1", "name of each intervention of the run, by the index that /events' subject gives");
  attach(ds_names, dim, 0, "/parameters/intervention_name");

  // the scenario's labels (names in a second language, for the report), on a dimension "label"
  if (!model.labels.empty()) {
    std::vector<std::string> key, zh, en;
    for (const LabelSpec& l : model.labels) {
      key.push_back(l.key);
      zh.push_back(l.zh);
      en.push_back(l.en);
    }
    Handle label_dim = make_dimension(group, "label", key.size(), false);
    const std::pair<const char*, const std::vector<std::string>*> columns[] = {
        {"label_key", &key}, {"label_zh", &zh}, {"label_en", &en}};
    const char* meanings[] = {"what a label names (scenario.labels[].key)", "its Chinese name (empty: none given)",
                              "its English name (empty: the key)"};
    for (size_t i = 0; i < std::size(columns); ++i) {
      Handle ds = write_strings(group, columns[i].first, *columns[i].second);
      describe(ds, "1", meanings[i]);
      attach(ds, label_dim, 0, std::string("/parameters/") + columns[i].first);
    }
  }
}

}  // namespace courtyard
