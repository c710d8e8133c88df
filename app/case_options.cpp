// The CASE argument and --set overrides.
#include "app/case_options.hpp"

#include "model/case_reader.hpp"

namespace stf::app {

void CaseOptions::add_to(CLI::App& command)
{
  command.add_option("CASE", case_file, "case file (TOML), e.g. cases/memory.toml")->required();
  command.add_option("--set", overrides,
                     "override a case key, e.g. --set initial.C.at=20 (repeatable; same validation as the file)")
      ->take_last()
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->type_name("KEY=VALUE");
}

model::Case CaseOptions::read() const { return model::read_case(case_file, overrides, used); }

}  // namespace stf::app
