#pragma once
// memory_offsets_log: the offsets log as a vector, for replay tests; can be
// told to fail its next appends (a full disk).
//
// Thread: the test's main thread.

#include <vector>

#include "samsa/broker/group/group_coordinator.h"
#include "samsa/broker/group/offsets_log.h"

namespace samsa::broker::group::testing {

class memory_offsets_log : public offsets_log {
public:
    status append(int32_t partition, const std::vector<offsets_record>& records) override {
        if (fail_appends) return make_error(errc::io_error, "disk full (test)");
        for (const auto& r : records) entries.push_back({partition, r});
        return ok();
    }
    // Replays everything into `c`; returns how many records failed to load.
    int replay_into(group_coordinator& c) const {
        int bad = 0;
        for (const auto& e : entries) {
            std::optional<bytes_view> v;
            if (e.record.value) v = bytes_view(*e.record.value);
            if (!c.load_record(e.record.key, v)) ++bad;
        }
        c.finish_loading();
        return bad;
    }

    struct entry {
        int32_t partition;
        offsets_record record;
    };
    std::vector<entry> entries;
    bool fail_appends = false;
};

}  // namespace samsa::broker::group::testing
