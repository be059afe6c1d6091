#include "sweep/h5.h"

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

void Writer::close() {
  groups_.clear();
  const hid_t id = file_.release();
  if (id >= 0 && H5Fclose(id) < 0) throw IoError("cannot close " + path_);
}

}  // namespace courtyard::sweep::h5
