// Sandbox: which files a spec may make reprise read (`reprise run --sandbox`).
//
// A spec names files in two ways: `include:` entries and path-typed component
// parameters (ParamType::Path, e.g. dataset/samples-file's `path`). Both resolve
// relative to the spec file that names them. Without --sandbox any readable file
// is allowed. With it, the resolved file, after following symlinks (so a link
// inside the directory cannot point out of it), must lie under the main spec's
// directory or under one of the --allow-path directories; anything else is a
// SpecError at the line that names it, saying which path and which flag allows it.
// Use it to plan or run specs from untrusted sources without letting them read
// e.g. ~/.ssh through a dataset component.
#pragma once

#include <string>
#include <vector>

#include "framework/core/errors.hpp"

namespace reprise {

class Sandbox {
 public:
  Sandbox() = default;  // disabled: everything allowed
  // Enabled, allowing the given directories (relative ones against the working directory).
  explicit Sandbox(const std::vector<std::string>& roots);

  bool enabled() const { return enabled_; }
  // Throws SpecError at `at` when `path` lies outside every allowed directory;
  // `what` names the reference as the user wrote it ("include 'a.yaml'").
  void check(const std::string& path, const Loc& at, const std::string& what) const;
  // The allowed directories, canonical.
  const std::vector<std::string>& roots() const { return roots_; }

 private:
  bool enabled_ = false;
  std::vector<std::string> roots_;
};

}  // namespace reprise
