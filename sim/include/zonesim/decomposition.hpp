// Growth of the zones' output by channel (docs/model.md 3.2): the accounting channels of the
// change of gross output over the horizon (the `output_change_*` indicators: sector trend,
// reallocation, entry, relocation, exits and the rest) in a run and in counterfactual runs with
// the same seed and replications (common random numbers) in which the levers are held at their
// base-year values. The difference between the run and the counterfactual, channel by channel, is
// the policy channel: an accounting identity alone cannot attribute growth to policy.
// `zonesim effects` prints it (engine/decomposition.cpp).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "zonesim/engine.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim {

inline constexpr std::size_t kOutputChannels = 5;
// The channel indicators in the order they are shown: trend, reallocation, entry, relocation,
// exits and the rest.
const std::array<Ind, kOutputChannels>& output_channel_indicators();
// Short English name of channel k ("sector trend", ...).
const char* output_channel_name(std::size_t k);

// The change of gross output from the base year to the last year of a zone (or of all zones:
// zone = number of zones), mean over replications, in yuan, and its channels summed over the
// simulated years (they add up to `change` in every replication, to rounding).
struct OutputGrowth {
  std::array<double, kOutputChannels> channels{};
  double change = 0;
};
OutputGrowth output_growth(const Scenario& s, const std::vector<ReplicationResult>& reps, int zone);

// The scenario with every lever (or only `only`) held at each zone's base-year value in every
// year: the policy in force when the base-year data were observed, kept unchanged.
Scenario with_base_year_policy(const Scenario& s, std::optional<Lever> only = std::nullopt);
// The levers whose value differs from a zone's base-year value in some simulated year.
std::vector<Lever> levers_changed(const Scenario& s);

struct OutputDecomposition {
  int zone = 0;  // the zone shown (number of zones: all zones)
  OutputGrowth scenario;        // the run as specified
  OutputGrowth without_levers;  // every lever held at its base-year value
  std::vector<OutputGrowth> zone_policy;  // per zone of the scenario: scenario - without levers
  // Per lever: the run with that lever alone held at its base-year value.
  std::vector<std::pair<Lever, OutputGrowth>> lever_at_base;
  bool all_changed_levers = true;  // lever_at_base holds every lever the scenario changes
};
// Runs the counterfactuals (same seed and replications as `s`) and decomposes; `run` holds the
// scenario's own replications. Nothing when cancelled.
std::optional<OutputDecomposition> decompose_output_growth(const Scenario& s, const Ensemble& run,
                                                           const std::vector<Lever>& levers,
                                                           const EnsembleOptions& options);
// The tables `zonesim effects` prints (亿元).
std::string format_output_decomposition(const Scenario& s, const OutputDecomposition& d);

}  // namespace zonesim
