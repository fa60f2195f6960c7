#pragma once
// Finding a topic for Metadata and Produce, creating it when Kafka would
// (auto.create.topics.enable and, for Metadata v4+, the request allows it).
// Internal topics (__consumer_offsets, __transaction_state) are never
// auto-created by clients.
//
// Thread: the I/O thread.

#include <string_view>

#include "samsa/broker/broker.h"
#include "samsa/protocol/error_code.h"

namespace samsa::broker {

struct topic_lookup {
    protocol::error_code error = protocol::error_code::none;
    const topic_metadata* topic = nullptr;
};

topic_lookup find_or_create_topic(broker& b, std::string_view name, bool allow_auto_create);

}  // namespace samsa::broker
