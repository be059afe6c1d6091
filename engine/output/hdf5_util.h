// Small helpers over the HDF5 C API shared by the result file's writer and reader (internal to
// engine/output): an owning handle, HDF5 failures as IoError with HDF5's own reason, and string
// attributes stored the way h5py and h5netcdf read them as str (scalar, variable length, UTF-8).
#pragma once

#include <hdf5.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace courtyard::h5 {

// An owned HDF5 identifier, closed by the call that fits its kind. Never wrap predefined types.
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  operator hid_t() const { return id_; }  // NOLINT: used where the C API wants an hid_t
  bool valid() const { return id_ >= 0; }
  // Closes now and returns the close call's status (negative on failure); the handle is empty after.
  herr_t close() noexcept;
  void reset() noexcept { (void)close(); }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

// Turns off HDF5's printing of its error stack to stderr (errors are reported as exceptions instead).
void silence_errors();

// The messages on HDF5's error stack, outermost first and the innermost cause last; clears the stack.
std::string error_text();

// Throws IoError("WHAT: <HDF5 reason>").
[[noreturn]] void fail(const std::string& what);
// Returns `status` (an hid_t, herr_t or htri_t), or throws IoError when it is negative.
template <class T>
T check(T status, const std::string& what) {
  if (status < 0) fail(what);
  return status;
}

// A variable-length UTF-8 string type.
Handle vlen_string_type();

// Attributes on an object; an existing attribute of the same name is replaced.
void write_attr(hid_t obj, const char* name, const std::string& value);
void write_attr(hid_t obj, const char* name, hid_t file_type, hid_t mem_type, const void* value);
// A one-dimensional array attribute of n values (e.g. CF flag_values).
void write_attr_array(hid_t obj, const char* name, hid_t file_type, hid_t mem_type, size_t n,
                      const void* values);
inline void write_attr(hid_t obj, const char* name, int32_t value) {
  write_attr(obj, name, H5T_STD_I32LE, H5T_NATIVE_INT32, &value);
}

// A scalar string attribute (fixed or variable length); nullopt when absent or not a string.
std::optional<std::string> read_string_attr(hid_t obj, const char* name);
// A scalar numeric attribute converted to int64 or double; nullopt when absent or not numeric.
std::optional<int64_t> read_int_attr(hid_t obj, const char* name);
std::optional<double> read_double_attr(hid_t obj, const char* name);
// Any scalar string or numeric attribute as text (integers exactly, uint64 included); nullopt when absent.
std::optional<std::string> read_attr_text(hid_t obj, const char* name);

}  // namespace courtyard::h5
