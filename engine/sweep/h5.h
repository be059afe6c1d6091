// The little HDF5 the sweep needs (internal to engine/sweep): reading a run file's root attributes and
// 1-D series, and writing the summary files and sweep.h5 (scalars, 1-D arrays, external links, virtual
// datasets). Every failure throws IoError naming the file and object.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace courtyard::sweep::h5 {

// An HDF5 identifier closed by the destructor.
class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      close_ = o.close_;
      o.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  hid_t release() {  // the caller closes it
    const hid_t id = id_;
    id_ = H5I_INVALID_HID;
    return id;
  }
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = H5I_INVALID_HID;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  herr_t (*close_)(hid_t) = nullptr;
};

// The root attribute `complete` of a result or summary file; nullopt if the file cannot be read.
std::optional<int> read_complete(const std::string& path);

// Whether the HDF5 library is built thread-safe (one lock around every API call; Debian's libhdf5 is).
// Runs that run at once each write their files from their own thread (run_local), which needs it.
bool library_threadsafe();

// What says whose a run file is: `complete`, and the strings sweep_design and sweep_run (nullopt when
// absent or the file cannot be read).
struct Stamp {
  std::optional<int> complete;
  std::optional<std::string> design, run;
};
Stamp read_stamp(const std::string& path);

// A file open for reading.
class Reader {
 public:
  explicit Reader(const std::string& path);  // IoError if it cannot be opened
  bool has(const std::string& object) const;
  std::vector<double> doubles(const std::string& dataset) const;  // 1-D or scalar, as float64
  std::vector<int32_t> ints(const std::string& dataset) const;    // 1-D, as int32
  std::vector<std::string> strings(const std::string& dataset) const;  // 1-D strings
  // A 2-D dataset, row-major, as float32; its shape in *rows, *cols.
  std::vector<float> floats2d(const std::string& dataset, size_t* rows, size_t* cols) const;
  // A string attribute of an object ("" when absent or not a string).
  std::string attr_text(const std::string& object, const std::string& name) const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  Handle file_;
};

// A new file (replacing any), written and closed.
class Writer {
 public:
  explicit Writer(const std::string& path);  // IoError if it cannot be created
  hid_t root() const { return file_.get(); }
  hid_t group(const std::string& path);  // created (parents too) on first use; owned by the writer
  void attr(hid_t loc, const std::string& name, const std::string& value);
  void attr(hid_t loc, const std::string& name, int64_t value);
  void attr_u64(hid_t loc, const std::string& name, uint64_t value);
  void attr_i8(hid_t loc, const std::string& name, int8_t value);
  void attr_f64(hid_t loc, const std::string& name, double value);
  void scalar(hid_t loc, const std::string& name, double value);
  void scalar(hid_t loc, const std::string& name, const std::string& value);
  void array(hid_t loc, const std::string& name, const std::vector<double>& values);
  void array(hid_t loc, const std::string& name, const std::vector<int64_t>& values);
  void array_u64(hid_t loc, const std::string& name, const std::vector<uint64_t>& values);
  void array(hid_t loc, const std::string& name, const std::vector<int32_t>& values);
  void array(hid_t loc, const std::string& name, const std::vector<std::string>& values);
  // A (rows x cols) float64 dataset, values row-major.
  void matrix(hid_t loc, const std::string& name, size_t rows, size_t cols, const std::vector<double>& values);
  // A soft link to an object of another file (its path relative to this file's folder, or absolute).
  void external_link(hid_t loc, const std::string& name, const std::string& file, const std::string& object);
  // A (rows x columns) float64 virtual dataset: row r is `dataset` of sources[r] (a file path relative to
  // this file's folder; "" leaves the row NaN). Every source dataset holds `columns` float64 values.
  void virtual_rows(hid_t loc, const std::string& name, const std::vector<std::string>& sources,
                    const std::string& dataset, int64_t columns);
  // An object of the file, opened (for attributes).
  Handle open(hid_t loc, const std::string& name) const;
  // netCDF-style dimensions (what xarray/h5netcdf name dimensions by): the 1-D dataset `name` becomes the
  // dimension scale `name`, and `scale` is attached to axis `axis` of `dataset` (both in `loc`).
  void make_scale(hid_t loc, const std::string& name);
  void attach(hid_t loc, const std::string& dataset, const std::string& scale, unsigned axis);
  // A float64 dataset of shape `dims` filled with NaN (fill value NaN), chunked one index of axis 0 at a
  // time with shuffle and deflate when every dimension is above 0; rows are written with write_row.
  void nan_array(hid_t loc, const std::string& name, const std::vector<uint64_t>& dims);
  // Writes index `row` of axis 0 of such a dataset: values holds the rest of the shape, row-major.
  void write_row(hid_t loc, const std::string& name, uint64_t row, const std::vector<double>& values);
  void close();  // flushes and closes; IoError on failure

 private:
  std::string path_;
  Handle file_;
  std::vector<std::pair<std::string, Handle>> groups_;
};

}  // namespace courtyard::sweep::h5
