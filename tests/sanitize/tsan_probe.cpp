// `make tsan` checks itself (test sanitize_tsan_probe, registered only in a ThreadSanitizer build): a
// clean run means something only if TSan, with this build's flags and the oneTBB it links, (1) reports
// a real race inside a parallel_for body and (2) stays quiet on the hand-over every phase of the
// simulation relies on: the caller writes, the workers each change their own slice, the caller reads
// after parallel_for returns. With Debian's uninstrumented libtbb12, (2) gives dozens of false reports
// (tests/sanitize/README.md), so the test also shows that the instrumented oneTBB is the one in use.
//
// usage: tsan_probe quiet|race
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>

#include <cstdio>
#include <cstring>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 2 || (std::strcmp(argv[1], "quiet") != 0 && std::strcmp(argv[1], "race") != 0)) {
    std::fprintf(stderr, "usage: tsan_probe quiet|race\n");
    return 64;
  }
  const bool race = std::strcmp(argv[1], "race") == 0;
  oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism, 4);
  std::vector<double> state(4096);
  long shared = 0;
  double sum = 0;
  for (int rep = 0; rep < 50; ++rep) {
    for (size_t i = 0; i < state.size(); ++i) state[i] = static_cast<double>(i + rep);  // the caller writes
    oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<size_t>(0, state.size(), 16),
                              [&](const oneapi::tbb::blocked_range<size_t>& r) {
                                for (size_t i = r.begin(); i < r.end(); ++i) {
                                  state[i] = state[i] * 2 + 1;  // each element by one worker: no race
                                  if (race) ++shared;           // every worker, unsynchronised: the race
                                }
                              });
    for (double x : state) sum += x;  // the caller reads after the loop
  }
  std::printf("sum %.0f shared %ld\n", sum, shared);
  return 0;
}
