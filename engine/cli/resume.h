// `courtyard run --resume` and `--checkpoint-every` (docs/output-format.md, "Checkpoints").
#pragma once

#include <string>

#include "cli/common.h"
#include "scenario/scenario.h"
#include "sim/checkpoint.h"

namespace courtyard {

// OUT.h5 from what --resume was given (OUT.h5 or OUT.h5.ckpt).
std::string resume_output(const std::string& given);

// What lies beside a result file OUT.h5: its checkpoint OUT.h5.ckpt and journal OUT.h5.journal, judged
// against OUT.h5. The checkpoint is read only for what it says of its run (not the build checks of a
// resume), so that a leftover is recognised whichever program wrote it.
struct CheckpointBeside {
  std::string output, checkpoint, journal;  // the three paths
  bool has_checkpoint = false, has_journal = false;
  bool complete = false;  // OUT.h5 is a complete result file
  bool sweep = false;     // OUT.h5 is a sweep's run (attribute sweep_run)
  bool this_run = false;  // the checkpoint is of the run that wrote OUT.h5: the same scenario_sha256 (the
                          // effective scenario: seed and steps too), created_utc, command_line,
                          // engine_version and git_commit
  std::string unreadable;  // why the checkpoint cannot be read ("" when it can, or there is none)
  int64_t step = -1, steps = -1;  // the checkpoint's week and its run's planned weeks
  std::string scenario_sha256;    // the checkpoint's
  std::string run, result_run;    // "scenario 'NAME' (sha256 0123456789ab), started UTC": the checkpoint's
                                  // run and OUT.h5's

  // OUT.h5 is complete and nothing beside it can be resumed: the checkpoint (if any) is of the run that
  // wrote OUT.h5, left by a process killed between its final rename and their removal.
  bool leftover() const { return complete && (has_checkpoint ? this_run : has_journal); }
};
CheckpointBeside inspect_checkpoint(const std::string& output);

// `courtyard info OUT.h5`: a "checkpoint" line on what lies beside it and what to do; "" when nothing.
std::string describe_checkpoint_beside(const std::string& output);

struct ResumePlan {
  std::string output;
  bool already_complete = false;  // OUT.h5 is complete and nothing beside it can be resumed: nothing to do
  std::string notice;             // a line for stderr: the leftover removed, or the complete file replaced
  CheckpointInfo info;
  LoadedScenario loaded;  // the checkpoint's scenario
  std::string history;    // the checkpoint's history and this resumption
};

// Reads OUT.h5.ckpt and loads its scenario. `given`: scenario options given with --resume (nullptr when
// none), which must give the checkpoint's scenario. When OUT.h5 is complete and what lies beside it is a
// leftover (CheckpointBeside::leftover), removes the checkpoint and journal, OUT.h5 untouched, and
// returns already_complete with the notice. A checkpoint of another run beside a complete OUT.h5 (a run
// started with --force over it, then killed) is resumed, and the notice says that it replaces OUT.h5.
// InputMissingError (66) without a checkpoint (unless OUT.h5 is complete); ScenarioError (65) for a
// checkpoint of another scenario than the one given, or of another build; IoError (74) for one that
// cannot be read. Nothing is removed when it throws.
ResumePlan prepare_resume(const std::string& output, const ScenarioArgs* given, const std::string& command_line);

// A fresh run into `output`: refuses (OutputCreateError, 73) when OUT.h5.ckpt is there, unless `force`,
// which removes it and its journal (or a journal alone) and returns the line saying so ("" when there
// was none). The refusal of a complete OUT.h5's leftover says that `run --resume` removes it.
std::string check_no_checkpoint(const std::string& output, bool force);

}  // namespace courtyard
