#include "zonesim/indicators.hpp"

#include <array>

namespace zonesim {
namespace {
#define ZONESIM_INDICATOR_ROW(key, dim, en, zh) IndicatorInfo{#key, Dim::dim, en, zh},
const std::array kIndicators{ZONESIM_INDICATORS(ZONESIM_INDICATOR_ROW)};
#undef ZONESIM_INDICATOR_ROW
}  // namespace

std::span<const IndicatorInfo> indicator_infos() { return kIndicators; }

Ind indicator_by_key(std::string_view key) {
  for (std::size_t i = 0; i < kIndicators.size(); ++i)
    if (kIndicators[i].key == key) return static_cast<Ind>(i);
  return Ind::count;
}

}  // namespace zonesim
