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

#include "samsa/streams/export.h"

namespace samsa::streams {

// A sensor a metered store records into (see the top of this file).
class SAMSA_STREAMS_API store_sensor {
public:
    virtual ~store_sensor() = default;
    // Whether recording is on at the configured level.
    virtual bool should_record() const = 0;
    // Records one value (a latency in ns, a ratio ...).
    virtual void record(double value) = 0;
};

// The open iterators of one store, by opening time (Kafka's num-open-iterators and oldest-iterator-open-since-ms).
// Thread-safe.
class open_iterators {
public:
    // wall_ms: when the iterator was opened (Kafka's startTimestamp).
    void opened(int64_t wall_ms) {
        std::lock_guard lock(mutex_);
        open_.insert(wall_ms);
    }
    // An iterator opened at opened_wall_ms was closed.
    void closed(int64_t opened_wall_ms) {
        std::lock_guard lock(mutex_);
        if (auto it = open_.find(opened_wall_ms); it != open_.end()) open_.erase(it);
    }
    // How many are open.
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
