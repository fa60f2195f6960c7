#pragma once
// recording_changelog_sink: a changelog_sink that keeps what it was sent, for
// tests.

#include <optional>
#include <string>
#include <vector>

#include "samsa/streams/state/changelog_sink.h"

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

}  // namespace samsa::streams::testing
