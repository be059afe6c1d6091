// `courtyard patterns`: the pattern-oriented validation report (Grimm et al. 2005). Runs every named
// probe over seeds 1..N, prints a table, and writes DIR/patterns.csv, DIR/patterns.md (for
// docs/validation.md) and DIR/patterns.png (drawn by analysis/plot_patterns.py).
#include <oneapi/tbb/global_control.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/common.h"
#include "core/calendar.h"
#include "core/errors.h"
#include "core/version.h"
#include "patterns/patterns.h"

namespace po = boost::program_options;

namespace courtyard {

namespace {

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

std::string probe_names() {
  std::string out;
  for (const auto& p : patterns::all_probes()) out += (out.empty() ? "" : ", ") + p.name;
  return out;
}

}  // namespace

int cmd_patterns(int argc, char** argv) {
  int seeds = 30, threads = 0;
  std::string out_dir = "patterns";
  std::vector<std::string> only;
  po::options_description opts("Options");
  opts.add_options()
      ("seeds", po::value(&seeds)->default_value(seeds), "seeds per probe (1..N; treatment and control share a seed)")
      ("only", po::value(&only)->composing(), "run only this probe (repeatable; see --list)")
      ("output,o", po::value(&out_dir), "folder for patterns.csv, patterns.md and patterns.png (default: patterns)")
      ("list", "list the probes with their ranges and sources, and exit")
      ("strict", "exit 1 when a probe fails or cannot run")
      ("no-plot", "skip the picture")
      ("threads", po::value(&threads), "worker threads (default: $SLURM_CPUS_PER_TASK, else all cores)");
  po::positional_options_description pos;
  po::variables_map vm;
  const std::string help =
      "Usage: courtyard patterns [--seeds N] [--only NAME ...] [-o DIR] [--list] [--strict]\n"
      "\n"
      "Pattern-oriented validation (Grimm et al. 2005): every pattern the model claims is a named probe with a\n"
      "setup, a statistic with a 95% confidence interval over seeds, the range its source supports, and a verdict.\n"
      "Prints a table and writes DIR/patterns.csv, DIR/patterns.md and DIR/patterns.png. Exits 0 when the report\n"
      "is written, even if probes fail (--strict: 1).\n"
      "\n"
      "Examples:\n"
      "  courtyard patterns                          # all probes, 30 seeds, into ./patterns\n"
      "  courtyard patterns --seeds 5 --only pgg_decay --only roof_with_meeting -o quick\n"
      "  courtyard patterns --list\n";
  if (!parse_command(argc, argv, opts, pos, help, vm)) return kExitOk;

  if (vm.count("list")) {
    for (const auto& p : patterns::all_probes()) {
      std::printf("%-28s [%g, %g]  %-12s %s\n", p.name.c_str(), p.range_low, p.range_high, p.kind.c_str(), p.source.c_str());
      std::printf("    %s\n", p.statistic.c_str());
    }
    return kExitOk;
  }
  if (seeds < 1 || seeds > 1000) throw UsageError("--seeds must be in [1, 1000]");
  if (vm.count("threads") && threads < 1) throw UsageError("--threads must be at least 1");
  if (threads == 0) threads = threads_default();
  threads = cap_to_hardware(threads, "--threads");

  std::vector<const patterns::Probe*> probes;
  if (only.empty()) {
    for (const auto& p : patterns::all_probes()) probes.push_back(&p);
  } else {
    for (const auto& name : only) {
      const patterns::Probe* p = patterns::find_probe(name);
      if (!p) throw UsageError("unknown probe '" + name + "'; the probes are: " + probe_names());
      probes.push_back(p);
    }
  }

  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) throw OutputCreateError("cannot create " + out_dir + ": " + ec.message());

  oneapi::tbb::global_control limit(oneapi::tbb::global_control::max_allowed_parallelism, static_cast<size_t>(threads));
  std::fprintf(stderr, "courtyard patterns: %zu probes, %d seeds, %d threads\n", probes.size(), seeds, threads);
  const auto rows = patterns::run_probes(probes, seeds, [](const patterns::Row& r) {
    std::fprintf(stderr, "  %-28s %-5s %7.2f s\n", r.probe->name.c_str(), r.verdict.c_str(), r.seconds);
  });

  std::printf("Pattern-oriented validation, %d seeds, commit %s\n\n", seeds, git_commit());
  std::cout << patterns::format_table(rows);
  const std::string csv = out_dir + "/patterns.csv", md = out_dir + "/patterns.md", png = out_dir + "/patterns.png";
  const std::string values = out_dir + "/patterns-values.csv";
  patterns::write_csv(csv, rows, seeds);
  patterns::write_values_csv(values, rows);
  patterns::write_markdown(md, rows, seeds, git_commit(), utc_now());
  std::printf("\nreport: %s, %s\n", csv.c_str(), md.c_str());

  if (vm.count("no-plot") == 0) {
    const std::string python = COURTYARD_PYTHON_PATH, analysis = COURTYARD_ANALYSIS_DIR;
    std::fflush(stdout);
    const int rc = std::system((python + " " + shell_quote(analysis + "/plot_patterns.py") + " " + shell_quote(csv) + " " +
                                shell_quote(values) + " -o " + shell_quote(png) + " > /dev/null")
                                   .c_str());
    if (rc != 0) {
      std::fprintf(stderr, "courtyard patterns: drawing %s failed (%s with matplotlib, script in %s)\n", png.c_str(),
                   python.c_str(), analysis.c_str());
      return kExitIo;
    }
    std::printf("picture: %s\n", png.c_str());
  }

  if (vm.count("strict"))
    for (const auto& r : rows)
      if (r.verdict != "pass") return 1;
  return kExitOk;
}

}  // namespace courtyard
