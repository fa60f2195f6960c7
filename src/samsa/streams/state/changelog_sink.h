#pragma once
// changelog_sink: where a change-logging store layer sends every write. The
// runtime implements it with the task's record collector (the producer), the
// test driver with its captured output topics.
//
// Threads: called by the stream thread that owns the store.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "samsa/bytes/bytes.h"
#include "samsa/streams/export.h"
#include "samsa/streams/record.h"

namespace samsa::streams {

// Where change-logging layers send their records (the task; see the top of this file).
class SAMSA_STREAMS_API changelog_sink {
public:
    virtual ~changelog_sink() = default;
    // value nullopt is a tombstone (the key was deleted). changelog_topic
    // must live as long as the store that sends (its own member): the task
    // keeps a view of it in the records it hands to the collector.
    virtual void send(std::string_view changelog_topic, int32_t partition, bytes_view key,
                      std::optional<bytes_view> value, int64_t timestamp) = 0;
    // send() with record headers (the suppression buffer marks its records
    // with Kafka's format version, header "v"). A sink that keeps no headers
    // drops them.
    virtual void send_with_headers(std::string_view changelog_topic, int32_t partition, bytes_view key,
                                   std::optional<bytes_view> value, int64_t timestamp, const record_headers& headers) {
        (void)headers;
        send(changelog_topic, partition, key, value, timestamp);
    }
};

// <application.id>-<store name>-changelog, as Kafka Streams names it.
inline std::string changelog_topic_name(std::string_view application_id, std::string_view store_name) {
    std::string out;
    out.reserve(application_id.size() + store_name.size() + 11);
    out.append(application_id).append("-").append(store_name).append("-changelog");
    return out;
}

}  // namespace samsa::streams
