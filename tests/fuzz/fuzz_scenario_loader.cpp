// libFuzzer target for the scenario loader: any bytes must give either a Scenario or
// diagnostics - never a crash, a hang, a leak or undefined behaviour.
//
// The input is scenario text. When it contains a line "#--set KEY=VALUE" (any number of them),
// those are also applied as command-line overrides, so that the override path is fuzzed too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "zonesim/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  zonesim::LoadOptions options;
  constexpr std::string_view kSet = "#--set ";
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string_view line(text.data() + pos, eol - pos);
    if (line.substr(0, kSet.size()) == kSet) options.overrides.emplace_back(line.substr(kSet.size()));
    pos = eol + 1;
  }
  zonesim::LoadResult r = zonesim::load_scenario_text(text, "fuzz.yaml", options);
  // Every failure must be explained: no scenario means at least one diagnostic.
  if (!r.scenario && r.diagnostics.empty()) std::abort();
  if (r.scenario && !r.diagnostics.empty()) std::abort();
  (void)r.diagnostics.format();
  (void)r.diagnostics.to_json();
  return 0;
}
