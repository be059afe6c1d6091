// RunFile and describe_run_file: write small runs through the public API, read them back with the
// HDF5 C API (not with the writer's own helpers) and check values, shapes, chunking, attributes and
// the file's life cycle (temporary name, rename, force, interrupted runs).
#include "output/run_file.h"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/errors.h"
#include "sample_model.h"

namespace courtyard {
namespace {

namespace fs = std::filesystem;
using testing::make_sample_model;
using testing::sample_events;
using testing::sample_layout;
using testing::sample_paid;
using testing::sample_civic;
using testing::sample_snapshot;
using testing::sample_tenure;
using testing::sample_metrics;
using testing::sample_record;
using testing::sample_subdistrict;
using testing::sample_value;

const RunFileInfo kInfo{"0.1.0-test", "0123456789ab", "courtyard run sample.txtpb -o out.h5",
                        "2026-01-02T03:04:05Z", "", ""};

// --- reading helpers (plain HDF5 C API) ---

struct H5 {
  hid_t id;
  explicit H5(hid_t i) : id(i) {}
  ~H5() {
    if (id < 0) return;
    switch (H5Iget_type(id)) {
      case H5I_FILE: H5Fclose(id); break;
      case H5I_GROUP: H5Gclose(id); break;
      case H5I_DATASET: H5Dclose(id); break;
      case H5I_DATASPACE: H5Sclose(id); break;
      case H5I_DATATYPE: H5Tclose(id); break;
      case H5I_ATTR: H5Aclose(id); break;
      case H5I_GENPROP_LST: H5Pclose(id); break;
      default: break;
    }
  }
  H5(const H5&) = delete;
  H5& operator=(const H5&) = delete;
  operator hid_t() const { return id; }
};

std::vector<hsize_t> dims_of(hid_t ds, std::vector<hsize_t>* maxdims = nullptr) {
  H5 space(H5Dget_space(ds));
  const int rank = H5Sget_simple_extent_ndims(space);
  std::vector<hsize_t> d(static_cast<size_t>(std::max(rank, 0))), m(d.size());
  H5Sget_simple_extent_dims(space, d.data(), m.data());
  if (maxdims != nullptr) *maxdims = m;
  return d;
}

template <class T>
std::vector<T> read_all(hid_t file, const char* path, hid_t mem_type) {
  H5 ds(H5Dopen2(file, path, H5P_DEFAULT));
  EXPECT_GE(ds.id, 0) << path;
  hsize_t n = 1;
  for (hsize_t d : dims_of(ds)) n *= d;
  std::vector<T> out(static_cast<size_t>(n));
  if (n > 0) {
    EXPECT_GE(H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), 0) << path;
  }
  return out;
}

std::vector<std::string> read_strings(hid_t file, const char* path) {
  H5 ds(H5Dopen2(file, path, H5P_DEFAULT));
  H5 type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  hsize_t n = 1;
  for (hsize_t d : dims_of(ds)) n *= d;
  std::vector<char*> raw(static_cast<size_t>(n), nullptr);
  EXPECT_GE(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), 0) << path;
  std::vector<std::string> out;
  for (char* s : raw) {
    out.emplace_back(s != nullptr ? s : "");
    H5free_memory(s);
  }
  return out;
}

// A string attribute; checks it is stored as a scalar variable-length string (what h5py reads as str).
std::string attr_string(hid_t obj, const char* name) {
  if (H5Aexists(obj, name) <= 0) return "<missing " + std::string(name) + ">";
  H5 attr(H5Aopen(obj, name, H5P_DEFAULT));
  H5 ftype(H5Aget_type(attr));
  EXPECT_EQ(H5Tget_class(ftype), H5T_STRING) << name;
  EXPECT_GT(H5Tis_variable_str(ftype), 0) << name;
  H5 type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  char* s = nullptr;
  EXPECT_GE(H5Aread(attr, type, &s), 0) << name;
  std::string out = s != nullptr ? s : "";
  H5free_memory(s);
  return out;
}

template <class T>
T attr_value(hid_t obj, const char* name, hid_t mem_type, hid_t expect_file_type) {
  T v{};
  EXPECT_GT(H5Aexists(obj, name), 0) << name;
  H5 attr(H5Aopen(obj, name, H5P_DEFAULT));
  H5 ftype(H5Aget_type(attr));
  EXPECT_GT(H5Tequal(ftype, expect_file_type), 0) << name << " has the wrong type";
  EXPECT_GE(H5Aread(attr, mem_type, &v), 0) << name;
  return v;
}

std::string read_text_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// --- fixture: a fresh folder per test and a writer for the sample run ---

class RunFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("courtyard_output_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes records for steps 0, every, 2*every, ... <= last and the sample events; finishes when asked.
  void write_run(const std::string& path, const Model& model, int32_t nmetric, int32_t last,
                 bool force = false, bool events = true, bool complete = true) {
    RunFile file(path, force, model, sample_metrics(nmetric), kInfo);
    if (events) {
      const auto ev = sample_events(model.ncourtyard(), model.steps);
      file.append_events(ev);
    }
    std::vector<float> cy;
    std::vector<double> sd;
    for (int32_t s = 0; s <= last; s += model.output.record_every) {
      sample_record(nmetric, model.ncourtyard(), s, &cy, &sd);
      file.append_record(s, cy, sd);
    }
    file.finish(complete, last);
  }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string temp_path(const std::string& name) const {
    return (dir_ / ("." + name + ".tmp-" + std::to_string(::getpid()))).string();
  }

  fs::path dir_;
};

// 5 courtyards, 3 metrics, records at steps 0, 2, ..., 20 (11 records) in blocks of 4: two full
// blocks and a partial one.
constexpr int32_t kCourtyards = 5, kMetrics = 3, kBlock = 4, kSteps = 20, kEvery = 2, kRecords = 11;

TEST_F(RunFileTest, TimeseriesValuesShapesAndChunking) {
  const Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  write_run(path("run.h5"), model, kMetrics, kSteps);
  H5 file(H5Fopen(path("run.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  ASSERT_GE(file.id, 0);

  const auto metrics = sample_metrics(kMetrics);
  for (int32_t m = 0; m < kMetrics; ++m) {
    const std::string name = "/timeseries/" + metrics[static_cast<size_t>(m)].name;
    SCOPED_TRACE(name);
    H5 ds(H5Dopen2(file, name.c_str(), H5P_DEFAULT));
    ASSERT_GE(ds.id, 0);

    // shape (time, courtyard), time unlimited, float32
    std::vector<hsize_t> maxdims;
    EXPECT_EQ(dims_of(ds, &maxdims), (std::vector<hsize_t>{kRecords, kCourtyards}));
    EXPECT_EQ(maxdims, (std::vector<hsize_t>{H5S_UNLIMITED, kCourtyards}));
    H5 type(H5Dget_type(ds));
    EXPECT_GT(H5Tequal(type, H5T_IEEE_F32LE), 0);

    // chunk (block_records, ncourtyard), shuffle then deflate level 4, fill NaN
    H5 dcpl(H5Dget_create_plist(ds));
    hsize_t chunk[2] = {0, 0};
    ASSERT_EQ(H5Pget_chunk(dcpl, 2, chunk), 2);
    EXPECT_EQ(chunk[0], static_cast<hsize_t>(kBlock));
    EXPECT_EQ(chunk[1], static_cast<hsize_t>(kCourtyards));
    ASSERT_EQ(H5Pget_nfilters(dcpl), 2);
    unsigned flags = 0, level = 0;
    size_t nvalues = 1;
    EXPECT_EQ(H5Pget_filter2(dcpl, 0, &flags, &nvalues, &level, 0, nullptr, nullptr), H5Z_FILTER_SHUFFLE);
    nvalues = 1;
    EXPECT_EQ(H5Pget_filter2(dcpl, 1, &flags, &nvalues, &level, 0, nullptr, nullptr), H5Z_FILTER_DEFLATE);
    EXPECT_GE(level, 1u);  // deflate level (the writer uses 1: shuffled floats compress nearly as well)
    float fill = 0;
    ASSERT_GE(H5Pget_fill_value(dcpl, H5T_NATIVE_FLOAT, &fill), 0);
    EXPECT_TRUE(std::isnan(fill));

    // every value exactly as given, in record order
    const auto values = read_all<float>(file, name.c_str(), H5T_NATIVE_FLOAT);
    ASSERT_EQ(values.size(), static_cast<size_t>(kRecords * kCourtyards));
    for (int32_t r = 0; r < kRecords; ++r)
      for (int32_t c = 0; c < kCourtyards; ++c)
        ASSERT_EQ(values[static_cast<size_t>(r * kCourtyards + c)], sample_value(m, r * kEvery, c))
            << "record " << r << " courtyard " << c;

    // described for CF readers
    EXPECT_EQ(attr_string(ds, "units"), metrics[static_cast<size_t>(m)].units);
    EXPECT_EQ(attr_string(ds, "long_name"), metrics[static_cast<size_t>(m)].long_name);
  }
}

TEST_F(RunFileTest, TimeCourtyardAndStepAxesAreAttachedScales) {
  const Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  write_run(path("run.h5"), model, kMetrics, kSteps);
  H5 file(H5Fopen(path("run.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));

  // time: days since the start date, 7 per step; step: the steps themselves
  const auto time = read_all<double>(file, "/timeseries/time", H5T_NATIVE_DOUBLE);
  const auto step = read_all<int32_t>(file, "/timeseries/step", H5T_NATIVE_INT32);
  ASSERT_EQ(time.size(), static_cast<size_t>(kRecords));
  ASSERT_EQ(step.size(), static_cast<size_t>(kRecords));
  for (int32_t r = 0; r < kRecords; ++r) {
    EXPECT_EQ(step[static_cast<size_t>(r)], r * kEvery);
    EXPECT_EQ(time[static_cast<size_t>(r)], 7.0 * r * kEvery);
  }
  EXPECT_EQ(read_all<int32_t>(file, "/timeseries/courtyard", H5T_NATIVE_INT32),
            (std::vector<int32_t>{0, 1, 2, 3, 4}));

  H5 t(H5Dopen2(file, "/timeseries/time", H5P_DEFAULT));
  H5 c(H5Dopen2(file, "/timeseries/courtyard", H5P_DEFAULT));
  H5 s(H5Dopen2(file, "/timeseries/step", H5P_DEFAULT));
  std::vector<hsize_t> maxdims;
  dims_of(t, &maxdims);
  EXPECT_EQ(maxdims[0], H5S_UNLIMITED);
  EXPECT_EQ(attr_string(t, "units"), "days since 2015-01-05");
  EXPECT_EQ(attr_string(t, "calendar"), "proleptic_gregorian");
  EXPECT_FALSE(attr_string(t, "long_name").empty());
  EXPECT_EQ(attr_string(c, "units"), "1");
  EXPECT_EQ(attr_string(s, "units"), "1");

  // both are named dimension scales, attached to every variable on their axes
  char name[32] = "";
  EXPECT_GT(H5DSis_scale(t), 0);
  EXPECT_GT(H5DSis_scale(c), 0);
  EXPECT_GT(H5DSget_scale_name(t, name, sizeof name), 0);
  EXPECT_STREQ(name, "time");
  EXPECT_GT(H5DSget_scale_name(c, name, sizeof name), 0);
  EXPECT_STREQ(name, "courtyard");
  EXPECT_GT(H5DSis_attached(s, t, 0), 0);
  for (const auto& m : sample_metrics(kMetrics)) {
    H5 ds(H5Dopen2(file, ("/timeseries/" + m.name).c_str(), H5P_DEFAULT));
    EXPECT_GT(H5DSis_attached(ds, t, 0), 0) << m.name;
    EXPECT_GT(H5DSis_attached(ds, c, 1), 0) << m.name;
  }
}

TEST_F(RunFileTest, SubdistrictSeriesHaveTheirOwnTimeScale) {
  const Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  write_run(path("run.h5"), model, kMetrics, kSteps);
  H5 file(H5Fopen(path("run.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));

  const auto time = read_all<double>(file, "/subdistrict/time", H5T_NATIVE_DOUBLE);
  EXPECT_EQ(time, read_all<double>(file, "/timeseries/time", H5T_NATIVE_DOUBLE));
  H5 t(H5Dopen2(file, "/subdistrict/time", H5P_DEFAULT));
  EXPECT_GT(H5DSis_scale(t), 0);
  EXPECT_EQ(attr_string(t, "units"), "days since 2015-01-05");

  const auto metrics = sample_metrics(kMetrics);
  for (int32_t m = 0; m < kMetrics; ++m) {
    const std::string name = "/subdistrict/" + metrics[static_cast<size_t>(m)].name;
    H5 ds(H5Dopen2(file, name.c_str(), H5P_DEFAULT));
    H5 type(H5Dget_type(ds));
    EXPECT_GT(H5Tequal(type, H5T_IEEE_F64LE), 0) << name;
    EXPECT_GT(H5DSis_attached(ds, t, 0), 0) << name;
    EXPECT_EQ(attr_string(ds, "units"), metrics[static_cast<size_t>(m)].units);
    EXPECT_EQ(attr_string(ds, "long_name"), metrics[static_cast<size_t>(m)].long_name);
    const auto values = read_all<double>(file, name.c_str(), H5T_NATIVE_DOUBLE);
    ASSERT_EQ(values.size(), static_cast<size_t>(kRecords));
    for (int32_t r = 0; r < kRecords; ++r)
      EXPECT_EQ(values[static_cast<size_t>(r)], sample_subdistrict(m, r * kEvery));
  }
}

TEST_F(RunFileTest, CourtyardsTableHoldsTheStaticDescription) {
  const Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  write_run(path("run.h5"), model, kMetrics, kSteps);
  H5 file(H5Fopen(path("run.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));

  // strings: UTF-8 names, "" as the kind of an explicitly described courtyard (c = 2)
  const auto names = read_strings(file, "/courtyards/name");
  ASSERT_EQ(names.size(), static_cast<size_t>(kCourtyards));
  EXPECT_EQ(names[0], "courtyard 0 东院");
  EXPECT_EQ(names[4], "courtyard 4");
  EXPECT_EQ(
      read_strings(file, "/courtyards/kind"),
      (std::vector<std::string>{"danwei_1980s", "commercial_2000s", "", "commercial_2000s", "danwei_1980s"}));
  EXPECT_EQ(read_strings(file, "/courtyards/community"),
            (std::vector<std::string>{"north", "south", "north", "south", "north"}));
  EXPECT_EQ(read_strings(file, "/courtyards/management"),
            (std::vector<std::string>{"none", "self", "company", "none", "self"}));

  // numbers as in the model
  EXPECT_EQ(read_all<int32_t>(file, "/courtyards/households", H5T_NATIVE_INT32),
            (std::vector<int32_t>{10, 11, 12, 13, 14}));
  EXPECT_EQ(read_all<int32_t>(file, "/courtyards/stairwells", H5T_NATIVE_INT32),
            (std::vector<int32_t>{1, 2, 3, 4, 1}));
  EXPECT_EQ(read_all<int32_t>(file, "/courtyards/floors", H5T_NATIVE_INT32),
            (std::vector<int32_t>{5, 6, 7, 5, 6}));
  EXPECT_EQ(read_all<int32_t>(file, "/courtyards/build_year", H5T_NATIVE_INT32),
            (std::vector<int32_t>{1980, 1981, 1982, 1983, 1984}));
  EXPECT_EQ(read_all<double>(file, "/courtyards/fee_per_month", H5T_NATIVE_DOUBLE),
            (std::vector<double>{0, 0.5, 1, 1.5, 2}));
  EXPECT_EQ(read_all<double>(file, "/courtyards/initial_fund", H5T_NATIVE_DOUBLE),
            (std::vector<double>{1000, 1001, 1002, 1003, 1004}));
  EXPECT_EQ(read_all<double>(file, "/courtyards/flat_area_m2", H5T_NATIVE_DOUBLE),
            (std::vector<double>{55.25, 56.25, 57.25, 58.25, 59.25}));
  EXPECT_EQ(read_all<int64_t>(file, "/courtyards/household_offset", H5T_NATIVE_INT64),
            model.household_offset);

  // every column described and on the courtyard scale; household_offset (n+1) on its own dimension
  H5 scale(H5Dopen2(file, "/courtyards/courtyard", H5P_DEFAULT));
  EXPECT_GT(H5DSis_scale(scale), 0);
  EXPECT_EQ(read_all<int32_t>(file, "/courtyards/courtyard", H5T_NATIVE_INT32),
            (std::vector<int32_t>{0, 1, 2, 3, 4}));
  for (const char* col : {"name", "kind", "community", "households", "stairwells", "floors", "build_year",
                          "fee_per_month", "initial_fund", "flat_area_m2", "management"}) {
    H5 ds(H5Dopen2(file, (std::string("/courtyards/") + col).c_str(), H5P_DEFAULT));
    EXPECT_GT(H5DSis_attached(ds, scale, 0), 0) << col;
    EXPECT_FALSE(attr_string(ds, "long_name").empty()) << col;
    EXPECT_EQ(attr_string(ds, "units").rfind("<missing", 0), std::string::npos) << col;
  }
  EXPECT_EQ(attr_string(H5(H5Dopen2(file, "/courtyards/fee_per_month", H5P_DEFAULT)), "units"), "yuan");
  H5 offset(H5Dopen2(file, "/courtyards/household_offset", H5P_DEFAULT));
  EXPECT_EQ(H5DSis_attached(offset, scale, 0), 0);
  EXPECT_EQ(attr_string(offset, "units"), "1");
  EXPECT_EQ(H5DSget_num_scales(offset, 0), 1);
}

TEST_F(RunFileTest, EventsRoundTripWithEnumNames) {
  // more events than one write buffer (4096), given in two calls
  Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  std::vector<Event> events;
  for (int32_t i = 0; i < 5000; ++i) {
    Event e;
    e.step = i / 250;
    e.courtyard = i % 5;
    e.type = static_cast<EventType>(i % static_cast<int>(EventType::kCount));
    e.rule = static_cast<int16_t>(i % 4);
    e.subject = i;
    e.caller = -i;
    e.attendees = i % 50;
    e.yes = i % 7;
    e.no = i % 11;
    e.abstain = i % 3;
    e.outcome = i % 2;
    e.amount = 0.5 * i;
    e.share = static_cast<float>(i) / 5000.f;
    events.push_back(e);
  }
  {
    RunFile file(path("run.h5"), false, model, sample_metrics(1), kInfo);
    file.append_events(std::span<const Event>(events).first(3000));
    file.append_events(std::span<const Event>(events).subspan(3000));
    file.finish(true, kSteps);
  }
  H5 file(H5Fopen(path("run.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  H5 ds(H5Dopen2(file, "/events", H5P_DEFAULT));
  std::vector<hsize_t> maxdims;
  EXPECT_EQ(dims_of(ds, &maxdims), (std::vector<hsize_t>{5000}));
  EXPECT_EQ(maxdims[0], H5S_UNLIMITED);
  H5 dcpl(H5Dget_create_plist(ds));
  hsize_t chunk = 0;
  EXPECT_EQ(H5Pget_chunk(dcpl, 1, &chunk), 1);
  EXPECT_EQ(chunk, 4096u);
  // its axis is the value-less dimension /event, kept at the table's length
  H5 dim(H5Dopen2(file, "/event", H5P_DEFAULT));
  EXPECT_GT(H5DSis_scale(dim), 0);
  EXPECT_GT(H5DSis_attached(ds, dim, 0), 0);
  EXPECT_EQ(dims_of(dim), (std::vector<hsize_t>{5000}));

  // the stored type: compound with the documented members, "type" an enum named by event_type_name
  H5 ftype(H5Dget_type(ds));
  ASSERT_EQ(H5Tget_class(ftype), H5T_COMPOUND);
  const std::vector<std::string> fields = {"step",    "courtyard", "type", "rule", "subject",
                                           "caller",  "attendees", "yes",  "no",   "abstain",
                                           "outcome", "amount",    "share", "staff_hours", "volunteer_hours",
                                           "payer",   "wait_weeks"};
  ASSERT_EQ(H5Tget_nmembers(ftype), static_cast<int>(fields.size()));
  for (unsigned i = 0; i < fields.size(); ++i) {
    char* n = H5Tget_member_name(ftype, i);
    EXPECT_EQ(std::string(n), fields[i]);
    H5free_memory(n);
  }
  H5 etype(H5Tget_member_type(ftype, 2));
  ASSERT_EQ(H5Tget_class(etype), H5T_ENUM);
  EXPECT_EQ(H5Tget_size(etype), 2u);
  ASSERT_EQ(H5Tget_nmembers(etype), static_cast<int>(EventType::kCount));
  for (int16_t v = 0; v < static_cast<int16_t>(EventType::kCount); ++v) {
    char n[64] = "";
    ASSERT_GE(H5Tenum_nameof(etype, &v, n, sizeof n), 0);
    EXPECT_STREQ(n, event_type_name(static_cast<EventType>(v)));
  }

  // every field back as written (read into a plain struct, the enum through its own native type)
  struct Row {
    int32_t step, courtyard;
    int16_t type, rule;
    int32_t subject, caller, attendees, yes, no, abstain, outcome;
    double amount;
    float share;
  };
  H5 native_enum(H5Tget_native_type(etype, H5T_DIR_ASCEND));
  H5 mem(H5Tcreate(H5T_COMPOUND, sizeof(Row)));
  H5Tinsert(mem, "step", HOFFSET(Row, step), H5T_NATIVE_INT32);
  H5Tinsert(mem, "courtyard", HOFFSET(Row, courtyard), H5T_NATIVE_INT32);
  H5Tinsert(mem, "type", HOFFSET(Row, type), native_enum);
  H5Tinsert(mem, "rule", HOFFSET(Row, rule), H5T_NATIVE_INT16);
  H5Tinsert(mem, "subject", HOFFSET(Row, subject), H5T_NATIVE_INT32);
  H5Tinsert(mem, "caller", HOFFSET(Row, caller), H5T_NATIVE_INT32);
  H5Tinsert(mem, "attendees", HOFFSET(Row, attendees), H5T_NATIVE_INT32);
  H5Tinsert(mem, "yes", HOFFSET(Row, yes), H5T_NATIVE_INT32);
  H5Tinsert(mem, "no", HOFFSET(Row, no), H5T_NATIVE_INT32);
  H5Tinsert(mem, "abstain", HOFFSET(Row, abstain), H5T_NATIVE_INT32);
  H5Tinsert(mem, "outcome", HOFFSET(Row, outcome), H5T_NATIVE_INT32);
  H5Tinsert(mem, "amount", HOFFSET(Row, amount), H5T_NATIVE_DOUBLE);
  H5Tinsert(mem, "share", HOFFSET(Row, share), H5T_NATIVE_FLOAT);
  std::vector<Row> rows(5000);
  ASSERT_GE(H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()), 0);
  for (size_t i = 0; i < rows.size(); ++i) {
    const Event& e = events[i];
    const Row& r = rows[i];
    ASSERT_TRUE(r.step == e.step && r.courtyard == e.courtyard && r.type == static_cast<int16_t>(e.type) &&
                r.rule == e.rule && r.subject == e.subject && r.caller == e.caller &&
                r.attendees == e.attendees && r.yes == e.yes && r.no == e.no && r.abstain == e.abstain &&
                r.outcome == e.outcome && r.amount == e.amount && r.share == e.share)
        << "event " << i;
  }
  EXPECT_FALSE(attr_string(ds, "long_name").empty());
  EXPECT_FALSE(attr_string(ds, "amount_long_name").empty());
  EXPECT_EQ(attr_string(ds, "amount_units"), "yuan");
}

TEST_F(RunFileTest, ZeroEventsAndZeroRecordsGiveEmptyExtendableDatasets) {
  const Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  {
    RunFile file(path("run.h5"), false, model, sample_metrics(kMetrics), kInfo);
    file.finish(false, 0);
  }
  H5 file(H5Fopen(path("run.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  ASSERT_GE(file.id, 0);
  H5 events(H5Dopen2(file, "/events", H5P_DEFAULT));
  ASSERT_GE(events.id, 0);
  EXPECT_EQ(dims_of(events), (std::vector<hsize_t>{0}));
  H5 etype(H5Dget_type(events));
  EXPECT_EQ(H5Tget_class(etype), H5T_COMPOUND);
  H5 metric(H5Dopen2(file, "/timeseries/collection_rate", H5P_DEFAULT));
  EXPECT_EQ(dims_of(metric), (std::vector<hsize_t>{0, kCourtyards}));
  H5 time(H5Dopen2(file, "/timeseries/time", H5P_DEFAULT));
  EXPECT_EQ(dims_of(time), (std::vector<hsize_t>{0}));
}

TEST_F(RunFileTest, RootAttributesDescribeTheRun) {
  const Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  write_run(path("run.h5"), model, kMetrics, kSteps);
  H5 file(H5Fopen(path("run.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));

  EXPECT_EQ(attr_string(file, "engine_version"), "0.1.0-test");
  EXPECT_EQ(attr_string(file, "git_commit"), "0123456789ab");
  EXPECT_EQ(attr_string(file, "command_line"), "courtyard run sample.txtpb -o out.h5");
  EXPECT_EQ(attr_string(file, "created_utc"), "2026-01-02T03:04:05Z");
  EXPECT_EQ(attr_string(file, "scenario_name"), "sample");
  EXPECT_EQ(attr_string(file, "scenario_sha256"), std::string(64, 'a'));
  EXPECT_EQ(attr_string(file, "start_date"), "2015-01-05");
  EXPECT_EQ(attr_string(file, "conventions"), "CF-1.8");
  EXPECT_EQ(attr_string(file, "Conventions"), "CF-1.8");
  EXPECT_EQ(attr_string(file, "title"), "courtyard run: sample");
  EXPECT_EQ(attr_string(file, "status"), "complete");
  EXPECT_EQ((attr_value<uint64_t>(file, "seed", H5T_NATIVE_UINT64, H5T_STD_U64LE)), 18446744073709551557ull);
  EXPECT_EQ((attr_value<int32_t>(file, "steps_planned", H5T_NATIVE_INT32, H5T_STD_I32LE)), kSteps);
  EXPECT_EQ((attr_value<int32_t>(file, "steps_done", H5T_NATIVE_INT32, H5T_STD_I32LE)), kSteps);
  EXPECT_EQ((attr_value<int32_t>(file, "record_every", H5T_NATIVE_INT32, H5T_STD_I32LE)), kEvery);
  EXPECT_EQ((attr_value<int8_t>(file, "complete", H5T_NATIVE_INT8, H5T_STD_I8LE)), 1);

  // the effective scenario, as a scalar UTF-8 string
  const auto text = read_strings(file, "/parameters/scenario.txtpb");
  ASSERT_EQ(text.size(), 1u);
  EXPECT_EQ(text[0], model.scenario_text);
  // the sample has no interventions: an empty list of their names
  EXPECT_TRUE(read_strings(file, "/parameters/intervention_name").empty());
}

TEST_F(RunFileTest, InterventionNamesAreListedByIndex) {
  Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  for (const char* name : {"cleaning campaign", "1-2-3-4: reception station", "修屋顶"}) {
    InterventionSpec iv;
    iv.name = name;
    model.interventions.push_back(iv);
  }
  write_run(path("run.h5"), model, kMetrics, kSteps);
  H5 file(H5Fopen(path("run.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  EXPECT_EQ(read_strings(file, "/parameters/intervention_name"),
            (std::vector<std::string>{"cleaning campaign", "1-2-3-4: reception station", "修屋顶"}));
  H5 ds(H5Dopen2(file, "/parameters/intervention_name", H5P_DEFAULT));
  H5 dim(H5Dopen2(file, "/parameters/intervention", H5P_DEFAULT));
  EXPECT_GT(H5DSis_scale(dim), 0);
  EXPECT_GT(H5DSis_attached(ds, dim, 0), 0);
  EXPECT_EQ(dims_of(dim), (std::vector<hsize_t>{3}));
  EXPECT_EQ(attr_string(ds, "units"), "1");
  EXPECT_FALSE(attr_string(ds, "long_name").empty());
}

TEST_F(RunFileTest, InterruptedRunIsMarkedIncomplete) {
  const Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  write_run(path("run.h5"), model, kMetrics, 9, false, true, false);  // records 0..8, stopped after step 9
  ASSERT_TRUE(fs::exists(path("run.h5")));
  H5 file(H5Fopen(path("run.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  EXPECT_EQ((attr_value<int8_t>(file, "complete", H5T_NATIVE_INT8, H5T_STD_I8LE)), 0);
  EXPECT_EQ(attr_string(file, "status"), "interrupted");
  EXPECT_EQ((attr_value<int32_t>(file, "steps_done", H5T_NATIVE_INT32, H5T_STD_I32LE)), 9);
  EXPECT_EQ((attr_value<int32_t>(file, "steps_planned", H5T_NATIVE_INT32, H5T_STD_I32LE)), kSteps);
  // the records written so far are all there (one full block and a partial one)
  EXPECT_EQ(read_all<int32_t>(file, "/timeseries/step", H5T_NATIVE_INT32),
            (std::vector<int32_t>{0, 2, 4, 6, 8}));
  // and `courtyard info` says so
  const std::string text = describe_run_file(path("run.h5"));
  EXPECT_NE(text.find("interrupted (complete=0"), std::string::npos) << text;
  EXPECT_NE(text.find("9 of 20 done"), std::string::npos) << text;
}

TEST_F(RunFileTest, StatusIsRunningWhileTheTemporaryFileIsWritten) {
  const Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  RunFile file(path("run.h5"), false, model, sample_metrics(kMetrics), kInfo);
  EXPECT_EQ(file.path(), path("run.h5"));
  EXPECT_FALSE(fs::exists(path("run.h5")));
  ASSERT_TRUE(fs::exists(temp_path("run.h5")));
  {
    // HDF5 refuses a second open of a file that is open for writing in this process: reopen read-only
    // through the same library is allowed, and the attributes written at creation are there
    H5 f(H5Fopen(temp_path("run.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
    ASSERT_GE(f.id, 0);
    EXPECT_EQ(attr_string(f, "status"), "running");
    EXPECT_EQ((attr_value<int8_t>(f, "complete", H5T_NATIVE_INT8, H5T_STD_I8LE)), 0);
  }
  file.finish(true, kSteps);
  EXPECT_TRUE(fs::exists(path("run.h5")));
  EXPECT_FALSE(fs::exists(temp_path("run.h5")));
}

TEST_F(RunFileTest, ExistingFileIsRefusedWithoutForce) {
  std::ofstream(path("run.h5")) << "keep me";
  const Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  try {
    RunFile file(path("run.h5"), false, model, sample_metrics(kMetrics), kInfo);
    FAIL() << "no OutputCreateError";
  } catch (const OutputCreateError& e) {
    EXPECT_EQ(std::string(e.what()), path("run.h5") + " exists; use --force to overwrite");
  }
  EXPECT_EQ(read_text_file(path("run.h5")), "keep me");
  EXPECT_FALSE(fs::exists(temp_path("run.h5")));
}

TEST_F(RunFileTest, ForceReplacesTheExistingFileOnlyWhenFinished) {
  std::ofstream(path("run.h5")) << "old";
  const Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  {
    RunFile file(path("run.h5"), true, model, sample_metrics(kMetrics), kInfo);
    std::vector<float> cy;
    std::vector<double> sd;
    sample_record(kMetrics, kCourtyards, 0, &cy, &sd);
    file.append_record(0, cy, sd);
    EXPECT_EQ(read_text_file(path("run.h5")), "old");  // untouched until finish
    file.finish(true, kSteps);
  }
  EXPECT_GT(H5Fis_hdf5(path("run.h5").c_str()), 0);
  EXPECT_FALSE(fs::exists(temp_path("run.h5")));
}

TEST_F(RunFileTest, ForcedRunThatFailsKeepsTheOldFile) {
  std::ofstream(path("run.h5")) << "old";
  const Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  { RunFile file(path("run.h5"), true, model, sample_metrics(kMetrics), kInfo); }  // destroyed without finish
  EXPECT_EQ(read_text_file(path("run.h5")), "old");
  EXPECT_FALSE(fs::exists(temp_path("run.h5")));
}

TEST_F(RunFileTest, DestroyedWithoutFinishLeavesNothing) {
  const Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  {
    RunFile file(path("run.h5"), false, model, sample_metrics(kMetrics), kInfo);
    std::vector<float> cy;
    std::vector<double> sd;
    for (int32_t s = 0; s < 6; ++s) {
      sample_record(kMetrics, kCourtyards, s, &cy, &sd);
      file.append_record(s, cy, sd);
    }
    ASSERT_TRUE(fs::exists(temp_path("run.h5")));
  }
  EXPECT_FALSE(fs::exists(path("run.h5")));
  EXPECT_FALSE(fs::exists(temp_path("run.h5")));
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(RunFileTest, MissingFolderIsACreateError) {
  const Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  const std::string p = path("no/such/folder/run.h5");
  try {
    RunFile file(p, false, model, sample_metrics(kMetrics), kInfo);
    FAIL() << "no OutputCreateError";
  } catch (const OutputCreateError& e) {
    EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
  }
}

TEST_F(RunFileTest, TemporaryFileThatCannotBeCreatedIsACreateErrorWithTheReason) {
  // a folder squats on the temporary name: the system's reason comes through (this works as root too)
  fs::create_directories(temp_path("run.h5"));
  const Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  try {
    RunFile file(path("run.h5"), false, model, sample_metrics(kMetrics), kInfo);
    FAIL() << "no OutputCreateError";
  } catch (const OutputCreateError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cannot create the temporary file " + temp_path("run.h5") + " for " + path("run.h5")),
              std::string::npos)
        << what;
    EXPECT_NE(what.find(std::strerror(EISDIR)), std::string::npos) << what;
  }
  EXPECT_FALSE(fs::exists(path("run.h5")));
}

TEST_F(RunFileTest, ChunksAreCappedNear4MiB) {
  // 200000 courtyards: a row is 800 kB, so a 52-record chunk would be 41.6 MB; the chunk keeps the
  // largest divisor of 52 that fits 4 MiB (5 rows would; 4 divides 52)
  const int32_t n = 200000;
  Model model = make_sample_model(n, 52, 10, 1);
  {
    RunFile file(path("big.h5"), false, model, sample_metrics(1), kInfo);
    std::vector<float> cy;
    std::vector<double> sd;
    for (int32_t s = 0; s <= 6; ++s) {  // 7 records: one full chunk of 4 and a partial one of 3
      sample_record(1, n, s, &cy, &sd);
      file.append_record(s, cy, sd);
    }
    file.finish(false, 6);
  }
  H5 file(H5Fopen(path("big.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  H5 ds(H5Dopen2(file, "/timeseries/collection_rate", H5P_DEFAULT));
  H5 dcpl(H5Dget_create_plist(ds));
  hsize_t chunk[2] = {0, 0};
  ASSERT_EQ(H5Pget_chunk(dcpl, 2, chunk), 2);
  EXPECT_EQ(chunk[0], 4u);
  EXPECT_EQ(chunk[1], static_cast<hsize_t>(n));
  EXPECT_LE(chunk[0] * chunk[1] * sizeof(float), 4u << 20);
  const auto values = read_all<float>(file, "/timeseries/collection_rate", H5T_NATIVE_FLOAT);
  ASSERT_EQ(values.size(), static_cast<size_t>(7) * n);
  for (int32_t s = 0; s <= 6; ++s)
    for (int32_t c = 0; c < n; c += 997)
      ASSERT_EQ(values[static_cast<size_t>(s) * n + static_cast<size_t>(c)], sample_value(0, s, c));
}

TEST_F(RunFileTest, SameInputsGiveIdenticalBytes) {
  const Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  write_run(path("a.h5"), model, kMetrics, kSteps);
  write_run(path("b.h5"), model, kMetrics, kSteps);
  const std::string a = read_text_file(path("a.h5")), b = read_text_file(path("b.h5"));
  ASSERT_FALSE(a.empty());
  EXPECT_TRUE(a == b) << "files differ";
}

TEST_F(RunFileTest, BadInputsAreRejected) {
  const Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  auto metrics = sample_metrics(2);
  metrics[1].name = "time";
  EXPECT_THROW(RunFile(path("a.h5"), false, model, metrics, kInfo), std::invalid_argument);
  metrics[1].name = metrics[0].name;
  EXPECT_THROW(RunFile(path("a.h5"), false, model, metrics, kInfo), std::invalid_argument);
  EXPECT_FALSE(fs::exists(path("a.h5")));

  RunFile file(path("a.h5"), false, model, sample_metrics(2), kInfo);
  std::vector<float> cy(3);
  std::vector<double> sd(2);
  EXPECT_THROW(file.append_record(0, cy, sd), std::invalid_argument);
}

TEST_F(RunFileTest, DescribeSummarisesTheFile) {
  const Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  write_run(path("run.h5"), model, kMetrics, kSteps);
  const std::string text = describe_run_file(path("run.h5"));
  SCOPED_TRACE(text);
  for (const char* expected :
       {"courtyard run: sample", "0.1.0-test", "0123456789ab", "18446744073709551557", "2026-01-02T03:04:05Z",
        "courtyard run sample.txtpb -o out.h5", "complete", "20 of 20", "start date  2015-01-05",
        "courtyards  5", "records     11, 2015-01-05 to 2015-05-25 (steps 0 to 20)", "metrics     3",
        "collection_rate", "[yuan]", "maintenance fund balance", "events      21", "meeting", "levy"})
    EXPECT_NE(text.find(expected), std::string::npos) << "missing: " << expected;
  // sample_events: steps 1, 4, ..., 19 x courtyards 0, 2, 4 (21 events), cycling through the 11 types:
  // 2 of each of the first ten, 1 of the last
  EXPECT_NE(text.find("intervention_start     2"), std::string::npos);
  EXPECT_NE(text.find("levy                   2"), std::string::npos);
  EXPECT_NE(text.find("unpaid                 2"), std::string::npos);
  EXPECT_NE(text.find("company_left           1"), std::string::npos);
}

// --- household snapshots (/households) ---

// Records for steps 0, every, ... <= last with the sample snapshot of model.output.household_snapshots.
void write_snapshot_run(const std::string& path, const Model& model, int32_t last, bool complete = true) {
  const size_t nh = snapshot_households(model).size();
  RunFile file(path, false, model, sample_metrics(kMetrics), kInfo, sample_layout(model));
  std::vector<float> cy;
  std::vector<double> sd;
  std::vector<int8_t> tenure, paid, civic;
  for (int32_t s = 0; s <= last; s += model.output.record_every) {
    sample_record(kMetrics, model.ncourtyard(), s, &cy, &sd);
    sample_snapshot(nh, s, &tenure, &paid, &civic);
    file.append_record(s, cy, sd, HouseholdSnapshot{tenure, paid, civic});
  }
  file.finish(complete, last);
}

TEST_F(RunFileTest, SnapshotHouseholdsAreTheFlatsOfTheNamedCourtyardsInOrder) {
  Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);  // households 10, 11, 12, 13, 14
  EXPECT_TRUE(snapshot_households(model).empty());
  model.output.household_snapshots = {1, 3};
  const auto ids = snapshot_households(model);
  ASSERT_EQ(ids.size(), 24u);  // 11 + 13
  EXPECT_EQ(ids.front(), 10);  // courtyard 1 starts after courtyard 0's 10 flats
  EXPECT_EQ(ids[10], 20);
  EXPECT_EQ(ids[11], 33);  // courtyard 3 starts at 10 + 11 + 12
  EXPECT_EQ(ids.back(), 45);
  model.output.household_snapshots = {3, 1};
  EXPECT_THROW(snapshot_households(model), std::invalid_argument);
  model.output.household_snapshots = {1, 1};
  EXPECT_THROW(snapshot_households(model), std::invalid_argument);
  model.output.household_snapshots = {5};
  EXPECT_THROW(snapshot_households(model), std::invalid_argument);
  model.output.household_snapshots = {-1};
  EXPECT_THROW(snapshot_households(model), std::invalid_argument);
}

TEST_F(RunFileTest, HouseholdSnapshotsRoundTrip) {
  Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  model.output.household_snapshots = {1, 3};
  const size_t nh = 24;
  write_snapshot_run(path("run.h5"), model, kSteps);
  H5 file(H5Fopen(path("run.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  ASSERT_GE(file.id, 0);
  H5 group(H5Gopen2(file, "/households", H5P_DEFAULT));
  ASSERT_GE(group.id, 0);
  EXPECT_FALSE(attr_string(group, "long_name").empty());

  // time and step: the same records as /timeseries, on the group's own time scale
  EXPECT_EQ(read_all<double>(file, "/households/time", H5T_NATIVE_DOUBLE),
            read_all<double>(file, "/timeseries/time", H5T_NATIVE_DOUBLE));
  EXPECT_EQ(read_all<int32_t>(file, "/households/step", H5T_NATIVE_INT32),
            read_all<int32_t>(file, "/timeseries/step", H5T_NATIVE_INT32));
  H5 time(H5Dopen2(file, "/households/time", H5P_DEFAULT));
  H5 household(H5Dopen2(file, "/households/household", H5P_DEFAULT));
  char name[32] = "";
  ASSERT_GT(H5DSis_scale(time), 0);
  EXPECT_GT(H5DSget_scale_name(time, name, sizeof name), 0);
  EXPECT_STREQ(name, "time");
  EXPECT_EQ(attr_string(time, "units"), "days since 2015-01-05");
  EXPECT_EQ(attr_string(time, "calendar"), "proleptic_gregorian");
  ASSERT_GT(H5DSis_scale(household), 0);
  EXPECT_GT(H5DSget_scale_name(household, name, sizeof name), 0);
  EXPECT_STREQ(name, "household");
  H5 household_type(H5Dget_type(household));
  EXPECT_GT(H5Tequal(household_type, H5T_STD_I32LE), 0);

  // static columns: household 0..n-1, courtyard id and slot, stairwell and floor as given
  std::vector<int32_t> expect_ids(nh), expect_courtyard(nh), expect_slot(nh);
  for (size_t i = 0; i < nh; ++i) {
    expect_ids[i] = static_cast<int32_t>(i);
    expect_courtyard[i] = i < 11 ? 1 : 3;
    expect_slot[i] = static_cast<int32_t>(i < 11 ? i : i - 11);
  }
  EXPECT_EQ(read_all<int32_t>(file, "/households/household", H5T_NATIVE_INT32), expect_ids);
  EXPECT_EQ(read_all<int32_t>(file, "/households/courtyard", H5T_NATIVE_INT32), expect_courtyard);
  EXPECT_EQ(read_all<int32_t>(file, "/households/slot", H5T_NATIVE_INT32), expect_slot);
  const HouseholdLayout layout = sample_layout(model);
  EXPECT_EQ(read_all<int16_t>(file, "/households/stairwell", H5T_NATIVE_INT16), layout.stairwell);
  EXPECT_EQ(read_all<int16_t>(file, "/households/floor", H5T_NATIVE_INT16), layout.floor);
  for (const char* col : {"courtyard", "slot", "stairwell", "floor"}) {
    H5 ds(H5Dopen2(file, (std::string("/households/") + col).c_str(), H5P_DEFAULT));
    EXPECT_EQ(dims_of(ds), (std::vector<hsize_t>{nh})) << col;
    EXPECT_GT(H5DSis_attached(ds, household, 0), 0) << col;
    EXPECT_EQ(attr_string(ds, "units"), "1") << col;
    EXPECT_FALSE(attr_string(ds, "long_name").empty()) << col;
  }
  H5 stairwell(H5Dopen2(file, "/households/stairwell", H5P_DEFAULT));
  H5 stairwell_type(H5Dget_type(stairwell));
  EXPECT_GT(H5Tequal(stairwell_type, H5T_STD_I16LE), 0);

  // tenure, paid and civic: (time, household) int8, every value as given, chunked and deflated
  for (const char* var : {"tenure", "paid", "civic"}) {
    SCOPED_TRACE(var);
    const std::string p = std::string("/households/") + var;
    H5 ds(H5Dopen2(file, p.c_str(), H5P_DEFAULT));
    std::vector<hsize_t> maxdims;
    EXPECT_EQ(dims_of(ds, &maxdims), (std::vector<hsize_t>{kRecords, nh}));
    EXPECT_EQ(maxdims, (std::vector<hsize_t>{H5S_UNLIMITED, nh}));
    H5 type(H5Dget_type(ds));
    EXPECT_GT(H5Tequal(type, H5T_STD_I8LE), 0);
    H5 dcpl(H5Dget_create_plist(ds));
    hsize_t chunk[2] = {0, 0};
    ASSERT_EQ(H5Pget_chunk(dcpl, 2, chunk), 2);
    EXPECT_EQ(chunk[0], static_cast<hsize_t>(kBlock));
    EXPECT_EQ(chunk[1], nh);
    ASSERT_EQ(H5Pget_nfilters(dcpl), 1);
    unsigned flags = 0;
    size_t nvalues = 0;
    EXPECT_EQ(H5Pget_filter2(dcpl, 0, &flags, &nvalues, nullptr, 0, nullptr, nullptr), H5Z_FILTER_DEFLATE);
    EXPECT_GT(H5DSis_attached(ds, time, 0), 0);
    EXPECT_GT(H5DSis_attached(ds, household, 1), 0);
    EXPECT_EQ(attr_string(ds, "units"), "1");
    EXPECT_FALSE(attr_string(ds, "long_name").empty());

    const auto values = read_all<int8_t>(file, p.c_str(), H5T_NATIVE_INT8);
    ASSERT_EQ(values.size(), kRecords * nh);
    for (int32_t r = 0; r < kRecords; ++r)
      for (size_t i = 0; i < nh; ++i) {
        const int8_t expected = std::string(var) == "tenure" ? sample_tenure(r * kEvery, i)
                                : std::string(var) == "paid" ? sample_paid(r * kEvery, i)
                                                             : sample_civic(r * kEvery, i);
        ASSERT_EQ(values[static_cast<size_t>(r) * nh + i], expected) << "record " << r << " household " << i;
      }
  }

  // CF flag attributes
  H5 tenure(H5Dopen2(file, "/households/tenure", H5P_DEFAULT));
  EXPECT_EQ(attr_string(tenure, "flag_meanings"), "owner_occupier renter vacant");
  H5 flags(H5Aopen(tenure, "flag_values", H5P_DEFAULT));
  H5 flags_type(H5Aget_type(flags));
  EXPECT_GT(H5Tequal(flags_type, H5T_STD_I8LE), 0);
  H5 flags_space(H5Aget_space(flags));
  EXPECT_EQ(H5Sget_simple_extent_npoints(flags_space), 3);
  int8_t flag_values[3] = {-1, -1, -1};
  ASSERT_GE(H5Aread(flags, H5T_NATIVE_INT8, flag_values), 0);
  EXPECT_EQ(flag_values[0], 0);
  EXPECT_EQ(flag_values[1], 1);
  EXPECT_EQ(flag_values[2], 2);
  H5 paid(H5Dopen2(file, "/households/paid", H5P_DEFAULT));
  EXPECT_EQ(attr_string(paid, "flag_meanings"), "not_paid paid");
  H5 civic(H5Dopen2(file, "/households/civic", H5P_DEFAULT));
  EXPECT_EQ(attr_string(civic, "flag_meanings"),
            "attended levy_paid levy_asked persuaded last_levy_asked last_levy_paid last_levy_persuaded");
  H5 masks(H5Aopen(civic, "flag_masks", H5P_DEFAULT));
  int8_t mask_values[7] = {};
  ASSERT_GE(H5Aread(masks, H5T_NATIVE_INT8, mask_values), 0);
  EXPECT_EQ(mask_values[0], 1);
  EXPECT_EQ(mask_values[6], 64);
  EXPECT_LE(H5Aexists(civic, "flag_values"), 0);  // bits, not values

  // and `courtyard info` mentions them: what each record holds and what is fixed, as the file has them
  const std::string text = describe_run_file(path("run.h5"));
  EXPECT_NE(text.find("snapshots   24 households of 2 courtyards, 11 records (tenure, paid, civic); "
                      "fixed: slot, stairwell, floor\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("1  courtyard 1 (11 households)"), std::string::npos) << text;
  EXPECT_NE(text.find("3  courtyard 3 (13 households)"), std::string::npos) << text;
}

// `courtyard info` names the snapshot datasets the file holds, not a fixed list: a file without /households/civic
// (as written before the civic flags were recorded) is described without it.
TEST_F(RunFileTest, InfoNamesTheSnapshotDatasetsTheFileHolds) {
  Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  model.output.household_snapshots = {0};
  write_snapshot_run(path("run.h5"), model, kSteps, true);
  {
    H5 file(H5Fopen(path("run.h5").c_str(), H5F_ACC_RDWR, H5P_DEFAULT));
    ASSERT_GE(file.id, 0);
    ASSERT_GE(H5Ldelete(file, "/households/civic", H5P_DEFAULT), 0);
  }
  const std::string text = describe_run_file(path("run.h5"));
  EXPECT_NE(text.find(" records (tenure, paid); fixed: slot, stairwell, floor\n"), std::string::npos) << text;
}

TEST_F(RunFileTest, InterruptedRunKeepsTheSnapshotsOfItsRecords) {
  Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  model.output.household_snapshots = {0};
  write_snapshot_run(path("run.h5"), model, 9, false);  // records 0..8: a full block and a partial one
  H5 file(H5Fopen(path("run.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  EXPECT_EQ(read_all<int32_t>(file, "/households/step", H5T_NATIVE_INT32),
            (std::vector<int32_t>{0, 2, 4, 6, 8}));
  const auto tenure = read_all<int8_t>(file, "/households/tenure", H5T_NATIVE_INT8);
  ASSERT_EQ(tenure.size(), 5u * 10u);
  for (size_t r = 0; r < 5; ++r)
    for (size_t i = 0; i < 10; ++i)
      ASSERT_EQ(tenure[r * 10 + i], sample_tenure(static_cast<int32_t>(2 * r), i));
}

TEST_F(RunFileTest, WithoutSnapshotsThereIsNoHouseholdsGroup) {
  const Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  write_run(path("run.h5"), model, kMetrics, kSteps);
  H5 file(H5Fopen(path("run.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  EXPECT_EQ(H5Lexists(file, "households", H5P_DEFAULT), 0);
  EXPECT_NE(describe_run_file(path("run.h5")).find("snapshots   none"), std::string::npos);
}

TEST_F(RunFileTest, BadSnapshotInputsAreRejected) {
  Model model = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  model.output.household_snapshots = {2};  // 12 households
  std::vector<float> cy;
  std::vector<double> sd;
  sample_record(kMetrics, kCourtyards, 0, &cy, &sd);

  // the layout must match the snapshot households (and a model without snapshots takes none)
  HouseholdLayout short_layout = sample_layout(model);
  short_layout.floor.pop_back();
  EXPECT_THROW(RunFile(path("a.h5"), false, model, sample_metrics(kMetrics), kInfo, short_layout),
               std::invalid_argument);
  EXPECT_THROW(RunFile(path("a.h5"), false, model, sample_metrics(kMetrics), kInfo), std::invalid_argument);
  const Model plain = make_sample_model(kCourtyards, kBlock, kSteps, kEvery);
  EXPECT_THROW(RunFile(path("a.h5"), false, plain, sample_metrics(kMetrics), kInfo, sample_layout(model)),
               std::invalid_argument);
  EXPECT_FALSE(fs::exists(path("a.h5")));

  RunFile file(path("a.h5"), false, model, sample_metrics(kMetrics), kInfo, sample_layout(model));
  std::vector<int8_t> tenure(12, 0), paid(12, 1), civic(12, 0);
  EXPECT_THROW(file.append_record(0, cy, sd), std::invalid_argument);  // the snapshot is missing
  EXPECT_THROW(file.append_record(0, cy, sd, HouseholdSnapshot{std::span<const int8_t>(tenure).first(11), paid, civic}),
               std::invalid_argument);
  tenure[3] = 3;
  EXPECT_THROW(file.append_record(0, cy, sd, HouseholdSnapshot{tenure, paid, civic}), std::invalid_argument);
  tenure[3] = 2;
  paid[5] = 2;
  EXPECT_THROW(file.append_record(0, cy, sd, HouseholdSnapshot{tenure, paid, civic}), std::invalid_argument);
  paid[5] = 0;
  civic[7] = -1;  // outside 0..127
  EXPECT_THROW(file.append_record(0, cy, sd, HouseholdSnapshot{tenure, paid, civic}), std::invalid_argument);
  civic[7] = 9;
  file.append_record(0, cy, sd, HouseholdSnapshot{tenure, paid, civic});  // now well formed
  file.finish(false, 0);
  H5 f(H5Fopen(path("a.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  EXPECT_EQ(read_all<int8_t>(f, "/households/tenure", H5T_NATIVE_INT8), tenure);  // nothing rejected got in
  EXPECT_EQ(read_all<int8_t>(f, "/households/paid", H5T_NATIVE_INT8), paid);
  EXPECT_EQ(read_all<int8_t>(f, "/households/civic", H5T_NATIVE_INT8), civic);
}

TEST_F(RunFileTest, DescribeRejectsWhatIsNotAResultFile) {
  EXPECT_THROW(describe_run_file(path("missing.h5")), IoError);
  std::ofstream(path("text.h5")) << "not hdf5";
  EXPECT_THROW(describe_run_file(path("text.h5")), IoError);
  // an HDF5 file without the run attributes
  const hid_t f = H5Fcreate(path("plain.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  H5Fclose(f);
  try {
    describe_run_file(path("plain.h5"));
    FAIL() << "no IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("not a courtyard result file"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace courtyard
