// Observed series (`observed:`) and posterior parameter draws (`parameters: {from_posterior:}`)
// of a scenario: read here, called from the loader's validation (loader.cpp) with a small hook.
#pragma once

#include <string>

#include "tree.hpp"
#include "zonesim/diagnostics.hpp"
#include "zonesim/scenario.hpp"

namespace zonesim::detail {

// `observed:` is a mapping of series id -> {indicator, zone, source, values: {year: value}}, or
// the path (relative to the file that names it) of a YAML file whose `observed:` is that mapping.
// Every error is added to `diags` with its file, line and column. Zones must be read already.
// `check_years` is false when the run's horizon is itself in error (no cascade of year errors).
void read_observed(const Node& node, Scenario& sc, bool check_years, Diagnostics& diags);

// `parameters.from_posterior: FILE` (a `zonesim calibrate` output, relative to the file that names
// it): each replication draws one accepted parameter vector by its weight (model/replication).
void read_posterior(const Node& node, Scenario& sc, Diagnostics& diags);

}  // namespace zonesim::detail
