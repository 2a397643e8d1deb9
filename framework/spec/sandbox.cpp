#include "framework/spec/sandbox.hpp"

#include <filesystem>

namespace reprise {
namespace fs = std::filesystem;

namespace {
// Absolute, symlinks resolved as far as the path exists, no "." or "..".
fs::path resolved(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path.empty() ? "." : path), ec);
  return ec ? fs::absolute(path).lexically_normal() : p;
}

bool inside(const fs::path& file, const fs::path& root) {
  auto f = file.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++f) {
    if (r->empty()) continue;  // the empty last element of "dir/"
    if (f == file.end() || *f != *r) return false;
  }
  return true;
}
}  // namespace

Sandbox::Sandbox(const std::vector<std::string>& roots) : enabled_(true) {
  for (const auto& r : roots) roots_.push_back(resolved(r).string());
}

void Sandbox::check(const std::string& path, const Loc& at, const std::string& what) const {
  if (!enabled_) return;
  fs::path file = resolved(path);
  for (const auto& r : roots_)
    if (inside(file, r)) return;
  throw SpecError(at, what + " resolves to '" + file.string() +
                          "', outside the sandbox (allowed: " + join_names(roots_) +
                          "); to allow it, add --allow-path " + file.parent_path().string());
}

}  // namespace reprise
