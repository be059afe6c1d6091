// `courtyard run --resume OUT.h5` and `--checkpoint-every`: finding and checking the checkpoint, the
// model it was taken of, and refusing to start over a checkpoint by accident.
#include "cli/resume.h"

#include <cstdio>
#include <filesystem>

#include "core/calendar.h"
#include "core/errors.h"
#include "output/run_file.h"
#include "sim/checkpoint.h"
#include "sweep/h5.h"

namespace courtyard {

namespace fs = std::filesystem;

std::string resume_output(const std::string& given) {
  const std::string ext = ".ckpt";
  if (given.size() > ext.size() && given.compare(given.size() - ext.size(), ext.size(), ext) == 0)
    return given.substr(0, given.size() - ext.size());
  return given;
}

ResumePlan prepare_resume(const std::string& output, const ScenarioArgs* given, const std::string& command_line) {
  ResumePlan plan;
  plan.output = output;
  const std::string ckpt = checkpoint_path(output);
  std::error_code ec;
  if (!fs::exists(ckpt, ec)) {
    if (sweep::h5::read_complete(output).value_or(0) == 1) {
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
  if (given != nullptr) {
    const Model asked = build_model(load(*given));
    if (asked.scenario_sha256 != plan.info.scenario_sha256)
      throw ScenarioError({Diagnostic{
          ckpt, 0, 0, "scenario_sha256",
          "a checkpoint of scenario '" + plan.info.scenario_name + "' (sha256 " + plan.info.scenario_sha256.substr(0, 12) +
              "), not of the one given, '" + asked.scenario_name + "' (sha256 " + asked.scenario_sha256.substr(0, 12) +
              "): resume without SCENARIO, --set, --seed or --steps, or run the scenario given from the start"}});
  }
  plan.history = plan.info.history + "\n" + utc_now() + ": resumed at week " + std::to_string(plan.info.step) + ": " +
                 command_line;
  return plan;
}

void check_no_checkpoint(const std::string& output, bool force) {
  const std::string ckpt = checkpoint_path(output);
  std::error_code ec;
  if (!fs::exists(ckpt, ec)) return;
  if (!force)
    throw OutputCreateError(ckpt + " exists: a run into " + output + " stopped there; continue it with `courtyard run " +
                            "--resume " + output + "`, or use --force to start over");
  std::remove(ckpt.c_str());
  std::remove(journal_path(output).c_str());
}

}  // namespace courtyard
