#include "output/hdf5_util.h"

#include <cstdio>
#include <vector>

#include "core/errors.h"

namespace courtyard::h5 {

herr_t Handle::close() noexcept {
  if (id_ < 0) return 0;
  const hid_t id = std::exchange(id_, H5I_INVALID_HID);
  switch (H5Iget_type(id)) {
    case H5I_FILE: return H5Fclose(id);
    case H5I_GROUP: return H5Gclose(id);
    case H5I_DATASET: return H5Dclose(id);
    case H5I_DATASPACE: return H5Sclose(id);
    case H5I_DATATYPE: return H5Tclose(id);
    case H5I_ATTR: return H5Aclose(id);
    case H5I_GENPROP_LST: return H5Pclose(id);
    default: return H5Idec_ref(id) < 0 ? -1 : 0;
  }
}

void silence_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

std::string error_text() {
  // collect the descriptions from the API call down to where the error was first detected
  std::vector<std::string> descs;
  auto collect = [](unsigned, const H5E_error2_t* err, void* data) -> herr_t {
    auto* out = static_cast<std::vector<std::string>*>(data);
    if (err->desc != nullptr && err->desc[0] != '\0') out->emplace_back(err->desc);
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect, &descs);
  H5Eclear2(H5E_DEFAULT);
  if (descs.empty()) return "unknown HDF5 error";
  if (descs.size() == 1 || descs.front() == descs.back()) return descs.front();
  return descs.front() + " (" + descs.back() + ")";
}

void fail(const std::string& what) { throw IoError(what + ": " + error_text()); }

Handle vlen_string_type() {
  Handle type(check(H5Tcopy(H5T_C_S1), "string type"));
  check(H5Tset_size(type, H5T_VARIABLE), "string type");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "string type");
  return type;
}

namespace {

// Opens `name` on `obj`, or returns an empty handle when there is no such attribute.
Handle open_attr(hid_t obj, const char* name) {
  if (H5Aexists(obj, name) <= 0) return Handle();
  return Handle(H5Aopen(obj, name, H5P_DEFAULT));
}

// True when the attribute holds exactly one value (scalar or a one-element array).
bool single_value(hid_t attr) {
  Handle space(H5Aget_space(attr));
  return space.valid() && H5Sget_simple_extent_npoints(space) == 1;
}

}  // namespace

void write_attr(hid_t obj, const char* name, hid_t file_type, hid_t mem_type, const void* value) {
  const std::string what = std::string("writing attribute ") + name;
  if (check(H5Aexists(obj, name), what) > 0) check(H5Adelete(obj, name), what);
  Handle space(check(H5Screate(H5S_SCALAR), what));
  Handle attr(check(H5Acreate2(obj, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT), what));
  check(H5Awrite(attr, mem_type, value), what);
}

void write_attr_array(hid_t obj, const char* name, hid_t file_type, hid_t mem_type, size_t n,
                      const void* values) {
  const std::string what = std::string("writing attribute ") + name;
  if (check(H5Aexists(obj, name), what) > 0) check(H5Adelete(obj, name), what);
  const hsize_t dims = n;
  Handle space(check(H5Screate_simple(1, &dims, nullptr), what));
  Handle attr(check(H5Acreate2(obj, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT), what));
  if (n > 0) check(H5Awrite(attr, mem_type, values), what);
}

void write_attr(hid_t obj, const char* name, const std::string& value) {
  Handle type = vlen_string_type();
  const char* text = value.c_str();
  write_attr(obj, name, type, type, &text);
}

std::optional<std::string> read_string_attr(hid_t obj, const char* name) {
  Handle attr = open_attr(obj, name);
  if (!attr.valid() || !single_value(attr)) return std::nullopt;
  Handle type(H5Aget_type(attr));
  if (!type.valid() || H5Tget_class(type) != H5T_STRING) return std::nullopt;
  if (H5Tis_variable_str(type) > 0) {
    Handle mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem, H5T_VARIABLE);
    H5Tset_cset(mem, H5Tget_cset(type));
    char* text = nullptr;
    if (H5Aread(attr, mem, &text) < 0) return std::nullopt;
    std::string out = text != nullptr ? text : "";
    H5free_memory(text);
    return out;
  }
  // fixed length: read into a buffer one longer, then cut at the terminator or the padding
  const size_t size = H5Tget_size(type);
  Handle mem(H5Tcopy(type));
  H5Tset_size(mem, size + 1);
  H5Tset_strpad(mem, H5T_STR_NULLTERM);
  std::vector<char> buf(size + 1, '\0');
  if (H5Aread(attr, mem, buf.data()) < 0) return std::nullopt;
  std::string out(buf.data());
  if (H5Tget_strpad(type) == H5T_STR_SPACEPAD) out.erase(out.find_last_not_of(' ') + 1);
  return out;
}

std::optional<int64_t> read_int_attr(hid_t obj, const char* name) {
  Handle attr = open_attr(obj, name);
  if (!attr.valid() || !single_value(attr)) return std::nullopt;
  Handle type(H5Aget_type(attr));
  if (!type.valid() || H5Tget_class(type) != H5T_INTEGER) return std::nullopt;
  int64_t value = 0;
  if (H5Aread(attr, H5T_NATIVE_INT64, &value) < 0) return std::nullopt;
  return value;
}

std::optional<double> read_double_attr(hid_t obj, const char* name) {
  Handle attr = open_attr(obj, name);
  if (!attr.valid() || !single_value(attr)) return std::nullopt;
  Handle type(H5Aget_type(attr));
  if (!type.valid()) return std::nullopt;
  const H5T_class_t cls = H5Tget_class(type);
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) return std::nullopt;
  double value = 0;
  if (H5Aread(attr, H5T_NATIVE_DOUBLE, &value) < 0) return std::nullopt;
  return value;
}

std::optional<std::string> read_attr_text(hid_t obj, const char* name) {
  if (auto s = read_string_attr(obj, name)) return s;
  Handle attr = open_attr(obj, name);
  if (!attr.valid() || !single_value(attr)) return std::nullopt;
  Handle type(H5Aget_type(attr));
  if (!type.valid()) return std::nullopt;
  const H5T_class_t cls = H5Tget_class(type);
  if (cls == H5T_INTEGER && H5Tget_sign(type) == H5T_SGN_NONE) {
    uint64_t value = 0;
    if (H5Aread(attr, H5T_NATIVE_UINT64, &value) < 0) return std::nullopt;
    return std::to_string(value);
  }
  if (cls == H5T_INTEGER) {
    int64_t value = 0;
    if (H5Aread(attr, H5T_NATIVE_INT64, &value) < 0) return std::nullopt;
    return std::to_string(value);
  }
  if (cls == H5T_FLOAT) {
    double value = 0;
    if (H5Aread(attr, H5T_NATIVE_DOUBLE, &value) < 0) return std::nullopt;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", value);
    return std::string(buf);
  }
  return std::nullopt;
}

}  // namespace courtyard::h5
