#pragma once
// compression.type and the level of its codec (compression.<codec>.level),
// as Kafka's BrokerCompressionType reads them (docs/compression.md).

#include <optional>

#include "samsa/broker/topics/topic_config.h"
#include "samsa/protocol/record_batch.h"

namespace samsa::broker {

// nullopt codec for `producer`: batches are stored in the producer's codec.
struct topic_compression {
    std::optional<protocol::compression_codec> codec;
    int level = 0;
};
topic_compression topic_compression_of(const topic_configs& set, const broker_config& broker);

}  // namespace samsa::broker
