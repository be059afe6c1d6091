// Checkpoints of a simulation (see checkpoint.h): the field tables walked once for writing, reading and
// describing the layout.
#include "sim/checkpoint.h"

#include <array>
#include <stdexcept>
#include <type_traits>

#include "core/errors.h"
#include "core/version.h"
#include "output/checkpoint.h"

namespace courtyard {

namespace {
// State must hold nothing but its step, its field tables and condition: a member added elsewhere would
// not be checkpointed, so it stops the build here.
struct StateMirror {
  int32_t step;
#define COURTYARD_MIRROR(type, name, doc) std::vector<type> name;
  COURTYARD_HOUSEHOLD_FIELDS(COURTYARD_MIRROR)
  COURTYARD_COURTYARD_FIELDS(COURTYARD_MIRROR)
#undef COURTYARD_MIRROR
  std::vector<float> condition;
};
static_assert(sizeof(State) == sizeof(StateMirror),
              "State has a member outside COURTYARD_HOUSEHOLD_FIELDS / COURTYARD_COURTYARD_FIELDS: add it to a "
              "table (model/state.h), so that checkpoints save it");

template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};

const char* kMagic = "courtyard checkpoint";

ScenarioError refusal(const std::string& path, const std::string& field, const std::string& message) {
  return ScenarioError({Diagnostic{path, 0, 0, field, message}});
}
}  // namespace

// Simulation's private members, by name (a friend of Simulation).
struct SimulationCheckpointAccess {
  using Status = Simulation::Status;
  using PhaseTimes = Simulation::PhaseTimes;
  using ThreadPhaseSeconds = Simulation::ThreadPhaseSeconds;

  // Simulation must hold nothing but the model, the state and its two tables: a member added elsewhere
  // is neither saved nor explained.
  struct Mirror {
    const Model& model_;
    State state_;
#define COURTYARD_MIRROR(type, name, init) type name init;
    COURTYARD_SIMULATION_STATE(COURTYARD_MIRROR)
    COURTYARD_SIMULATION_DERIVED(COURTYARD_MIRROR)
#undef COURTYARD_MIRROR
  };
  static constexpr bool kSameLayout = sizeof(Mirror) == sizeof(Simulation);

  // Calls fn(group, name, member) for every saved array; scalars are given as one-element views by the
  // callers through `scalar`.
  template <class Sim, class Fn>
  static void visit(Sim& sim, Fn&& fn) {
    auto& s = sim.state_;
#define COURTYARD_VISIT(type, name, doc) fn("state", #name, s.name);
    COURTYARD_HOUSEHOLD_FIELDS(COURTYARD_VISIT)
    COURTYARD_COURTYARD_FIELDS(COURTYARD_VISIT)
#undef COURTYARD_VISIT
    fn("state", "condition", s.condition);
#define COURTYARD_VISIT(type, name, init) fn("simulation", #name, sim.name);
    COURTYARD_SIMULATION_STATE(COURTYARD_VISIT)
#undef COURTYARD_VISIT
  }
  template <class Sim>
  static auto& step(Sim& sim) {
    return sim.state_.step;
  }
  static const Model& model(const Simulation& sim) { return sim.model_; }
};
static_assert(SimulationCheckpointAccess::kSameLayout,
              "Simulation has a data member outside COURTYARD_SIMULATION_STATE / COURTYARD_SIMULATION_DERIVED: "
              "declare it in one of them (sim/simulation.h), so that checkpoints save it or say why not");

namespace {

// A member as an array: vectors as they are, scalars as one value.
template <class T>
std::string element_name() {
  if constexpr (IsVector<T>::value)
    return element_kind_name(element_kind<typename T::value_type>());
  else
    return std::string(element_kind_name(element_kind<T>())) + " scalar";
}

}  // namespace

std::string checkpoint_path(const std::string& output) { return output + ".ckpt"; }
std::string journal_path(const std::string& output) { return output + ".journal"; }

std::string checkpoint_layout() {
  std::string out;
  // visit needs an object only for its members' types: walk a null-bound reference's types instead
  auto line = [&out](const char* group, const char* name, const auto& member) {
    out += std::string(group) + "/" + name + " " + element_name<std::decay_t<decltype(member)>>() + "\n";
  };
  // types from the tables directly (no Simulation needed)
#define COURTYARD_LAYOUT(type, name, doc) \
  out += std::string("state/") + #name + " " + element_kind_name(element_kind<type>()) + "\n";
  COURTYARD_HOUSEHOLD_FIELDS(COURTYARD_LAYOUT)
  COURTYARD_COURTYARD_FIELDS(COURTYARD_LAYOUT)
#undef COURTYARD_LAYOUT
  out += "state/condition float32\n";
  using Status = SimulationCheckpointAccess::Status;
  (void)sizeof(Status);
#define COURTYARD_LAYOUT(type, name, init) line("simulation", #name, type{});
  COURTYARD_SIMULATION_STATE(COURTYARD_LAYOUT)
#undef COURTYARD_LAYOUT
  return out;
}

void save_checkpoint(const Simulation& sim, const CheckpointInfo& info, const std::string& path) {
  CheckpointWriter w(path);
  w.attr("title", std::string(kMagic));
  w.attr("checkpoint_format_version", kCheckpointFormatVersion);
  w.attr("engine_version", info.engine_version);
  w.attr("git_commit", info.git_commit);
  w.attr("scenario_path", info.scenario_path);
  w.attr("scenario_sha256", info.scenario_sha256);
  w.attr("scenario_name", info.scenario_name);
  w.attr("created_utc", info.created_utc);
  w.attr("command_line", info.command_line);
  w.attr("history", info.history);
  w.attr("step", static_cast<int64_t>(info.step));
  w.attr("steps_planned", static_cast<int64_t>(info.steps));
  w.attr("checkpoint_every", static_cast<int64_t>(info.checkpoint_every));
  w.attr("journal_bytes", info.journal_bytes);
  w.attr("events", info.events);
  w.attr("records", info.records);
  w.attr("writes_file", static_cast<int64_t>(info.writes_file ? 1 : 0));
  w.text("layout", checkpoint_layout());
  w.text("parameters/scenario.txtpb", info.scenario_text);
  if (SimulationCheckpointAccess::step(sim) != info.step)
    throw std::logic_error("save_checkpoint: the simulation is at another step than its description");
  SimulationCheckpointAccess::visit(sim, [&](const char* group, const char* name, const auto& member) {
    using T = std::decay_t<decltype(member)>;
    const std::string dataset = std::string(group) + "/" + name;
    if constexpr (IsVector<T>::value)
      w.array(dataset, member);
    else
      w.array(dataset, element_kind<T>(), 1, &member);
  });
  w.commit();
}

CheckpointInfo read_checkpoint_info(const std::string& path) {
  const CheckpointReader r(path);
  if (!r.has_attr("title") || r.attr_text("title") != kMagic)
    throw refusal(path, "title", "not a courtyard checkpoint");
  const int64_t format = r.attr_int("checkpoint_format_version");
  if (format != kCheckpointFormatVersion)
    throw refusal(path, "checkpoint_format_version",
                  "checkpoint format " + std::to_string(format) + ", this program reads format " +
                      std::to_string(kCheckpointFormatVersion));
  CheckpointInfo info;
  info.engine_version = r.attr_text("engine_version");
  info.git_commit = r.attr_text("git_commit");
  const std::string here = std::string("courtyard ") + engine_version() + " (git " + git_commit() + ")";
  const std::string there = "courtyard " + info.engine_version + " (git " + info.git_commit + ")";
  if (info.engine_version != engine_version())
    throw refusal(path, "engine_version",
                  "written by " + there + ", this is " + here +
                      ": a checkpoint resumes only under the program that wrote it (run again from the start)");
  if (info.git_commit != git_commit())
    throw refusal(path, "git_commit",
                  "written by " + there + ", this is " + here +
                      ": a checkpoint resumes only under the program that wrote it (run again from the start)");
  const std::string layout = r.text("layout");
  if (layout != checkpoint_layout()) {
    // name the first line that differs
    const std::string ours = checkpoint_layout();
    size_t i = 0;
    while (i < layout.size() && i < ours.size() && layout[i] == ours[i]) ++i;
    const size_t start = ours.rfind('\n', i == 0 ? 0 : i - 1);
    const size_t from = start == std::string::npos ? 0 : start + 1;
    throw refusal(path, "layout",
                  "the state's layout differs from this program's at '" + ours.substr(from, ours.find('\n', from) - from) +
                      "' (a checkpoint resumes only under the program that wrote it)");
  }
  info.scenario_path = r.attr_text("scenario_path");
  info.scenario_sha256 = r.attr_text("scenario_sha256");
  info.scenario_name = r.attr_text("scenario_name");
  info.created_utc = r.attr_text("created_utc");
  info.command_line = r.attr_text("command_line");
  info.history = r.attr_text("history");
  info.step = static_cast<int32_t>(r.attr_int("step"));
  info.steps = static_cast<int32_t>(r.attr_int("steps_planned"));
  info.checkpoint_every = static_cast<int32_t>(r.attr_int("checkpoint_every"));
  info.journal_bytes = r.attr_int("journal_bytes");
  info.events = r.attr_int("events");
  info.records = r.attr_int("records");
  info.writes_file = r.attr_int("writes_file") != 0;
  info.scenario_text = r.text("parameters/scenario.txtpb");
  if (info.step < 0 || info.step > info.steps || info.journal_bytes < 0 || info.events < 0 || info.records < 1)
    throw refusal(path, "step", "inconsistent description (step " + std::to_string(info.step) + " of " +
                                    std::to_string(info.steps) + ")");
  return info;
}

void restore_checkpoint(Simulation& sim, const std::string& path) {
  const CheckpointInfo info = read_checkpoint_info(path);
  const Model& model = SimulationCheckpointAccess::model(sim);
  if (info.scenario_sha256 != model.scenario_sha256)
    throw refusal(path, "scenario_sha256",
                  "a checkpoint of scenario '" + info.scenario_name + "' (sha256 " + info.scenario_sha256.substr(0, 12) +
                      "), not of the one being run, '" + model.scenario_name + "' (sha256 " +
                      model.scenario_sha256.substr(0, 12) + ")");
  const CheckpointReader r(path);
  SimulationCheckpointAccess::visit(sim, [&](const char* group, const char* name, auto& member) {
    using T = std::decay_t<decltype(member)>;
    const std::string dataset = std::string(group) + "/" + name;
    try {
      if constexpr (IsVector<T>::value) {
        const size_t n = r.length(dataset);
        // arrays sized from the model must keep their size; scratch sized per use may differ
        if (!member.empty() && n != member.size())
          throw std::runtime_error(dataset + " holds " + std::to_string(n) + " values, the model has " +
                                   std::to_string(member.size()));
        r.read(dataset, &member);
      } else {
        r.read(dataset, element_kind<T>(), 1, &member);
      }
    } catch (const IoError&) {
      throw;
    } catch (const std::runtime_error& e) {
      throw refusal(path, dataset, e.what());
    }
  });
  SimulationCheckpointAccess::step(sim) = info.step;
}

}  // namespace courtyard
