// Durable writes: whole files that are either fully there or not there at all.
//
// In: a path and the complete content (text, or a function that writes the file,
// e.g. through the HDF5 library). Out: the file under its final name. Every writer
// of reprise goes through here (run directories, reports, shard records, cache
// entries and their .ok stamps, exports), one discipline for all:
//   1. create a unique temporary sibling, "<path>.tmp.<pid>.<n>" (O_EXCL: two
//      writers, threads or processes, never share one);
//   2. write the content (short writes continued, EINTR retried);
//   3. fsync the temporary file;
//   4. rename it over the final name (atomic on POSIX file systems);
//   5. fsync the directory, so that the rename itself survives a power cut.
// Any failure (no space, a file-size limit, an I/O error) removes the temporary
// file and throws std::runtime_error naming the file, the step and the reason;
// the final name then still holds the previous version, or nothing.
#pragma once

#include <functional>
#include <string>

namespace reprise {

enum class WriteStep { Create, Write, FsyncFile, Rename, FsyncDir };
const char* write_step_name(WriteStep step);  // "create", "write", "fsync", "rename", "fsync directory"

// `text` as the whole content of `path`.
void write_file_atomic(const std::string& path, const std::string& text);

// The content `fill(temp_path)` writes to the temporary file (which exists, empty,
// when fill is called); steps 3-5 follow. An exception from fill counts as a failed
// write: the temporary file is removed and the exception is rethrown wrapped with
// the file's name.
// `what` names the file in errors: "cannot write cache entry '<path>': write failed: ...".
void write_file_durably(const std::string& path, const std::function<void(const std::string& temp_path)>& fill,
                        const std::string& what = "");

// For tests: called before each step with the final path; a non-zero return is an
// errno that step then fails with (ENOSPC, EIO, ...). Empty: no faults (default).
// Not thread-safe to change while writes run.
using WriteFaultHook = std::function<int(WriteStep step, const std::string& path)>;
void set_write_fault_hook(WriteFaultHook hook);

}  // namespace reprise
