// Listings generated from the registry, so that `zonesim levers`, the JSON Schema,
// docs/scenarios.md and docs/model.md's channel table can never disagree with validation or
// with `zonesim effects`.
#pragma once

#include <string>

#include "zonesim/diagnostics.hpp"
#include "zonesim/indicators.hpp"
#include "zonesim/registry.hpp"

namespace zonesim {

// `channels`: the levers' channel table of docs/model.md, section 4 (markdown): per lever where it
// acts, the indicator `zonesim effects` shows and the budget item it charges.
enum class ListingFormat { table, markdown, json, channels };
std::string settings_listing(ListingFormat format);
std::string json_schema();

}  // namespace zonesim
