// Checkpoints of a simulation: everything a later week reads, saved so that a run stopped at any week
// continues to the same bytes (docs/output-format.md, "Checkpoints").
//
// What is saved comes from the field tables, so a new field is saved without touching this code:
// State's COURTYARD_HOUSEHOLD_FIELDS and COURTYARD_COURTYARD_FIELDS (model/state.h), its step and
// condition, and Simulation's COURTYARD_SIMULATION_STATE (sim/simulation.h). checkpoint.cpp fails to
// compile when State or Simulation gains a member outside those tables. Randomness needs nothing: every
// draw is keyed by (seed, purpose, courtyard, household, step) (core/rng.h); no generator carries state.
#pragma once

#include <cstdint>
#include <string>

#include "sim/simulation.h"

namespace courtyard {

// Bumped whenever the checkpoint's layout changes in a way an older reader would misread.
inline constexpr int64_t kCheckpointFormatVersion = 2;  // 2: records journal the civic snapshot too

// The checkpoint and journal files of a result file: OUT.h5.ckpt and OUT.h5.journal.
std::string checkpoint_path(const std::string& output);
std::string journal_path(const std::string& output);

// What a run needs besides the simulation's state to continue: how it was started, and where its
// journal stood.
struct CheckpointInfo {
  std::string engine_version, git_commit;  // of the program that wrote it
  std::string scenario_path;               // as given to the run (names the scenario when it has no name)
  std::string scenario_text;               // the effective scenario (Model::scenario_text)
  std::string scenario_sha256, scenario_name;
  std::string created_utc, command_line;   // of the run's first start
  std::string history;                     // resumptions so far, one "\nUTC: what" line each
  int32_t step = 0;                        // weeks done at the checkpoint
  int32_t steps = 0;                       // weeks planned
  int32_t checkpoint_every = 0;            // weeks between checkpoints
  int64_t journal_bytes = 0;               // the journal's length at this week
  int64_t events = 0;                      // events so far
  int64_t records = 0;                     // records so far
  bool writes_file = true;                 // the run writes a result file (sweeps' summary runs do not)
};

// The layout the tables describe, one "group/name type" per line: a checkpoint resumes only under the
// same layout.
std::string checkpoint_layout();

// Writes sim's state and `info` to `path` (atomically: temporary file, fsync, rename). IoError.
void save_checkpoint(const Simulation& sim, const CheckpointInfo& info, const std::string& path);

// Reads the description of a checkpoint (not its arrays). IoError when unreadable; ScenarioError
// (exit 65) naming the file and the attribute when it is not a courtyard checkpoint, of another format
// version, or written by another build (engine version, git commit or state layout).
CheckpointInfo read_checkpoint_info(const std::string& path);

// Restores sim (built from the checkpoint's model) to the checkpoint. ScenarioError when the
// checkpoint is of another scenario (sha256) or its arrays do not fit the model; IoError when
// unreadable. Every saved array is overwritten.
void restore_checkpoint(Simulation& sim, const std::string& path);

}  // namespace courtyard
