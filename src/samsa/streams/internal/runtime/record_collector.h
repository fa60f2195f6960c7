#pragma once
// record_collector: where sinks and change-logging stores send serialized
// records. The runtime's implementation is the task's producer; the test
// driver's captures them per topic (and feeds repartition topics back in).
//
// Threads: the stream thread owning the task.

#include <cstdint>
#include <optional>
#include <string>

#include "samsa/bytes/bytes.h"
#include "samsa/streams/record.h"

namespace samsa::streams::internal {

struct produced_record {
    std::string topic;
    // Unset: the producer's partitioner decides (murmur2 of the key).
    std::optional<int32_t> partition;
    std::optional<bytes> key;
    std::optional<bytes> value;
    int64_t timestamp = 0;
    record_headers headers;
};

class record_collector {
public:
    virtual ~record_collector() = default;
    virtual void send(produced_record r) = 0;
};

}  // namespace samsa::streams::internal
