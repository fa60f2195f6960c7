#pragma once
// store_sensor: a metrics sensor as the store layers see it (the runtime's
// streams_metrics sensors behind an interface, so the state library does not
// depend on the runtime). The metered layer records latencies (ns) into
// them, a caching layer its hit ratio.
//
// open_iterators: the iterators of one metered store not closed yet (Kafka's
// numOpenIterators and openIterators), counted by the metered layer and read
// by the runtime's num-open-iterators and oldest-iterator-open-since-ms
// gauges. Threads: opened/closed by the store's users (its stream thread, a
// query thread), read by a metrics snapshot on any thread: one mutex, taken
// once per iterator opened or closed, never per record.

#include <cstdint>
#include <mutex>
#include <optional>
#include <set>

namespace samsa::streams {

class store_sensor {
public:
    virtual ~store_sensor() = default;
    virtual bool should_record() const = 0;
    virtual void record(double value) = 0;
};

class open_iterators {
public:
    // wall_ms: when the iterator was opened (Kafka's startTimestamp).
    void opened(int64_t wall_ms) {
        std::lock_guard lock(mutex_);
        open_.insert(wall_ms);
    }
    void closed(int64_t opened_wall_ms) {
        std::lock_guard lock(mutex_);
        if (auto it = open_.find(opened_wall_ms); it != open_.end()) open_.erase(it);
    }
    int64_t count() const {
        std::lock_guard lock(mutex_);
        return static_cast<int64_t>(open_.size());
    }
    // When the longest-open iterator was opened; nullopt with none open.
    std::optional<int64_t> oldest() const {
        std::lock_guard lock(mutex_);
        if (open_.empty()) return std::nullopt;
        return *open_.begin();
    }

private:
    mutable std::mutex mutex_;
    std::multiset<int64_t> open_;
};

}  // namespace samsa::streams
