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
    status append_transactional(int32_t partition, const std::vector<offsets_record>& records,
                                txn_producer producer) override {
        if (fail_appends) return make_error(errc::io_error, "disk full (test)");
        for (const auto& r : records) entries.push_back({partition, r, producer.id});
        return ok();
    }
    // A transaction marker of `producer` in `partition`.
    void marker(int32_t partition, producer_id producer, bool commit) {
        entries.push_back({partition, {}, producer, commit});
    }
    // Replays everything into `c`; returns how many records failed to load.
    int replay_into(group_coordinator& c) const {
        int bad = 0;
        for (const auto& e : entries) {
            if (e.marker) {
                c.load_txn_marker(e.partition, *e.txn, *e.marker);
                continue;
            }
            std::optional<bytes_view> v;
            if (e.record.value) v = bytes_view(*e.record.value);
            if (!c.load_record(e.record.key, v, e.txn)) ++bad;
        }
        c.finish_loading();
        return bad;
    }

    struct entry {
        int32_t partition;
        offsets_record record;
        std::optional<producer_id> txn;  // a transactional record, or a marker's producer
        std::optional<bool> marker;      // a marker: commit or abort
    };
    std::vector<entry> entries;
    bool fail_appends = false;
};

}  // namespace samsa::broker::group::testing
