#pragma once
// recording_changelog_sink: a changelog_sink that keeps what it was sent, for
// tests; test_records: a task's current record context, set by the test.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "samsa/streams/state/changelog_sink.h"
#include "samsa/streams/state/record_context.h"

namespace samsa::streams::testing {

struct changelog_record {
    std::string topic;
    int32_t partition;
    bytes key;
    std::optional<bytes> value;
    int64_t timestamp;
    bool operator==(const changelog_record&) const = default;
};

class recording_changelog_sink final : public changelog_sink {
public:
    void send(std::string_view topic, int32_t partition, bytes_view key, std::optional<bytes_view> value,
              int64_t timestamp) override {
        records.push_back(changelog_record{
            std::string(topic), partition, bytes(key.begin(), key.end()),
            value ? std::optional<bytes>(bytes(value->begin(), value->end())) : std::nullopt, timestamp});
    }

    std::vector<changelog_record> records;
};

class test_records final : public record_context_holder {
public:
    const record_context& current_record() const override { return current; }
    record_context exchange_current_record(record_context c) override { return std::exchange(current, std::move(c)); }
    void set_time(int64_t t) { current.timestamp = t; }
    record_context current;
};

inline test_records with_time(int64_t t) {
    test_records r;
    r.set_time(t);
    return r;
}

}  // namespace samsa::streams::testing
