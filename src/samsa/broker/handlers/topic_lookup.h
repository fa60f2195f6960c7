#pragma once
// Finding topics for the handlers, and Metadata's auto-creation.
//
// Only Metadata auto-creates (auto.create.topics.enable and, for v4+, the
// request allows it), as Kafka 3.8: its Produce answers a topic the broker
// does not know UNKNOWN_TOPIC_OR_PARTITION (KafkaApis.handleProduceRequest)
// and the client's Metadata creates it. Internal topics (__consumer_offsets,
// __transaction_state) are never auto-created by clients.
//
// Auto-creation never waits for the disk (Kafka's AutoTopicCreationManager):
// the names are reserved at once and answered LEADER_NOT_AVAILABLE, and the
// directories are made by one background creation per request
// (topic_manager::create_topics, the topic table written once); the client
// asks again. A name being created is never created twice; one that
// collides with a topic existing or being created ('.' versus '_') is
// answered INVALID_TOPIC_EXCEPTION and not created.
//
// Thread: the I/O thread.

#include <string>
#include <string_view>
#include <vector>

#include "samsa/broker/broker.h"
#include "samsa/protocol/error_code.h"

namespace samsa::broker {

struct topic_lookup {
    protocol::error_code error = protocol::error_code::none;
    const topic_metadata* topic = nullptr;
};

// A topic that exists; the error otherwise (never creates).
topic_lookup find_topic(broker& b, std::string_view name);

// The topics one Metadata request auto-creates. find_or_create() reserves
// each name to create and answers it LEADER_NOT_AVAILABLE; start() (or the
// destructor) starts their creation, all in one background job, so no
// name stays reserved without a creation.
class auto_creation {
public:
    explicit auto_creation(broker& b) : b_(b) {}
    ~auto_creation() { start(); }
    auto_creation(const auto_creation&) = delete;
    auto_creation& operator=(const auto_creation&) = delete;

    topic_lookup find_or_create(std::string_view name, bool allow_auto_create);
    void start();

private:
    broker& b_;
    std::vector<topic_creation> creations_;
};

}  // namespace samsa::broker
