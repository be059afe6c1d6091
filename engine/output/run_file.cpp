// The HDF5 result file of one run (layout: docs/output-format.md; summary in run_file.h): the public
// API, on the caller's thread. Creating the file is run_file_layout.cpp, the writer thread's jobs are
// run_file_blocks.cpp, what they share is run_file_impl.h.
//
// Why it is written this way:
// - Records are buffered and appended in blocks of block_records. The time length of a
//   (time, courtyard) chunk divides block_records, so a block covers whole chunks (the last, partial
//   block ends in a partial chunk, padded with the fill value) and no chunk is ever read back.
// - Writing, compression above all, is done by a writer thread while the caller simulates the next
//   records: the caller copies a record into the slab being filled and hands each full slab over,
//   waiting only when every slab buffer is still in flight (RunFileBuffers). HDF5 is called from one
//   thread at a time: the writer thread while it runs, the caller before it starts (creating the file)
//   and after a fence (drain(), finish(), or the destructor's stop). Debian's serial HDF5 is built
//   thread-safe (a global lock), but the writer does not rely on it.
// - The file is written as <dir>/.<name>.tmp-<pid> and renamed by finish(): a run that fails or is
//   killed never leaves a half-written file under the final name.
#include "output/run_file.h"

#include <tbb/task_arena.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "core/errors.h"
#include "output/hdf5_util.h"
#include "output/run_file_impl.h"
#include "output/stale_temporaries.h"

namespace courtyard {

namespace fs = std::filesystem;
using namespace run_file_detail;

namespace {

// An I/O failure of a run file, said with the file's name: HDF5's reason names the temporary file, and
// may hold line breaks (the time of the failure); the message is one line.
[[noreturn]] void rethrow_for(const std::string& path, const IoError& e) {
  std::string what = e.what();
  for (char& ch : what)
    if (ch == '\n') ch = ' ';
  throw IoError("writing " + path + ": " + what);
}

}  // namespace

// --- the caller's side ---

void RunFile::Impl::run(WriterThread::Job job) {
  if (writer)
    writer->submit(std::move(job));
  else
    job();
}

void RunFile::Impl::drain() {
  if (writer) writer->drain();
}

void RunFile::Impl::give_back(Slab s) {
  if (s.empty()) return;
  auto put = [&] {
    for (Record& r : s) free_records.push_back(std::move(r));  // each keeps its capacity for another record
  };
  if (writer)
    writer->locked(put);
  else
    put();
}

RunFile::Impl::Record RunFile::Impl::take_record() {
  // a free one, or a new one while fewer than record_limit exist; else wait for the writer
  if (writer) writer->wait_for([&] { return !free_records.empty() || records_made < record_limit; });
  Record r;
  bool fresh = false;
  auto take = [&] {
    if (!free_records.empty()) {
      r = std::move(free_records.back());
      free_records.pop_back();
    } else {
      ++records_made;
      fresh = true;
    }
  };
  if (writer)
    writer->locked(take);
  else
    take();
  if (fresh) r.reserve(static_cast<size_t>(nmetric) * static_cast<size_t>(ncourtyard));
  return r;
}

void RunFile::Impl::hand_over_slab(bool block_end) {
  Slab s = std::move(slab);
  slab = Slab();
  slab.reserve(static_cast<size_t>(chunk_time));
  if (!block_end) {
    run([this, s = std::move(s)]() mutable {
      compress_slab(s);
      give_back(std::move(s));
    });
    return;
  }
  BlockRows r = std::move(rows);
  const int32_t n = nbuffered;
  rows = new_rows();
  nbuffered = 0;
  // the slab is empty when the block's slabs were all full (each handed over already)
  run([this, s = std::move(s), r = std::move(r), n]() mutable {
    write_block(r, s, n);
    give_back(std::move(s));
  });
}

void RunFile::Impl::hand_over_events() {
  if (event_buffer.empty()) return;
  std::vector<Event> ev;
  ev.swap(event_buffer);
  event_buffer.reserve(kEventChunk);
  if (writer) {
    writer->wait_for([&] { return events_in_flight < buffers.event_buffers; });
    writer->locked([&] { ++events_in_flight; });
    writer->submit([this, ev = std::move(ev)] {
      write_events(ev);
      writer->locked([&] { --events_in_flight; });
    });
  } else {
    write_events(ev);
  }
}

BlockRows RunFile::Impl::new_rows() const {
  const auto nb = static_cast<size_t>(block_records), nh = snapshot_ids.size();
  BlockRows r;
  r.time.assign(nb, 0.0);
  r.step.assign(nb, 0);
  r.subdistrict.assign(static_cast<size_t>(nmetric) * nb, 0.0);
  r.tenure.assign(nb * nh, 0);
  r.paid.assign(nb * nh, 0);
  r.civic.assign(nb * nh, 0);
  return r;
}

// --- the public API ---

RunFile::RunFile(const std::string& path, bool force, const Model& model, std::vector<MetricColumn> metrics,
                 const RunFileInfo& info, const HouseholdLayout& households, const RunFileBuffers& buffers)
    : impl_(std::make_unique<Impl>()), path_(path) {
  h5::silence_errors();

  // refuse to overwrite without force, and never replace a folder
  std::error_code ec;
  const fs::path target(path);
  const fs::file_status st = fs::status(target, ec);
  if (fs::exists(st)) {
    if (fs::is_directory(st)) throw OutputCreateError(path + " is a directory");
    if (!force) throw OutputCreateError(path + " exists; use --force to overwrite");
  }
  const fs::path dir = target.parent_path();
  if (!dir.empty() && !fs::is_directory(dir, ec))
    throw OutputCreateError("cannot create " + path + ": folder " + dir.string() + " does not exist");
  // what killed runs left in this folder (their processes are gone; see stale_temporaries.h)
  remove_stale_temporaries(dir.string());

  // check the inputs the layout depends on
  Impl& im = *impl_;
  im.ncourtyard = model.ncourtyard();
  if (im.ncourtyard < 1) throw std::invalid_argument("run file: the model has no courtyards");
  if (model.output.block_records < 1)
    throw std::invalid_argument("run file: block_records must be at least 1");
  if (buffers.slabs < 1 || buffers.event_buffers < 1)
    throw std::invalid_argument("run file: the writer needs at least one slab and one event buffer");
  if (buffers.spare_records < -1)
    throw std::invalid_argument("run file: spare_records must be -1 (the default) or at least 0");
  for (size_t i = 0; i < metrics.size(); ++i) {
    const std::string& name = metrics[i].name;
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "time" ||
        name == "courtyard" || name == "step")
      throw std::invalid_argument("run file: bad metric name '" + name + "'");
    for (size_t j = 0; j < i; ++j)
      if (metrics[j].name == name) throw std::invalid_argument("run file: metric '" + name + "' given twice");
  }
  im.snapshot_ids = snapshot_households(model);
  im.snapshots = !im.snapshot_ids.empty();
  if (im.snapshot_ids.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max()))
    throw std::invalid_argument("run file: too many snapshot households");
  if (households.stairwell.size() != im.snapshot_ids.size() || households.floor.size() != im.snapshot_ids.size())
    throw std::invalid_argument("run file: the household layout has " + std::to_string(households.stairwell.size()) +
                                " stairwells and " + std::to_string(households.floor.size()) + " floors for " +
                                std::to_string(im.snapshot_ids.size()) + " snapshot households");
  im.layout = households;
  im.nmetric = static_cast<int32_t>(metrics.size());
  im.block_records = model.output.block_records;
  im.metrics = std::move(metrics);
  im.final_path = path;
  im.temp_path = (dir / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()))).string();
  im.buffers = buffers;
  im.concurrency = std::max(1, tbb::this_task_arena::max_concurrency());
  im.rows = im.new_rows();
  im.event_buffer.reserve(kEventChunk);

  // create everything; on failure remove what was made (the destructor does not run)
  try {
    im.create(model, info);
  } catch (const IoError& e) {
    const bool made = im.file.valid();
    if (made) im.abandon();
    // a failure while creating the datasets is still a failure to write the file
    if (made) throw IoError("writing " + path + ": " + e.what());
    throw;
  } catch (...) {
    if (im.file.valid()) im.abandon();
    throw;
  }

  // the record buffers: whole slabs and the spare records beyond them (chunk_time is known now)
  im.record_limit = record_buffers(buffers, static_cast<int64_t>(im.chunk_time));
  im.slab.reserve(static_cast<size_t>(im.chunk_time));

  // from here on every HDF5 call on this file is the writer thread's, until a fence
  if (buffers.background) {
    im.arena = std::make_unique<tbb::task_arena>(im.concurrency);
    im.writer = std::make_unique<WriterThread>([] { h5::silence_errors(); });  // HDF5's setting is per thread
  }
}

RunFile::~RunFile() {
  if (!impl_) return;
  if (impl_->finished) {
    if (impl_->writer) impl_->writer->stop();
    return;
  }
  impl_->abandon();
}

int record_buffers(const RunFileBuffers& buffers, int64_t chunk_time) {
  const int64_t t = std::max<int64_t>(1, chunk_time);
  const int64_t spare = buffers.spare_records >= 0 ? buffers.spare_records : std::max<int64_t>(1, t / 4);
  const int64_t n = std::max<int64_t>(1, buffers.slabs) * t + spare;
  return static_cast<int>(std::min<int64_t>(n, std::numeric_limits<int>::max()));
}

RunFileMemory RunFile::memory() const {
  const Impl& im = *impl_;
  RunFileMemory m;
  m.chunk_time = static_cast<int64_t>(im.chunk_time);
  m.record_bytes = static_cast<int64_t>(im.nmetric) * im.ncourtyard * static_cast<int64_t>(sizeof(float));
  m.record_limit = im.record_limit;
  m.timeseries_chunk_cache = im.timeseries_chunk_cache;
  if (im.writer)
    im.writer->locked([&] { m.records_made = im.records_made; });
  else
    m.records_made = im.records_made;
  return m;
}

void RunFile::append_record(int32_t step, std::span<const float> courtyard_values,
                            std::span<const double> subdistrict_values) {
  if (impl_->snapshots)
    throw std::invalid_argument("run file: this run records household snapshots; give each record's snapshot");
  append_record(step, courtyard_values, subdistrict_values, HouseholdSnapshot{});
}

void RunFile::append_record(int32_t step, std::span<const float> courtyard_values,
                            std::span<const double> subdistrict_values, const HouseholdSnapshot& households) {
  Impl& im = *impl_;
  if (im.finished) throw std::logic_error("run file: append_record after finish");
  const auto n = static_cast<size_t>(im.ncourtyard), nm = static_cast<size_t>(im.nmetric);
  if (courtyard_values.size() != nm * n || subdistrict_values.size() != nm)
    throw std::invalid_argument("run file: a record needs nmetric x ncourtyard and nmetric values");
  const size_t nh = im.snapshot_ids.size();
  if (households.tenure.size() != nh || households.paid.size() != nh || households.civic.size() != nh)
    throw std::invalid_argument("run file: a household snapshot needs " + std::to_string(nh) +
                                " tenure, paid and civic values, got " + std::to_string(households.tenure.size()) +
                                ", " + std::to_string(households.paid.size()) + " and " +
                                std::to_string(households.civic.size()));
  for (size_t i = 0; i < nh; ++i)
    if (households.tenure[i] < 0 || households.tenure[i] > 2 || households.paid[i] < 0 || households.paid[i] > 1 ||
        households.civic[i] < 0)
      throw std::invalid_argument("run file: household " + std::to_string(i) +
                                  " has tenure, paid or civic out of range (tenure 0..2, paid 0..1, civic 0..127)");

  try {
    if (im.writer) im.writer->rethrow_if_failed();
    // the record's values after the slab's earlier records; the small rows into the block's
    Impl::Record rec = im.take_record();
    rec.assign(courtyard_values.begin(), courtyard_values.end());
    im.slab.push_back(std::move(rec));
    const auto r = static_cast<size_t>(im.nbuffered), nb = static_cast<size_t>(im.block_records);
    for (size_t m = 0; m < nm; ++m) im.rows.subdistrict[m * nb + r] = subdistrict_values[m];
    if (nh > 0) {
      std::copy_n(households.tenure.data(), nh, im.rows.tenure.data() + r * nh);
      std::copy_n(households.paid.data(), nh, im.rows.paid.data() + r * nh);
      std::copy_n(households.civic.data(), nh, im.rows.civic.data() + r * nh);
    }
    im.rows.time[r] = 7.0 * step;
    im.rows.step[r] = step;
    ++im.nbuffered;
    ++im.nappended;

    // a full block goes with its rows; a full slab inside a block is compressed meanwhile
    if (im.nbuffered == im.block_records)
      im.hand_over_slab(true);
    else if (static_cast<hsize_t>(im.slab.size()) == im.chunk_time)
      im.hand_over_slab(false);
  } catch (const IoError& e) {
    rethrow_for(path_, e);
  }
}

void RunFile::append_events(std::span<const Event> events) {
  Impl& im = *impl_;
  if (im.finished) throw std::logic_error("run file: append_events after finish");
  try {
    if (im.writer) im.writer->rethrow_if_failed();
    // fill the buffer and hand it over whenever a chunk's worth is there
    while (!events.empty()) {
      const size_t take = std::min(events.size(), static_cast<size_t>(kEventChunk) - im.event_buffer.size());
      im.event_buffer.insert(im.event_buffer.end(), events.begin(),
                             events.begin() + static_cast<std::ptrdiff_t>(take));
      events = events.subspan(take);
      if (im.event_buffer.size() == kEventChunk) im.hand_over_events();
    }
  } catch (const IoError& e) {
    rethrow_for(path_, e);
  }
}

void RunFile::append_history(const std::string& lines) {
  Impl& im = *impl_;
  if (im.finished) throw std::logic_error("run file: append_history after finish");
  try {
    im.run([&im, lines] {
      const std::string before = h5::read_string_attr(im.file, "history").value_or("");
      h5::write_attr(im.file, "history", before + lines);
    });
  } catch (const IoError& e) {
    rethrow_for(path_, e);
  }
}

void RunFile::drain() {
  try {
    impl_->drain();
  } catch (const IoError& e) {
    rethrow_for(path_, e);
  }
}

double RunFile::background_seconds() const { return impl_->writer ? impl_->writer->busy_seconds() : 0.0; }

void RunFile::finish(bool complete, int32_t steps_done) {
  close_as(complete ? "complete" : "interrupted", complete, steps_done, "");
}

void RunFile::finish_failed(int32_t steps_done, const std::string& reason) {
  close_as("failed", false, steps_done, reason);
}

void RunFile::close_as(const char* status, bool complete, int32_t steps_done, const std::string& failure) {
  try {
    close_or_throw(status, complete, steps_done, failure);
  } catch (const IoError& e) {
    rethrow_for(path_, e);
  }
}

void RunFile::close_or_throw(const char* status, bool complete, int32_t steps_done, const std::string& failure) {
  Impl& im = *impl_;
  if (im.finished) throw std::logic_error("run file: finish called twice");

  // the partial block and events, then the closing attributes, a flush and the close: the writer's
  // last jobs; once they are done HDF5 is through with the file
  if (im.nbuffered > 0) im.hand_over_slab(true);
  im.hand_over_events();
  im.run([&im, status, complete, steps_done, failure] { im.close_file(status, complete, steps_done, failure); });
  im.drain();

  // move into place (replacing an existing file when forced)
  if (std::rename(im.temp_path.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    std::remove(im.temp_path.c_str());
    im.finished = true;
    throw IoError("renaming " + im.temp_path + ": " + std::strerror(err));
  }
  im.finished = true;
}

}  // namespace courtyard
