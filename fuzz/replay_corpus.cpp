// The fuzzer's corpus as a regression test: every file of the given folders goes through the same
// check as under libFuzzer (case_input_check.hpp), in the normal build with its sanitizers. A
// finding aborts, after the file's name is printed. With --all-accepted every file must also be
// accepted as a case (the shipped cases), so that the round trip is tested on them for certain.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "fuzz/case_input_check.hpp"

int main(int argc, char** argv)
{
  std::vector<std::filesystem::path> files;
  bool all_accepted = false;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg(argv[i]);
    if (arg == "--all-accepted") {
      all_accepted = true;
      continue;
    }
    if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::directory_iterator(arg))
        if (entry.is_regular_file()) files.push_back(entry.path());
    } else {
      files.push_back(arg);
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "replay_corpus: no input files given\n");
    return 1;
  }
  int accepted = 0;
  for (const auto& file : files) {
    std::printf("%s\n", file.c_str());
    std::fflush(stdout);
    std::ifstream in(file, std::ios::binary);
    const std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const int n = stf::fuzz::check_case_input(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    if (all_accepted && n != 2) {
      std::fprintf(stderr, "replay_corpus: %s is not accepted as a case (%d of 2 readings)\n", file.c_str(), n);
      return 1;
    }
    accepted += n;
  }
  std::printf("%zu inputs replayed, %d readings accepted and round-tripped\n", files.size(), accepted);
  return 0;
}
