// The checkpoint file and the journal (see checkpoint.h).
#include "output/checkpoint.h"

#include <fcntl.h>
#include <hdf5.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "core/errors.h"
#include "output/hdf5_util.h"

namespace courtyard {

namespace fs = std::filesystem;
using h5::check;
using h5::Handle;

static_assert(std::endian::native == std::endian::little, "the journal is written in the host's byte order");

namespace {

struct KindInfo {
  hid_t file, mem;
  const char* name;
};

KindInfo kind_info(ElementKind kind) {
  switch (kind) {
    case ElementKind::kI8: return {H5T_STD_I8LE, H5T_NATIVE_INT8, "int8"};
    case ElementKind::kU8: return {H5T_STD_U8LE, H5T_NATIVE_UINT8, "uint8"};
    case ElementKind::kI16: return {H5T_STD_I16LE, H5T_NATIVE_INT16, "int16"};
    case ElementKind::kU16: return {H5T_STD_U16LE, H5T_NATIVE_UINT16, "uint16"};
    case ElementKind::kI32: return {H5T_STD_I32LE, H5T_NATIVE_INT32, "int32"};
    case ElementKind::kU32: return {H5T_STD_U32LE, H5T_NATIVE_UINT32, "uint32"};
    case ElementKind::kI64: return {H5T_STD_I64LE, H5T_NATIVE_INT64, "int64"};
    case ElementKind::kU64: return {H5T_STD_U64LE, H5T_NATIVE_UINT64, "uint64"};
    case ElementKind::kF32: return {H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, "float32"};
    case ElementKind::kF64: return {H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, "float64"};
  }
  throw std::logic_error("unknown element kind");
}

// The name of an HDF5 numeric type in element_kind_name's terms ("?" when it is none of them).
std::string stored_kind_name(hid_t type) {
  const H5T_class_t cls = H5Tget_class(type);
  const size_t size = H5Tget_size(type);
  if (cls == H5T_FLOAT) return size == 4 ? "float32" : size == 8 ? "float64" : "?";
  if (cls != H5T_INTEGER) return "?";
  const bool sign = H5Tget_sign(type) == H5T_SGN_2;
  return (sign ? "int" : "uint") + std::to_string(8 * size);
}

void fsync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) {
    if (directory) return;  // best effort: some file systems do not open folders
    throw IoError("opening " + path + " to flush it: " + std::strerror(errno));
  }
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0 && !directory) throw IoError("flushing " + path + " to disk: " + std::strerror(err));
}

}  // namespace

const char* element_kind_name(ElementKind kind) { return kind_info(kind).name; }

// ---- writer -----------------------------------------------------------------------------------------

struct CheckpointWriter::Impl {
  std::string path, temp;
  Handle file;
  bool committed = false;
};

CheckpointWriter::CheckpointWriter(const std::string& path) : impl_(std::make_unique<Impl>()) {
  h5::silence_errors();
  const fs::path target(path);
  impl_->path = path;
  impl_->temp = (target.parent_path() / ("." + target.filename().string() + ".tmp-" + std::to_string(::getpid()))).string();
  Handle fcpl(check(H5Pcreate(H5P_FILE_CREATE), "checkpoint file properties"));
  check(H5Pset_obj_track_times(fcpl, false), "checkpoint file properties");
  const hid_t id = H5Fcreate(impl_->temp.c_str(), H5F_ACC_TRUNC, fcpl, H5P_DEFAULT);
  if (id < 0) h5::fail("creating the checkpoint " + impl_->temp);
  impl_->file = Handle(id);
}

CheckpointWriter::~CheckpointWriter() {
  if (impl_->committed) return;
  impl_->file.reset();
  std::remove(impl_->temp.c_str());
}

void CheckpointWriter::attr(const char* name, const std::string& value) { h5::write_attr(impl_->file, name, value); }

void CheckpointWriter::attr(const char* name, int64_t value) {
  h5::write_attr(impl_->file, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

void CheckpointWriter::text(const std::string& dataset, const std::string& value) {
  const std::string what = "writing " + dataset + " to the checkpoint " + impl_->temp;
  Handle lcpl(check(H5Pcreate(H5P_LINK_CREATE), what));
  check(H5Pset_create_intermediate_group(lcpl, 1), what);
  Handle type = h5::vlen_string_type();
  Handle space(check(H5Screate(H5S_SCALAR), what));
  Handle ds(check(H5Dcreate2(impl_->file, dataset.c_str(), type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT), what));
  const char* ptr = value.c_str();
  check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &ptr), what);
}

void CheckpointWriter::array(const std::string& dataset, ElementKind kind, size_t n, const void* data) {
  const std::string what = "writing " + dataset + " to the checkpoint " + impl_->temp;
  const KindInfo k = kind_info(kind);
  Handle lcpl(check(H5Pcreate(H5P_LINK_CREATE), what));
  check(H5Pset_create_intermediate_group(lcpl, 1), what);
  Handle dcpl(check(H5Pcreate(H5P_DATASET_CREATE), what));
  check(H5Pset_obj_track_times(dcpl, false), what);
  const hsize_t dims = n;
  Handle space(check(H5Screate_simple(1, &dims, nullptr), what));
  Handle ds(check(H5Dcreate2(impl_->file, dataset.c_str(), k.file, space, lcpl, dcpl, H5P_DEFAULT), what));
  if (n > 0) check(H5Dwrite(ds, k.mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), what);
}

void CheckpointWriter::commit() {
  Impl& im = *impl_;
  if (im.file.close() < 0) h5::fail("closing the checkpoint " + im.temp);
  fsync_path(im.temp, false);
  if (std::rename(im.temp.c_str(), im.path.c_str()) != 0) {
    const int err = errno;
    std::remove(im.temp.c_str());
    im.committed = true;
    throw IoError("renaming " + im.temp + " to " + im.path + ": " + std::strerror(err));
  }
  im.committed = true;
  const fs::path dir = fs::path(im.path).parent_path();
  fsync_path(dir.empty() ? "." : dir.string(), true);
}

// ---- reader -----------------------------------------------------------------------------------------

struct CheckpointReader::Impl {
  std::string path;
  Handle file;
};

CheckpointReader::CheckpointReader(const std::string& path) : impl_(std::make_unique<Impl>()) {
  h5::silence_errors();
  impl_->path = path;
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) h5::fail("opening the checkpoint " + path);
  impl_->file = Handle(id);
}

CheckpointReader::~CheckpointReader() = default;

const std::string& CheckpointReader::path() const { return impl_->path; }

bool CheckpointReader::has_attr(const char* name) const { return H5Aexists(impl_->file, name) > 0; }

std::string CheckpointReader::attr_text(const char* name) const {
  const auto v = h5::read_string_attr(impl_->file, name);
  if (!v) throw IoError(impl_->path + ": the checkpoint has no text attribute " + name);
  return *v;
}

int64_t CheckpointReader::attr_int(const char* name) const {
  const auto v = h5::read_int_attr(impl_->file, name);
  if (!v) throw IoError(impl_->path + ": the checkpoint has no integer attribute " + name);
  return *v;
}

bool CheckpointReader::has(const std::string& dataset) const {
  // each link on the way must exist (H5Lexists fails on a missing group)
  size_t pos = 0;
  while (true) {
    pos = dataset.find('/', pos + 1);
    const std::string part = dataset.substr(0, pos);
    if (H5Lexists(impl_->file, part.c_str(), H5P_DEFAULT) <= 0) return false;
    if (pos == std::string::npos) return true;
  }
}

std::string CheckpointReader::text(const std::string& dataset) const {
  const std::string what = impl_->path + ": reading " + dataset;
  if (!has(dataset)) throw IoError(impl_->path + ": the checkpoint has no " + dataset);
  Handle ds(check(H5Dopen2(impl_->file, dataset.c_str(), H5P_DEFAULT), what));
  Handle type = h5::vlen_string_type();
  char* ptr = nullptr;
  check(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &ptr), what);
  std::string out = ptr ? ptr : "";
  H5free_memory(ptr);
  return out;
}

size_t CheckpointReader::length(const std::string& dataset) const {
  const std::string what = impl_->path + ": reading " + dataset;
  if (!has(dataset)) throw IoError(impl_->path + ": the checkpoint has no " + dataset);
  Handle ds(check(H5Dopen2(impl_->file, dataset.c_str(), H5P_DEFAULT), what));
  Handle space(check(H5Dget_space(ds), what));
  if (H5Sget_simple_extent_ndims(space) != 1) throw IoError(what + ": not a 1-D array");
  hsize_t n = 0;
  check(H5Sget_simple_extent_dims(space, &n, nullptr), what);
  return static_cast<size_t>(n);
}

void CheckpointReader::read(const std::string& dataset, ElementKind kind, size_t n, void* out) const {
  const std::string what = impl_->path + ": reading " + dataset;
  if (length(dataset) != n)
    throw std::runtime_error(what + ": holds " + std::to_string(length(dataset)) + " values, " + std::to_string(n) +
                             " wanted");
  Handle ds(check(H5Dopen2(impl_->file, dataset.c_str(), H5P_DEFAULT), what));
  Handle type(check(H5Dget_type(ds), what));
  const std::string stored = stored_kind_name(type), wanted = element_kind_name(kind);
  if (stored != wanted) throw std::runtime_error(what + ": stored as " + stored + ", " + wanted + " wanted");
  if (n > 0) check(H5Dread(ds, kind_info(kind).mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, out), what);
}

// ---- journal ----------------------------------------------------------------------------------------

namespace {
constexpr uint32_t kJournalMagic = 0x314A5943;  // "CYJ1" in little-endian bytes
constexpr size_t kHeaderBytes = 16, kTrailerBytes = 4;

void write_all(int fd, const unsigned char* p, size_t n, const std::string& path) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw IoError("writing the journal " + path + ": " + std::strerror(errno));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
}
}  // namespace

Journal::Journal(const std::string& path, uint64_t length) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw IoError("opening the journal " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || static_cast<uint64_t>(st.st_size) < length) {
    ::close(fd_);
    throw IoError("the journal " + path + " holds " + std::to_string(st.st_size) + " bytes, fewer than the " +
                  std::to_string(length) + " its checkpoint names");
  }
  if (::ftruncate(fd_, static_cast<off_t>(length)) != 0 || ::lseek(fd_, static_cast<off_t>(length), SEEK_SET) < 0) {
    const int err = errno;
    ::close(fd_);
    throw IoError("cutting the journal " + path + " back to its checkpoint: " + std::strerror(err));
  }
  size_ = length;
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

void Journal::append(uint32_t kind, std::initializer_list<std::span<const unsigned char>> parts) {
  uint64_t bytes = 0;
  uLong crc = crc32(0L, Z_NULL, 0);
  for (const auto& p : parts) {
    bytes += p.size();
    // zlib's crc32 takes at most 4 GiB at a time
    for (size_t off = 0; off < p.size(); off += size_t{1} << 30) {
      const size_t n = std::min(p.size() - off, size_t{1} << 30);
      crc = crc32(crc, p.data() + off, static_cast<uInt>(n));
    }
  }
  unsigned char header[kHeaderBytes];
  std::memcpy(header, &kJournalMagic, 4);
  std::memcpy(header + 4, &kind, 4);
  std::memcpy(header + 8, &bytes, 8);
  const auto crc32v = static_cast<uint32_t>(crc);
  write_all(fd_, header, sizeof header, path_);
  for (const auto& p : parts) write_all(fd_, p.data(), p.size(), path_);
  write_all(fd_, reinterpret_cast<const unsigned char*>(&crc32v), 4, path_);
  size_ += kHeaderBytes + bytes + kTrailerBytes;
}

void Journal::sync() {
  if (::fdatasync(fd_) != 0) throw IoError("flushing the journal " + path_ + " to disk: " + std::strerror(errno));
}

void Journal::replay(const std::string& path, uint64_t length,
                     const std::function<void(uint32_t, std::span<const unsigned char>)>& frame) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw IoError("opening the journal " + path + ": " + std::strerror(errno));
  std::vector<unsigned char> payload;
  uint64_t pos = 0;
  try {
    while (pos < length) {
      unsigned char header[kHeaderBytes];
      if (length - pos < kHeaderBytes + kTrailerBytes || std::fread(header, 1, sizeof header, f) != sizeof header)
        throw IoError("the journal " + path + " ends inside a frame at byte " + std::to_string(pos));
      uint32_t magic = 0, kind = 0;
      uint64_t bytes = 0;
      std::memcpy(&magic, header, 4);
      std::memcpy(&kind, header + 4, 4);
      std::memcpy(&bytes, header + 8, 8);
      if (magic != kJournalMagic)
        throw IoError("the journal " + path + " is damaged at byte " + std::to_string(pos) + " (no frame starts there)");
      if (bytes > length - pos - kHeaderBytes - kTrailerBytes)
        throw IoError("the journal " + path + " ends inside a frame at byte " + std::to_string(pos));
      payload.resize(static_cast<size_t>(bytes));
      uint32_t stored_crc = 0;
      if (std::fread(payload.data(), 1, payload.size(), f) != payload.size() || std::fread(&stored_crc, 1, 4, f) != 4)
        throw IoError("the journal " + path + " ends inside a frame at byte " + std::to_string(pos));
      uLong crc = crc32(0L, Z_NULL, 0);
      for (size_t off = 0; off < payload.size(); off += size_t{1} << 30)
        crc = crc32(crc, payload.data() + off, static_cast<uInt>(std::min(payload.size() - off, size_t{1} << 30)));
      if (static_cast<uint32_t>(crc) != stored_crc)
        throw IoError("the journal " + path + " is damaged at byte " + std::to_string(pos) + " (CRC mismatch)");
      frame(kind, payload);
      pos += kHeaderBytes + bytes + kTrailerBytes;
    }
  } catch (...) {
    std::fclose(f);
    throw;
  }
  std::fclose(f);
}

}  // namespace courtyard
