#include "sweep/h5.h"

#include <hdf5_hl.h>

#include <cmath>
#include <limits>

#include "core/errors.h"

namespace courtyard::sweep::h5 {

namespace {

// HDF5 prints its error stack by default; we throw instead (the setting is per thread).
void quiet() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

hid_t check(hid_t id, const std::string& what) {
  if (id < 0) throw IoError(what);
  return id;
}
void check(herr_t status, const std::string& what, int) {
  if (status < 0) throw IoError(what);
}

Handle scalar_space() { return Handle(check(H5Screate(H5S_SCALAR), "H5Screate"), H5Sclose); }
Handle vector_space(size_t n) {
  const hsize_t dims[1] = {static_cast<hsize_t>(n)};
  return Handle(check(H5Screate_simple(1, dims, nullptr), "H5Screate_simple"), H5Sclose);
}
Handle utf8_string_type() {
  Handle t(check(H5Tcopy(H5T_C_S1), "H5Tcopy"), H5Tclose);
  H5Tset_size(t.get(), H5T_VARIABLE);
  H5Tset_cset(t.get(), H5T_CSET_UTF8);
  return t;
}

}  // namespace

bool library_threadsafe() {
  hbool_t yes = 0;
  return H5is_library_threadsafe(&yes) >= 0 && yes;
}

std::optional<int> read_complete(const std::string& path) {
  quiet();
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (file.get() < 0 || H5Aexists(file.get(), "complete") <= 0) return std::nullopt;
  Handle a(H5Aopen(file.get(), "complete", H5P_DEFAULT), H5Aclose);
  int value = 0;
  if (a.get() < 0 || H5Aread(a.get(), H5T_NATIVE_INT, &value) < 0) return std::nullopt;
  return value;
}

Stamp read_stamp(const std::string& path) {
  quiet();
  Stamp out;
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (file.get() < 0) return out;
  if (H5Aexists(file.get(), "complete") > 0) {
    Handle a(H5Aopen(file.get(), "complete", H5P_DEFAULT), H5Aclose);
    int value = 0;
    if (a.get() >= 0 && H5Aread(a.get(), H5T_NATIVE_INT, &value) >= 0) out.complete = value;
  }
  // a scalar variable-length string attribute (as the writers store them)
  auto text = [&](const char* name) -> std::optional<std::string> {
    if (H5Aexists(file.get(), name) <= 0) return std::nullopt;
    Handle a(H5Aopen(file.get(), name, H5P_DEFAULT), H5Aclose);
    if (a.get() < 0) return std::nullopt;
    Handle type(H5Aget_type(a.get()), H5Tclose);
    if (type.get() < 0 || H5Tget_class(type.get()) != H5T_STRING || H5Tis_variable_str(type.get()) <= 0)
      return std::nullopt;
    Handle mem = utf8_string_type();
    char* value = nullptr;
    if (H5Aread(a.get(), mem.get(), &value) < 0 || value == nullptr) return std::nullopt;
    std::string result(value);
    H5free_memory(value);
    return result;
  };
  out.design = text("sweep_design");
  out.run = text("sweep_run");
  return out;
}

Reader::Reader(const std::string& path) : path_(path) {
  quiet();
  file_ = Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (file_.get() < 0) throw IoError("cannot open " + path + " (not an HDF5 file, or unreadable)");
}

bool Reader::has(const std::string& object) const {
  // every link along the path must exist before the last can be asked about
  size_t pos = 0;
  while ((pos = object.find('/', pos + 1)) != std::string::npos)
    if (H5Lexists(file_.get(), object.substr(0, pos).c_str(), H5P_DEFAULT) <= 0) return false;
  return H5Lexists(file_.get(), object.c_str(), H5P_DEFAULT) > 0;
}

namespace {
template <typename T>
std::vector<T> read_all(hid_t file, const std::string& path, const std::string& dataset, hid_t mem_type) {
  Handle d(H5Dopen2(file, dataset.c_str(), H5P_DEFAULT), H5Dclose);
  if (d.get() < 0) throw IoError(path + ": no dataset /" + dataset);
  Handle space(H5Dget_space(d.get()), H5Sclose);
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n < 0 || H5Sget_simple_extent_ndims(space.get()) > 1) throw IoError(path + ": /" + dataset + " is not 1-D");
  std::vector<T> out(static_cast<size_t>(n));
  if (n > 0 && H5Dread(d.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    throw IoError(path + ": cannot read /" + dataset);
  return out;
}
}  // namespace

std::vector<double> Reader::doubles(const std::string& dataset) const {
  return read_all<double>(file_.get(), path_, dataset, H5T_NATIVE_DOUBLE);
}
std::vector<int32_t> Reader::ints(const std::string& dataset) const {
  return read_all<int32_t>(file_.get(), path_, dataset, H5T_NATIVE_INT32);
}

std::vector<std::string> Reader::strings(const std::string& dataset) const {
  Handle d(H5Dopen2(file_.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
  if (d.get() < 0) throw IoError(path_ + ": no dataset /" + dataset);
  Handle space(H5Dget_space(d.get()), H5Sclose);
  Handle stored(H5Dget_type(d.get()), H5Tclose);
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n < 0 || H5Sget_simple_extent_ndims(space.get()) != 1 || H5Tget_class(stored.get()) != H5T_STRING)
    throw IoError(path_ + ": /" + dataset + " is not a 1-D string dataset");
  std::vector<std::string> out;
  if (n == 0) return out;
  if (H5Tis_variable_str(stored.get()) > 0) {
    Handle type = utf8_string_type();
    std::vector<char*> p(static_cast<size_t>(n), nullptr);
    if (H5Dread(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, p.data()) < 0)
      throw IoError(path_ + ": cannot read /" + dataset);
    for (char* q : p) out.emplace_back(q ? q : "");
    H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, p.data());
  } else {
    const size_t size = H5Tget_size(stored.get());
    Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(type.get(), size);
    std::vector<char> buf(size * static_cast<size_t>(n));
    if (H5Dread(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0)
      throw IoError(path_ + ": cannot read /" + dataset);
    for (hssize_t i = 0; i < n; ++i) {
      const char* q = buf.data() + static_cast<size_t>(i) * size;
      size_t len = 0;
      while (len < size && q[len] != '\0') ++len;
      out.emplace_back(q, len);
    }
  }
  return out;
}

std::vector<float> Reader::floats2d(const std::string& dataset, size_t* rows, size_t* cols) const {
  Handle d(H5Dopen2(file_.get(), dataset.c_str(), H5P_DEFAULT), H5Dclose);
  if (d.get() < 0) throw IoError(path_ + ": no dataset /" + dataset);
  Handle space(H5Dget_space(d.get()), H5Sclose);
  if (H5Sget_simple_extent_ndims(space.get()) != 2) throw IoError(path_ + ": /" + dataset + " is not 2-D");
  hsize_t dims[2] = {0, 0};
  H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  *rows = static_cast<size_t>(dims[0]);
  *cols = static_cast<size_t>(dims[1]);
  std::vector<float> out(*rows * *cols);
  if (!out.empty() && H5Dread(d.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    throw IoError(path_ + ": cannot read /" + dataset);
  return out;
}

std::string Reader::attr_text(const std::string& object, const std::string& name) const {
  Handle o(H5Oopen(file_.get(), object.c_str(), H5P_DEFAULT), H5Oclose);
  if (o.get() < 0 || H5Aexists(o.get(), name.c_str()) <= 0) return "";
  Handle a(H5Aopen(o.get(), name.c_str(), H5P_DEFAULT), H5Aclose);
  Handle stored(H5Aget_type(a.get()), H5Tclose);
  if (a.get() < 0 || H5Tget_class(stored.get()) != H5T_STRING) return "";
  if (H5Tis_variable_str(stored.get()) > 0) {
    Handle type = utf8_string_type();
    char* p = nullptr;
    if (H5Aread(a.get(), type.get(), &p) < 0) return "";
    std::string out = p ? p : "";
    H5free_memory(p);
    return out;
  }
  const size_t size = H5Tget_size(stored.get());
  std::string buf(size, '\0');
  if (H5Aread(a.get(), stored.get(), buf.data()) < 0) return "";
  return buf.substr(0, buf.find('\0'));
}

Writer::Writer(const std::string& path) : path_(path) {
  quiet();
  // no object time stamps, so that the same content gives the same bytes
  Handle fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose);
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_LATEST);
  file_ = Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), H5Fclose);
  if (file_.get() < 0) throw IoError("cannot create " + path);
}

hid_t Writer::group(const std::string& path) {
  for (auto& [name, h] : groups_)
    if (name == path) return h.get();
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  Handle gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose);
  H5Pset_obj_track_times(gcpl.get(), 0);
  hid_t g = H5Gcreate2(file_.get(), path.c_str(), lcpl.get(), gcpl.get(), H5P_DEFAULT);
  check(g, path_ + ": cannot create group " + path);
  groups_.emplace_back(path, Handle(g, H5Gclose));
  return g;
}

void Writer::attr(hid_t loc, const std::string& name, const std::string& value) {
  Handle type = utf8_string_type();
  Handle space = scalar_space();
  Handle a(check(H5Acreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), path_ + ": attribute " + name), H5Aclose);
  const char* p = value.c_str();
  check(H5Awrite(a.get(), type.get(), &p), path_ + ": attribute " + name, 0);
}

void Writer::attr(hid_t loc, const std::string& name, int64_t value) {
  Handle space = scalar_space();
  Handle a(check(H5Acreate2(loc, name.c_str(), H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), path_ + ": attribute " + name), H5Aclose);
  check(H5Awrite(a.get(), H5T_NATIVE_INT64, &value), path_ + ": attribute " + name, 0);
}

void Writer::attr_u64(hid_t loc, const std::string& name, uint64_t value) {
  Handle space = scalar_space();
  Handle a(check(H5Acreate2(loc, name.c_str(), H5T_STD_U64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), path_ + ": attribute " + name), H5Aclose);
  check(H5Awrite(a.get(), H5T_NATIVE_UINT64, &value), path_ + ": attribute " + name, 0);
}

void Writer::attr_i8(hid_t loc, const std::string& name, int8_t value) {
  Handle space = scalar_space();
  Handle a(check(H5Acreate2(loc, name.c_str(), H5T_STD_I8LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), path_ + ": attribute " + name), H5Aclose);
  check(H5Awrite(a.get(), H5T_NATIVE_INT8, &value), path_ + ": attribute " + name, 0);
}

void Writer::attr_f64(hid_t loc, const std::string& name, double value) {
  Handle space = scalar_space();
  Handle a(check(H5Acreate2(loc, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), path_ + ": attribute " + name), H5Aclose);
  check(H5Awrite(a.get(), H5T_NATIVE_DOUBLE, &value), path_ + ": attribute " + name, 0);
}

namespace {
Handle dataset_plist() {
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_obj_track_times(dcpl.get(), 0);
  return dcpl;
}
void write_dataset(hid_t loc, const std::string& file, const std::string& name, hid_t file_type, hid_t mem_type,
                   const Handle& space, const void* data) {
  Handle dcpl = dataset_plist();
  Handle d(check(H5Dcreate2(loc, name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT), file + ": dataset " + name), H5Dclose);
  if (H5Sget_simple_extent_npoints(space.get()) == 0) return;  // nothing to write (and no buffer)
  check(H5Dwrite(d.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), file + ": dataset " + name, 0);
}
}  // namespace

void Writer::scalar(hid_t loc, const std::string& name, double value) {
  write_dataset(loc, path_, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, scalar_space(), &value);
}

void Writer::scalar(hid_t loc, const std::string& name, const std::string& value) {
  Handle type = utf8_string_type();
  const char* p = value.c_str();
  write_dataset(loc, path_, name, type.get(), type.get(), scalar_space(), &p);
}

void Writer::array(hid_t loc, const std::string& name, const std::vector<double>& values) {
  write_dataset(loc, path_, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, vector_space(values.size()), values.data());
}
void Writer::array(hid_t loc, const std::string& name, const std::vector<int64_t>& values) {
  write_dataset(loc, path_, name, H5T_STD_I64LE, H5T_NATIVE_INT64, vector_space(values.size()), values.data());
}
void Writer::array_u64(hid_t loc, const std::string& name, const std::vector<uint64_t>& values) {
  write_dataset(loc, path_, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, vector_space(values.size()), values.data());
}
void Writer::array(hid_t loc, const std::string& name, const std::vector<int32_t>& values) {
  write_dataset(loc, path_, name, H5T_STD_I32LE, H5T_NATIVE_INT32, vector_space(values.size()), values.data());
}
void Writer::array(hid_t loc, const std::string& name, const std::vector<std::string>& values) {
  Handle type = utf8_string_type();
  std::vector<const char*> p;
  for (const std::string& s : values) p.push_back(s.c_str());
  write_dataset(loc, path_, name, type.get(), type.get(), vector_space(values.size()), p.data());
}

void Writer::matrix(hid_t loc, const std::string& name, size_t rows, size_t cols, const std::vector<double>& values) {
  if (values.size() != rows * cols) throw IoError(path_ + ": " + name + ": wrong number of values");
  const hsize_t dims[2] = {static_cast<hsize_t>(rows), static_cast<hsize_t>(cols)};
  Handle space(check(H5Screate_simple(2, dims, nullptr), "H5Screate_simple"), H5Sclose);
  write_dataset(loc, path_, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space, values.data());
}

void Writer::external_link(hid_t loc, const std::string& name, const std::string& file, const std::string& object) {
  check(H5Lcreate_external(file.c_str(), object.c_str(), loc, name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
        path_ + ": external link " + name, 0);
}

void Writer::virtual_rows(hid_t loc, const std::string& name, const std::vector<std::string>& sources,
                          const std::string& dataset, int64_t columns) {
  const hsize_t dims[2] = {static_cast<hsize_t>(sources.size()), static_cast<hsize_t>(columns)};
  Handle vspace(check(H5Screate_simple(2, dims, nullptr), "H5Screate_simple"), H5Sclose);
  Handle sspace = vector_space(static_cast<size_t>(columns));
  Handle dcpl = dataset_plist();
  const double fill = std::numeric_limits<double>::quiet_NaN();
  H5Pset_fill_value(dcpl.get(), H5T_NATIVE_DOUBLE, &fill);
  for (size_t r = 0; r < sources.size(); ++r) {
    if (sources[r].empty()) continue;
    const hsize_t start[2] = {static_cast<hsize_t>(r), 0}, count[2] = {1, static_cast<hsize_t>(columns)};
    check(H5Sselect_hyperslab(vspace.get(), H5S_SELECT_SET, start, nullptr, count, nullptr), "H5Sselect_hyperslab", 0);
    check(H5Pset_virtual(dcpl.get(), vspace.get(), sources[r].c_str(), dataset.c_str(), sspace.get()),
          path_ + ": virtual dataset " + name, 0);
  }
  H5Sselect_all(vspace.get());
  Handle d(check(H5Dcreate2(loc, name.c_str(), H5T_IEEE_F64LE, vspace.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                 path_ + ": virtual dataset " + name),
           H5Dclose);
}

Handle Writer::open(hid_t loc, const std::string& name) const {
  return Handle(check(H5Oopen(loc, name.c_str(), H5P_DEFAULT), path_ + ": cannot open " + name), H5Oclose);
}

void Writer::make_scale(hid_t loc, const std::string& name) {
  Handle d(check(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), path_ + ": dataset " + name), H5Dclose);
  check(H5DSset_scale(d.get(), name.c_str()), path_ + ": making " + name + " a dimension scale", 0);
}

void Writer::attach(hid_t loc, const std::string& dataset, const std::string& scale, unsigned axis) {
  Handle d(check(H5Dopen2(loc, dataset.c_str(), H5P_DEFAULT), path_ + ": dataset " + dataset), H5Dclose);
  Handle s(check(H5Dopen2(loc, scale.c_str(), H5P_DEFAULT), path_ + ": dataset " + scale), H5Dclose);
  check(H5DSattach_scale(d.get(), s.get(), axis), path_ + ": attaching " + scale + " to " + dataset, 0);
}

void Writer::nan_array(hid_t loc, const std::string& name, const std::vector<uint64_t>& dims) {
  std::vector<hsize_t> d(dims.begin(), dims.end());
  Handle space(check(H5Screate_simple(static_cast<int>(d.size()), d.data(), nullptr), "H5Screate_simple"), H5Sclose);
  Handle dcpl = dataset_plist();
  const double fill = std::numeric_limits<double>::quiet_NaN();
  H5Pset_fill_value(dcpl.get(), H5T_NATIVE_DOUBLE, &fill);
  H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_IFSET);
  bool empty = false;
  for (hsize_t n : d) empty = empty || n == 0;
  if (!empty) {
    std::vector<hsize_t> chunk = d;
    chunk[0] = 1;
    H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data());
    H5Pset_shuffle(dcpl.get());
    H5Pset_deflate(dcpl.get(), 1);
  }
  Handle ds(check(H5Dcreate2(loc, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                  path_ + ": dataset " + name),
            H5Dclose);
}

void Writer::write_row(hid_t loc, const std::string& name, uint64_t row, const std::vector<double>& values) {
  Handle d(check(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), path_ + ": dataset " + name), H5Dclose);
  Handle fspace(check(H5Dget_space(d.get()), path_ + ": dataset " + name), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(fspace.get());
  std::vector<hsize_t> dims(static_cast<size_t>(rank)), start(dims.size(), 0), count;
  H5Sget_simple_extent_dims(fspace.get(), dims.data(), nullptr);
  count = dims;
  start[0] = row;
  count[0] = 1;
  hsize_t n = 1;
  for (size_t i = 1; i < dims.size(); ++i) n *= dims[i];
  if (values.size() != n || row >= dims[0]) throw IoError(path_ + ": " + name + ": a row of the wrong size");
  if (n == 0) return;
  check(H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr), "H5Sselect_hyperslab", 0);
  Handle mspace = vector_space(values.size());
  check(H5Dwrite(d.get(), H5T_NATIVE_DOUBLE, mspace.get(), fspace.get(), H5P_DEFAULT, values.data()),
        path_ + ": writing " + name, 0);
}

void Writer::close() {
  groups_.clear();
  const hid_t id = file_.release();
  if (id >= 0 && H5Fclose(id) < 0) throw IoError("cannot close " + path_);
}

}  // namespace courtyard::sweep::h5
