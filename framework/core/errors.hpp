// Errors that point at the user's input, and the did-you-mean helper.
//
// Every problem with a spec or a command-line override is a SpecError carrying the
// file, line and column it comes from (1-based, as editors count); the CLI prints
// it as `file:line:col: error: message` and exits with status 2.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace reprise {

struct Loc {
  std::string file;
  int line = 0;  // 1-based; 0 when unknown
  int col = 0;
  std::string str() const;  // "file:line:col"
};

class SpecError : public std::runtime_error {
 public:
  SpecError(Loc loc, const std::string& message)
      : std::runtime_error(loc.str() + ": error: " + message), loc_(std::move(loc)), message_(message) {}
  const Loc& loc() const { return loc_; }
  const std::string& message() const { return message_; }
 private:
  Loc loc_;
  std::string message_;
};

// Damerau-free Levenshtein distance (insert, delete, substitute).
std::size_t edit_distance(const std::string& a, const std::string& b);

// "; did you mean 'x'?" for the nearest candidate within a distance that scales with
// the word's length, or "" when nothing is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

// Text from a user's file made safe to quote in a message: bytes outside printable
// ASCII (control characters, NUL, invalid UTF-8) become \xNN, and text longer than
// `max` is cut with "...". A NUL would otherwise end what() mid-message.
std::string printable(std::string_view text, std::size_t max = 40);

// "a, b, c" for messages listing what is valid.
std::string join_names(const std::vector<std::string>& names);

}  // namespace reprise
