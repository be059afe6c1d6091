#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace courtyard {

bool parse_progress_mode(const std::string& text, ProgressMode* mode) {
  if (text == "auto") *mode = ProgressMode::kAuto;
  else if (text == "bar") *mode = ProgressMode::kBar;
  else if (text == "log") *mode = ProgressMode::kLog;
  else if (text == "none") *mode = ProgressMode::kNone;
  else return false;
  return true;
}

ProgressReporter::ProgressReporter(ProgressMode mode) : mode_(mode) {
  if (mode_ == ProgressMode::kAuto) mode_ = isatty(STDERR_FILENO) ? ProgressMode::kBar : ProgressMode::kLog;
}

void ProgressReporter::update(const RunProgress& p) {
  if (mode_ == ProgressMode::kNone) return;
  const double eta = p.step > 0 ? p.seconds / p.step * (p.steps - p.step) : 0;
  if (mode_ == ProgressMode::kBar) {
    // redraw at most 10 times a second, and always at the end
    if (p.step != p.steps && p.seconds - last_report_ < 0.1) return;
    last_report_ = p.seconds;
    constexpr int kWidth = 30;
    const int filled = p.steps > 0 ? kWidth * p.step / p.steps : kWidth;
    char bar[kWidth + 1];
    for (int i = 0; i < kWidth; ++i) bar[i] = i < filled ? '=' : ' ';
    bar[kWidth] = 0;
    std::fprintf(stderr, "\r  step %d/%d [%s] %.3g household-steps/s  ETA %.0fs ", p.step, p.steps, bar,
                 p.household_steps_per_second, eta);
    std::fflush(stderr);
    drawn_ = true;
    return;
  }
  // log: a line every 10% of the run or every 10 seconds, and at the end
  const bool tenth = p.steps >= 10 ? (p.step * 10 / p.steps) != (last_step_ * 10 / p.steps) : true;
  if (!(tenth || p.seconds - last_report_ >= 10 || p.step == p.steps)) return;
  last_report_ = p.seconds;
  last_step_ = p.step;
  std::fprintf(stderr, "progress: step %d/%d, %.3g household-steps/s, elapsed %.1fs, ETA %.1fs\n", p.step,
               p.steps, p.household_steps_per_second, p.seconds, eta);
}

void ProgressReporter::finish() {
  if (drawn_) std::fprintf(stderr, "\n");
  drawn_ = false;
}

}  // namespace courtyard
