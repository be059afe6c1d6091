// The files of a checkpoint (layout: docs/output-format.md, "Checkpoints"), without knowing what a
// simulation holds (sim/checkpoint.h walks the state and uses these):
//
//   OUT.h5.ckpt      an HDF5 file of named 1-D arrays and root attributes: the state after some week.
//                    Written as .OUT.h5.ckpt.tmp-PID, flushed to disk, then renamed over the last one,
//                    so a kill at any moment leaves the previous checkpoint or the new one, never half.
//   OUT.h5.journal   append-only frames (records and events since week 0, in run order), each with
//                    its length and CRC-32. The checkpoint names the journal's length at its week; a
//                    resume replays that many bytes and cuts off the rest (what a killed run wrote after
//                    its last checkpoint).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace courtyard {

// The element types a checkpoint array may have.
enum class ElementKind { kI8, kU8, kI16, kU16, kI32, kU32, kI64, kU64, kF32, kF64 };
const char* element_kind_name(ElementKind kind);  // "int8", ..., "float64"

template <class T>
constexpr ElementKind element_kind() {
  if constexpr (std::is_enum_v<T>) {
    return element_kind<std::underlying_type_t<T>>();
  } else if constexpr (std::is_floating_point_v<T>) {
    static_assert(sizeof(T) == 4 || sizeof(T) == 8);
    return sizeof(T) == 4 ? ElementKind::kF32 : ElementKind::kF64;
  } else {
    static_assert(std::is_integral_v<T> && sizeof(T) <= 8);
    constexpr bool s = std::is_signed_v<T>;
    if constexpr (sizeof(T) == 1) return s ? ElementKind::kI8 : ElementKind::kU8;
    if constexpr (sizeof(T) == 2) return s ? ElementKind::kI16 : ElementKind::kU16;
    if constexpr (sizeof(T) == 4) return s ? ElementKind::kI32 : ElementKind::kU32;
    return s ? ElementKind::kI64 : ElementKind::kU64;
  }
}

// A new checkpoint file, under a temporary name until commit(). IoError on any failure.
class CheckpointWriter {
 public:
  explicit CheckpointWriter(const std::string& path);
  ~CheckpointWriter();  // without commit(): removes the temporary file
  CheckpointWriter(const CheckpointWriter&) = delete;
  CheckpointWriter& operator=(const CheckpointWriter&) = delete;

  void attr(const char* name, const std::string& value);
  void attr(const char* name, int64_t value);
  void text(const std::string& dataset, const std::string& value);  // a scalar UTF-8 string
  // A 1-D array; `dataset` may name groups ("state/tenure"), made on first use.
  void array(const std::string& dataset, ElementKind kind, size_t n, const void* data);
  template <class T>
  void array(const std::string& dataset, const std::vector<T>& v) {
    array(dataset, element_kind<T>(), v.size(), v.data());
  }
  // Closes, flushes the file to disk (fsync) and renames it to the final name.
  void commit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// An existing checkpoint file, read-only. IoError when it cannot be opened or read.
class CheckpointReader {
 public:
  explicit CheckpointReader(const std::string& path);
  ~CheckpointReader();
  CheckpointReader(const CheckpointReader&) = delete;
  CheckpointReader& operator=(const CheckpointReader&) = delete;

  const std::string& path() const;
  bool has_attr(const char* name) const;
  std::string attr_text(const char* name) const;  // IoError when absent
  int64_t attr_int(const char* name) const;       // IoError when absent or not an integer
  bool has(const std::string& dataset) const;
  std::string text(const std::string& dataset) const;
  // Reads a 1-D array of `kind` (IoError when absent; a std::runtime_error naming the dataset, stored
  // and wanted types when the stored type differs).
  size_t length(const std::string& dataset) const;
  void read(const std::string& dataset, ElementKind kind, size_t n, void* out) const;
  template <class T>
  void read(const std::string& dataset, std::vector<T>* out) const {
    out->resize(length(dataset));
    read(dataset, element_kind<T>(), out->size(), out->data());
  }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The append-only journal. Frames: magic "CYJ1", kind (uint32), payload bytes (uint64), payload,
// CRC-32 of the payload (uint32); little endian.
class Journal {
 public:
  // Opens `path` for appending after cutting it to `length` bytes (0: a new, empty journal; a file
  // shorter than `length` is an IoError). IoError when it cannot be opened.
  Journal(const std::string& path, uint64_t length);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // One frame of the parts given, concatenated.
  void append(uint32_t kind, std::initializer_list<std::span<const unsigned char>> parts);
  uint64_t size() const { return size_; }
  void sync();  // fdatasync: what was appended is on disk before a checkpoint names it
  const std::string& path() const { return path_; }

  // Calls `frame` for each frame in the first `length` bytes of `path`, in order. IoError when the file
  // is shorter or a frame is damaged (bad magic, length or CRC).
  static void replay(const std::string& path, uint64_t length,
                     const std::function<void(uint32_t kind, std::span<const unsigned char> payload)>& frame);

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

template <class T>
std::span<const unsigned char> as_bytes_of(std::span<const T> v) {
  return {reinterpret_cast<const unsigned char*>(v.data()), v.size() * sizeof(T)};
}

}  // namespace courtyard
