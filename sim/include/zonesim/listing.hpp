// Listings generated from the registry, so that `zonesim levers`, the JSON Schema and
// docs/scenarios.md can never disagree with validation.
#pragma once

#include <string>

#include "zonesim/diagnostics.hpp"
#include "zonesim/indicators.hpp"
#include "zonesim/registry.hpp"

namespace zonesim {

enum class ListingFormat { table, markdown, json };
std::string settings_listing(ListingFormat format);
std::string json_schema();

}  // namespace zonesim
