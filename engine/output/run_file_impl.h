// The inside of RunFile (internal to engine/output): what the three parts of the writer share.
//
//   run_file.cpp         the public API on the caller's thread: checks a record, copies it into the
//                        slab being filled and hands full slabs, blocks and event buffers to the writer
//   run_file_layout.cpp  creating the file: every group, dataset and attribute (on the caller's thread,
//                        before the writer thread starts)
//   run_file_blocks.cpp  the writer thread's jobs: compressing slabs, appending blocks and events,
//                        the closing attributes
//
// Records travel in slabs of chunk_time records (one (time, courtyard) chunk of every metric; a block
// holds block_records / chunk_time slabs). A slab is a list of record buffers (nmetric x ncourtyard
// floats each) taken one record at a time from a pool of at most record_limit buffers, and given
// back to the pool once the slab is compressed: the caller may go on filling the next slab's first
// records (the spare records) while the writer still compresses the last one. A slab that completes a block goes with the block's small
// rows (time, step, subdistrict, households) as one job that writes the whole block; an earlier slab
// is compressed by a job of its own as soon as it is full, and its chunks wait, compressed, for the
// block's job. Either way the HDF5 calls are made in the order of a writer that buffers a whole
// block and writes it at once, so the file's bytes do not depend on how the work was split.
#pragma once

#include <hdf5.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/task_arena.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/events.h"
#include "model/model.h"
#include "output/hdf5_util.h"
#include "output/run_file.h"
#include "output/writer_thread.h"

namespace courtyard {

namespace run_file_detail {

// Format version of the layout; bumped when a reader would need to change.
constexpr int32_t kFormatVersion = 1;
constexpr hsize_t kMaxChunkBytes = hsize_t{4} << 20;           // cap on one (time, courtyard) chunk
constexpr hsize_t kMaxHouseholdChunkBytes = hsize_t{1} << 20;  // cap on one (time, household) chunk
constexpr hsize_t kEventChunk = 4096;                          // rows per /events chunk and write
constexpr size_t kEventConvertBytes = size_t{64} << 10;        // HDF5's type-conversion buffer for /events
constexpr hsize_t kMinSeriesChunk = 512;  // smallest chunk of a 1-D series along time
constexpr unsigned kDeflateLevel = 1;     // shuffled floats: level 1 compresses nearly as well, several times faster

// Time length of a chunk whose rows have `row_bytes` bytes: the largest divisor of block_records
// whose chunk stays within `max_bytes` (at least 1).
hsize_t chunk_time_length(int32_t block_records, hsize_t row_bytes, hsize_t max_bytes = kMaxChunkBytes);

// Appends rows [row0, row0+nrow) to a dataset of rank 1 (width 0) or 2 (rows of `width` values).
void append_rows(hid_t ds, hsize_t row0, hsize_t nrow, hsize_t width, hid_t mem_type, const void* data,
                 const std::string& what, hid_t dxpl = H5P_DEFAULT);

// The small per-record rows of one block (the metrics' values travel in slabs).
struct BlockRows {
  std::vector<double> time;         // (block_records)
  std::vector<int32_t> step;        // (block_records)
  std::vector<double> subdistrict;  // (nmetric x block_records): [m * block_records + r]
  std::vector<int8_t> tenure, paid, civic;  // (block_records x nsnapshot)
};

}  // namespace run_file_detail

struct RunFile::Impl {
  using Record = std::vector<float>;  // one record's values: [m * ncourtyard + c]
  using Slab = std::vector<Record>;   // a slab's records in order: record r's value of metric m, courtyard c
                                      // at slab[r][m * ncourtyard + c]
  using Packed = std::vector<unsigned char>;

  // fixed once the file is created
  std::string final_path, temp_path;
  int32_t ncourtyard = 0;
  int32_t nmetric = 0;
  int32_t block_records = 1;
  hsize_t chunk_time = 1;    // records per (time, courtyard) chunk: a divisor of block_records
  int record_limit = 1;      // record buffers in all (RunFileBuffers: slabs x chunk_time + spare)
  int concurrency = 1;       // threads that compress chunks (the caller's task arena, at creation)
  RunFileBuffers buffers;
  std::vector<MetricColumn> metrics;
  bool snapshots = false;             // household snapshots (/households)
  std::vector<int64_t> snapshot_ids;  // (nsnapshot) global household index of each
  HouseholdLayout layout;             // (nsnapshot) stairwell and floor of each

  // HDF5 objects: made on the caller's thread by create(), then used by the writer thread's jobs only
  // (the caller touches them again after WriterThread::drain() or stop())
  h5::Handle file;
  h5::Handle ts_time, ts_courtyard, ts_step, sd_time, events, event_dim;
  std::vector<h5::Handle> ts_metric, sd_metric;  // (nmetric)
  int64_t timeseries_chunk_cache = 0;  // bytes of chunk cache the /timeseries metrics have, summed (0)
  h5::Handle event_mem_type;
  h5::Handle event_dxpl;  // writing /events: a type-conversion buffer of kEventConvertBytes, not HDF5's 1 MiB
  h5::Handle hh_time, hh_step, hh_tenure, hh_paid, hh_civic;

  // the writer thread's side
  hsize_t nrecords = 0;                          // records already in the file
  hsize_t nevents = 0;                           // events already in the file
  std::vector<std::vector<Packed>> packed;       // [slab of the block][metric]: compressed, waiting for the block
  std::vector<Packed> wave_packed;               // a block's last chunks, one wave of metrics at a time
  tbb::enumerable_thread_specific<Packed> shuffled;  // scratch per compressing thread
  std::unique_ptr<tbb::task_arena> arena;        // where chunks are compressed in parallel (none: the caller's)

  // the caller's side: the block being filled
  Slab slab;                       // the slab being filled (slab.size(): records in it)
  run_file_detail::BlockRows rows;
  int32_t nbuffered = 0;           // records in the block
  int64_t nappended = 0;           // records given so far
  std::vector<Event> event_buffer;  // up to kEventChunk events not yet handed over

  // buffers shared with the writer thread (under its lock): free record buffers and what is in flight
  std::vector<Record> free_records;
  int records_made = 0;      // record buffers allocated in all (at most record_limit)
  int events_in_flight = 0;  // event buffers handed over, not yet written

  std::unique_ptr<WriterThread> writer;  // started once the file is created
  bool finished = false;

  // creating (run_file_layout.cpp)
  void create(const Model& model, const RunFileInfo& info);
  void write_root_attributes(const Model& model, const RunFileInfo& info);
  void create_timeseries(const Model& model);
  void create_subdistrict(const Model& model);
  void write_courtyards(const Model& model);
  void create_households(const Model& model);
  void create_events();
  void write_parameters(const Model& model);

  // the caller's side (run_file.cpp)
  Record take_record();                // a free record buffer (waits while all are in use)
  void hand_over_slab(bool block_end);  // the slab being filled goes to the writer
  void hand_over_events();
  run_file_detail::BlockRows new_rows() const;  // zeroed rows for a block
  void run(WriterThread::Job job);     // on the writer thread (or here, when buffers.background is off)
  void drain();                        // every job done (a fence); rethrows a job's failure

  // the writer thread's jobs (run_file_blocks.cpp)
  void parallel(size_t count, const std::function<void(size_t)>& f);  // f(0..count-1) in the arena
  void compress_slab(const Slab& slab);  // a full slab in the middle of a block: its chunks into `packed`
  void write_block(const run_file_detail::BlockRows& rows, const Slab& last, int32_t nrow);
  void write_events(const std::vector<Event>& events);
  void give_back(Slab slab);  // the slab's record buffers to the pool (under the writer's lock)
  // the closing attributes, a flush and the close (IoError when one fails)
  void close_file(const char* status, bool complete, int32_t steps_done, const std::string& failure);
  herr_t close_all() noexcept;
  void abandon() noexcept;  // on the caller's thread: stops the writer, closes and removes the temporary file
};

}  // namespace courtyard
