// Durable writes: whole files that are either fully there or not there at all.
//
// In: a path and the complete text. Out: the file under its final name, written
// to a temporary sibling, fsynced and renamed over it, so a reader, a crash or a
// power cut never sees half a file, and a failed write (disk full, a file-size
// limit) leaves the previous version, or nothing, and no temporary file behind.
// Every file of a run directory and of a report goes through here; cache entries
// (HDF5, store/cache) follow the same temp + fsync + rename discipline.
#pragma once

#include <string>

namespace reprise {

// Throws std::runtime_error naming the file and the reason (e.g. "No space left on device").
void write_file_atomic(const std::string& path, const std::string& text);

}  // namespace reprise
