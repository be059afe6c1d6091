// The sweep's output folder: its manifest (what sweep it holds), the state of each run, the logs.
//
// Several processes may start on one folder at once (the tasks of a Slurm job array, on different nodes
// of a shared file system). The manifest is therefore created with link(2), which fails if the name
// exists (atomic on local and network file systems alike): exactly one process creates it, and the others
// compare identities with it. Other files are written under a temporary name and renamed.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "core/errors.h"
#include "core/version.h"
#include "scenario/sha256.h"
#include "sim/checkpoint.h"
#include "sweep/h5.h"
#include "sweep/sweep.h"
#include "sweep/util.h"

namespace courtyard::sweep {

namespace fs = std::filesystem;

// ---- Folder -------------------------------------------------------------------------------------------

Folder::Folder(std::string dir, int64_t runs, bool summary_only)
    : dir_(std::move(dir)), runs_(runs), summary_only_(summary_only) {
  // run-00000 .. run-99999, wider when there are more runs
  width_ = 5;
  for (int64_t n = runs - 1; n >= 100000; n /= 10) ++width_;
  // the sweep's identity, which every run file of it carries (sweep_design)
  std::istringstream manifest(read_text((fs::path(dir_) / "manifest.txt").string()));
  for (std::string line; std::getline(manifest, line);)
    if (line.starts_with("identity ")) identity_ = line.substr(9);
}

std::string Folder::run_name(int64_t run) const {
  std::string digits = std::to_string(run);
  if (static_cast<int>(digits.size()) < width_) digits.insert(0, static_cast<size_t>(width_) - digits.size(), '0');
  return "run-" + digits;
}

std::string Folder::run_path(int64_t run) const {
  return (fs::path(dir_) / "runs" / (run_name(run) + (summary_only_ ? ".summary.h5" : ".h5"))).string();
}

std::string Folder::failed_path(int64_t run) const {
  return (fs::path(dir_) / "failed" / (run_name(run) + ".txt")).string();
}

RunState Folder::state(int64_t run) const {
  std::error_code ec;
  if (fs::exists(run_path(run), ec)) {
    const h5::Stamp stamp = h5::read_stamp(run_path(run));
    if (stamp.complete && *stamp.complete == 1) {
      if (identity_.empty() || (stamp.design == identity_ && stamp.run == run_name(run))) return RunState::kDone;
      return RunState::kBad;
    }
  }
  return fs::exists(failed_path(run), ec) ? RunState::kFailed : RunState::kMissing;
}

std::string Folder::bad_reason(int64_t run) const {
  if (state(run) != RunState::kBad) return "";
  const h5::Stamp stamp = h5::read_stamp(run_path(run));
  const std::string file = "runs/" + fs::path(run_path(run)).filename().string();
  if (!stamp.design || !stamp.run)
    return file + " is a complete result file without a sweep identity (not written by this sweep): move it away and run again";
  if (*stamp.design != identity_)
    return file + " is a result of another sweep (sweep_design " + stamp.design->substr(0, 12) + "..., this sweep's " +
           identity_.substr(0, 12) + "...): move it away and run again";
  return file + " is the result of " + *stamp.run + ", not of " + run_name(run) + ": move it away and run again";
}

std::string Folder::failure(int64_t run) const {
  std::ifstream in(failed_path(run));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// ---- the manifest -------------------------------------------------------------------------------------

namespace {

std::string hex_digest(Sha256& h) {
  std::string out;
  static const char* hex = "0123456789abcdef";
  for (uint8_t b : h.digest()) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

std::string columns_line(const Plan& plan) {
  std::string out = "run,point,replicate,seed";
  for (const std::string& c : design_columns(plan)) out += "," + c;
  return out;
}

std::string seeds_text(const Plan& plan) {
  return "seed " + std::to_string(plan.seed) + " common_random_numbers " + (plan.common_random_numbers ? "1" : "0");
}

// The identity manifests of format 1 held: the whole design.csv with the scenario and keep settings.
std::string identity_v1(const Plan& plan, const std::string& design_csv_text) {
  Sha256 h;
  h.update("courtyard sweep identity 1\ndesign.csv\n");
  h.update(design_csv_text);
  h.update("\nscenario\n");
  h.update(plan.effective_scenario);
  h.update("\nkeep\n");
  h.update(plan.keep_text());
  return hex_digest(h);
}

}  // namespace

std::string sweep_identity(const Plan& plan) {
  Sha256 h;
  h.update("courtyard sweep identity 2\ncolumns\n");
  h.update(columns_line(plan));
  h.update("\nseeds\n");
  h.update(seeds_text(plan));
  h.update("\nscenario\n");
  h.update(plan.effective_scenario);
  h.update("\nkeep\n");
  h.update(plan.keep_text());
  return hex_digest(h);
}

std::string design_sha256(const std::string& design_csv_text) { return sha256_hex(design_csv_text); }

namespace {

// key value lines
std::string manifest_value(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.compare(0, key.size() + 1, key + " ") == 0) return line.substr(key.size() + 1);
  return "";
}

// What differs between the sweep in the folder and this one, for the message.
std::string difference(const std::string& old_manifest, const std::string& new_manifest) {
  std::vector<std::string> parts;
  const bool v1 = manifest_value(old_manifest, "columns_sha256").empty();
  if (v1 && manifest_value(old_manifest, "design_sha256") != manifest_value(new_manifest, "design_sha256"))
    parts.push_back("design (design.csv)");
  if (!v1 && manifest_value(old_manifest, "columns_sha256") != manifest_value(new_manifest, "columns_sha256"))
    parts.push_back("axes (design.csv's columns)");
  if (!v1 && manifest_value(old_manifest, "seeds") != manifest_value(new_manifest, "seeds"))
    parts.push_back("seeds (seed, common_random_numbers)");
  if (manifest_value(old_manifest, "scenario_sha256") != manifest_value(new_manifest, "scenario_sha256"))
    parts.push_back("base scenario");
  if (manifest_value(old_manifest, "keep_sha256") != manifest_value(new_manifest, "keep_sha256"))
    parts.push_back("keep settings");
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? (i + 1 == parts.size() ? " and " : ", ") : "") + parts[i];
  return out.empty() ? "identity" : out;
}

std::string make_manifest(const Plan& plan, const Design& design, const std::string& csv, const std::string& created,
                          const std::string& grown) {
  std::ostringstream m;
  m << "courtyard sweep manifest 2\n"
    << "identity " << sweep_identity(plan) << "\n"
    << "name " << plan.name << "\n"
    << "design " << design_name(plan.design.kind) << "\n"
    << "points " << design.points << "\n"
    << "replicates " << plan.replicates << "\n"
    << "runs " << design.runs.size() << "\n"
    << "keep " << (plan.summary_only ? "summary" : "full") << "\n"
    << "columns_sha256 " << sha256_hex(columns_line(plan)) << "\n"
    << "seeds " << seeds_text(plan) << "\n"
    << "design_sha256 " << sha256_hex(csv) << "\n"
    << "scenario_sha256 " << sha256_hex(plan.effective_scenario) << "\n"
    << "keep_sha256 " << sha256_hex(plan.keep_text()) << "\n"
    << "sweep_file " << plan.sweep_path << "\n"
    << "scenario_file " << plan.scenario_path << "\n"
    << "engine " << engine_version() << " " << git_commit() << "\n"
    << "created_utc " << created << "\n";
  if (!grown.empty()) m << "grown_utc " << grown << "\n";
  return m.str();
}

// Writes `text` to DIR/name under a temporary name and renames it (unless it holds that already).
void replace_file(const std::string& dir, const std::string& name, const std::string& text) {
  std::error_code ec;
  const std::string path = (fs::path(dir) / name).string();
  if (fs::exists(path, ec) && read_text(path) == text) return;
  const std::string temp = temporary_name(path);
  write_file(temp, text);
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    throw OutputCreateError("cannot write " + path + ": " + std::strerror(errno));
  }
}

}  // namespace

Design prepare_folder(const std::string& dir, const Plan& plan, const Design& canonical) {
  std::error_code ec;
  for (const char* sub : {"runs", "failed", "logs"}) {
    fs::create_directories(fs::path(dir) / sub, ec);
    if (ec) throw OutputCreateError("cannot create " + (fs::path(dir) / sub).string() + ": " + ec.message());
  }
  const std::string canonical_csv = design_csv(plan, canonical);
  const std::string manifest = make_manifest(plan, canonical, canonical_csv, utc_now(), "");
  const std::string manifest_path = (fs::path(dir) / "manifest.txt").string();

  // the manifest: made by exactly one process; everyone else compares
  if (!fs::exists(manifest_path, ec)) {
    const std::string temp = temporary_name(manifest_path);
    write_file(temp, manifest);
    const int rc = ::link(temp.c_str(), manifest_path.c_str());
    const int err = errno;
    std::remove(temp.c_str());
    if (rc != 0 && err != EEXIST)
      throw OutputCreateError("cannot create " + manifest_path + ": " + std::strerror(err));
  }
  const std::string existing = read_text(manifest_path);
  const std::string old_identity = manifest_value(existing, "identity");
  const std::string other = dir + " holds a different sweep (\"" + manifest_value(existing, "name") + "\" from " +
                            manifest_value(existing, "sweep_file") + "): ";
  if (old_identity.empty())
    throw OutputCreateError(dir + " holds a manifest.txt that is not a sweep manifest: use another folder");
  if (existing.starts_with("courtyard sweep manifest 1\n")) {
    // made by an engine before sweeps could grow: the very same design, or nothing
    if (old_identity != identity_v1(plan, canonical_csv))
      throw OutputCreateError(other + "its " + difference(existing, manifest) +
                              " differs (a folder of an older engine cannot grow). Run this sweep into a new folder.");
    replace_file(dir, "sweep.txtpb", plan.sweep_text);
    return canonical;
  }
  if (old_identity != sweep_identity(plan))
    throw OutputCreateError(other + "its " + difference(existing, manifest) +
                            " differs. Run this sweep into a new folder, or remove the old one.");

  // the design: the folder's runs, then what the sweep has gained
  const std::string design_path = (fs::path(dir) / "design.csv").string();
  const std::string folder_csv = fs::exists(design_path, ec) ? read_text(design_path) : "";
  Design design;
  try {
    design = folder_design(plan, canonical, folder_csv, true);
  } catch (const OutputCreateError& e) {
    throw OutputCreateError(dir + " holds an earlier version of this sweep, but " + e.what() +
                            ". Run this sweep into a new folder.");
  }
  const int64_t old_runs = std::max<int64_t>(0, static_cast<int64_t>(std::count(folder_csv.begin(), folder_csv.end(), '\n')) - 1);
  if (old_runs > 0 && old_runs <= 100000 && static_cast<int64_t>(design.runs.size()) > 100000)
    throw OutputCreateError(dir + ": a sweep of up to 100000 runs cannot grow past 100000 (its run names would change). "
                            "Run this sweep into a new folder.");
  const std::string csv = design_csv(plan, design);
  if (csv != folder_csv) {
    replace_file(dir, "design.csv", csv);
    if (!folder_csv.empty()) {
      const std::string created = manifest_value(existing, "created_utc");
      replace_file(dir, "manifest.txt", make_manifest(plan, design, csv, created, utc_now()));
    }
  }
  replace_file(dir, "sweep.txtpb", plan.sweep_text);
  replace_file(dir, "scenario.txtpb", plan.effective_scenario);
  return design;
}

// ---- status -------------------------------------------------------------------------------------------

Status sweep_status(const Folder& folder) {
  Status s;
  for (int64_t r = 0; r < folder.runs(); ++r) {
    switch (folder.state(r)) {
      case RunState::kDone: s.done.push_back(r); break;
      case RunState::kFailed: s.failed.push_back(r); break;
      case RunState::kMissing: {
        s.missing.push_back(r);
        const std::string ckpt = checkpoint_path(folder.run_path(r));
        std::error_code exists_ec;
        if (!fs::exists(ckpt, exists_ec)) break;
        Status::Checkpointed c{r};
        try {
          const CheckpointInfo info = read_checkpoint_info(ckpt);
          c.step = info.step;
          c.steps = info.steps;
        } catch (const std::exception&) {
          // unreadable (cut short, not a checkpoint): sweep run refuses it and starts the run over
        }
        s.checkpointed.push_back(c);
        break;
      }
      case RunState::kBad: s.bad.push_back(r); break;
    }
  }
  // temporary files of killed processes: ".run-00003.h5.tmp-1234"
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(folder.dir()) / "runs", ec)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with(".run-") && name.find(".tmp-") != std::string::npos) s.stale_temporaries.push_back(name);
  }
  std::sort(s.stale_temporaries.begin(), s.stale_temporaries.end());
  return s;
}

// ---- the log ------------------------------------------------------------------------------------------

struct Log::Impl {
  std::mutex mutex;
  int fd = -1;
};

Log::Log(const std::string& dir) : impl_(new Impl) {
  path_ = (fs::path(dir) / "logs" / (host_name() + "-" + std::to_string(::getpid()) + ".log")).string();
  impl_->fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (impl_->fd < 0) {
    const int err = errno;
    delete impl_;
    throw OutputCreateError("cannot create " + path_ + ": " + std::strerror(err));
  }
}

Log::~Log() {
  ::close(impl_->fd);
  delete impl_;
}

void Log::write(const std::string& line) {
  const std::string text = utc_now() + " " + line + "\n";
  std::lock_guard<std::mutex> lock(impl_->mutex);
  // one write per line: lines of different processes never interleave within a line
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(impl_->fd, text.data() + done, text.size() - done);
    if (n <= 0) break;  // a log that cannot be written must not stop the runs
    done += static_cast<size_t>(n);
  }
}

}  // namespace courtyard::sweep
