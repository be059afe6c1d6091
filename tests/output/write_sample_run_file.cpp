// Writes a sample result file through RunFile, for tests/python/check_xarray.py and for timing.
//   write_sample_run_file OUT.h5 [--courtyards N] [--metrics M] [--block B] [--steps S] [--every E]
//                                [--events] [--snapshots C1,C2,...] [--interrupt-at S] [--force]
//                                [--interleave]
// --snapshots: record the households of these courtyard ids one by one (/households).
// --interleave: with --events, append each step's events just before the record that follows them
//   (as a run does) instead of all of them before the first record.
// COURTYARD_TEST_WRITER_BUFFERS (tests/output/file_bytes_test.py): "sync" writes on this thread (no
//   writer thread); N gives the writer N whole slabs and no spare records, N+R N slabs and R spare
//   records (RunFileBuffers).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "sample_model.h"

int main(int argc, char** argv) {
  using namespace courtyard;
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: %s OUT.h5 [--courtyards N] [--metrics M] [--block B] [--steps S] [--every E] "
                 "[--events] [--snapshots C1,C2,...] [--interrupt-at S] [--interleave] [--force]\n",
                 argv[0]);
    return 64;
  }
  const std::string out = argv[1];
  int ncourtyard = 7, nmetric = 3, block = 4, steps = 20, every = 2, interrupt_at = -1;
  bool events = false, force = false, interleave = false;
  std::vector<int32_t> snapshots;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() { return i + 1 < argc ? std::atoi(argv[++i]) : 0; };
    if (a == "--courtyards")
      ncourtyard = next();
    else if (a == "--metrics")
      nmetric = next();
    else if (a == "--block")
      block = next();
    else if (a == "--steps")
      steps = next();
    else if (a == "--every")
      every = next();
    else if (a == "--interrupt-at")
      interrupt_at = next();
    else if (a == "--snapshots" && i + 1 < argc) {
      std::stringstream list(argv[++i]);
      for (std::string id; std::getline(list, id, ',');) snapshots.push_back(std::atoi(id.c_str()));
    } else if (a == "--events")
      events = true;
    else if (a == "--force")
      force = true;
    else if (a == "--interleave")
      interleave = true;
    else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 64;
    }
  }
  try {
    Model model = testing::make_sample_model(ncourtyard, block, steps, every);
    model.output.household_snapshots = snapshots;
    const size_t nhousehold = snapshot_households(model).size();
    RunFileBuffers buffers;
    if (const char* b = std::getenv("COURTYARD_TEST_WRITER_BUFFERS"); b != nullptr && *b != '\0') {
      if (std::string(b) == "sync")
        buffers.background = false;
      else {  // SLABS or SLABS+SPARE (spare records beyond the slabs; none when not given)
        const std::string v(b);
        const size_t plus = v.find('+');
        buffers.slabs = std::atoi(v.substr(0, plus).c_str());
        buffers.spare_records = plus == std::string::npos ? 0 : std::atoi(v.substr(plus + 1).c_str());
      }
    }
    const auto t0 = std::chrono::steady_clock::now();
    RunFile file(
        out, force, model, testing::sample_metrics(nmetric),
        RunFileInfo{"0.1.0-test", "0123456789ab", "write_sample_run_file " + out, "2026-01-02T03:04:05Z", "", ""},
        testing::sample_layout(model), buffers);
    const auto ev = events ? testing::sample_events(ncourtyard, steps) : std::vector<Event>{};
    if (!interleave) file.append_events(ev);
    size_t next_event = 0;  // with --interleave: the first event not yet appended
    std::vector<float> cy;
    std::vector<double> sd;
    std::vector<int8_t> tenure, paid, civic;
    int done = 0;
    double writing = 0;  // seconds inside append_record and finish, without making the values
    for (int s = 0; s <= steps; s += every) {
      if (interrupt_at >= 0 && s > interrupt_at) break;
      testing::sample_record(nmetric, ncourtyard, s, &cy, &sd);
      testing::sample_snapshot(nhousehold, s, &tenure, &paid, &civic);
      const auto w0 = std::chrono::steady_clock::now();
      if (interleave) {
        size_t end = next_event;
        while (end < ev.size() && ev[end].step <= s) ++end;
        file.append_events(std::span<const Event>(ev).subspan(next_event, end - next_event));
        next_event = end;
      }
      file.append_record(s, cy, sd, HouseholdSnapshot{tenure, paid, civic});
      writing += std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
      done = s;
    }
    const bool complete = interrupt_at < 0;
    const auto w0 = std::chrono::steady_clock::now();
    file.finish(complete, complete ? steps : done);
    writing += std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("wrote %s: %d courtyards, %d metrics, %.3f s in all, %.3f s writing records\n", out.c_str(),
                ncourtyard, nmetric, secs, writing);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "write_sample_run_file: %s\n", e.what());
    return 1;
  }
  return 0;
}
