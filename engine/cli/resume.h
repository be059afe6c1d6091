// `courtyard run --resume` and `--checkpoint-every` (docs/output-format.md, "Checkpoints").
#pragma once

#include <string>

#include "cli/common.h"
#include "scenario/scenario.h"
#include "sim/checkpoint.h"

namespace courtyard {

// OUT.h5 from what --resume was given (OUT.h5 or OUT.h5.ckpt).
std::string resume_output(const std::string& given);

struct ResumePlan {
  std::string output;
  bool already_complete = false;  // no checkpoint, and OUT.h5 is complete: nothing to do
  CheckpointInfo info;
  LoadedScenario loaded;  // the checkpoint's scenario
  std::string history;    // the checkpoint's history and this resumption
};

// Reads OUT.h5.ckpt and loads its scenario. `given`: scenario options given with --resume (nullptr when
// none), which must give the checkpoint's scenario. InputMissingError (66) without a checkpoint (unless
// OUT.h5 is complete); ScenarioError (65) for a checkpoint of another scenario or build; IoError (74).
ResumePlan prepare_resume(const std::string& output, const ScenarioArgs* given, const std::string& command_line);

// A fresh run into `output`: refuses (OutputCreateError, 73) when OUT.h5.ckpt is there, unless `force`,
// which removes it and its journal.
void check_no_checkpoint(const std::string& output, bool force);

}  // namespace courtyard
