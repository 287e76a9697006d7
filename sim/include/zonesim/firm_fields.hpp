// The state of a firm, declared once. `Firms` (model.hpp), a structure of arrays, is generated
// from this list: one array per field, reserve, append (a new firm's values are the third
// column) and for_each_array. So is the number of bytes of state per firm, which the loader's
// memory estimate uses and the docs quote (docs/performance.md, docs/architecture.md; a test
// checks their figure against kBytesPerFirm).
#pragma once

#include <cstddef>
#include <cstdint>

namespace zonesim {

// X(name, element type, value of a new firm, what it holds). Money in yuan, land in mu. The new
// firm's values may use append's arguments (zone_id, sector_id, year).
#define ZONESIM_FIRM_FIELDS(X)                                                                    \
  /* identity */                                                                                  \
  X(zone, std::uint16_t, zone_id, "zone index")                                                   \
  X(sector, std::uint16_t, sector_id, "sector index")                                             \
  X(flags, std::uint8_t, kAlive, "FirmFlag bits")                                                 \
  X(loss_years, std::uint8_t, 0, "consecutive years with a loss")                                 \
  X(birth_year, std::int16_t, year, "year of entry (base-year firms: their founding year)")       \
  X(exit_year, std::int16_t, kNoYear, "year of exit (kNoYear while alive)")                       \
  X(cert_until, std::int16_t, kNoYear, "last year of the high-tech certificate")                  \
  X(last_innovation, std::int16_t, kNoYear, "year of the last successful innovation")             \
  X(patents, std::uint16_t, 0, "invention patents this year (innovation points next year)")       \
  /* state */                                                                                     \
  X(productivity, double, 1.0, "A, relative to the base-year market average")                     \
  /* Functions of A kept beside it (set together by set_productivity, whenever A changes): the  */ \
  /* yearly passes need ln A, A^0.3 (capital) and A^0.7 (labour) of every firm, several times */ \
  /* a year, and A changes once (production). A^k = exp(k ln A), not std::pow (last bits).    */ \
  X(log_productivity, double, 0.0, "ln A")                                                        \
  X(productivity_03, double, 1.0, "A^0.3")                                                        \
  X(productivity_07, double, 1.0, "A^0.7")                                                        \
  X(demand, double, 0, "yuan of output the market would buy this year")                           \
  X(capital, double, 0, "yuan")                                                                   \
  X(land_mu, double, 0, "mu of land in use")                                                      \
  /* Each mu at the plot ratio of the year it was granted, so a higher plot ratio makes new    */  \
  /* land denser without densifying the old.                                                   */  \
  X(land_capacity, double, 0, "yuan of capital the firm's land holds")                            \
  X(rd_propensity, double, 0, "firm factor mu_i (0: does no R&D)")                                \
  X(rd_intensity, double, 0, "R&D / sales chosen this year (reported, relabelling included)")     \
  X(rd_relabelled, float, 0, "share of this year's reported R&D that is relabelled other cost")    \
  X(cert_plan, std::uint8_t, 0, "researcher queue: 1 applicant, 2 certified keeper, 0 other")      \
  /* the 3-year cumulative R&D test of certification (last year's sales is `output`) */           \
  X(rd_last, float, 0, "reported R&D last year (yuan)")                                            \
  X(rd_before, float, 0, "reported R&D the year before last (yuan)")                               \
  X(sales_before, float, 0, "sales the year before last (yuan)")                                   \
  X(energy_intensity, float, 0, "tce per 万元")                                                   \
  X(export_share, float, 0, "exports / output")                                                   \
  /* results of the year (read by accounting and by next year's decisions) */                     \
  X(output, double, 0, "yuan")                                                                    \
  X(profit, double, 0, "yuan")                                                                    \
  X(land_request, double, 0, "mu asked for this year")                                            \
  X(employment, float, 0, "persons")                                                              \
  X(researchers, float, 0, "persons")

// Bytes of state per firm: the sum of the element sizes of the arrays above.
#define ZONESIM_FIRM_FIELD_BYTES(name, type, ...) +sizeof(type)
inline constexpr std::size_t kBytesPerFirm = 0 ZONESIM_FIRM_FIELDS(ZONESIM_FIRM_FIELD_BYTES);
#undef ZONESIM_FIRM_FIELD_BYTES

}  // namespace zonesim
