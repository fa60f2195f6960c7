#pragma once
// compression.type and the level of its codec (compression.<codec>.level),
// as Kafka's BrokerCompressionType reads them (docs/compression.md); built
// into topic_properties (topic_properties.h).

#include <optional>

#include "samsa/protocol/record_batch.h"

namespace samsa::broker {

// nullopt codec for `producer`: batches are stored in the producer's codec.
struct topic_compression {
    std::optional<protocol::compression_codec> codec;
    int level = 0;
};

}  // namespace samsa::broker
