// One run of a sweep: the base scenario with the run's overrides, run and recorded; and the summaries.
//
// A run is exactly `courtyard run BASE --set AXIS=VALUE ... --set run.seed=SEED`: the same loader on
// the same text, so its result file holds the same bytes as that command's (apart from the attributes
// that record the invocation). Full runs go through sim/run.h's run_model, which writes under a
// temporary name and renames when done; a run stopped early writes a file marked incomplete, which is
// removed here, so that only complete runs stand under a final name.
//
// Summary-only runs use the same loop without the file (summary_loop below): records are taken at the
// same steps as run_model takes them (step 0, every record_every-th step, the last), so each summary
// equals the one computed from a full run's /subdistrict series; a test holds the two to that. Their
// files also hold each summary per courtyard kind (/by_kind), from the same float32 courtyard values a
// full run file records (sweep/kinds.h), so collect gives the same per-kind summaries for both modes.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <span>

#include "core/errors.h"
#include "core/version.h"
#include "scenario/scenario.h"
#include "sim/checkpoint.h"
#include "sim/metrics.h"
#include "sim/run.h"
#include "sim/simulation.h"
#include "sweep/h5.h"
#include "sweep/kinds.h"
#include "sweep/sweep.h"
#include "sweep/util.h"

namespace courtyard::sweep {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Whether the model records what the summaries ask for (an axis may change run.steps or record_every).
void check_summaries(const Plan& plan, const Model& model) {
  const int32_t k = model.output.record_every;
  auto recorded = [&](int32_t t) { return t >= 0 && t <= model.steps && (t % k == 0 || t == model.steps); };
  const std::vector<MetricColumn> columns = MetricRecorder(model).columns();
  for (const Summary& s : plan.summaries) {
    bool found = false;
    for (const MetricColumn& c : columns) found = found || c.name == s.metric;
    if (!found) throw std::runtime_error("summary " + s.name + ": the run does not record " + s.metric);
    if (s.at == Summary::At::kStep && !recorded(s.step))
      throw std::runtime_error("summary " + s.name + ": step " + std::to_string(s.step) + " is not recorded (" +
                               std::to_string(model.steps) + " steps, record_every " + std::to_string(k) + ")");
    if (s.at == Summary::At::kWindow) {
      const int32_t last = s.last_step < 0 ? model.steps : std::min(s.last_step, model.steps);
      bool any = false;
      for (int32_t t = s.first_step; t <= last && !any; ++t) any = recorded(t);
      if (!any) throw std::runtime_error("summary " + s.name + ": no recorded step lies in its window");
    }
  }
}

// The run loop of sim/run.cpp without a file, keeping the series the summaries need: the subdistrict's
// and, from the same float32 courtyard values a run file holds, each courtyard kind's (sweep/kinds.h).
// Returns false if stopped early.
struct KindRecords {
  KindGroups groups;
  std::map<std::string, std::vector<std::vector<double>>> series;  // metric -> [kind][record]
};

// The series the summaries need from each record: the subdistrict's and each kind's.
class SummaryRecords {
 public:
  SummaryRecords(const Plan& plan, const Model& model, std::vector<int32_t>* steps,
                 std::map<std::string, std::vector<double>>* series, KindRecords* kinds)
      : nc_(static_cast<size_t>(model.ncourtyard())), steps_(steps), series_(series), kinds_(kinds) {
    const std::vector<MetricColumn> columns = MetricRecorder(model).columns();
    for (size_t k = 0; k < columns.size(); ++k)
      for (const Summary& s : plan.summaries)
        if (s.metric == columns[k].name) {
          wanted_.emplace_back(columns[k].name, k);
          break;
        }
    // the courtyards by kind, as the run file's /courtyards/kind and /courtyards/households give them
    std::vector<std::string> kind_of(nc_);
    std::vector<double> flats(nc_);
    for (size_t c = 0; c < nc_; ++c) {
      const CourtyardSpec& spec = model.courtyards[c];
      kind_of[c] = spec.kind >= 0 ? model.kind_names[static_cast<size_t>(spec.kind)] : "";
      flats[c] = spec.households;
    }
    kinds_->groups = group_courtyards(kind_of, flats);
    const size_t nk = kinds_->groups.names.size();
    for (size_t k = 0; k < columns.size(); ++k)
      if (columns[k].name == "vacancy_share") vacancy_ = k;
    for (size_t i = 0; i < wanted_.size(); ++i)
      if (has_kind_series(wanted_[i].first, vacancy_.has_value())) {
        per_kind_.emplace_back(i, metric_weight(find_metric(wanted_[i].first)));
        kinds_->series[wanted_[i].first].assign(nk, {});
      }
    row_.resize(nk);
  }

  void add(int32_t step, std::span<const float> all, std::span<const double> subdistrict) {
    steps_->push_back(step);
    for (const auto& [name, k] : wanted_) (*series_)[name].push_back(subdistrict[k]);
    const std::span<const float> vac = vacancy_ ? all.subspan(*vacancy_ * nc_, nc_) : std::span<const float>();
    for (const auto& [i, weight] : per_kind_) {
      kind_values(weight, all.subspan(wanted_[i].second * nc_, nc_), vac, kinds_->groups, row_);
      auto& per = kinds_->series[wanted_[i].first];
      for (size_t k = 0; k < row_.size(); ++k) per[k].push_back(row_[k]);
    }
  }

 private:
  size_t nc_;
  std::vector<int32_t>* steps_;
  std::map<std::string, std::vector<double>>* series_;
  KindRecords* kinds_;
  std::vector<std::pair<std::string, size_t>> wanted_;
  std::optional<size_t> vacancy_;
  std::vector<std::pair<size_t, MetricWeight>> per_kind_;  // indices into wanted_
  std::vector<double> row_;
};

bool summary_loop(const Plan& plan, const Model& model, const std::atomic<bool>* stop, std::vector<int32_t>* steps,
                  std::map<std::string, std::vector<double>>* series, KindRecords* kinds) {
  Simulation sim(model);
  MetricRecorder recorder(model);
  const std::vector<MetricColumn> columns = recorder.columns();
  std::vector<float> values(recorder.size() * static_cast<size_t>(model.ncourtyard()));
  std::vector<double> subdistrict(recorder.size());
  SummaryRecords records(plan, model, steps, series, kinds);
  auto record = [&] {
    recorder.compute(sim.state(), values, subdistrict);
    // as run_model: a non-finite value fails the run (there is no file to keep)
    if (const auto bad = recorder.first_non_finite(values, subdistrict))
      throw NonFiniteError("metric " + columns[bad->column].name + " went non-finite in " +
                           (bad->courtyard < 0 ? std::string("the subdistrict aggregate")
                                               : "courtyard " + std::to_string(bad->courtyard) + " (" +
                                                     model.courtyards[static_cast<size_t>(bad->courtyard)].name + ")") +
                           " at step " + std::to_string(sim.state().step));
    sim.reset_interval_counters();
    records.add(sim.state().step, values, subdistrict);
  };
  record();
  const int32_t k = model.output.record_every;
  bool recorded_last = true;
  while (sim.state().step < model.steps) {
    if (stop && stop->load()) return false;
    sim.step();
    recorded_last = sim.state().step % k == 0;
    if (recorded_last) record();
  }
  if (!recorded_last) record();
  return true;
}

// The summaries of each kind (kind x summary, NaN for a summary without per-kind series).
std::vector<std::vector<double>> kind_summaries(const Plan& plan, const std::vector<int32_t>& steps,
                                                const KindRecords& kinds) {
  std::vector<std::vector<double>> out;
  for (size_t k = 0; k < kinds.groups.names.size(); ++k) {
    std::map<std::string, std::vector<double>> series;
    for (const auto& [name, per] : kinds.series) series[name] = per[k];
    out.push_back(evaluate_summaries(plan, steps, series));
  }
  return out;
}

void write_summary_file(const Plan& plan, const Run& run, const Model& model, const std::vector<double>& values,
                        const KindRecords& kinds, const std::vector<std::vector<double>>& by_kind,
                        const std::string& path, const std::string& command_line,
                        const std::pair<std::string, std::string>& run_identity) {
  const std::string temp = temporary_name(path);
  try {
    h5::Writer w(temp);
    const hid_t root = w.root();
    w.attr(root, "title", "courtyard sweep run summary: " + plan.name);
    w.attr(root, "engine_version", engine_version());
    w.attr(root, "git_commit", git_commit());
    w.attr_u64(root, "seed", run.seed);
    w.attr(root, "run", run.index);
    w.attr(root, "point", run.point);
    w.attr(root, "replicate", static_cast<int64_t>(run.replicate));
    w.attr(root, "scenario_name", model.scenario_name);
    w.attr(root, "scenario_sha256", model.scenario_sha256);
    w.attr(root, "created_utc", utc_now());
    w.attr(root, "command_line", command_line);
    w.attr(root, "steps_done", static_cast<int64_t>(model.steps));
    w.attr(root, "sweep_design", run_identity.first);
    w.attr(root, "sweep_run", run_identity.second);
    w.attr_i8(root, "complete", 1);
    w.attr(root, "status", "complete");
    const hid_t g = w.group("summary");
    for (size_t i = 0; i < plan.summaries.size(); ++i) w.scalar(g, plan.summaries[i].name, values[i]);
    // per courtyard kind: the kinds (a dimension scale) and each summary that has per-kind values
    const hid_t kg = w.group("by_kind");
    w.array(kg, "kind", kinds.groups.names);
    w.make_scale(kg, "kind");
    for (size_t i = 0; i < plan.summaries.size(); ++i) {
      if (!kinds.series.count(plan.summaries[i].metric)) continue;
      std::vector<double> col;
      for (const std::vector<double>& k : by_kind) col.push_back(k[i]);
      w.array(kg, plan.summaries[i].name, col);
      w.attach(kg, plan.summaries[i].name, "kind", 0);
      w.attr_f64(w.open(kg, plan.summaries[i].name).get(), "_FillValue", std::numeric_limits<double>::quiet_NaN());
    }
    w.scalar(w.group("parameters"), "scenario.txtpb", model.scenario_text);
    w.close();
  } catch (...) {
    std::remove(temp.c_str());
    throw;
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    throw IoError("cannot rename " + temp + " to " + path);
  }
}

// Whether run `name` continues from a checkpoint at `base` (base.ckpt): one of this very run (its scenario),
// written by this program. Another is removed, with a line in the log, and the run starts over.
bool resume_from_checkpoint(const RunContext& ctx, const std::string& name, const Model& model, const std::string& base) {
  const std::string ckpt = checkpoint_path(base);
  std::error_code ec;
  if (!std::filesystem::exists(ckpt, ec)) return false;
  std::string why;
  try {
    const CheckpointInfo info = read_checkpoint_info(ckpt);
    if (info.scenario_sha256 != model.scenario_sha256)
      why = "a checkpoint of another scenario (sha256 " + info.scenario_sha256.substr(0, 12) + ", this run's is " +
            model.scenario_sha256.substr(0, 12) + ")";
    else if (info.writes_file == ctx.plan->summary_only)
      why = "a checkpoint of a run with other keep settings";
    else {
      if (ctx.log) ctx.log->write("resume " + name + " from week " + std::to_string(info.step));
      return true;
    }
  } catch (const std::exception& e) {
    why = e.what();
  }
  if (ctx.log) ctx.log->write("checkpoint of " + name + " refused, starting over: " + why.substr(0, why.find('\n')));
  std::filesystem::remove(ckpt, ec);
  std::filesystem::remove(journal_path(base), ec);
  return false;
}

}  // namespace

std::vector<double> evaluate_summaries(const Plan& plan, const std::vector<int32_t>& steps,
                             const std::map<std::string, std::vector<double>>& series) {
  std::vector<double> out;
  for (const Summary& s : plan.summaries) {
    const auto it = series.find(s.metric);
    if (it == series.end() || steps.empty()) {
      out.push_back(kNaN);
      continue;
    }
    const std::vector<double>& v = it->second;
    double value = kNaN;
    switch (s.at) {
      case Summary::At::kEnd: value = v.back(); break;
      case Summary::At::kStep:
        for (size_t i = 0; i < steps.size(); ++i)
          if (steps[i] == s.step) value = v[i];
        break;
      case Summary::At::kWindow: {
        // the mean over the window's records, summed in record order
        const int32_t last = s.last_step < 0 ? steps.back() : s.last_step;
        double sum = 0;
        int n = 0;
        for (size_t i = 0; i < steps.size(); ++i)
          if (steps[i] >= s.first_step && steps[i] <= last) {
            sum += v[i];
            ++n;
          }
        if (n > 0) value = sum / n;
        break;
      }
    }
    out.push_back(value);
  }
  return out;
}

std::vector<double> summaries_from_run_file(const Plan& plan, const std::string& path) {
  const h5::Reader r(path);
  const std::vector<int32_t> steps = r.ints("timeseries/step");
  std::map<std::string, std::vector<double>> series;
  for (const Summary& s : plan.summaries)
    if (!series.count(s.metric) && r.has("subdistrict/" + s.metric)) {
      series[s.metric] = r.doubles("subdistrict/" + s.metric);
      if (series[s.metric].size() != steps.size()) throw IoError(path + ": /subdistrict/" + s.metric + " and /timeseries/step differ in length");
    }
  return evaluate_summaries(plan, steps, series);
}

std::vector<double> summaries_from_summary_file(const Plan& plan, const std::string& path) {
  const h5::Reader r(path);
  std::vector<double> out;
  for (const Summary& s : plan.summaries) {
    const std::string name = "summary/" + s.name;
    out.push_back(r.has(name) ? r.doubles(name).at(0) : kNaN);
  }
  return out;
}

void drop_leftover_checkpoint(const RunContext& ctx, int64_t run) {
  const std::string base = ctx.folder->run_path(run);
  std::error_code ec;
  const bool ckpt = std::filesystem::remove(checkpoint_path(base), ec);
  const bool journal = std::filesystem::remove(journal_path(base), ec);
  if ((ckpt || journal) && ctx.log)
    ctx.log->write("checkpoint of " + ctx.folder->run_name(run) + " removed: the run is complete");
}

RunOutcome execute_run(const RunContext& ctx, int64_t index) {
  const Plan& plan = *ctx.plan;
  const Run& run = ctx.design->runs.at(static_cast<size_t>(index));
  const Folder& folder = *ctx.folder;
  const std::string name = folder.run_name(index);
  const std::string path = folder.run_path(index);
  const auto t0 = std::chrono::steady_clock::now();
  if (ctx.log) ctx.log->write("start " + name + " seed " + std::to_string(run.seed));
  RunOutcome out;
  const std::vector<std::string> overrides = run_overrides(plan, run);
  try {
    const LoadedScenario loaded = load_scenario_text(plan.scenario_path, plan.scenario_text, plan.scenario_json, overrides);
    const Model model = build_model(loaded);
    check_summaries(plan, model);
    const std::string command_line = ctx.command_line + " [" + name + "]";
    bool complete = false;
    // checkpoints beside the run's file (runs/run-00042.h5.ckpt, or .summary.h5.ckpt): a run abandoned
    // or killed continues from its last one when the sweep runs again
    const bool resume = resume_from_checkpoint(ctx, name, model, path);
    if (!plan.summary_only) {
      RunOptions options;
      options.output_path = path;
      options.force = true;  // a file under this name is not complete (else the run would not be run)
      options.info = RunFileInfo{engine_version(), git_commit(), command_line, utc_now(), folder.identity(), name};
      options.stop = ctx.abandon;
      options.checkpoint_every = ctx.checkpoint_every;
      options.resume = resume;
      const RunResult result = run_model(model, options);
      complete = result.complete;
      if (!complete) std::remove(path.c_str());  // abandoned: no incomplete file under the final name
    } else if (ctx.checkpoint_every > 0 || resume) {
      // the run loop of run_model without a file, for its checkpoints: the same records as summary_loop
      std::vector<int32_t> steps;
      std::map<std::string, std::vector<double>> series;
      KindRecords kinds;
      SummaryRecords records(plan, model, &steps, &series, &kinds);
      RunOptions options;
      options.checkpoint_base = path;
      options.info = RunFileInfo{engine_version(), git_commit(), command_line, utc_now(), folder.identity(), name};
      options.stop = ctx.abandon;
      options.checkpoint_every = ctx.checkpoint_every;
      options.resume = resume;
      options.on_record = [&](int32_t step, std::span<const float> values, std::span<const double> sd) {
        records.add(step, values, sd);
      };
      complete = run_model(model, options).complete;
      if (complete)
        write_summary_file(plan, run, model, evaluate_summaries(plan, steps, series), kinds,
                           kind_summaries(plan, steps, kinds), path, command_line, {folder.identity(), name});
    } else {
      std::vector<int32_t> steps;
      std::map<std::string, std::vector<double>> series;
      KindRecords kinds;
      complete = summary_loop(plan, model, ctx.abandon, &steps, &series, &kinds);
      if (complete)
        write_summary_file(plan, run, model, evaluate_summaries(plan, steps, series), kinds,
                           kind_summaries(plan, steps, kinds), path, command_line, {folder.identity(), name});
    }
    out.status = complete ? RunOutcome::Status::kDone : RunOutcome::Status::kInterrupted;
  } catch (const ScenarioError& e) {
    out.status = RunOutcome::Status::kFailed;
    out.message = std::string("invalid scenario (the overrides are --set[0], --set[1], ... in the order above):\n") + e.what();
  } catch (const std::exception& e) {
    out.status = RunOutcome::Status::kFailed;
    out.message = e.what();
  }
  out.seconds = since(t0);

  // the record of the run: a failure file, or none
  std::error_code ec;
  switch (out.status) {
    case RunOutcome::Status::kDone:
      std::filesystem::remove(folder.failed_path(index), ec);
      if (ctx.log) ctx.log->write("done " + name + " " + std::to_string(out.seconds) + " s");
      break;
    case RunOutcome::Status::kInterrupted:
      if (ctx.log) ctx.log->write("interrupted " + name);
      break;
    case RunOutcome::Status::kFailed: {
      std::string text = name + " (point " + std::to_string(run.point) + ", replicate " + std::to_string(run.replicate) +
                         ", seed " + std::to_string(run.seed) + ") failed at " + utc_now() + " on " + host_name() + "\n";
      text += "overrides:";
      for (const std::string& o : overrides) text += " " + o;
      text += "\n" + out.message + "\n";
      try {
        const std::string temp = temporary_name(folder.failed_path(index));
        write_file(temp, text);
        std::filesystem::rename(temp, folder.failed_path(index), ec);
      } catch (const std::exception&) {
        // the log still says it failed
      }
      const std::string first_line = out.message.substr(0, out.message.find('\n'));
      if (ctx.log) ctx.log->write("failed " + name + ": " + first_line);
      break;
    }
  }
  return out;
}

}  // namespace courtyard::sweep
