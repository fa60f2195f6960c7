#include "samsa/broker/handlers/topic_lookup.h"

#include <spdlog/spdlog.h>

#include "samsa/broker/handlers/error_mapping.h"
#include "samsa/broker/topics/topic_name.h"

namespace samsa::broker {

using protocol::error_code;

topic_lookup find_or_create_topic(broker& b, std::string_view name, bool allow_auto_create) {
    if (const auto* t = b.topics().find(name)) return {error_code::none, t};
    // Being created by a CreateTopics: answered as Kafka answers a topic
    // whose partitions have no leader yet, never created a second time.
    if (b.topics().creating(name)) return {error_code::leader_not_available, nullptr};
    if (!validate_topic_name(name)) return {error_code::invalid_topic_exception, nullptr};
    bool reserved = name == "__consumer_offsets" || name == "__transaction_state";
    if (!allow_auto_create || !b.config().auto_create_topics_enable || reserved || b.stopping()) {
        return {error_code::unknown_topic_or_partition, nullptr};
    }
    auto created = b.topics().create_topic(std::string(name), b.config().num_partitions, {});
    if (!created) {
        spdlog::error("auto-creating topic {} failed: {}", name, created.error().message);
        return {to_error_code(created.error(), operation::create_topic), nullptr};
    }
    spdlog::info("auto-created topic {}", name);
    return {error_code::none, *created};
}

}  // namespace samsa::broker
