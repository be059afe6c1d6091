// The HDF5 result file of one run (layout: docs/output-format.md; summary in run_file.h).
//
// Why it is written this way:
// - Records are buffered and appended in blocks of block_records. The time length of a
//   (time, courtyard) chunk divides block_records, so a block covers whole chunks (the last, partial
//   block ends in a partial chunk, padded with the fill value) and no chunk is ever read back.
// - Compressing those chunks is most of the cost of writing (zlib at level 4 makes some 50 MB/s on
//   one core). The writer therefore applies the two filters itself, shuffle then deflate exactly as
//   HDF5's filters do, to many chunks in parallel (TBB), and hands the finished chunks to
//   H5Dwrite_chunk one by one (HDF5 itself is not thread-safe). Each chunk is compressed on its
//   own, so the bytes do not depend on the number of threads. Readers see an ordinary
//   shuffle+deflate dataset.
// - netCDF-4 readers (h5netcdf, hence xarray) name dimensions after attached HDF5 dimension scales.
//   Every array therefore has a scale on each axis: a coordinate variable (time, courtyard) where
//   one exists, otherwise a netCDF-style "dimension but not a variable" scale (see make_dimension).
//   Without them readers invent phony_dim_N names or refuse the group.
// - Object time stamps are off, so two runs with the same inputs differ only in the root attributes
//   that say when and how the file was made.
// - The file is written as <dir>/.<name>.tmp-<pid> and renamed by finish(): a run that fails or is
//   killed never leaves a half-written file under the final name.
// - Household snapshots (/households, only when the model asks for them) are small int8 arrays,
//   buffered in the same blocks as the records and written through HDF5's own deflate filter: their
//   chunks also divide block_records, so a block covers whole chunks there too.
#include "output/run_file.h"

#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <system_error>

#include "core/calendar.h"
#include "core/errors.h"
#include "output/hdf5_util.h"
#include "output/stale_temporaries.h"

namespace courtyard {
namespace {

namespace fs = std::filesystem;
using h5::check;
using h5::Handle;
using h5::write_attr;

// Format version of the layout; bumped when a reader would need to change.
constexpr int32_t kFormatVersion = 1;
constexpr hsize_t kMaxChunkBytes = hsize_t{4} << 20;  // cap on one (time, courtyard) chunk
constexpr hsize_t kMaxHouseholdChunkBytes = hsize_t{1} << 20;  // cap on one (time, household) chunk
constexpr hsize_t kEventChunk = 4096;                 // rows per /events chunk and write
constexpr hsize_t kMinSeriesChunk = 512;              // smallest chunk of a 1-D series along time
constexpr unsigned kDeflateLevel = 1;  // shuffled floats: level 1 compresses nearly as well, several times faster

// Chunks are written as raw bytes: the host's float must be the file's (IEEE little endian).
static_assert(std::endian::native == std::endian::little,
              "the direct chunk writer assumes a little-endian host");
static_assert(std::numeric_limits<float>::is_iec559 && sizeof(float) == 4);

// One (time, courtyard) chunk through HDF5's filter pipeline by hand: `nvalid` values from `src`,
// padded to `nchunk` with NaN (the fill value), shuffled (byte k of every value together, as
// H5Z_FILTER_SHUFFLE), then deflated with zlib's compress2 (as H5Z_FILTER_DEFLATE) into `out`.
void pack_chunk(const float* src, size_t nvalid, size_t nchunk, std::vector<unsigned char>* shuffled,
                std::vector<unsigned char>* out) {
  shuffled->resize(nchunk * sizeof(float));
  unsigned char* planes = shuffled->data();
  const uint32_t nan_bits = std::bit_cast<uint32_t>(std::numeric_limits<float>::quiet_NaN());
  for (size_t i = 0; i < nchunk; ++i) {
    const uint32_t bits = i < nvalid ? std::bit_cast<uint32_t>(src[i]) : nan_bits;
    planes[i] = static_cast<unsigned char>(bits);
    planes[nchunk + i] = static_cast<unsigned char>(bits >> 8);
    planes[2 * nchunk + i] = static_cast<unsigned char>(bits >> 16);
    planes[3 * nchunk + i] = static_cast<unsigned char>(bits >> 24);
  }
  uLongf size = compressBound(static_cast<uLong>(shuffled->size()));
  out->resize(size);
  const int rc = compress2(out->data(), &size, planes, static_cast<uLong>(shuffled->size()),
                           static_cast<int>(kDeflateLevel));
  if (rc != Z_OK) throw IoError("compressing a chunk: zlib error " + std::to_string(rc));
  out->resize(size);
}

// Time length of a chunk whose rows have `row_bytes` bytes: the largest divisor of block_records
// whose chunk stays within `max_bytes` (at least 1).
hsize_t chunk_time_length(int32_t block_records, hsize_t row_bytes, hsize_t max_bytes = kMaxChunkBytes) {
  const hsize_t cap = std::max<hsize_t>(1, max_bytes / std::max<hsize_t>(1, row_bytes));
  const auto block = static_cast<hsize_t>(block_records);
  hsize_t best = 1;
  for (hsize_t d = 1; d <= std::min(block, cap); ++d)
    if (block % d == 0) best = d;
  return best;
}

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

// Appends rows [row0, row0+nrow) to a dataset of rank 1 (width 0) or 2 (rows of `width` values).
void append_rows(hid_t ds, hsize_t row0, hsize_t nrow, hsize_t width, hid_t mem_type, const void* data,
                 const std::string& what) {
  const int rank = width == 0 ? 1 : 2;
  const hsize_t extent[2] = {row0 + nrow, width};
  check(H5Dset_extent(ds, extent), "extending " + what);
  Handle file_space(check(H5Dget_space(ds), "writing " + what));
  const hsize_t start[2] = {row0, 0}, count[2] = {nrow, width};
  check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr), "writing " + what);
  Handle mem_space(check(H5Screate_simple(rank, count, nullptr), "writing " + what));
  check(H5Dwrite(ds, mem_type, mem_space, file_space, H5P_DEFAULT, data), "writing " + what);
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

struct RunFile::Impl {
  std::string final_path, temp_path;
  int32_t ncourtyard = 0;
  int32_t nmetric = 0;
  int32_t block_records = 1;
  std::vector<MetricColumn> metrics;

  Handle file;
  Handle ts_time, ts_courtyard, ts_step, sd_time, events, event_dim;
  std::vector<Handle> ts_metric, sd_metric;  // (nmetric)
  Handle event_mem_type;

  // the block being filled: block[(m * block_records + r) * ncourtyard + c]
  std::vector<float> block;         // (nmetric x block_records x ncourtyard)
  std::vector<double> sd_block;     // (nmetric x block_records)
  std::vector<double> time_block;   // (block_records)
  std::vector<int32_t> step_block;  // (block_records)
  int32_t nbuffered = 0;            // records in the block
  hsize_t nrecords = 0;             // records already in the file

  // compressing a block: chunk rows (a divisor of block_records) and scratch per parallel chunk
  hsize_t chunk_time = 1;
  std::vector<std::vector<unsigned char>> shuffled, packed;

  std::vector<Event> event_buffer;  // up to kEventChunk events not yet written
  hsize_t nevents = 0;              // events already in the file

  // household snapshots (/households): on when the model names snapshot courtyards
  bool snapshots = false;
  std::vector<int64_t> snapshot_ids;  // (nsnapshot) global household index of each
  HouseholdLayout layout;             // (nsnapshot) stairwell and floor of each
  Handle hh_time, hh_step, hh_tenure, hh_paid, hh_civic;
  std::vector<int8_t> tenure_block, paid_block, civic_block;  // (block_records x nsnapshot)

  bool finished = false;

  void create(const Model& model, const RunFileInfo& info);
  void write_root_attributes(const Model& model, const RunFileInfo& info);
  void create_timeseries(const Model& model);
  void create_subdistrict(const Model& model);
  void write_courtyards(const Model& model);
  void create_households(const Model& model);
  void create_events();
  void write_parameters(const Model& model);
  void flush_block();
  void write_metric_chunks(hsize_t nrow);
  void flush_events();
  herr_t close_all() noexcept;
  void abandon() noexcept;
};

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
  const std::string time_units = "days since " + format_date(model.start_date);
  const hsize_t series_chunk = std::max<hsize_t>(kMinSeriesChunk, static_cast<hsize_t>(block_records));

  // time: days since the start date, a coordinate along the unlimited axis
  ts_time = make_series(group, "time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, series_chunk, nullptr);
  check(H5DSset_scale(ts_time, "time"), "making /timeseries/time a dimension scale");
  describe(ts_time, time_units, "time at the end of the recorded step");
  write_attr(ts_time, "calendar", "proleptic_gregorian");
  write_attr(ts_time, "standard_name", "time");
  write_attr(ts_time, "axis", "T");

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
    Handle ds(check(H5Dcreate2(group, m.name.c_str(), H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                    what));
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
  sd_time = make_series(group, "time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, series_chunk, nullptr);
  check(H5DSset_scale(sd_time, "time"), "making /subdistrict/time a dimension scale");
  describe(sd_time, "days since " + format_date(model.start_date), "time at the end of the recorded step");
  write_attr(sd_time, "calendar", "proleptic_gregorian");
  write_attr(sd_time, "standard_name", "time");
  write_attr(sd_time, "axis", "T");

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
  hh_time = make_series(group, "time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, series_chunk, nullptr);
  check(H5DSset_scale(hh_time, "time"), "making /households/time a dimension scale");
  describe(hh_time, "days since " + format_date(model.start_date), "time at the end of the recorded step");
  write_attr(hh_time, "calendar", "proleptic_gregorian");
  write_attr(hh_time, "standard_name", "time");
  write_attr(hh_time, "axis", "T");

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

void RunFile::Impl::flush_block() {
  if (nbuffered == 0) return;
  const auto nrow = static_cast<hsize_t>(nbuffered);

  // the time axis first, then every metric over the same rows
  append_rows(ts_time, nrecords, nrow, 0, H5T_NATIVE_DOUBLE, time_block.data(), "/timeseries/time");
  append_rows(ts_step, nrecords, nrow, 0, H5T_NATIVE_INT32, step_block.data(), "/timeseries/step");
  append_rows(sd_time, nrecords, nrow, 0, H5T_NATIVE_DOUBLE, time_block.data(), "/subdistrict/time");
  for (size_t m = 0; m < metrics.size(); ++m)
    append_rows(sd_metric[m], nrecords, nrow, 0, H5T_NATIVE_DOUBLE,
                sd_block.data() + m * static_cast<size_t>(block_records), "/subdistrict/" + metrics[m].name);
  write_metric_chunks(nrow);
  if (snapshots) {
    const auto n = static_cast<hsize_t>(snapshot_ids.size());
    append_rows(hh_time, nrecords, nrow, 0, H5T_NATIVE_DOUBLE, time_block.data(), "/households/time");
    append_rows(hh_step, nrecords, nrow, 0, H5T_NATIVE_INT32, step_block.data(), "/households/step");
    append_rows(hh_tenure, nrecords, nrow, n, H5T_NATIVE_INT8, tenure_block.data(), "/households/tenure");
    append_rows(hh_paid, nrecords, nrow, n, H5T_NATIVE_INT8, paid_block.data(), "/households/paid");
    append_rows(hh_civic, nrecords, nrow, n, H5T_NATIVE_INT8, civic_block.data(), "/households/civic");
  }
  nrecords += nrow;
  nbuffered = 0;
}

void RunFile::Impl::write_metric_chunks(hsize_t nrow) {
  const auto n = static_cast<size_t>(ncourtyard), nb = static_cast<size_t>(block_records);
  const auto ct = static_cast<size_t>(chunk_time);
  const size_t nchunk = (static_cast<size_t>(nrow) + ct - 1) / ct;  // chunks per metric in this block
  const size_t njob = metrics.size() * nchunk;

  // grow every metric to the new length (the block starts on a chunk boundary)
  for (size_t m = 0; m < metrics.size(); ++m) {
    const hsize_t extent[2] = {nrecords + nrow, static_cast<hsize_t>(ncourtyard)};
    check(H5Dset_extent(ts_metric[m], extent), "extending /timeseries/" + metrics[m].name);
  }

  // in waves of one chunk per thread: compress in parallel, then write in order
  const size_t wave = std::max<size_t>(1, static_cast<size_t>(tbb::this_task_arena::max_concurrency()));
  shuffled.resize(std::min(wave, njob));
  packed.resize(std::min(wave, njob));
  for (size_t first = 0; first < njob; first += wave) {
    const size_t count = std::min(wave, njob - first);
    tbb::parallel_for(size_t{0}, count, [&](size_t k) {
      const size_t m = (first + k) / nchunk, j = (first + k) % nchunk;
      const size_t rows = std::min(ct, static_cast<size_t>(nrow) - j * ct);
      pack_chunk(block.data() + (m * nb + j * ct) * n, rows * n, ct * n, &shuffled[k], &packed[k]);
    });
    for (size_t k = 0; k < count; ++k) {
      const size_t m = (first + k) / nchunk, j = (first + k) % nchunk;
      const hsize_t offset[2] = {nrecords + static_cast<hsize_t>(j * ct), 0};
      check(H5Dwrite_chunk(ts_metric[m], H5P_DEFAULT, 0, offset, packed[k].size(), packed[k].data()),
            "writing /timeseries/" + metrics[m].name);
    }
  }
}

void RunFile::Impl::flush_events() {
  if (event_buffer.empty()) return;
  append_rows(events, nevents, event_buffer.size(), 0, event_mem_type, event_buffer.data(), "/events");
  nevents += event_buffer.size();
  // the value-less dimension keeps the table's length, as netCDF-C would (nothing is stored in it)
  check(H5Dset_extent(event_dim, &nevents), "extending /event");
  event_buffer.clear();
}

herr_t RunFile::Impl::close_all() noexcept {
  // every object first, the file last: H5Fclose only really closes once nothing in it is open
  ts_metric.clear();
  sd_metric.clear();
  ts_time.reset();
  ts_courtyard.reset();
  ts_step.reset();
  sd_time.reset();
  events.reset();
  event_dim.reset();
  hh_time.reset();
  hh_step.reset();
  hh_tenure.reset();
  hh_paid.reset();
  hh_civic.reset();
  event_mem_type.reset();
  return file.close();
}

namespace {

// Sends the rest of a discarded file's writes to /dev/null. After a failed write (a full disk: ENOSPC,
// EFBIG) HDF5 cannot write out its metadata cache, and HDF5 1.10.8 (Debian 12) cannot close a file
// whose cache it cannot write: H5F__dest frees the file's structures whether or not its flush worked,
// losing every cached entry with them (megabytes per file, a LeakSanitizer report; a sweep that keeps
// running loses that much again with each failed run) and leaving a dangling file ID behind (fixed
// upstream after 1.10.8: HDFGroup/hdf5 pull request 2291, HDFFV-11052). With the descriptor on
// /dev/null the close writes the cache out to nowhere and frees it. Only for the sec2 driver (the
// default, the only one the run file uses), whose handle is the descriptor; anything else is left as
// it is. Reads come back empty; nothing is read back from a file that is thrown away.
void discard_writes(hid_t file) noexcept {
  const hid_t fapl = H5Fget_access_plist(file);
  if (fapl < 0) return;
  const bool sec2 = H5Pget_driver(fapl) == H5FD_SEC2;
  H5Pclose(fapl);
  void* handle = nullptr;
  if (!sec2 || H5Fget_vfd_handle(file, H5P_DEFAULT, &handle) < 0 || handle == nullptr) return;
  const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0) return;
  ::dup2(null, *static_cast<int*>(handle));  // the same descriptor number, now on /dev/null
  ::close(null);
}

}  // namespace

// Closes and removes the temporary file. A file whose cache can still be written out (the run failed
// for another reason) is closed as usual. One whose cache cannot (a full disk) gets its writes
// discarded first, so that HDF5 frees it (discard_writes); its close still reports an error (HDF5
// cannot size /dev/null to the file's end), after which HDF5 keeps a dangling ID of the file in its
// tables, where its own clean-up at exit would crash (SIGSEGV in H5F__close_cb): the program therefore
// turns that clean-up off (H5dont_atexit in main; the operating system closes what is left). The name
// is removed either way.
void RunFile::Impl::abandon() noexcept {
  if (file.valid()) {
    if (H5Fflush(file, H5F_SCOPE_LOCAL) < 0) discard_writes(file);
    close_all();
    h5::error_text();  // clears the error stack
  }
  std::remove(temp_path.c_str());
}

RunFile::RunFile(const std::string& path, bool force, const Model& model, std::vector<MetricColumn> metrics,
                 const RunFileInfo& info, const HouseholdLayout& households)
    : impl_(std::make_unique<Impl>()), path_(path) {
  h5::silence_errors();

  // refuse to overwrite without force, and never replace a folder
  std::error_code ec;
  const fs::path target(path);
  const fs::file_status st = fs::status(target, ec);
  if (fs::exists(st)) {
    if (fs::is_directory(st)) throw OutputCreateError(path + " is a directory");
    if (!force) throw OutputCreateError(path + " exists; use --force to overwrite");
  }
  const fs::path dir = target.parent_path();
  if (!dir.empty() && !fs::is_directory(dir, ec))
    throw OutputCreateError("cannot create " + path + ": folder " + dir.string() + " does not exist");
  // what killed runs left in this folder (their processes are gone; see stale_temporaries.h)
  remove_stale_temporaries(dir.string());

  // check the inputs the layout depends on
  Impl& im = *impl_;
  im.ncourtyard = model.ncourtyard();
  if (im.ncourtyard < 1) throw std::invalid_argument("run file: the model has no courtyards");
  if (model.output.block_records < 1)
    throw std::invalid_argument("run file: block_records must be at least 1");
  for (size_t i = 0; i < metrics.size(); ++i) {
    const std::string& name = metrics[i].name;
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "time" ||
        name == "courtyard" || name == "step")
      throw std::invalid_argument("run file: bad metric name '" + name + "'");
    for (size_t j = 0; j < i; ++j)
      if (metrics[j].name == name) throw std::invalid_argument("run file: metric '" + name + "' given twice");
  }
  im.snapshot_ids = snapshot_households(model);
  im.snapshots = !im.snapshot_ids.empty();
  if (im.snapshot_ids.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max()))
    throw std::invalid_argument("run file: too many snapshot households");
  if (households.stairwell.size() != im.snapshot_ids.size() || households.floor.size() != im.snapshot_ids.size())
    throw std::invalid_argument("run file: the household layout has " + std::to_string(households.stairwell.size()) +
                                " stairwells and " + std::to_string(households.floor.size()) + " floors for " +
                                std::to_string(im.snapshot_ids.size()) + " snapshot households");
  im.layout = households;
  im.nmetric = static_cast<int32_t>(metrics.size());
  im.block_records = model.output.block_records;
  im.metrics = std::move(metrics);
  im.final_path = path;
  im.temp_path = (dir / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()))).string();

  // buffers for one block
  const auto nm = static_cast<size_t>(im.nmetric), nb = static_cast<size_t>(im.block_records);
  im.block.assign(nm * nb * static_cast<size_t>(im.ncourtyard), 0.f);
  im.sd_block.assign(nm * nb, 0.0);
  im.time_block.assign(nb, 0.0);
  im.step_block.assign(nb, 0);
  im.tenure_block.assign(nb * im.snapshot_ids.size(), 0);
  im.paid_block.assign(nb * im.snapshot_ids.size(), 0);
  im.civic_block.assign(nb * im.snapshot_ids.size(), 0);

  // create everything; on failure remove what was made (the destructor does not run)
  try {
    im.create(model, info);
  } catch (const IoError& e) {
    const bool made = im.file.valid();
    if (made) im.abandon();
    // a failure while creating the datasets is still a failure to write the file
    if (made) throw IoError("writing " + path + ": " + e.what());
    throw;
  } catch (...) {
    if (im.file.valid()) im.abandon();
    throw;
  }
}

RunFile::~RunFile() {
  if (!impl_ || impl_->finished) return;
  impl_->abandon();
}

namespace {

// An I/O failure of a run file, said with the file's name: HDF5's reason names the temporary file, and
// may hold line breaks (the time of the failure); the message is one line.
[[noreturn]] void rethrow_for(const std::string& path, const IoError& e) {
  std::string what = e.what();
  for (char& ch : what)
    if (ch == '\n') ch = ' ';
  throw IoError("writing " + path + ": " + what);
}

}  // namespace

void RunFile::append_record(int32_t step, std::span<const float> courtyard_values,
                            std::span<const double> subdistrict_values) {
  if (impl_->snapshots)
    throw std::invalid_argument("run file: this run records household snapshots; give each record's snapshot");
  append_record(step, courtyard_values, subdistrict_values, HouseholdSnapshot{});
}

void RunFile::append_record(int32_t step, std::span<const float> courtyard_values,
                            std::span<const double> subdistrict_values, const HouseholdSnapshot& households) {
  Impl& im = *impl_;
  if (im.finished) throw std::logic_error("run file: append_record after finish");
  const auto n = static_cast<size_t>(im.ncourtyard), nm = static_cast<size_t>(im.nmetric);
  if (courtyard_values.size() != nm * n || subdistrict_values.size() != nm)
    throw std::invalid_argument("run file: a record needs nmetric x ncourtyard and nmetric values");
  const size_t nh = im.snapshot_ids.size();
  if (households.tenure.size() != nh || households.paid.size() != nh || households.civic.size() != nh)
    throw std::invalid_argument("run file: a household snapshot needs " + std::to_string(nh) +
                                " tenure, paid and civic values, got " + std::to_string(households.tenure.size()) +
                                ", " + std::to_string(households.paid.size()) + " and " +
                                std::to_string(households.civic.size()));
  for (size_t i = 0; i < nh; ++i)
    if (households.tenure[i] < 0 || households.tenure[i] > 2 || households.paid[i] < 0 || households.paid[i] > 1 ||
        households.civic[i] < 0)
      throw std::invalid_argument("run file: household " + std::to_string(i) +
                                  " has tenure, paid or civic out of range (tenure 0..2, paid 0..1, civic 0..127)");

  // copy each metric's row into its slab of the block
  const auto r = static_cast<size_t>(im.nbuffered), nb = static_cast<size_t>(im.block_records);
  for (size_t m = 0; m < nm; ++m) {
    std::copy_n(courtyard_values.data() + m * n, n, im.block.data() + (m * nb + r) * n);
    im.sd_block[m * nb + r] = subdistrict_values[m];
  }
  if (nh > 0) {
    std::copy_n(households.tenure.data(), nh, im.tenure_block.data() + r * nh);
    std::copy_n(households.paid.data(), nh, im.paid_block.data() + r * nh);
    std::copy_n(households.civic.data(), nh, im.civic_block.data() + r * nh);
  }
  im.time_block[r] = 7.0 * step;
  im.step_block[r] = step;
  if (++im.nbuffered == im.block_records) {
    try {
      im.flush_block();
    } catch (const IoError& e) {
      rethrow_for(path_, e);
    }
  }
}

void RunFile::append_events(std::span<const Event> events) {
  Impl& im = *impl_;
  if (im.finished) throw std::logic_error("run file: append_events after finish");
  // fill the buffer and write it out whenever a chunk's worth is there
  while (!events.empty()) {
    const size_t take = std::min(events.size(), static_cast<size_t>(kEventChunk) - im.event_buffer.size());
    im.event_buffer.insert(im.event_buffer.end(), events.begin(),
                           events.begin() + static_cast<std::ptrdiff_t>(take));
    events = events.subspan(take);
    if (im.event_buffer.size() == kEventChunk) {
      try {
        im.flush_events();
      } catch (const IoError& e) {
        rethrow_for(path_, e);
      }
    }
  }
}

void RunFile::append_history(const std::string& lines) {
  Impl& im = *impl_;
  if (im.finished) throw std::logic_error("run file: append_history after finish");
  const std::string before = h5::read_string_attr(im.file, "history").value_or("");
  write_attr(im.file, "history", before + lines);
}

void RunFile::finish(bool complete, int32_t steps_done) {
  close_as(complete ? "complete" : "interrupted", complete, steps_done, "");
}

void RunFile::finish_failed(int32_t steps_done, const std::string& reason) {
  close_as("failed", false, steps_done, reason);
}

void RunFile::close_as(const char* status, bool complete, int32_t steps_done, const std::string& failure) {
  try {
    close_or_throw(status, complete, steps_done, failure);
  } catch (const IoError& e) {
    rethrow_for(path_, e);
  }
}

void RunFile::close_or_throw(const char* status, bool complete, int32_t steps_done, const std::string& failure) {
  Impl& im = *impl_;
  if (im.finished) throw std::logic_error("run file: finish called twice");

  // the partial block and events, then the closing attributes
  im.flush_block();
  im.flush_events();
  const int8_t done = complete ? 1 : 0;
  write_attr(im.file, "steps_done", steps_done);
  write_attr(im.file, "complete", H5T_STD_I8LE, H5T_NATIVE_INT8, &done);
  write_attr(im.file, "status", status);
  if (!failure.empty()) write_attr(im.file, "failure", failure);

  // flush first: a flush that fails leaves the file open, for the destructor to abandon (a close that
  // fails would leave it half closed in HDF5's tables)
  check(H5Fflush(im.file, H5F_SCOPE_GLOBAL), "flushing " + im.temp_path);
  // close, then move into place (replacing an existing file when forced)
  if (im.close_all() < 0) throw IoError("closing " + im.temp_path + ": " + h5::error_text());
  if (std::rename(im.temp_path.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    std::remove(im.temp_path.c_str());
    im.finished = true;
    throw IoError("renaming " + im.temp_path + ": " + std::strerror(err));
  }
  im.finished = true;
}

}  // namespace courtyard
