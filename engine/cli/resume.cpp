// `courtyard run --resume OUT.h5` and `--checkpoint-every`: finding and checking the checkpoint, the
// model it was taken of, and refusing to start over a checkpoint by accident; a complete run's leftover
// checkpoint and journal (a process killed between its final rename and their removal) told apart from a
// checkpoint of another run.
#include "cli/resume.h"

#include <cstdio>
#include <filesystem>

#include "core/calendar.h"
#include "core/errors.h"
#include "output/checkpoint.h"
#include "output/run_file.h"
#include "sim/checkpoint.h"
#include "sweep/h5.h"

namespace courtyard {

namespace fs = std::filesystem;

namespace {

std::string describe_run(const std::string& name, const std::string& sha256, const std::string& created) {
  return "scenario '" + name + "' (sha256 " + sha256.substr(0, 12) + "), started " + created;
}

// The checkpoint's week, "week W of N".
std::string week_of(const CheckpointBeside& b) {
  return "week " + std::to_string(b.step) + " of " + std::to_string(b.steps);
}

// ScenarioError (65) unless the scenario given with --resume is the checkpoint's.
void check_given(const ScenarioArgs& given, const std::string& ckpt, const std::string& name, const std::string& sha) {
  const Model asked = build_model(load(given));
  if (asked.scenario_sha256 != sha)
    throw ScenarioError({Diagnostic{
        ckpt, 0, 0, "scenario_sha256",
        "a checkpoint of scenario '" + name + "' (sha256 " + sha.substr(0, 12) + "), not of the one given, '" +
            asked.scenario_name + "' (sha256 " + asked.scenario_sha256.substr(0, 12) +
            "): resume without SCENARIO, --set, --seed or --steps, or run the scenario given from the start"}});
}

// Removes a leftover's checkpoint and journal; the line that says so.
std::string remove_leftover(const CheckpointBeside& b) {
  std::remove(b.checkpoint.c_str());  // the checkpoint first, as RunCheckpointer::remove_files does
  std::remove(b.journal.c_str());
  if (b.has_checkpoint)
    return "removed " + b.checkpoint + " (" + week_of(b) + ")" + (b.has_journal ? " and " + b.journal : "") +
           ", left by the run that wrote " + b.output + " (killed after its result was in place); " + b.output +
           " is untouched";
  return "removed " + b.journal + ", a journal left without its checkpoint beside the complete " + b.output + "; " +
         b.output + " is untouched";
}

}  // namespace

std::string resume_output(const std::string& given) {
  const std::string ext = ".ckpt";
  if (given.size() > ext.size() && given.compare(given.size() - ext.size(), ext.size(), ext) == 0)
    return given.substr(0, given.size() - ext.size());
  return given;
}

CheckpointBeside inspect_checkpoint(const std::string& output) {
  CheckpointBeside b;
  b.output = output;
  b.checkpoint = checkpoint_path(output);
  b.journal = journal_path(output);
  std::error_code ec;
  b.has_checkpoint = fs::is_regular_file(b.checkpoint, ec);
  b.has_journal = fs::is_regular_file(b.journal, ec);
  if (!b.has_checkpoint && !b.has_journal) return b;

  // the result file: what run wrote it
  std::string sha, created, command, engine, commit;
  if (fs::is_regular_file(output, ec) && sweep::h5::read_complete(output).has_value()) {
    try {
      const sweep::h5::Reader r(output);
      b.complete = sweep::h5::read_complete(output).value_or(0) == 1;
      b.sweep = !r.attr_text("/", "sweep_run").empty();
      sha = r.attr_text("/", "scenario_sha256");
      created = r.attr_text("/", "created_utc");
      command = r.attr_text("/", "command_line");
      engine = r.attr_text("/", "engine_version");
      commit = r.attr_text("/", "git_commit");
      b.result_run = describe_run(r.attr_text("/", "scenario_name"), sha, created);
    } catch (const IoError&) {
      b.complete = false;
    }
  }
  if (!b.has_checkpoint) return b;

  // the checkpoint: what run it is of (read whichever program wrote it)
  try {
    const CheckpointReader c(b.checkpoint);
    if (!c.has_attr("title") || c.attr_text("title") != "courtyard checkpoint") {
      b.unreadable = "not a courtyard checkpoint";
      return b;
    }
    b.scenario_sha256 = c.attr_text("scenario_sha256");
    const std::string c_created = c.attr_text("created_utc");
    b.run = describe_run(c.attr_text("scenario_name"), b.scenario_sha256, c_created);
    b.step = c.attr_int("step");
    b.steps = c.attr_int("steps_planned");
    b.this_run = !sha.empty() && b.scenario_sha256 == sha && c_created == created &&
                 c.attr_text("command_line") == command && c.attr_text("engine_version") == engine &&
                 c.attr_text("git_commit") == commit;
  } catch (const IoError& e) {
    b.unreadable = e.what();
    b.this_run = false;
  }
  return b;
}

std::string describe_checkpoint_beside(const std::string& output) {
  const CheckpointBeside b = inspect_checkpoint(output);
  if (!b.has_checkpoint && !b.has_journal) return "";
  const std::string resume =
      b.sweep ? std::string("the next `sweep run` of its sweep") : "`courtyard run --resume " + output + "`";
  std::string line = "checkpoint  ";
  if (!b.has_checkpoint) {
    line += "none; " + b.journal + " is left without one";
    line += b.complete ? " (of no use): " + resume + " removes it" : ": the run cannot be resumed";
  } else if (!b.unreadable.empty()) {
    line += b.checkpoint + ": cannot be read (" + b.unreadable + ")";
  } else if (b.leftover()) {
    line += b.checkpoint + " (week " + std::to_string(b.step) + ")" + (b.has_journal ? " and " + b.journal : "") +
            ": left by the run that wrote this file (killed after its result was in place), of no further use: " +
            resume + (b.has_journal ? " removes them" : " removes it");
  } else if (b.this_run) {
    line += b.checkpoint + ": " + week_of(b) + " of this run; continue it with " + resume;
  } else {
    line += b.checkpoint + ": " + week_of(b) + " of another run, " + b.run + ": " + resume +
            " continues it and replaces this file";
  }
  return line + "\n";
}

ResumePlan prepare_resume(const std::string& output, const ScenarioArgs* given, const std::string& command_line) {
  ResumePlan plan;
  plan.output = output;
  const std::string ckpt = checkpoint_path(output);
  const CheckpointBeside beside = inspect_checkpoint(output);
  if (beside.leftover()) {
    // nothing to resume; a scenario given that is not the checkpoint's is still refused, before anything goes
    if (given != nullptr && beside.has_checkpoint) {
      const CheckpointReader c(ckpt);
      check_given(*given, ckpt, c.attr_text("scenario_name"), beside.scenario_sha256);
    }
    plan.already_complete = true;
    plan.notice = remove_leftover(beside);
    return plan;
  }
  if (!beside.has_checkpoint) {
    if (beside.complete) {
      plan.already_complete = true;
      return plan;
    }
    throw InputMissingError("--resume " + output + ": no checkpoint " + ckpt +
                            " (a run saves one only with --checkpoint-every N, or when stopped by SIGINT/SIGTERM)");
  }
  plan.info = read_checkpoint_info(ckpt);
  plan.loaded = load_scenario_text(plan.info.scenario_path, plan.info.scenario_text, false);
  const Model model = build_model(plan.loaded);
  if (model.scenario_sha256 != plan.info.scenario_sha256)
    throw ScenarioError({Diagnostic{ckpt, 0, 0, "scenario_sha256",
                                    "the scenario it holds loads to sha256 " + model.scenario_sha256.substr(0, 12) +
                                        ", not the " + plan.info.scenario_sha256.substr(0, 12) + " it names"}});
  if (given != nullptr) check_given(*given, ckpt, plan.info.scenario_name, plan.info.scenario_sha256);
  plan.history = plan.info.history + "\n" + utc_now() + ": resumed at week " + std::to_string(plan.info.step) + ": " +
                 command_line;
  // a checkpoint of another run beside a complete file: a run started with --force over it, then killed
  if (beside.complete)
    plan.notice = output + " holds a complete run, " + beside.result_run + "; " + ckpt +
                  " is a checkpoint of another run, " + beside.run +
                  " (left by a run started over it with --force): resuming that run replaces it";
  return plan;
}

std::string check_no_checkpoint(const std::string& output, bool force) {
  const CheckpointBeside b = inspect_checkpoint(output);
  if (!b.has_checkpoint) {
    // a journal alone resumes nothing; a fresh run with checkpoints starts its own over it anyway
    if (!force || !b.has_journal) return "";
    std::remove(b.journal.c_str());
    return "removed " + b.journal + " (a journal without its checkpoint): --force starts the run over";
  }
  if (!force) {
    if (b.leftover())
      throw OutputCreateError(output + " exists: a complete run (use --force to overwrite it); " + b.checkpoint +
                              (b.has_journal ? " and " + b.journal + " beside it are" : " beside it is") +
                              " left by the run that wrote it (killed after its result was in place): "
                              "`courtyard run --resume " + output + "` removes " +
                              (b.has_journal ? "them" : "it") + " and keeps the result");
    if (!b.unreadable.empty())
      throw OutputCreateError(b.checkpoint + " exists and cannot be read (" + b.unreadable +
                              "): remove it, or use --force to start over");
    throw OutputCreateError(b.checkpoint + " exists: a run into " + output +
                            " stopped there; continue it with `courtyard run --resume " + output +
                            "`, or use --force to start over");
  }
  std::remove(b.checkpoint.c_str());
  std::remove(b.journal.c_str());
  std::string what = !b.unreadable.empty() ? "unreadable"
                     : b.leftover()        ? week_of(b) + ", left by the complete run in " + output
                                           : week_of(b) + " of " + b.run;
  return "removed " + b.checkpoint + " (" + what + ")" + (b.has_journal ? " and " + b.journal : "") +
         ": --force starts the run over";
}

}  // namespace courtyard
