// Progress on stderr: one updating line on a terminal, plain periodic lines otherwise.
#pragma once

#include <string>

#include "sim/run.h"

namespace courtyard {

enum class ProgressMode { kAuto, kBar, kLog, kNone };

// Parses auto|bar|log|none; returns false for anything else.
bool parse_progress_mode(const std::string& text, ProgressMode* mode);

class ProgressReporter {
 public:
  explicit ProgressReporter(ProgressMode mode);
  void update(const RunProgress& p);
  void finish();  // ends the bar's line

 private:
  ProgressMode mode_;
  double last_report_ = -1;
  int32_t last_step_ = 0;
  bool drawn_ = false;
};

}  // namespace courtyard
