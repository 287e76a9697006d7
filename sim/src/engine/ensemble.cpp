#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <mutex>
#include <optional>

#include "zonesim/engine.hpp"

namespace zonesim {

Ensemble run_ensemble(const Scenario& s, const EnsembleOptions& options) {
  Ensemble out;
  const int n = s.replications;
  out.replications.resize(static_cast<std::size_t>(n));
  out.panel_replications = options.panel_replications;
  out.panels.resize(options.panel_replications.size());
  const int threads = options.threads > 0 ? options.threads : tbb::info::default_concurrency();
  out.threads_used = threads;
  // The limit applies to this call only; results do not depend on it (see docs/architecture.md).
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                            static_cast<std::size_t>(threads));
  std::mutex progress_mutex;
  int done = 0;
  std::atomic<bool> cancelled{false};
  tbb::parallel_for(0, n, [&](int rep) {
    if (options.cancel && options.cancel->load()) {
      cancelled = true;
      return;
    }
    FirmPanel* panel = nullptr;
    auto it = std::find(options.panel_replications.begin(), options.panel_replications.end(), rep);
    if (it != options.panel_replications.end())
      panel = &out.panels[static_cast<std::size_t>(it - options.panel_replications.begin())];
    out.replications[static_cast<std::size_t>(rep)] =
        simulate_replication(s, static_cast<std::uint32_t>(rep), panel);
    if (options.progress) {
      std::lock_guard<std::mutex> lock(progress_mutex);
      options.progress(++done, n);
    }
  });
  out.cancelled = cancelled.load();
  return out;
}

}  // namespace zonesim
