#include "framework/cli/cli.hpp"

int main(int argc, char** argv) {
  return reprise::cli_main(std::vector<std::string>(argv + 1, argv + argc));
}
