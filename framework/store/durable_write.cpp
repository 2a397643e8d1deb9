#include "framework/store/durable_write.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace reprise {
namespace {

WriteFaultHook g_fault_hook;

// A step's failure: its errno, from the fault hook or from the system call.
struct StepFailed {
  WriteStep step;
  int err;
};

void check(bool ok, WriteStep step) {
  if (!ok) throw StepFailed{step, errno ? errno : EIO};
}

// The injected errno for this step, if a test asked for one.
void maybe_fault(WriteStep step, const std::string& path) {
  if (!g_fault_hook) return;
  if (int err = g_fault_hook(step, path)) throw StepFailed{step, err};
}

std::string unique_temp_name(const std::string& path) {
  static std::atomic<unsigned> counter{0};
  return path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
}

void fsync_file(const std::string& file, WriteStep step) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  check(fd >= 0, step);
  bool ok = ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  errno = err;
  check(ok, step);
}

// Writes all of `text` to fd, continuing short writes.
void write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) errno = ENOSPC;  // write() made no progress: a full device
    check(n > 0, WriteStep::Write);
    done += static_cast<std::size_t>(n);
  }
}

std::string failure(const std::string& what, const std::string& path, WriteStep step, const std::string& why) {
  return "cannot write " + (what.empty() ? "" : what + " ") + "'" + path + "': " + write_step_name(step) + " failed: " + why;
}

}  // namespace

const char* write_step_name(WriteStep step) {
  switch (step) {
    case WriteStep::Create: return "create";
    case WriteStep::Write: return "write";
    case WriteStep::FsyncFile: return "fsync";
    case WriteStep::Rename: return "rename";
    case WriteStep::FsyncDir: return "fsync directory";
  }
  return "?";
}

void set_write_fault_hook(WriteFaultHook hook) { g_fault_hook = std::move(hook); }

void write_file_durably(const std::string& path, const std::function<void(const std::string& temp_path)>& fill,
                        const std::string& what) {
  const std::string temp = unique_temp_name(path);
  bool created = false;
  WriteStep step = WriteStep::Create;
  try {
    maybe_fault(step, path);
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    check(fd >= 0, step);
    created = true;
    ::close(fd);
    step = WriteStep::Write;
    maybe_fault(step, path);
    try {
      fill(temp);
    } catch (const StepFailed&) {
      throw;
    } catch (const std::exception& e) {
      int err = errno;
      std::string why = e.what();
      if ((err == ENOSPC || err == EFBIG || err == EDQUOT || err == EIO) && why.find(std::strerror(err)) == std::string::npos)
        why += std::string(" (") + std::strerror(err) + ")";  // HDF5 reports a failed write() only through errno
      throw std::runtime_error(failure(what, path, step, why));
    }
    step = WriteStep::FsyncFile;
    maybe_fault(step, path);
    fsync_file(temp, step);
    step = WriteStep::Rename;
    maybe_fault(step, path);
    check(std::rename(temp.c_str(), path.c_str()) == 0, step);
    created = false;  // it is the final file now
  } catch (const StepFailed& f) {
    if (created) ::unlink(temp.c_str());
    throw std::runtime_error(failure(what, path, f.step, std::strerror(f.err)));
  } catch (...) {
    if (created) ::unlink(temp.c_str());
    throw;
  }
  // After the rename the content is complete under its name; a failed directory
  // fsync only means the rename might not survive a power cut: still an error.
  try {
    maybe_fault(WriteStep::FsyncDir, path);
    std::string dir = std::filesystem::path(path).parent_path().string();
    fsync_file(dir.empty() ? "." : dir, WriteStep::FsyncDir);
  } catch (const StepFailed& f) {
    throw std::runtime_error(failure(what, path, f.step, std::strerror(f.err)));
  }
}

void write_file_atomic(const std::string& path, const std::string& text) {
  write_file_durably(path, [&](const std::string& temp) {
    int fd = ::open(temp.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    check(fd >= 0, WriteStep::Write);
    try {
      write_all(fd, text);
    } catch (...) {
      ::close(fd);
      throw;
    }
    check(::close(fd) == 0, WriteStep::Write);
  });
}

}  // namespace reprise
