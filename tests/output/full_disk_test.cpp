// A run file on a full disk (issue 13, item 4): the failure is an IoError with the system's reason, the
// folder is left empty, and the file's memory is given back. HDF5 1.10.8 (Debian 12) loses a file's whole
// metadata cache when it cannot write it out at close, megabytes per file, again with every failed run of
// a sweep that keeps going; RunFile discards such a file's writes before closing it so that HDF5 frees it
// (output/run_file.cpp, RunFile::Impl::abandon).
//
// Each case runs in a child process (a death test, re-executed: the suite's threads are not forked):
// the disk is made "full" there with RLIMIT_FSIZE and SIGXFSZ ignored, so writes fail with EFBIG, as
// root too. The child writes several files one after the other and measures the heap after each (glibc's
// mallinfo2, or AddressSanitizer's count in a sanitizer build); it exits 0 when every file failed
// cleanly and the heap did not grow from the second file to the last.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "core/errors.h"
#include "output/run_file.h"
#include "sample_model.h"

#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer's count of the bytes allocated now (sanitizer/allocator_interface.h, which GCC 12's
// Debian packages do not ship)
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace courtyard {
namespace {

namespace fs = std::filesystem;
using testing::make_sample_model;
using testing::sample_metrics;
using testing::sample_record;

const RunFileInfo kInfo{"0.1.0-test", "0123456789ab", "courtyard run sample.txtpb -o out.h5",
                        "2026-01-02T03:04:05Z", "", ""};

constexpr int kFiles = 6;

// Bytes the program holds on the heap now.
size_t heap_in_use() {
#if defined(__SANITIZE_ADDRESS__)
  return __sanitizer_get_current_allocated_bytes();
#else
  const struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
#endif
}

struct FullDiskCase {
  const char* name;
  int32_t ncourtyard, nmetric, block_records, steps;
  rlim_t limit_bytes;
  const char* failing;  // what the message says failed
};
void PrintTo(const FullDiskCase& c, std::ostream* os) { *os << c.name; }  // in the test names

// Removes the child's folder and ends the child.
[[noreturn]] void leave(const fs::path& dir, int code) {
  std::error_code ec;
  fs::remove_all(dir, ec);
  std::exit(code);
}

// In the child: write kFiles runs into a folder of its own on a disk of `c.limit_bytes`; exit 0 when all
// is well, otherwise print why and exit 1.
[[noreturn]] void write_on_full_disk(const FullDiskCase& c) {
  H5dont_atexit();  // as courtyard's main does: HDF5's clean-up at exit would crash on the failed files
  const fs::path dir = fs::temp_directory_path() /
                       ("courtyard_full_disk_test_" + std::to_string(::getpid()) + "_" + c.name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::signal(SIGXFSZ, SIG_IGN);
  rlimit lim{};
  getrlimit(RLIMIT_FSIZE, &lim);
  lim.rlim_cur = c.limit_bytes;
  if (setrlimit(RLIMIT_FSIZE, &lim) != 0) {
    std::perror("setrlimit");
    leave(dir, 1);
  }
  const Model model = make_sample_model(c.ncourtyard, c.block_records, c.steps, 1);
  std::vector<float> cy;
  std::vector<double> sd;
  std::vector<size_t> held;
  for (int i = 0; i < kFiles; ++i) {
    const std::string path = (dir / ("run-" + std::to_string(i) + ".h5")).string();
    std::string error;
    try {
      RunFile file(path, false, model, sample_metrics(c.nmetric), kInfo);
      for (int32_t s = 0; s <= c.steps; ++s) {
        sample_record(c.nmetric, c.ncourtyard, s, &cy, &sd);
        file.append_record(s, cy, sd);
      }
      file.finish(true, c.steps);
    } catch (const IoError& e) {
      error = e.what();
    }
    if (error.find("writing " + path + ": ") != 0 || error.find("File too large") == std::string::npos ||
        error.find(c.failing) == std::string::npos) {
      std::fprintf(stderr, "file %d: not the expected failure (%s): '%s'\n", i, c.failing, error.c_str());
      leave(dir, 1);
    }
    if (!fs::is_empty(dir)) {
      std::fprintf(stderr, "file %d: the folder is not empty\n", i);
      leave(dir, 1);
    }
    H5garbage_collect();  // HDF5's free lists give back what they keep for reuse
    held.push_back(heap_in_use());
  }
  std::string trace;
  for (const size_t h : held) trace += " " + std::to_string(h);
  // the first file sets up what stays (HDF5's tables, TBB); from the second on nothing may pile up
  const long long growth = static_cast<long long>(held.back()) - static_cast<long long>(held[1]);
  if (growth > 64 * 1024) {
    std::fprintf(stderr, "the heap grew by %lld bytes over %d failed files (held after each:%s)\n", growth,
                 kFiles - 2, trace.c_str());
    leave(dir, 1);
  }
  std::fprintf(stderr, "heap held after each file:%s\n", trace.c_str());
  leave(dir, 0);
}

class RunFileFullDiskTest : public ::testing::TestWithParam<FullDiskCase> {};

TEST_P(RunFileFullDiskTest, FailsWithTheReasonLeavesNothingAndGivesItsMemoryBack) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(write_on_full_disk(GetParam()), ::testing::ExitedWithCode(0), "heap held after each file");
}

// A failed chunk write while recording, and a failed flush of HDF5's metadata when closing (the data fit,
// the file's structure does not): the two ways a full disk shows, the second one what `sweep run` meets
// with small runs (tests/cli/faults_test.py).
INSTANTIATE_TEST_SUITE_P(
    Cases, RunFileFullDiskTest,
    ::testing::Values(FullDiskCase{"records", 200, 12, 8, 200, 64 * 1024, "writing /timeseries/"},
                      FullDiskCase{"closing", 3, 3, 4, 8, 12 * 1024, "flushing "}),
    [](const ::testing::TestParamInfo<FullDiskCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace courtyard
