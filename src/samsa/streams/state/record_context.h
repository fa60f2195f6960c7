#pragma once
// record_context: where the record being processed came from and what it
// carries besides key and value (Kafka Streams' ProcessorRecordContext):
// timestamp, topic/partition/offset (absent in punctuators) and headers. A
// task holds the current one; stores read it (a change-logging layer stamps
// changelog records with its timestamp, a caching layer keeps it with each
// dirty entry) and a caching layer sets it back to an entry's while that
// entry is written down and forwarded, as Kafka's CachingKeyValueStore does,
// so everything downstream of a flush sees the context of the record that
// wrote the entry.
//
// Threads: the task's.

#include <cstdint>
#include <optional>

#include "samsa/streams/export.h"
#include "samsa/streams/record.h"

namespace samsa::streams {

// The context of the record being processed (Kafka's ProcessorRecordContext).
struct record_context {
    // The record's timestamp.
    int64_t timestamp = 0;
    // Where it came from; nullopt in punctuators.
    std::optional<record_metadata> metadata;
    // Its headers.
    record_headers headers;
};

// Holds the current record context (the task); stores read it.
class SAMSA_STREAMS_API record_context_holder {
public:
    virtual ~record_context_holder() = default;
    // The context of the record being processed.
    virtual const record_context& current_record() const = 0;
    // Replaces the current context and returns the one it replaced.
    virtual record_context exchange_current_record(record_context context) = 0;
};

}  // namespace samsa::streams
