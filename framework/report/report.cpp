#include "framework/report/report.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "framework/core/numbers.hpp"
#include "framework/store/durable_write.hpp"
#include "framework/spec/spec.hpp"

namespace reprise {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

constexpr std::size_t kSingleRunMetricRows = 200;  // Markdown table of a one-run report
constexpr std::size_t kHtmlMetricRows = 1000;      // per run, inside a collapsed <details>
constexpr std::size_t kSlowestNodes = 8;

std::optional<std::string> slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string seconds_text(double s) {
  char buf[48];
  if (s < 120) std::snprintf(buf, sizeof buf, "%.1f s", s);
  else std::snprintf(buf, sizeof buf, "%.1f min", s / 60);
  return buf;
}

// -------------------------------------------------------------------- reading

template <class T>
T field(const json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    return fallback;
  }
}

void read_provenance(const fs::path& dir, RunSummary& run) {
  auto text = slurp(dir / "provenance.json");
  if (!text) throw ReportError("cannot read " + (dir / "provenance.json").string());
  json j;
  try {
    j = json::parse(*text);
  } catch (const json::exception& e) {
    throw ReportError((dir / "provenance.json").string() + " is not valid JSON (" + e.what() + ")");
  }
  if (!j.is_object()) throw ReportError((dir / "provenance.json").string() + " is not a JSON object");
  json spec = j.value("spec", json::object()), host = j.value("host", json::object()), code = j.value("reprise", json::object());
  run.name = field<std::string>(spec, "name", dir.parent_path().filename().string());
  run.spec_file = field<std::string>(spec, "file", "");
  run.status = field<std::string>(j, "status", "unknown");
  run.command = field<std::vector<std::string>>(j, "command", {});
  run.started = field<std::string>(j, "started", "");
  run.finished = field<std::string>(j, "finished", "");
  run.seconds = field<double>(j, "seconds", 0);
  run.jobs = field<int>(j, "jobs", 1);
  run.sweep_points = field<std::size_t>(j, "sweep_points", 0);
  run.git_commit = field<std::string>(code, "git_commit", "");
  run.compiler = field<std::string>(j, "compiler", "");
  run.host = field<std::string>(host, "name", "") + " (" + field<std::string>(host, "system", "") + ", " +
             std::to_string(field<int>(host, "cpus", 0)) + " cpus)";
  const json counts = j.value("counts", json::object());  // items() must not outlive its object
  for (const auto& [k, v] : counts.items())
    if (v.is_number_unsigned()) run.counts[k] = v.get<std::size_t>();
  for (const auto& n : j.value("nodes", json::array())) {
    if (!n.is_object()) continue;
    std::string variant = field<std::string>(n, "variant", "");
    run.nodes.push_back({field<std::string>(n, "name", "?") + (variant.empty() ? "" : "[" + variant + "]"),
                         field<std::string>(n, "component", ""), field<std::string>(n, "status", ""),
                         field<std::string>(n, "error", ""), field<double>(n, "seconds", 0)});
  }
}

void read_paper_claims(const fs::path& dir, RunSummary& run) {
  fs::path resolved = dir / "spec.resolved.yaml";
  auto text = slurp(resolved);
  if (!text) {
    run.warnings.push_back("no spec.resolved.yaml: claims not checked");
    return;
  }
  try {
    run.paper = read_paper(parse_yaml(*text, resolved.string()));
  } catch (const std::exception& e) {
    run.warnings.push_back(std::string("paper: block unreadable: ") + e.what());
    return;
  }
  if (!run.paper) return;
  for (const auto& c : run.paper->claims) run.claims.emplace_back(c, evaluate_claim(c, run.metrics));
}

void read_figures(const fs::path& dir, RunSummary& run) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir / "figures", ec))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::string ext = f.extension().string();
    bool svg_twin = ext == ".png" && std::find(files.begin(), files.end(), fs::path(f).replace_extension(".svg")) != files.end();
    if (ext == ".svg" || (ext == ".png" && !svg_twin)) run.figures.push_back({f.string(), "figures/" + f.filename().string()});
  }
}

// ---------------------------------------------------------------- shared text

std::size_t count_of(const RunSummary& r, const std::string& status) {
  auto it = r.counts.find(status);
  return it == r.counts.end() ? 0 : it->second;
}

std::string nodes_text(const RunSummary& r) {
  std::size_t total = 0;
  for (const auto& [k, v] : r.counts) total += v;
  std::string s = std::to_string(total) + " distinct: " + std::to_string(count_of(r, "ran")) + " ran, " +
                  std::to_string(count_of(r, "cached")) + " cache hits";
  for (const char* bad : {"failed", "skipped", "cancelled", "not run"})
    if (count_of(r, bad)) s += ", " + std::to_string(count_of(r, bad)) + " " + bad;
  return s;
}

std::string claims_tally(const RunSummary& r) {
  if (r.claims.empty()) return "-";
  std::size_t ok = 0;
  for (const auto& [c, o] : r.claims) ok += o.verdict == ClaimOutcome::Verdict::Reproduced;
  return std::to_string(ok) + " / " + std::to_string(r.claims.size());
}

std::string command_text(const RunSummary& r) {
  std::string s;
  for (const auto& a : r.command) s += (s.empty() ? "" : " ") + a;
  return s;
}

std::string ours_text(const ClaimOutcome& o) { return o.ours ? short_number(*o.ours) : "-"; }
std::string ratio_text(const ClaimOutcome& o) { return o.ratio ? short_number(*o.ratio) : "-"; }

std::vector<const NodeTiming*> slowest(const RunSummary& r) {
  std::vector<const NodeTiming*> order;
  for (const auto& n : r.nodes) order.push_back(&n);
  std::sort(order.begin(), order.end(), [](auto a, auto b) { return a->seconds > b->seconds; });
  if (order.size() > kSlowestNodes) order.resize(kSlowestNodes);
  return order;
}

// ------------------------------------------------------------------- markdown

std::string md_cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

std::string md_link(const std::string& target, const std::string& out_dir) {
  std::error_code ec;
  fs::path rel = fs::relative(fs::absolute(target, ec), fs::absolute(out_dir, ec), ec);
  return ec || rel.empty() ? target : rel.string();
}

void md_metrics(std::ostringstream& md, const RunSummary& r, std::size_t max_rows) {
  const Table& t = r.metrics;
  if (t.columns.empty()) return;
  md << "\n### Metrics\n\n";
  md << "|";
  for (const auto& c : t.columns) md << " " << md_cell(c) << " |";
  md << "\n|";
  for (std::size_t i = 0; i < t.columns.size(); ++i) md << "---|";
  md << "\n";
  std::size_t shown = std::min(t.rows.size(), max_rows);
  for (std::size_t i = 0; i < shown; ++i) {
    md << "|";
    for (const auto& cell : t.rows[i]) md << " " << md_cell(cell) << " |";
    md << "\n";
  }
  if (shown < t.rows.size()) md << "\n(" << t.rows.size() - shown << " more rows in metrics.csv)\n";
}

void md_run(std::ostringstream& md, const RunSummary& r, const std::string& out_dir, bool single) {
  md << (single ? "" : "## " + r.name + "\n\n");
  if (r.paper) {
    md << "**" << r.paper->title << "**";
    if (!r.paper->source.empty()) md << " (" << r.paper->source << ")";
    md << "\n\n";
  }
  md << "- spec: `" << r.spec_file << "`, run: `" << r.dir << "`, status: **" << r.status << "**\n";
  md << "- command: `" << command_text(r) << "`\n";
  md << "- started " << r.started << ", finished " << r.finished << " (" << seconds_text(r.seconds) << ", -j " << r.jobs << ")\n";
  md << "- nodes: " << nodes_text(r) << "; sweep points: " << r.sweep_points << ", metric rows: " << r.metrics.rows.size() << "\n";
  md << "- code: " << (r.git_commit.empty() ? "unknown commit" : r.git_commit) << ", " << r.compiler << ", host " << r.host << "\n";
  for (const auto& n : r.nodes)
    if (n.status == "failed") md << "- **failed**: " << n.error << "\n";
  for (const auto& w : r.warnings) md << "- warning: " << w << "\n";
  if (!r.claims.empty()) {
    md << "\n### Ours vs published\n\n| claim | metric | ours | published | ours / published | verdict |\n|---|---|---|---|---|---|\n";
    for (const auto& [c, o] : r.claims) {
      std::string metric = c.ours.metric + (c.relative_to ? " (relative)" : "");
      md << "| " << md_cell(c.text) << " | `" << metric << "` | " << ours_text(o) << " | " << expect_text(c) << " | "
         << ratio_text(o) << " | " << (o.verdict == ClaimOutcome::Verdict::Reproduced ? "**reproduced**" : verdict_name(o.verdict))
         << (o.note.empty() ? "" : " (" + md_cell(o.note) + ")") << " |\n";
    }
  }
  if (!r.figures.empty()) {
    md << "\n### Figures\n\n";
    for (const auto& f : r.figures) md << "![" << f.label << "](" << md_link(f.path, out_dir) << ")\n";
  }
  if (!r.nodes.empty()) {
    md << "\n### Slowest nodes\n\n| node | component | status | seconds |\n|---|---|---|---|\n";
    for (const NodeTiming* n : slowest(r))
      md << "| " << md_cell(n->node) << " | " << n->component << " | " << n->status << " | " << short_number(n->seconds) << " |\n";
  }
  if (single) md_metrics(md, r, kSingleRunMetricRows);
  else md << "\nMetrics: `" << md_link((fs::path(r.dir) / "metrics.csv").string(), out_dir) << "` (" << r.metrics.rows.size()
          << " rows x " << r.metrics.columns.size() << " columns)\n";
  md << "\n";
}

// ----------------------------------------------------------------------- html

std::string esc(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string base64(const std::string& bytes) {
  static const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 2]);
    out += digits[(v >> 18) & 63];
    out += digits[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? digits[(v >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? digits[v & 63] : '=';
  }
  return out;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

// An SVG file as an element of the page: the XML prolog and DOCTYPE go, and its
// ids get a per-figure prefix, since gnuplot gives every figure the same ids
// (gpPt0, ...) and one page must not hold two elements with one id.
std::string inline_svg(std::string svg, const std::string& prefix) {
  std::size_t start = svg.find("<svg");
  if (start == std::string::npos) return "";
  svg.erase(0, start);
  replace_all(svg, "id=\"", "id=\"" + prefix);
  replace_all(svg, "href=\"#", "href=\"#" + prefix);
  replace_all(svg, "url(#", "url(#" + prefix);
  return svg;
}

std::string html_figure(const FigureFile& f, const std::string& prefix) {
  auto bytes = slurp(f.path);
  std::string body;
  if (!bytes) body = "<p class=\"warn\">cannot read " + esc(f.path) + "</p>";
  else if (f.path.ends_with(".svg")) body = inline_svg(*bytes, prefix);
  else body = "<img alt=\"" + esc(f.label) + "\" src=\"data:image/png;base64," + base64(*bytes) + "\">";
  return "<figure>" + body + "<figcaption>" + esc(f.label) + "</figcaption></figure>\n";
}

const char* kStyle = R"(body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0;font-size:90%}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left}
th{background:#f2f2f2}.ok{color:#11691f;font-weight:bold}.no{color:#a31515;font-weight:bold}.nodata{color:#8a6d00}
figure{display:inline-block;margin:.5em;vertical-align:top}figure svg,figure img{max-width:520px;height:auto}
figcaption{font-size:80%;color:#555}code{background:#f6f6f6}.warn{color:#a31515}details{margin:.5em 0}
.scroll{overflow-x:auto})";

std::string verdict_html(const ClaimOutcome& o) {
  switch (o.verdict) {
    case ClaimOutcome::Verdict::Reproduced: return "<span class=\"ok\">reproduced</span>";
    case ClaimOutcome::Verdict::NotReproduced: return "<span class=\"no\">not reproduced</span>";
    case ClaimOutcome::Verdict::NoData: return "<span class=\"nodata\">no data</span> (" + esc(o.note) + ")";
  }
  return "";
}

void html_table(std::ostringstream& h, const Table& t, std::size_t max_rows) {
  h << "<div class=\"scroll\"><table><tr>";
  for (const auto& c : t.columns) h << "<th>" << esc(c) << "</th>";
  h << "</tr>\n";
  std::size_t shown = std::min(t.rows.size(), max_rows);
  for (std::size_t i = 0; i < shown; ++i) {
    h << "<tr>";
    for (const auto& cell : t.rows[i]) h << "<td>" << esc(cell) << "</td>";
    h << "</tr>\n";
  }
  h << "</table></div>";
  if (shown < t.rows.size()) h << "<p>(" << t.rows.size() - shown << " more rows in metrics.csv)</p>";
}

void html_run(std::ostringstream& h, const RunSummary& r, std::size_t index) {
  h << "<h2 id=\"run" << index << "\">" << esc(r.name) << "</h2>\n";
  if (r.paper)
    h << "<p><b>" << esc(r.paper->title) << "</b>" << (r.paper->source.empty() ? "" : " (" + esc(r.paper->source) + ")") << "</p>\n";
  h << "<ul><li>spec <code>" << esc(r.spec_file) << "</code>, run <code>" << esc(r.dir) << "</code>, status <b>" << esc(r.status)
    << "</b></li><li>command <code>" << esc(command_text(r)) << "</code></li><li>started " << esc(r.started) << ", finished "
    << esc(r.finished) << " (" << seconds_text(r.seconds) << ", -j " << r.jobs << ")</li><li>nodes " << esc(nodes_text(r))
    << "; sweep points " << r.sweep_points << ", metric rows " << r.metrics.rows.size() << "</li><li>code "
    << esc(r.git_commit) << ", " << esc(r.compiler) << ", host " << esc(r.host) << "</li>";
  for (const auto& n : r.nodes)
    if (n.status == "failed") h << "<li class=\"warn\">failed: " << esc(n.error) << "</li>";
  for (const auto& w : r.warnings) h << "<li class=\"warn\">" << esc(w) << "</li>";
  h << "</ul>\n";
  if (!r.claims.empty()) {
    h << "<h3>Ours vs published</h3>\n<table><tr><th>claim</th><th>metric</th><th>ours</th><th>published</th>"
         "<th>ours / published</th><th>verdict</th></tr>\n";
    for (const auto& [c, o] : r.claims)
      h << "<tr><td>" << esc(c.text) << "</td><td><code>" << esc(c.ours.metric) << (c.relative_to ? " (relative)" : "")
        << "</code></td><td>" << ours_text(o) << "</td><td>" << esc(expect_text(c)) << "</td><td>" << ratio_text(o) << "</td><td>"
        << verdict_html(o) << "</td></tr>\n";
    h << "</table>\n";
  }
  if (!r.figures.empty()) {
    h << "<h3>Figures</h3>\n";
    for (std::size_t i = 0; i < r.figures.size(); ++i)
      h << html_figure(r.figures[i], "r" + std::to_string(index) + "f" + std::to_string(i) + "_");
  }
  if (!r.nodes.empty()) {
    h << "<h3>Slowest nodes</h3>\n<table><tr><th>node</th><th>component</th><th>status</th><th>seconds</th></tr>\n";
    for (const NodeTiming* n : slowest(r))
      h << "<tr><td>" << esc(n->node) << "</td><td>" << esc(n->component) << "</td><td>" << esc(n->status) << "</td><td>"
        << short_number(n->seconds) << "</td></tr>\n";
    h << "</table>\n";
  }
  if (!r.metrics.columns.empty()) {
    h << "<details><summary>Metrics (" << r.metrics.rows.size() << " rows x " << r.metrics.columns.size() << " columns)</summary>\n";
    html_table(h, r.metrics, kHtmlMetricRows);
    h << "</details>\n";
  }
}

}  // namespace

std::filesystem::path run_directory(const std::string& path) {
  fs::path p(path);
  std::error_code ec;
  if (!fs::is_directory(p, ec)) throw ReportError("'" + printable(path) + "' is not a directory");
  if (fs::exists(p / "provenance.json", ec)) return p;
  if (fs::exists(p / "latest" / "provenance.json", ec)) return fs::canonical(p / "latest", ec);
  throw ReportError("'" + printable(path) + "' is not a run directory (no provenance.json) nor a spec's results directory (no latest/)");
}


RunSummary read_run(const std::string& path) {
  fs::path dir = run_directory(path);
  RunSummary run;
  run.dir = dir.string();
  read_provenance(dir, run);
  if (auto csv = slurp(dir / "metrics.csv")) {
    try {
      run.metrics = Table::from_csv(*csv);
    } catch (const std::exception& e) {
      run.warnings.push_back(std::string("metrics.csv unreadable: ") + e.what());
    }
  } else if (run.status != "running") {
    run.warnings.push_back("no metrics.csv");
  }
  if (run.status == "running") run.warnings.push_back("the run never finished (killed?): rerun its command to complete it");
  read_paper_claims(dir, run);
  read_figures(dir, run);
  return run;
}

std::string report_markdown(const std::vector<RunSummary>& runs, const std::string& out_dir, const std::string& title,
                            const std::vector<std::string>& notes) {
  std::ostringstream md;
  md << "# " << title << "\n\n";
  for (const auto& n : notes) md << "- **note**: " << n << "\n";
  if (!notes.empty()) md << "\n";
  bool single = runs.size() == 1;
  if (!single) {
    md << "| spec | reproduces | status | time | nodes | claims reproduced |\n|---|---|---|---|---|---|\n";
    double total = 0;
    for (const auto& r : runs) {
      total += r.seconds;
      md << "| " << r.name << " | " << md_cell(r.paper ? r.paper->title : "") << " | " << r.status << " | "
         << seconds_text(r.seconds) << " | " << nodes_text(r) << " | " << claims_tally(r) << " |\n";
    }
    md << "\n" << runs.size() << " runs, " << seconds_text(total) << " in all.\n\n";
  }
  for (const auto& r : runs) md_run(md, r, out_dir, single);
  return md.str();
}

std::string report_html(const std::vector<RunSummary>& runs, const std::string& title, const std::vector<std::string>& notes) {
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << esc(title) << "</title><style>" << kStyle
    << "</style></head><body>\n<h1>" << esc(title) << "</h1>\n";
  if (!notes.empty()) {
    h << "<ul>";
    for (const auto& n : notes) h << "<li class=\"warn\">" << esc(n) << "</li>";
    h << "</ul>\n";
  }
  if (runs.size() > 1) {
    h << "<table><tr><th>spec</th><th>reproduces</th><th>status</th><th>time</th><th>nodes</th><th>claims reproduced</th></tr>\n";
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const RunSummary& r = runs[i];
      h << "<tr><td><a href=\"#run" << i << "\">" << esc(r.name) << "</a></td><td>" << esc(r.paper ? r.paper->title : "")
        << "</td><td>" << esc(r.status) << "</td><td>" << seconds_text(r.seconds) << "</td><td>" << esc(nodes_text(r))
        << "</td><td>" << claims_tally(r) << "</td></tr>\n";
    }
    h << "</table>\n";
  }
  for (std::size_t i = 0; i < runs.size(); ++i) html_run(h, runs[i], i);
  h << "</body></html>\n";
  return h.str();
}

ReportFiles write_report(const std::vector<RunSummary>& runs, const std::string& out_dir, const std::string& title,
                         const std::vector<std::string>& notes) {
  fs::create_directories(out_dir);
  ReportFiles files{(fs::path(out_dir) / "report.md").string(), (fs::path(out_dir) / "report.html").string()};
  write_file_atomic(files.markdown, report_markdown(runs, out_dir, title, notes));
  write_file_atomic(files.html, report_html(runs, title, notes));
  return files;
}

}  // namespace reprise
