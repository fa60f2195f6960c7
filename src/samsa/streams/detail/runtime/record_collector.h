#pragma once
// record_collector: where sinks and change-logging stores send serialized
// records (Kafka Streams' RecordCollector). The runtime's implementation
// hands them to the stream thread's producer (stream_record_collector); the
// test driver's keeps them in memory per topic and feeds the ones for
// repartition topics back into its task. A task never knows which.
//
// Threads: the thread running the task.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "samsa/base/types.h"
#include "samsa/bytes/bytes.h"
#include "samsa/kafka/types.h"
#include "samsa/streams/export.h"
#include "samsa/streams/record.h"

namespace samsa::streams::internal {

using topic_partition = samsa::kafka::topic_partition;

struct produced_record {
    // A view of a name that lives as long as the task that sent the record:
    // the sink's topic (kept with the topology's nodes), the change-logging
    // store's changelog, or a dynamic sink's interned name; no topic string
    // is made per record. A collector that keeps a record past its task's
    // life copies the name (the test driver closes its task last). Always the
    // whole of a std::string, so data() is NUL-terminated.
    std::string_view topic;
    // Unset: the producer's partitioner decides (murmur2 of the key).
    std::optional<int32_t> partition;
    std::optional<bytes> key;
    std::optional<bytes> value;
    int64_t timestamp = 0;
    record_headers headers;
};

class SAMSA_STREAMS_API record_collector {
public:
    virtual ~record_collector() = default;
    // r is taken by rvalue reference, not by value: a collector that keeps it
    // (the test driver's) moves it once, one that hands it on (the runtime's)
    // not at all; by value cost a move and a destructor per record.
    virtual void send(produced_record&& r) = 0;
    // The offset of the last record delivered to tp so far (a changelog's,
    // for the task's checkpoint); nullopt when none was.
    virtual std::optional<samsa::offset> last_offset(const topic_partition& tp) const = 0;
    // How many partitions topic has, for stream partitioners (Kafka's
    // RecordCollector asks the producer's metadata); nullopt when it cannot
    // be found (the topic does not exist).
    virtual std::optional<int32_t> partition_count(const std::string& topic) = 0;
};

}  // namespace samsa::streams::internal
