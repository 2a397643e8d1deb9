// Progress: what a run shows while it works, on stderr.
//
// On a terminal: one live status line per running node (node, component, % done,
// elapsed) under the log of finished nodes, redrawn a few times a second. Not on a
// terminal (CI logs, files): plain lines, one per finished node, and a progress line
// for long nodes every ten seconds. Verbosity 0 prints nothing, 2 adds debug lines.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace reprise {

class Progress {
 public:
  Progress(int verbosity, std::size_t total_nodes);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  std::size_t begin(const std::string& node, const std::string& component);
  void update(std::size_t slot, std::uint64_t done, std::uint64_t total);
  // Closes the slot and logs `line` (counted as a finished node when `finished`).
  void end(std::size_t slot, const std::string& line, bool finished = true);
  void finished(const std::string& line);  // a node done without a slot (cache hit)
  void log(const std::string& line, int min_verbosity = 1);
  void stop();  // final redraw; idempotent

 private:
  struct Slot {
    std::string node, component;
    std::uint64_t done = 0, total = 0;
    std::chrono::steady_clock::time_point start, last_print;
  };
  void ticker();
  void clear_block();
  void draw_block();
  void emit(const std::string& line);

  int verbosity_;
  bool tty_;
  std::size_t total_, finished_ = 0, next_slot_ = 0, drawn_lines_ = 0;
  std::map<std::size_t, Slot> slots_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace reprise
