// The /fit group of a run file: the run against the scenario's observed series (docs/output.md).
#pragma once

#include <hdf5.h>

#include "zonesim/engine.hpp"

namespace zonesim {

// Writes /fit when the scenario has observed series; nothing otherwise.
void write_fit_group(hid_t file, const Scenario& s, const Ensemble& e);

}  // namespace zonesim
