#include "samsa/cli/console/lag_history.h"

#include <set>

namespace samsa::cli::console {

void lag_history::record(int64_t time_ms, const std::vector<group_lag>& lags) {
    std::lock_guard lock(mutex_);
    std::set<std::string> seen;
    for (const auto& g : lags) {
        groups_[g.group].push_back({time_ms, g.total, g.partitions});
        seen.insert(g.group);
    }
    for (auto it = groups_.begin(); it != groups_.end();) {
        if (!seen.contains(it->first)) {
            it = groups_.erase(it);
            continue;
        }
        auto& series = it->second;
        while (!series.empty() && series.front().time_ms < time_ms - window_.count()) series.pop_front();
        ++it;
    }
}

std::vector<lag_sample> lag_history::samples(const std::string& group) const {
    std::lock_guard lock(mutex_);
    auto it = groups_.find(group);
    if (it == groups_.end()) return {};
    return {it->second.begin(), it->second.end()};
}

json lag_history::to_json(const std::string& group) const {
    auto rows = json::array();
    for (const auto& s : samples(group)) {
        auto partitions = json::object();
        for (const auto& [name, lag] : s.partitions) partitions[name] = lag;
        rows.push_back({{"time", s.time_ms}, {"lag", s.lag}, {"partitions", partitions}});
    }
    return {{"group", group}, {"window_ms", window_.count()}, {"samples", rows}};
}

}  // namespace samsa::cli::console
