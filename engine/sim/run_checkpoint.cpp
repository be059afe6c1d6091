// A run's checkpoints (see run_checkpoint.h and docs/output-format.md, "Checkpoints").
#include "sim/run_checkpoint.h"

#include <cstdio>
#include <cstring>
#include <vector>

#include "core/errors.h"
#include "core/version.h"

namespace courtyard {

namespace {
enum FrameKind : uint32_t { kRecordFrame = 1, kEventsFrame = 2 };
}  // namespace

RunCheckpointer::RunCheckpointer(const Model& model, const RunOptions& options, bool writes_file, Simulation& sim,
                                 size_t nvalues, size_t nmetric, size_t nsnapshot, const Replay& replay)
    : base_(options.checkpoint_base.empty() ? options.output_path : options.checkpoint_base),
      checkpoint_(checkpoint_path(base_)),
      journal_path_(journal_path(base_)),
      every_(options.checkpoint_every),
      steps_(model.steps),
      nvalues_(nvalues),
      nmetric_(nmetric),
      nsnapshot_(nsnapshot) {
  info_.engine_version = engine_version();
  info_.git_commit = git_commit();
  info_.scenario_path = model.scenario_name + ".txtpb";  // loads back under the same name
  info_.scenario_text = model.scenario_text;
  info_.scenario_sha256 = model.scenario_sha256;
  info_.scenario_name = model.scenario_name;
  info_.created_utc = options.info.created_utc;
  info_.command_line = options.info.command_line;
  info_.history = options.history;
  info_.steps = model.steps;
  info_.checkpoint_every = every_;
  info_.writes_file = writes_file;

  if (!options.resume) {
    // never pair an old checkpoint with the new journal: the checkpoint goes first
    std::remove(checkpoint_.c_str());
    journal_ = std::make_unique<Journal>(journal_path_, 0);
    return;
  }

  const CheckpointInfo saved = read_checkpoint_info(checkpoint_);
  if (saved.writes_file != writes_file)
    throw ScenarioError({Diagnostic{checkpoint_, 0, 0, "writes_file",
                                    writes_file ? "a checkpoint of a run without a result file"
                                                : "a checkpoint of a run with a result file"}});
  restore_checkpoint(sim, checkpoint_);
  if (every_ <= 0) every_ = saved.checkpoint_every;
  info_.checkpoint_every = every_;

  // the records and events up to the checkpoint, in run order
  const size_t record_bytes = 4 + nvalues_ * sizeof(float) + nmetric_ * sizeof(double) + 3 * nsnapshot_;
  std::vector<Event> events;
  Journal::replay(journal_path_, static_cast<uint64_t>(saved.journal_bytes),
                  [&](uint32_t kind, std::span<const unsigned char> payload) {
                    if (kind == kRecordFrame) {
                      if (payload.size() != record_bytes)
                        throw IoError("the journal " + journal_path_ + " holds a record of " +
                                      std::to_string(payload.size()) + " bytes, " + std::to_string(record_bytes) +
                                      " expected");
                      const unsigned char* p = payload.data();
                      int32_t step = 0;
                      std::memcpy(&step, p, 4);
                      p += 4;
                      // copies: the payload's floats need not be aligned
                      std::vector<float> values(nvalues_);
                      std::memcpy(values.data(), p, nvalues_ * sizeof(float));
                      p += nvalues_ * sizeof(float);
                      std::vector<double> sd(nmetric_);
                      std::memcpy(sd.data(), p, nmetric_ * sizeof(double));
                      p += nmetric_ * sizeof(double);
                      std::vector<int8_t> tenure(nsnapshot_), paid(nsnapshot_), civic(nsnapshot_);
                      if (nsnapshot_ > 0) {  // memcpy into an empty vector's null data() is undefined
                        std::memcpy(tenure.data(), p, nsnapshot_);
                        std::memcpy(paid.data(), p + nsnapshot_, nsnapshot_);
                        std::memcpy(civic.data(), p + 2 * nsnapshot_, nsnapshot_);
                      }
                      replay.record(Record{step, values, sd, tenure, paid, civic});
                      ++records_;
                    } else if (kind == kEventsFrame) {
                      if (payload.size() % sizeof(Event) != 0)
                        throw IoError("the journal " + journal_path_ + " holds a damaged events frame");
                      events.resize(payload.size() / sizeof(Event));
                      std::memcpy(static_cast<void*>(events.data()), payload.data(), payload.size());
                      replay.events(events);
                      events_ += static_cast<int64_t>(events.size());
                    } else {
                      throw IoError("the journal " + journal_path_ + " holds a frame of unknown kind " +
                                    std::to_string(kind));
                    }
                  });
  if (records_ != saved.records || events_ != saved.events)
    throw IoError("the journal " + journal_path_ + " holds " + std::to_string(records_) + " records and " +
                  std::to_string(events_) + " events, the checkpoint " + checkpoint_ + " names " +
                  std::to_string(saved.records) + " and " + std::to_string(saved.events));
  journal_ = std::make_unique<Journal>(journal_path_, static_cast<uint64_t>(saved.journal_bytes));
  resumed_from_ = last_saved_ = saved.step;
}

void RunCheckpointer::record(int32_t step, std::span<const float> values, std::span<const double> subdistrict,
                             std::span<const int8_t> tenure, std::span<const int8_t> paid,
                             std::span<const int8_t> civic) {
  journal_->append(kRecordFrame, {as_bytes_of(std::span<const int32_t>(&step, 1)), as_bytes_of(values),
                                  as_bytes_of(subdistrict), as_bytes_of(tenure), as_bytes_of(paid),
                                  as_bytes_of(civic)});
  ++records_;
}

void RunCheckpointer::events(std::span<const Event> events) {
  if (events.empty()) return;
  journal_->append(kEventsFrame, {as_bytes_of(events)});
  events_ += static_cast<int64_t>(events.size());
}

void RunCheckpointer::save(const Simulation& sim) {
  journal_->sync();  // what the checkpoint names is on disk first
  info_.step = sim.state().step;
  info_.journal_bytes = static_cast<int64_t>(journal_->size());
  info_.events = events_;
  info_.records = records_;
  save_checkpoint(sim, info_, checkpoint_);
  last_saved_ = info_.step;
}

void RunCheckpointer::remove_files() {
  journal_.reset();
  std::remove(checkpoint_.c_str());
  std::remove(journal_path_.c_str());
}

}  // namespace courtyard
