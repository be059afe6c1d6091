// Error types and the CLI's exit codes (sysexits.h values).
//
// Bad input throws a typed exception at load; the CLI maps each type to one exit code.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace courtyard {

enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 64,        // bad command line
  kExitBadScenario = 65,  // scenario or sweep file invalid; a checkpoint of another scenario or build
  kExitNoInput = 66,      // an input named on the command line does not exist (no checkpoint to resume)
  kExitSoftware = 70,     // internal error, or a run whose state went non-finite (NaN, infinity)
  kExitCantCreate = 73,   // output cannot be created (exists without --force, bad folder)
  kExitIo = 74,           // I/O error while reading or writing
  kExitInterrupted = 75,  // SIGINT/SIGTERM: partial output written, marked incomplete
};

// One problem in an input file: FILE:LINE:COL: field.path: message (line and column from 1).
struct Diagnostic {
  std::string file;
  int line = 0;    // 0: unknown
  int column = 0;  // 0: unknown
  std::string field;  // field path, e.g. courtyard_kinds[1].households; empty for syntax errors
  std::string message;
  std::string format() const;
};

// A scenario (or sweep) that cannot be used; holds every problem found, not only the first.
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// A bad command line (unknown option, malformed --set).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The output file cannot be created (exists without --force, folder missing or not writable).
class OutputCreateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A run's state went non-finite (NaN or infinity where a number belongs): the run stops at that record,
// its file is kept and marked failed. Exit 70: valid parameters cannot cause it, so it is a defect.
class NonFiniteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An input the command line names does not exist (`run --resume OUT.h5` without OUT.h5.ckpt).
class InputMissingError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reading or writing failed after it started.
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace courtyard
