// The /reach group of a run file: what it would take to reach each target out of reach
// (`zonesim run --reach`, docs/output.md).
#pragma once

#include <hdf5.h>

#include "zonesim/reach.hpp"

namespace zonesim {

// Writes /reach: one row per (target out of reach, lever), values in display units.
void write_reach_group(hid_t file, const Scenario& s, const ReachResult& r);

}  // namespace zonesim
