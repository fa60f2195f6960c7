#pragma once
// lag_history: the total lag of every consumer group over the last minutes,
// sampled by the console's main thread and read by the HTTP threads for the
// lag chart. Samples older than the window are dropped; so are groups that a
// sample no longer lists (deleted groups).
//
// Thread: any (one mutex).

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "samsa/cli/console/api_json.h"

namespace samsa::cli::console {

// One group's lag at one sampling: the total and each partition's
// ("<topic>-<partition>", partitions with a known lag only).
struct group_lag {
    std::string group;
    int64_t total = 0;
    std::vector<std::pair<std::string, int64_t>> partitions;
};

struct lag_sample {
    int64_t time_ms = 0;
    int64_t lag = 0;
    std::vector<std::pair<std::string, int64_t>> partitions;
};

class lag_history {
public:
    explicit lag_history(std::chrono::milliseconds window) : window_(window) {}

    // One sampling round: the lag of each group that exists at `time_ms`.
    void record(int64_t time_ms, const std::vector<group_lag>& lags);

    std::vector<lag_sample> samples(const std::string& group) const;
    // {"group","window_ms","samples":[{"time","lag","partitions":{"orders-0":3}}]}
    json to_json(const std::string& group) const;

private:
    std::chrono::milliseconds window_;
    mutable std::mutex mutex_;
    std::map<std::string, std::deque<lag_sample>> groups_;
};

}  // namespace samsa::cli::console
