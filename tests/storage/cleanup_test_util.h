#pragma once
// Helpers for the retention and cleaner tests: keyed appends, reading back
// every record of a log, and running a clean to completion.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "samsa/record/records.h"
#include "samsa/storage/log_cleaner.h"
#include "samsa/storage/partition_log.h"
#include "storage_test_util.h"

namespace samsa::storage::testing {

struct kv {
    std::string key;
    std::optional<std::string> value;  // nullopt: a tombstone
};

struct read_record {
    offset off;
    std::string key;
    std::optional<std::string> value;
    timestamp_ms ts;
};

// Appends one batch of `records`; returns the offset of the first one.
inline offset append_keyed(partition_log& log, const std::vector<kv>& records, int64_t ts,
                           record::compression_codec codec = record::compression_codec::none,
                           record::batch_producer producer = {}) {
    record::record_batch_builder builder(codec);
    builder.producer(producer);
    for (size_t i = 0; i < records.size(); ++i) {
        const auto& r = records[i];
        builder.add(r.key, r.value ? std::optional<std::string_view>(*r.value) : std::nullopt,
                    timestamp_ms(ts + static_cast<int64_t>(i)));
    }
    bytes batch = builder.build();
    auto appended = log.append(batch, timestamp_ms(ts));
    EXPECT_TRUE(appended.has_value()) << (appended ? "" : appended.error().message);
    return appended ? appended->base_offset : offset(-1);
}

// Every record from the log start to the end, as a consumer would see them.
inline std::vector<read_record> read_all(const partition_log& log) {
    std::vector<read_record> out;
    offset from = log.log_start_offset();
    for (int guard = 0; guard < 100000 && from < log.log_end_offset(); ++guard) {
        auto got = log.read(from, 1 << 20, true);
        EXPECT_TRUE(got.has_value()) << (got ? "" : got.error().message);
        if (!got) break;
        EXPECT_TRUE(all_valid(got->records));
        record::batch_splitter splitter(got->records);
        while (auto batch = splitter.next()) {
            auto decoded = record::batch_records::decode(*batch, 64 << 20);
            EXPECT_TRUE(decoded.has_value());
            if (!decoded) continue;
            for (const auto& r : decoded->records()) {
                if (decoded->offset_of(r) < from) continue;
                read_record rr{decoded->offset_of(r), std::string(r.key->begin(), r.key->end()), std::nullopt,
                               decoded->timestamp_of(r)};
                if (r.value) rr.value = std::string(r.value->begin(), r.value->end());
                out.push_back(std::move(rr));
            }
        }
        if (got->next_offset <= from) break;
        from = got->next_offset;
    }
    return out;
}

// key -> (offset, value) of its latest record.
inline std::map<std::string, std::pair<offset, std::optional<std::string>>> latest_of(
    const std::vector<read_record>& records) {
    std::map<std::string, std::pair<offset, std::optional<std::string>>> out;
    for (const auto& r : records) out[r.key] = {r.off, r.value};
    return out;
}

// Starts a clean at `now` and waits (bounded) until it is swapped in.
// Returns whether a clean ran.
inline bool clean_now(partition_log& log, timestamp_ms now) {
    EXPECT_TRUE(log.maybe_start_clean(now).has_value());
    if (!log.cleaning()) return false;
    for (int i = 0; i < 2000 && log.cleaning(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        auto st = log.finish_clean();
        EXPECT_TRUE(st.has_value()) << (st ? "" : st.error().message);
    }
    EXPECT_FALSE(log.cleaning());
    return true;
}

inline log_config compacted_config(int64_t segment_bytes = 400) {
    log_config cfg;
    cfg.segment_bytes = segment_bytes;
    cfg.index_interval_bytes = 128;
    cfg.cleanup = cleanup_policy::compact;
    cfg.min_cleanable_dirty_ratio = 0.01;
    cfg.delete_retention_ms = std::chrono::milliseconds(1000);
    return cfg;
}

}  // namespace samsa::storage::testing
