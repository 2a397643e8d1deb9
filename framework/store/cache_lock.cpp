#include "framework/store/cache_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace reprise {

namespace {

// True when `fd` is still the file at `path`: the previous holder unlinks the file
// just before unlocking, so a lock won on an unlinked inode guards nothing.
bool still_at_path(int fd, const std::string& path) {
  struct stat by_fd, by_path;
  if (::fstat(fd, &by_fd) != 0 || ::stat(path.c_str(), &by_path) != 0) return false;
  return by_fd.st_dev == by_path.st_dev && by_fd.st_ino == by_path.st_ino;
}

std::string this_holder() {
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  return std::string(host) + " " + std::to_string(::getpid());
}

void write_holder(int fd) {
  std::string text = this_holder() + "\n";
  if (::ftruncate(fd, 0) == 0) {
    [[maybe_unused]] auto n = ::pwrite(fd, text.data(), text.size(), 0);  // informational only
  }
}

std::string read_holder(int fd) {
  char buf[300] = {0};
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string s(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\0')) s.pop_back();
  return s.empty() ? "another process" : s;
}

// flock(2) not available on this filesystem (some network mounts).
bool unsupported(int err) { return err == ENOLCK || err == EINVAL || err == EOPNOTSUPP || err == ENOSYS; }

}  // namespace

CacheLock CacheLock::acquire(const std::string& path, const std::function<bool()>& cancelled,
                             const std::function<void(const std::string&)>& on_wait, std::chrono::milliseconds poll) {
  CacheLock lock;
  lock.path_ = path;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  while (true) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot create lock file '" + path + "': " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      if (still_at_path(fd, path)) {
        write_holder(fd);
        lock.fd_ = fd;
        return lock;
      }
      ::close(fd);  // lost a race with a releasing holder: lock the new file instead
      continue;
    }
    int err = errno;
    std::string holder = err == EWOULDBLOCK ? read_holder(fd) : "";
    ::close(fd);
    if (err != EWOULDBLOCK) {
      if (unsupported(err)) return lock;  // no locking here: compute anyway (writes stay atomic)
      throw std::runtime_error("cannot lock '" + path + "': " + std::strerror(err));
    }
    if (!lock.waited_ && on_wait) on_wait(holder);
    lock.waited_ = true;
    if (cancelled && cancelled()) {
      lock.cancelled_ = true;
      return lock;
    }
    std::this_thread::sleep_for(poll);
  }
}

bool CacheLock::remove_if_stale(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  bool removed = false;
  if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && still_at_path(fd, path)) removed = ::unlink(path.c_str()) == 0;
  ::close(fd);
  return removed;
}

CacheLock::CacheLock(CacheLock&& other) noexcept { *this = std::move(other); }

CacheLock& CacheLock::operator=(CacheLock&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    waited_ = other.waited_;
    cancelled_ = other.cancelled_;
    other.fd_ = -1;
  }
  return *this;
}

CacheLock::~CacheLock() { release(); }

void CacheLock::release() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());  // before unlocking: a waiter that wins then sees a fresh file (still_at_path)
  ::close(fd_);
  fd_ = -1;
}

}  // namespace reprise
