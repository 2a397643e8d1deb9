// Report: what ran and how close it came to the paper, for people to read.
//
// Reads finished run directories back from disk (provenance.json, metrics.csv,
// spec.resolved.yaml with its `paper:` block, figures/) and writes report.md and a
// self-contained report.html: figures inline (SVG as <svg> elements, PNG as data
// URIs), a table of ours vs published per claim with the ratio and a verdict,
// a provenance summary and the cache hits. Nothing in the run directories changes.
// `reprise run` writes one per run; `reprise report RUN...` and `reprise reproduce`
// write one over many runs.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "framework/report/claims.hpp"
#include "framework/report/table.hpp"

namespace reprise {

struct NodeTiming {
  std::string node, component, status, error;
  double seconds = 0;
};

struct FigureFile {
  std::string path;   // absolute or as found
  std::string label;  // file name
};

// One run directory as read back.
struct RunSummary {
  std::string dir;
  std::string name, spec_file, status;
  std::vector<std::string> command;
  std::string started, finished, git_commit, compiler, host;
  double seconds = 0;
  int jobs = 1;
  std::size_t sweep_points = 0;
  std::map<std::string, std::size_t> counts;  // ran, cached, failed, ...
  std::vector<NodeTiming> nodes;
  std::optional<PaperBlock> paper;
  std::vector<std::pair<Claim, ClaimOutcome>> claims;
  Table metrics;
  std::vector<FigureFile> figures;  // .svg, or .png where there is no .svg twin
  std::vector<std::string> warnings;  // what could not be read (the report says so)
};

// Thrown for a path that is not a run directory (message names it and why).
class ReportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A run directory, or a spec's results directory (then its `latest` run).
RunSummary read_run(const std::string& path);

// The run directory `path` names: itself, or for results/<name> its `latest` run.
// Throws ReportError when it is neither.
std::filesystem::path run_directory(const std::string& path);

struct ReportFiles {
  std::string markdown, html;
};

// Writes out_dir/report.md and out_dir/report.html over `runs`; `title` heads them and
// `notes` (e.g. specs skipped or failed before running) are listed under it.
ReportFiles write_report(const std::vector<RunSummary>& runs, const std::string& out_dir, const std::string& title,
                         const std::vector<std::string>& notes = {});

// The Markdown and HTML texts themselves (out_dir: where relative links start).
std::string report_markdown(const std::vector<RunSummary>& runs, const std::string& out_dir, const std::string& title,
                            const std::vector<std::string>& notes = {});
std::string report_html(const std::vector<RunSummary>& runs, const std::string& title, const std::vector<std::string>& notes = {});

}  // namespace reprise
