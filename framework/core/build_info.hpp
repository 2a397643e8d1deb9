// What the binary was built from, fixed at build time (cmake/git_info.cmake writes
// the definitions into the build tree on every build): provenance.json records it.
#pragma once

namespace reprise {

// The source tree's `git rev-parse HEAD` when this binary was built; "unknown"
// outside a git checkout (e.g. a release tarball).
const char* build_git_commit();
// Whether tracked files differed from that commit (an uncommitted change was built in).
bool build_git_dirty();

}  // namespace reprise
