// A run's checkpoints (internal to sim/run.cpp): the journal of what the run has recorded, the state
// saved every N weeks, and a resume that replays the journal into a fresh result file and restores the
// state, so that the run ends with the datasets an uninterrupted run writes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "model/events.h"
#include "output/checkpoint.h"
#include "sim/checkpoint.h"
#include "sim/run.h"
#include "sim/simulation.h"

namespace courtyard {

class RunCheckpointer {
 public:
  // One record replayed from the journal, as run_model's record() hands it on.
  struct Record {
    int32_t step;
    std::span<const float> values;
    std::span<const double> subdistrict;
    std::span<const int8_t> tenure, paid, civic;
  };
  struct Replay {
    std::function<void(const Record&)> record;
    std::function<void(std::span<const Event>)> events;
  };

  // A fresh run: removes a checkpoint left under these names and starts an empty journal. A resume:
  // reads and checks the checkpoint, restores `sim`, replays the journal through `replay` and cuts the
  // journal back to the checkpoint. `nvalues` / `nmetric` / `nsnapshot`: the sizes of a record.
  RunCheckpointer(const Model& model, const RunOptions& options, bool writes_file, Simulation& sim,
                  size_t nvalues, size_t nmetric, size_t nsnapshot, const Replay& replay);

  int32_t resumed_from() const { return resumed_from_; }
  int32_t last_saved() const { return last_saved_; }
  int64_t events() const { return events_; }

  void record(int32_t step, std::span<const float> values, std::span<const double> subdistrict,
              std::span<const int8_t> tenure, std::span<const int8_t> paid, std::span<const int8_t> civic);
  void events(std::span<const Event> events);
  // Whether a checkpoint is due after the step just done (every N weeks, never at the last).
  bool due(int32_t step) const { return every_ > 0 && step % every_ == 0 && step < steps_; }
  void save(const Simulation& sim);
  // The run is complete and its result is in place: the checkpoint and journal go.
  void remove_files();

 private:
  std::string base_, checkpoint_, journal_path_;
  CheckpointInfo info_;
  std::unique_ptr<Journal> journal_;
  int32_t every_ = 0, steps_ = 0;
  int32_t resumed_from_ = -1, last_saved_ = -1;
  int64_t events_ = 0, records_ = 0;
  size_t nvalues_ = 0, nmetric_ = 0, nsnapshot_ = 0;
};

}  // namespace courtyard
