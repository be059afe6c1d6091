// The HDF5 result file of one run (full layout: docs/output-format.md).
//
//   /timeseries/<metric>   (time, courtyard) float32, chunked (block_records x ncourtyard, capped
//                          near 4 MiB), shuffle+gzip 4, fill NaN, units + long_name
//   /timeseries/time       dimension scale, float64, units "days since START", unlimited
//   /timeseries/courtyard  dimension scale, int32 courtyard ids
//   /timeseries/step       (time) int32, the step of each record
//   /subdistrict/<metric>  (time) float64 aggregates over all courtyards (with its own time scale)
//   /courtyards/...        static table, one entry per courtyard (dimension scale "courtyard");
//                          household_offset (ncourtyard+1) on the value-less dimension courtyard_edge
//   /events                (event) compound table (step, courtyard, type enum, typed fields)
//   /parameters/scenario.txtpb  the effective scenario as text
//   /households/...        only when model.output.household_snapshots is non-empty: the flats of
//                          those courtyards one by one; static courtyard, slot, stairwell, floor on
//                          the dimension "household", and tenure, paid and civic (time, household) int8
//                          recorded with every record (own time scale, like /subdistrict)
//   root attributes        engine_version, git_commit, seed, scenario_sha256, created_utc,
//                          command_line, start_date, steps_planned, steps_done, record_every,
//                          complete (0 until the run finished), status (running/complete/interrupted/
//                          failed), failure (why, when failed); sweep_design and sweep_run in a sweep
//
// The file is written under a temporary name beside the target (.NAME.tmp-PID) and renamed when
// finished; a run that fails on I/O leaves nothing under the final name (a run whose state went
// non-finite is kept, marked failed). Creating a file removes the stale temporary files of processes
// that are gone (.NAME.tmp-PID in the same folder, for any NAME, whose PID does not exist).
//
// Writing happens off the caller's thread: a writer thread of the file's own makes every HDF5 call
// and compresses the chunks (in parallel, in a task arena as wide as the caller's) while the caller
// goes on; records are copied into buffers of one chunk's records (slabs) that are handed over when
// full. Memory is bounded (RunFileBuffers): at most slabs x T + spare record buffers (T records make
// a slab), the compressed chunks of one block, and `event_buffers` buffers of 4096 events. The file's bytes are those of writing each
// block in one piece on the caller's thread: the same HDF5 calls in the same order, each chunk
// compressed on its own. A failure on the writer thread (a full disk) is rethrown, as the IoError
// it would have been, by the next call on the caller's thread.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "model/events.h"
#include "model/model.h"

namespace courtyard {

struct MetricColumn {
  std::string name;       // dataset name
  std::string units;      // CF-style units ("1" for dimensionless shares)
  std::string long_name;  // human-readable
};

struct RunFileInfo {
  std::string engine_version;
  std::string git_commit;
  std::string command_line;
  std::string created_utc;  // ISO 8601, e.g. 2026-11-28T02:00:00Z
  // a run of a sweep: the sweep's design identity and the run's id, written as the root attributes
  // sweep_design and sweep_run (absent when empty) so that a file copied under another run's name is found out
  std::string sweep_design;
  std::string sweep_run;
};

// The households recorded in /households, in file order: the flats of each courtyard of
// model.output.household_snapshots (ascending ids), slot by slot. Global household indices, each in
// [household_offset[c], household_offset[c+1]). std::invalid_argument for an id out of range or
// ids not strictly ascending. Empty when the model asks for no snapshots.
std::vector<int64_t> snapshot_households(const Model& model);

// Where the snapshot households live (fixed for the whole run), one entry per household of
// snapshot_households(model), in that order.
struct HouseholdLayout {
  std::vector<int16_t> stairwell;  // stairwell (unit) index, from 0
  std::vector<int16_t> floor;      // floor, from 1
};

// One record's household snapshot, one entry per household of snapshot_households(model).
struct HouseholdSnapshot {
  std::span<const int8_t> tenure;  // 0 owner-occupier, 1 renter, 2 vacant (the values of Tenure)
  std::span<const int8_t> paid;    // 1: paid at the last monthly collection, else 0 (vacant: 0)
  std::span<const int8_t> civic;   // CivicFlag bits, 0..127 (vacant: 0)
};

// How the writer buffers: memory against overlap with the caller. The defaults suit every run.
//
// Records wait for the writer uncompressed, one buffer per record (nmetric x ncourtyard x 4 bytes),
// taken from a pool of at most slabs x T + spare records, T being the records of one (time, courtyard)
// chunk (a slab: usually a whole block; record_buffers() below). The caller waits when the pool is
// empty: after handing over a full slab it may fill `spare` records of the next one while the writer
// compresses, then waits until the writer gives the slab's buffers back.
struct RunFileBuffers {
  bool background = true;  // false: every write on the caller's thread, at once (no writer thread)
  // Whole slabs (>= 1). With 1 and no spare records the caller waits for each slab to be compressed
  // before it fills the next; with 2 it fills a whole slab meanwhile (twice the memory).
  int slabs = 1;
  // Record buffers beyond the whole slabs (>= 0); -1: a quarter of a slab, at least 1 (the default).
  int spare_records = -1;
  int event_buffers = 4;  // buffers of 4096 events queued at most (>= 1)
};

// Record buffers a run file with `buffers` keeps at most when its chunks hold `chunk_time` records:
// slabs x chunk_time + spare (the default spare: max(1, chunk_time / 4)).
int record_buffers(const RunFileBuffers& buffers, int64_t chunk_time);

// What a run file's writer holds uncompressed (RunFile::memory()).
struct RunFileMemory {
  int64_t chunk_time = 0;    // records per (time, courtyard) chunk: a slab
  int64_t record_bytes = 0;  // one record buffer: nmetric x ncourtyard x 4
  int record_limit = 0;      // record buffers at most: record_buffers(buffers, chunk_time)
  int records_made = 0;      // record buffers allocated so far (never above record_limit)
  // chunk cache of the /timeseries metrics, bytes summed over them as HDF5 reports it when they are
  // created: 0, as their chunks are written whole (H5Dwrite_chunk) and never read back
  int64_t timeseries_chunk_cache = 0;
};

class RunFile {
 public:
  // Creates the temporary file and every dataset. Throws OutputCreateError when `path` exists and
  // !force, or when the temporary file cannot be created; IoError on later HDF5 failures;
  // std::invalid_argument for a model without courtyards, a bad or repeated metric name, or a
  // `households` layout whose size is not that of snapshot_households(model) (so a model with
  // household snapshots needs its layout; one without takes none), or buffers below 1.
  RunFile(const std::string& path, bool force, const Model& model, std::vector<MetricColumn> metrics,
          const RunFileInfo& info, const HouseholdLayout& households = {}, const RunFileBuffers& buffers = {});
  ~RunFile();  // without finish(): closes and removes the temporary file
  RunFile(const RunFile&) = delete;
  RunFile& operator=(const RunFile&) = delete;

  // One record: the state after `step` steps. courtyard_values is (nmetric x ncourtyard), metric-major;
  // subdistrict_values is (nmetric). Buffered, appended in blocks of block_records by the writer
  // thread. std::invalid_argument when the sizes are wrong; IoError when an earlier write failed.
  // A run with household snapshots gives each record's snapshot with it (the second form; values
  // outside 0..2 for tenure, 0..1 for paid or 0..127 for civic are std::invalid_argument); one without uses the first.
  void append_record(int32_t step, std::span<const float> courtyard_values,
                     std::span<const double> subdistrict_values);
  void append_record(int32_t step, std::span<const float> courtyard_values,
                     std::span<const double> subdistrict_values, const HouseholdSnapshot& households);
  // Events in the order given (the caller gives them in (step, courtyard) order).
  void append_events(std::span<const Event> events);

  // Flushes, writes the closing attributes (complete, status, steps done), closes, renames to `path`.
  // status: "complete", or "interrupted" (complete = 0).
  void finish(bool complete, int32_t steps_done);
  // Flushes what was computed, marks the file failed (complete = 0, status "failed", the root attribute
  // failure = `reason`, steps_done), closes and renames it to `path` as finish() does.
  void finish_failed(int32_t steps_done, const std::string& reason);

  // Waits until everything handed over so far is in the file (not yet flushed to disk): a fence, before
  // the caller uses HDF5 itself (a checkpoint). IoError when a write failed.
  void drain();
  // The writer's record buffers: their size, their limit and how many exist now.
  RunFileMemory memory() const;
  // Seconds the writer thread has spent writing and compressing (settled after drain() or finish()).
  double background_seconds() const;

  const std::string& path() const { return path_; }
  // Adds lines to the root attribute `history` (a resumed run's "\nUTC: resumed ..."; sim/run.cpp).
  void append_history(const std::string& lines);

 private:
  void close_as(const char* status, bool complete, int32_t steps_done, const std::string& failure);
  void close_or_throw(const char* status, bool complete, int32_t steps_done, const std::string& failure);
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string path_;
};

// What `courtyard info` prints: a human summary of a result file (provenance, status, steps, dates,
// metrics with units, events by type, household snapshots, size). Throws IoError if unreadable or
// not a result file.
std::string describe_run_file(const std::string& path);
// `courtyard info` for any file the engine writes: a result file (describe_run_file), a sweep run's
// summary file (runs/run-NNNNN.summary.h5) or a collected sweep.h5 (describe_sweep.cpp).
std::string describe_file(const std::string& path);

}  // namespace courtyard
