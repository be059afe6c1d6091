// The result file's writer thread (engine/output/writer_thread.h) and what RunFile does with it: jobs in
// order, a failure carried back to the caller's thread, the fence, the stop signals kept off the
// thread, a full disk met on the writer thread reported by the caller as before. (That the bytes are
// those of the writer before it had a thread is tests/output/file_bytes_test.py.)
#include <gtest/gtest.h>
#include <hdf5.h>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/errors.h"
#include "output/run_file.h"
#include "output/writer_thread.h"
#include "sample_model.h"

namespace courtyard {
namespace {

namespace fs = std::filesystem;

// A write that fails part way leaves HDF5 unable to close the file; its clean-up at exit would then
// crash, as the program's main() knows (H5dont_atexit). Before any HDF5 call of this executable.
const bool kNoHdf5AtExit = [] { return H5dont_atexit() >= 0; }();

const RunFileInfo kInfo{"0.1.0-test", "0123456789ab", "courtyard run sample.txtpb -o out.h5",
                        "2026-01-02T03:04:05Z", "", ""};

TEST(WriterThreadTest, JobsRunInOrderAndDrainWaitsForThem) {
  std::vector<int> done;  // touched by the jobs only, until drain()
  WriterThread writer(nullptr);
  for (int i = 0; i < 200; ++i) writer.submit([&done, i] { done.push_back(i); });
  writer.drain();
  ASSERT_EQ(done.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(done[static_cast<size_t>(i)], i);
  EXPECT_FALSE(writer.failed());
  EXPECT_GE(writer.busy_seconds(), 0.0);
}

TEST(WriterThreadTest, TheFirstFailureIsRethrownOnTheCallersThreadAndLaterJobsNeverRun) {
  WriterThread writer(nullptr);
  bool first = false, after = false;
  writer.submit([&] { first = true; });
  writer.submit([] { throw IoError("no space left on device"); });
  writer.submit([&] { after = true; });
  try {
    writer.drain();
    FAIL() << "drain() did not rethrow";
  } catch (const IoError& e) {
    EXPECT_STREQ(e.what(), "no space left on device");
  }
  EXPECT_TRUE(first);
  EXPECT_FALSE(after);
  EXPECT_TRUE(writer.failed());
  // every later call says it again; nothing more is queued
  EXPECT_THROW(writer.rethrow_if_failed(), IoError);
  EXPECT_THROW(writer.submit([&] { after = true; }), IoError);
  EXPECT_THROW(writer.wait_for([] { return false; }), IoError);  // a wait that would never end ends
  writer.stop();
  EXPECT_FALSE(after);
}

TEST(WriterThreadTest, WaitForWakesWhenAJobHandsSomethingBack) {
  WriterThread writer(nullptr);
  int free_buffers = 0;  // under the writer's lock
  for (int i = 0; i < 5; ++i) {
    writer.submit([&] { writer.locked([&] { ++free_buffers; }); });
    writer.wait_for([&] { return free_buffers > 0; });
    writer.locked([&] { --free_buffers; });
  }
  writer.drain();
  EXPECT_EQ(free_buffers, 0);
}

TEST(WriterThreadTest, StopSignalsAreBlockedOnTheThreadOnly) {
  WriterThread writer(nullptr);
  bool blocked_there = false;
  writer.submit([&] {
    sigset_t set;
    pthread_sigmask(SIG_BLOCK, nullptr, &set);
    blocked_there = sigismember(&set, SIGTERM) == 1 && sigismember(&set, SIGINT) == 1 &&
                    sigismember(&set, SIGXFSZ) == 0;
  });
  writer.drain();
  EXPECT_TRUE(blocked_there);
  sigset_t here;
  pthread_sigmask(SIG_BLOCK, nullptr, &here);
  EXPECT_EQ(sigismember(&here, SIGTERM), 0);  // the caller still takes them
}

TEST(WriterThreadTest, TheStartFunctionRunsOnTheThreadFirst) {
  std::thread::id started, ran;
  WriterThread writer([&] { started = std::this_thread::get_id(); });
  writer.submit([&] { ran = std::this_thread::get_id(); });
  writer.drain();
  EXPECT_EQ(started, ran);
  EXPECT_NE(ran, std::this_thread::get_id());
}

class RunFileWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("courtyard_writer_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(RunFileWriterTest, BuffersBelowOneAreRejected) {
  const Model model = testing::make_sample_model(5, 4);
  RunFileBuffers none;
  none.slabs = 0;
  EXPECT_THROW(RunFile(path("a.h5"), false, model, testing::sample_metrics(2), kInfo, {}, none),
               std::invalid_argument);
  none = RunFileBuffers{};
  none.spare_records = -2;  // -1 is the default, 0 none
  EXPECT_THROW(RunFile(path("a.h5"), false, model, testing::sample_metrics(2), kInfo, {}, none),
               std::invalid_argument);
  none = RunFileBuffers{};
  none.event_buffers = 0;
  EXPECT_THROW(RunFile(path("a.h5"), false, model, testing::sample_metrics(2), kInfo, {}, none),
               std::invalid_argument);
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST(RunFileBuffersTest, RecordBuffersAreWholeSlabsAndSpareRecords) {
  RunFileBuffers b;  // the default: one slab and a quarter of one, at least one record more
  EXPECT_EQ(record_buffers(b, 13), 16);  // city_10k: chunks of 13 records
  EXPECT_EQ(record_buffers(b, 52), 65);
  EXPECT_EQ(record_buffers(b, 3), 4);
  EXPECT_EQ(record_buffers(b, 1), 2);
  b.slabs = 2;
  b.spare_records = 0;  // the writer before the pool: two whole slabs
  EXPECT_EQ(record_buffers(b, 13), 26);
  b.slabs = 1;
  EXPECT_EQ(record_buffers(b, 13), 13);  // the caller waits for each slab
  b.spare_records = 5;
  EXPECT_EQ(record_buffers(b, 13), 18);
}

TEST_F(RunFileWriterTest, TheWriterKeepsNoMoreRecordBuffersThanItsLimit) {
  // 9 courtyards, 4 metrics, blocks of 8 records (one chunk: a slab of 8), 81 records
  const Model model = testing::make_sample_model(9, 8, 80, 1);
  std::vector<float> cy;
  std::vector<double> sd;
  for (const char* setting : {"default", "1", "2+0", "1+3", "sync"}) {
    RunFileBuffers buffers;
    const std::string s = setting;
    if (s == "sync") buffers.background = false;
    if (s == "1") buffers.spare_records = 0;
    if (s == "2+0") buffers = RunFileBuffers{true, 2, 0, 4};
    if (s == "1+3") buffers.spare_records = 3;
    RunFile file(path(s + ".h5"), false, model, testing::sample_metrics(4), kInfo, {}, buffers);
    const RunFileMemory before = file.memory();
    EXPECT_EQ(before.chunk_time, 8) << s;
    EXPECT_EQ(before.record_bytes, 4 * 9 * 4) << s;  // nmetric x ncourtyard floats
    EXPECT_EQ(before.record_limit, record_buffers(buffers, 8)) << s;
    EXPECT_EQ(before.records_made, 0) << s;
    EXPECT_EQ(before.timeseries_chunk_cache, 0) << s;  // HDF5's default would be 1 MiB per metric
    int most = 0;
    for (int32_t step = 0; step <= 80; ++step) {
      testing::sample_record(4, 9, step, &cy, &sd);
      file.append_record(step, cy, sd);
      const RunFileMemory now = file.memory();
      EXPECT_LE(now.records_made, now.record_limit) << s << " at step " << step;
      most = std::max(most, now.records_made);
    }
    // a slab is filled before it is written: at least one slab's buffers were made; written on the
    // caller's thread, each slab's buffers come back before the next record, so exactly one slab's
    EXPECT_GE(most, 8) << s;
    if (s == "sync") {
      EXPECT_EQ(most, 8);
    }
    file.finish(true, 80);
  }
}

TEST_F(RunFileWriterTest, DrainIsAFenceAndTheWriterThreadsTimeIsCounted) {
  // 5 courtyards, blocks of 4 records: after 4 records and drain() the block is in the file
  const Model model = testing::make_sample_model(5, 4, 20, 2);
  std::vector<float> cy;
  std::vector<double> sd;
  for (const bool background : {true, false}) {
    RunFileBuffers buffers;
    buffers.background = background;
    const std::string p = path(background ? "bg.h5" : "sync.h5");
    RunFile file(p, false, model, testing::sample_metrics(3), kInfo, {}, buffers);
    for (int32_t s = 0; s < 8; s += 2) {
      testing::sample_record(3, 5, s, &cy, &sd);
      file.append_record(s, cy, sd);
    }
    file.drain();
    // the writer is through with HDF5: this thread may open the file itself
    const std::string temp = (dir_ / ("." + fs::path(p).filename().string() + ".tmp-" + std::to_string(::getpid())))
                                 .string();
    const hid_t f = H5Fopen(temp.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    ASSERT_GE(f, 0) << temp;
    const hid_t ds = H5Dopen2(f, "/timeseries/step", H5P_DEFAULT);
    const hid_t space = H5Dget_space(ds);
    hsize_t n = 0;
    H5Sget_simple_extent_dims(space, &n, nullptr);
    EXPECT_EQ(n, 4u) << (background ? "with" : "without") << " a writer thread";
    H5Sclose(space);
    H5Dclose(ds);
    H5Fclose(f);
    file.finish(false, 6);
    if (background)
      EXPECT_GT(file.background_seconds(), 0.0);
    else
      EXPECT_EQ(file.background_seconds(), 0.0);
  }
}

// Restores a resource limit and a signal's disposition when it goes.
struct FileSizeLimit {
  explicit FileSizeLimit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &old_limit);
    old_handler = std::signal(SIGXFSZ, SIG_IGN);  // writes past the limit fail with EFBIG instead
    rlimit lower = old_limit;
    lower.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &lower);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &old_limit);
    std::signal(SIGXFSZ, old_handler);
  }
  rlimit old_limit{};
  void (*old_handler)(int) = nullptr;
};

TEST_F(RunFileWriterTest, AFullDiskMetOnTheWriterThreadIsAnIoErrorOfTheCallerNamingTheFile) {
  // 20,000 courtyards of noise (incompressible), blocks of 2 records: the first block is about 160 kB,
  // past a 64 kB limit on file size; the writer thread's write fails and a later call of the caller
  // says so, as the IoError the caller's own write would have been
  ASSERT_TRUE(kNoHdf5AtExit);
  const int32_t n = 20000;
  const Model model = testing::make_sample_model(n, 2, 40, 1);
  const std::string p = path("full.h5");
  std::vector<float> cy(static_cast<size_t>(n));
  std::vector<double> sd(1, 0.0);
  uint32_t x = 12345;
  std::string message;
  int32_t appended = 0;
  {
    RunFile file(p, false, model, testing::sample_metrics(1), kInfo);
    const FileSizeLimit limit(64 * 1024);
    try {
      for (int32_t s = 0; s <= 40; ++s) {
        for (float& v : cy) {
          x = x * 1664525u + 1013904223u;
          v = static_cast<float>(x >> 8) / 16777216.0f;
        }
        file.append_record(s, cy, sd);
        ++appended;
      }
      file.finish(true, 40);
    } catch (const IoError& e) {
      message = e.what();
    }
  }  // destroyed: the temporary file goes
  ASSERT_FALSE(message.empty()) << "no IoError";
  EXPECT_EQ(message.rfind("writing " + p + ": ", 0), 0u) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_GE(appended, 2) << "the failure came before the first block was handed over";
  EXPECT_LT(appended, 41) << "the failure was not reported before finish()";  // the caller waits for a slab
  EXPECT_TRUE(fs::is_empty(dir_)) << "a file is left";
}

}  // namespace
}  // namespace courtyard
