// Base years kept for the later runs of the same replication (BaseYearCache, model.hpp): a sweep's
// points differ in their levers, which the generator does not read, so replication r's base year
// is generated once and copied by the other points.
#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>

#include "context.hpp"

namespace zonesim {

// A base year as generate_base_year left it, with the key it was made from.
struct BaseYearCache::Kept {
  std::vector<std::uint64_t> inputs;  // detail::base_year_inputs of its scenario
  ParamValues params{};               // the drawn parameters
  Firms firms;
  std::vector<ZoneState> zones;
  detail::Market market;
  std::vector<double> sums;  // detail::base_year_sums
};

struct BaseYearCache::Slot {
  std::mutex m;  // guards `kept` (the pointer; a kept base year is never written)
  std::shared_ptr<const Kept> kept;
};

BaseYearCache::BaseYearCache(int replications, std::size_t budget_bytes)
    : slots_(std::make_unique<Slot[]>(static_cast<std::size_t>(std::max(replications, 0)))),
      replications_(static_cast<std::size_t>(std::max(replications, 0))),
      budget_(budget_bytes) {}

BaseYearCache::~BaseYearCache() = default;

namespace {

// Bitwise: two draws that compare equal as doubles (0.0 and -0.0) may still differ to the model.
bool same_bits(const ParamValues& a, const ParamValues& b) {
  return std::memcmp(a.data(), b.data(), sizeof(ParamValues)) == 0;
}

std::size_t bytes_of(const Firms& firms, const std::vector<ZoneState>& zones) {
  std::size_t b = static_cast<std::size_t>(BaseYearCache::bytes_for_firms(static_cast<double>(firms.size())));
  for (const ZoneState& zs : zones)
    b += sizeof(ZoneState) + sizeof(double) * (zs.frontier.size() + zs.innovator_share.size() + zs.budget_vintage.size());
  return b;
}

}  // namespace

void BaseYearCache::keep(Slot& slot, const detail::Run& run, std::vector<std::uint64_t> inputs,
                         const std::vector<double>& sums) {
  const std::size_t bytes = bytes_of(run.firms, run.zones) + sizeof(double) * sums.size();
  // Claim the bytes first, so that concurrent runs never hold more than the budget together.
  std::size_t held = held_.load();
  do {
    if (held + bytes > budget_) return;
  } while (!held_.compare_exchange_weak(held, held + bytes));
  auto kept = std::make_shared<Kept>();
  kept->inputs = std::move(inputs);
  kept->params = run.p;
  kept->firms = run.firms;  // copies at their size, not the capacity reserved for entrants
  kept->zones = run.zones;
  kept->market = run.market;
  kept->sums = sums;
  std::lock_guard<std::mutex> lock(slot.m);
  if (slot.kept) {  // another point's run of this replication kept one first
    held_ -= bytes;
    return;
  }
  slot.kept = std::move(kept);
}

void BaseYearCache::base_year(detail::Run& run) {
  if (run.replication >= replications_) {
    detail::generate_population(run);
    detail::record_base_year(run);
    return;
  }
  Slot& slot = slots_[run.replication];
  std::shared_ptr<const Kept> kept;
  {
    std::lock_guard<std::mutex> lock(slot.m);
    kept = slot.kept;
  }
  std::vector<std::uint64_t> inputs = detail::base_year_inputs(run.sc);
  if (kept && kept->inputs == inputs && same_bits(kept->params, run.p)) {
    // What generate_base_year leaves, from the copy: the same reservation, the same values.
    detail::reserve_base_year(run);
    run.firms.assign(kept->firms);
    run.zones = kept->zones;
    run.market = kept->market;
    reused_.fetch_add(1, std::memory_order_relaxed);
    detail::open_base_year_policy(run);
    detail::record_base_year(run, kept->sums);
    return;
  }
  detail::generate_base_year(run);
  // The sums read no lever: the same before open_base_year_policy as after it.
  const std::vector<double> sums = detail::base_year_sums(run);
  if (!kept) keep(slot, run, std::move(inputs), sums);
  detail::open_base_year_policy(run);
  detail::record_base_year(run, sums);
}

}  // namespace zonesim
