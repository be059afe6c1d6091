// The writer thread's jobs (run_file_impl.h): compressing slabs, appending blocks and events to the
// result file, and the closing attributes.
//
// Compressing the (time, courtyard) chunks is most of the cost of writing (zlib at level 1 makes some
// 100 MB/s on one core). The writer therefore applies HDF5's two filters itself, shuffle then deflate
// exactly as H5Z_FILTER_SHUFFLE and H5Z_FILTER_DEFLATE do, to many chunks in parallel (TBB, in the
// writer's own task arena of the run's width), and hands the finished chunks to H5Dwrite_chunk one by
// one. Each chunk is compressed on its own, so the bytes depend neither on the number of threads nor
// on when a chunk was compressed; readers see an ordinary shuffle+deflate dataset.
#include <fcntl.h>
#include <hdf5.h>
#include <tbb/parallel_for.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/errors.h"
#include "output/hdf5_util.h"
#include "output/run_file_impl.h"

namespace courtyard {

using h5::check;
using h5::Handle;
using h5::write_attr;
using namespace run_file_detail;

// Chunks are written as raw bytes: the host's float must be the file's (IEEE little endian).
static_assert(std::endian::native == std::endian::little, "the direct chunk writer assumes a little-endian host");
static_assert(std::numeric_limits<float>::is_iec559 && sizeof(float) == 4);

void run_file_detail::append_rows(hid_t ds, hsize_t row0, hsize_t nrow, hsize_t width, hid_t mem_type,
                                  const void* data, const std::string& what, hid_t dxpl) {
  const int rank = width == 0 ? 1 : 2;
  const hsize_t extent[2] = {row0 + nrow, width};
  check(H5Dset_extent(ds, extent), "extending " + what);
  Handle file_space(check(H5Dget_space(ds), "writing " + what));
  const hsize_t start[2] = {row0, 0}, count[2] = {nrow, width};
  check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, nullptr, count, nullptr), "writing " + what);
  Handle mem_space(check(H5Screate_simple(rank, count, nullptr), "writing " + what));
  check(H5Dwrite(ds, mem_type, mem_space, file_space, dxpl, data), "writing " + what);
}

namespace {

// One (time, courtyard) chunk of metric `m` through HDF5's filter pipeline by hand: the first `nrow`
// records of `slab` (record r's values of metric m at slab[r][m * n]), padded to
// `chunk_rows` rows with NaN (the fill value), shuffled (byte k of every value together, as
// H5Z_FILTER_SHUFFLE), then deflated with zlib's compress2 (as H5Z_FILTER_DEFLATE) into `out`.
void pack_chunk(const std::vector<std::vector<float>>& slab, size_t m, size_t n, size_t nrow, size_t chunk_rows,
                std::vector<unsigned char>* shuffled, std::vector<unsigned char>* out) {
  const size_t nchunk = chunk_rows * n;
  shuffled->resize(nchunk * sizeof(float));
  unsigned char* planes = shuffled->data();
  const uint32_t nan_bits = std::bit_cast<uint32_t>(std::numeric_limits<float>::quiet_NaN());
  auto put = [&](size_t i, uint32_t bits) {
    planes[i] = static_cast<unsigned char>(bits);
    planes[nchunk + i] = static_cast<unsigned char>(bits >> 8);
    planes[2 * nchunk + i] = static_cast<unsigned char>(bits >> 16);
    planes[3 * nchunk + i] = static_cast<unsigned char>(bits >> 24);
  };
  for (size_t r = 0; r < std::min(nrow, chunk_rows); ++r) {
    const float* src = slab[r].data() + m * n;
    for (size_t c = 0; c < n; ++c) put(r * n + c, std::bit_cast<uint32_t>(src[c]));
  }
  for (size_t i = std::min(nrow, chunk_rows) * n; i < nchunk; ++i) put(i, nan_bits);
  uLongf size = compressBound(static_cast<uLong>(shuffled->size()));
  out->resize(size);
  const int rc = compress2(out->data(), &size, planes, static_cast<uLong>(shuffled->size()),
                           static_cast<int>(kDeflateLevel));
  if (rc != Z_OK) throw IoError("compressing a chunk: zlib error " + std::to_string(rc));
  out->resize(size);
}

}  // namespace

// `count` calls of f(k) in parallel: in the writer's arena, or in the caller's when there is none
void RunFile::Impl::parallel(size_t count, const std::function<void(size_t)>& f) {
  auto body = [&] { tbb::parallel_for(size_t{0}, count, [&](size_t k) { f(k); }); };
  if (arena)
    arena->execute(body);
  else
    body();
}

void RunFile::Impl::compress_slab(const Slab& s) {
  const auto nm = static_cast<size_t>(nmetric), n = static_cast<size_t>(ncourtyard);
  const auto ct = static_cast<size_t>(chunk_time);
  std::vector<Packed> out(nm);
  parallel(nm, [&](size_t m) {
    Packed& scratch = shuffled.local();
    pack_chunk(s, m, n, ct, ct, &scratch, &out[m]);
    out[m].shrink_to_fit();  // kept until the block is written: no more than its compressed size
  });
  packed.push_back(std::move(out));
}

void RunFile::Impl::write_block(const BlockRows& r, const Slab& last, int32_t nrow_in) {
  const auto nrow = static_cast<hsize_t>(nrow_in);
  const auto nm = static_cast<size_t>(nmetric), n = static_cast<size_t>(ncourtyard);
  const auto nb = static_cast<size_t>(block_records), ct = static_cast<size_t>(chunk_time);

  // the time axis first, then every metric over the same rows
  append_rows(ts_time, nrecords, nrow, 0, H5T_NATIVE_DOUBLE, r.time.data(), "/timeseries/time");
  append_rows(ts_step, nrecords, nrow, 0, H5T_NATIVE_INT32, r.step.data(), "/timeseries/step");
  append_rows(sd_time, nrecords, nrow, 0, H5T_NATIVE_DOUBLE, r.time.data(), "/subdistrict/time");
  for (size_t m = 0; m < nm; ++m)
    append_rows(sd_metric[m], nrecords, nrow, 0, H5T_NATIVE_DOUBLE, r.subdistrict.data() + m * nb,
                "/subdistrict/" + metrics[m].name);

  // grow every metric to the new length (the block starts on a chunk boundary)
  for (size_t m = 0; m < nm; ++m) {
    const hsize_t extent[2] = {nrecords + nrow, static_cast<hsize_t>(ncourtyard)};
    check(H5Dset_extent(ts_metric[m], extent), "extending /timeseries/" + metrics[m].name);
  }

  // the chunks: those of the block's earlier slabs are compressed already; the last slab's (if it
  // holds records) are compressed here, in waves of one metric per thread, and every metric's chunks
  // are written in time order, metric after metric
  const size_t nchunk = (static_cast<size_t>(nrow) + ct - 1) / ct;
  const size_t stored = packed.size();
  if (stored > nchunk || (stored < nchunk && stored + 1 != nchunk))
    throw std::logic_error("run file: a block's slabs do not add up to its records");
  const bool fresh = stored < nchunk;  // the last slab's chunks still to compress
  const size_t last_rows = static_cast<size_t>(nrow) - stored * ct;
  const size_t wave = std::max<size_t>(1, static_cast<size_t>(concurrency));
  if (fresh) wave_packed.resize(std::min(wave, nm));
  for (size_t first = 0; first < nm; first += wave) {
    const size_t count = std::min(wave, nm - first);
    if (fresh)
      parallel(count, [&](size_t k) {
        pack_chunk(last, first + k, n, last_rows, ct, &shuffled.local(), &wave_packed[k]);
      });
    for (size_t k = 0; k < count; ++k) {
      const size_t m = first + k;
      for (size_t j = 0; j < nchunk; ++j) {
        const Packed& chunk = j < stored ? packed[j][m] : wave_packed[k];
        const hsize_t offset[2] = {nrecords + static_cast<hsize_t>(j * ct), 0};
        check(H5Dwrite_chunk(ts_metric[m], H5P_DEFAULT, 0, offset, chunk.size(), chunk.data()),
              "writing /timeseries/" + metrics[m].name);
      }
    }
  }
  packed.clear();

  if (snapshots) {
    const auto nh = static_cast<hsize_t>(snapshot_ids.size());
    append_rows(hh_time, nrecords, nrow, 0, H5T_NATIVE_DOUBLE, r.time.data(), "/households/time");
    append_rows(hh_step, nrecords, nrow, 0, H5T_NATIVE_INT32, r.step.data(), "/households/step");
    append_rows(hh_tenure, nrecords, nrow, nh, H5T_NATIVE_INT8, r.tenure.data(), "/households/tenure");
    append_rows(hh_paid, nrecords, nrow, nh, H5T_NATIVE_INT8, r.paid.data(), "/households/paid");
    append_rows(hh_civic, nrecords, nrow, nh, H5T_NATIVE_INT8, r.civic.data(), "/households/civic");
  }
  nrecords += nrow;
}

void RunFile::Impl::write_events(const std::vector<Event>& ev) {
  if (ev.empty()) return;
  append_rows(events, nevents, ev.size(), 0, event_mem_type, ev.data(), "/events", event_dxpl);
  nevents += ev.size();
  // the value-less dimension keeps the table's length, as netCDF-C would (nothing is stored in it)
  check(H5Dset_extent(event_dim, &nevents), "extending /event");
}

void RunFile::Impl::close_file(const char* status, bool complete, int32_t steps_done, const std::string& failure) {
  const int8_t done = complete ? 1 : 0;
  write_attr(file, "steps_done", steps_done);
  write_attr(file, "complete", H5T_STD_I8LE, H5T_NATIVE_INT8, &done);
  write_attr(file, "status", status);
  if (!failure.empty()) write_attr(file, "failure", failure);

  // flush first: a flush that fails leaves the file open, for the destructor to abandon (a close that
  // fails would leave it half closed in HDF5's tables)
  check(H5Fflush(file, H5F_SCOPE_GLOBAL), "flushing " + temp_path);
  if (close_all() < 0) throw IoError("closing " + temp_path + ": " + h5::error_text());
}

herr_t RunFile::Impl::close_all() noexcept {
  // every object first, the file last: H5Fclose only really closes once nothing in it is open
  ts_metric.clear();
  sd_metric.clear();
  ts_time.reset();
  ts_courtyard.reset();
  ts_step.reset();
  sd_time.reset();
  events.reset();
  event_dim.reset();
  hh_time.reset();
  hh_step.reset();
  hh_tenure.reset();
  hh_paid.reset();
  hh_civic.reset();
  event_mem_type.reset();
  event_dxpl.reset();
  return file.close();
}

namespace {

// Sends the rest of a discarded file's writes to /dev/null. After a failed write (a full disk: ENOSPC,
// EFBIG) HDF5 cannot write out its metadata cache, and HDF5 1.10.8 (Debian 12) cannot close a file
// whose cache it cannot write: H5F__dest frees the file's structures whether or not its flush worked,
// losing every cached entry with them (megabytes per file, a LeakSanitizer report; a sweep that keeps
// running loses that much again with each failed run) and leaving a dangling file ID behind (fixed
// upstream after 1.10.8: HDFGroup/hdf5 pull request 2291, HDFFV-11052). With the descriptor on
// /dev/null the close writes the cache out to nowhere and frees it. Only for the sec2 driver (the
// default, the only one the run file uses), whose handle is the descriptor; anything else is left as
// it is. Reads come back empty; nothing is read back from a file that is thrown away.
void discard_writes(hid_t file) noexcept {
  const hid_t fapl = H5Fget_access_plist(file);
  if (fapl < 0) return;
  const bool sec2 = H5Pget_driver(fapl) == H5FD_SEC2;
  H5Pclose(fapl);
  void* handle = nullptr;
  if (!sec2 || H5Fget_vfd_handle(file, H5P_DEFAULT, &handle) < 0 || handle == nullptr) return;
  const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0) return;
  ::dup2(null, *static_cast<int*>(handle));  // the same descriptor number, now on /dev/null
  ::close(null);
}

}  // namespace

// Closes and removes the temporary file, on the caller's thread once the writer thread has stopped. A
// file whose cache can still be written out (the run failed for another reason) is closed as usual.
// One whose cache cannot (a full disk) gets its writes discarded first, so that HDF5 frees it
// (discard_writes); its close still reports an error (HDF5 cannot size /dev/null to the file's end),
// after which HDF5 keeps a dangling ID of the file in its tables, where its own clean-up at exit would
// crash (SIGSEGV in H5F__close_cb): the program therefore turns that clean-up off (H5dont_atexit in
// main; the operating system closes what is left). The name is removed either way.
void RunFile::Impl::abandon() noexcept {
  if (writer) writer->stop();
  if (file.valid()) {
    if (H5Fflush(file, H5F_SCOPE_LOCAL) < 0) discard_writes(file);
    close_all();
    h5::error_text();  // clears the error stack
  }
  std::remove(temp_path.c_str());
}

}  // namespace courtyard
