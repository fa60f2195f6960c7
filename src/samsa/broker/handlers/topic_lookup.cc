#include "samsa/broker/handlers/topic_lookup.h"

#include <spdlog/spdlog.h>

#include "samsa/base/assert.h"
#include "samsa/broker/topics/topic_name.h"

namespace samsa::broker {

using protocol::error_code;

namespace {

// The answer for a name being created, by a CreateTopics or an earlier
// Metadata. Kafka 3.8 has two rules: under ZooKeeper the creation was
// started and the topic is answered LEADER_NOT_AVAILABLE
// (AutoTopicCreationManager.createTopicsInZk); under KRaft the request is
// forwarded to the controller and the topic answered
// UNKNOWN_TOPIC_OR_PARTITION. Every stock client retries both; we follow
// the ZooKeeper rule because clients read it as "exists, no leader yet"
// and wait: librdkafka marks a topic UNKNOWN_TOPIC_OR_PARTITION as not
// existing and fails its queued messages once topic.metadata.propagation.
// max.ms (30 s) has passed, which a creation of thousands of topics may
// outlast, and kafkajs's metadata refresh retries LEADER_NOT_AVAILABLE in
// place but gives up on the other at once.
constexpr error_code being_created = error_code::leader_not_available;

bool internal_topic(std::string_view name) { return name == "__consumer_offsets" || name == "__transaction_state"; }

}  // namespace

topic_lookup find_topic(broker& b, std::string_view name) {
    if (const auto* t = b.topics().find(name)) return {error_code::none, t};
    if (b.topics().creating(name)) return {being_created, nullptr};
    if (!validate_topic_name(name)) return {error_code::invalid_topic_exception, nullptr};
    return {error_code::unknown_topic_or_partition, nullptr};
}

topic_lookup auto_creation::find_or_create(std::string_view name, bool allow_auto_create) {
    auto found = find_topic(b_, name);
    if (found.error != error_code::unknown_topic_or_partition) return found;
    if (!allow_auto_create || !b_.config().auto_create_topics_enable || internal_topic(name) || b_.stopping())
        return found;
    // Kafka's controller refuses such a name, and the ZooKeeper rule above
    // passes its error on (AutoTopicCreationManager.createTopicsInZk).
    if (b_.topics().colliding_topic(name)) return {error_code::invalid_topic_exception, nullptr};
    std::string n(name);
    SAMSA_ASSERT(b_.topics().reserve(n), "a name neither in the table nor being created is free");
    creations_.push_back({std::move(n), b_.config().num_partitions, {}});
    return {being_created, nullptr};
}

void auto_creation::start() {
    if (creations_.empty()) return;
    std::vector<std::string> names;
    names.reserve(creations_.size());
    for (const auto& c : creations_) names.push_back(c.name);
    spdlog::info("auto-creating {} topic(s) in the background, {} first", names.size(), names.front());
    // Nobody waits for the outcome: the clients ask again (Metadata).
    auto creations = std::move(creations_);
    creations_.clear();
    b_.topics().create_topics(std::move(creations),
                              [names = std::move(names)](std::vector<result<uuid>> outcomes, status table_written) {
                                  size_t made = 0;
                                  for (size_t i = 0; i < outcomes.size(); ++i) {
                                      if (outcomes[i]) {
                                          ++made;
                                          continue;
                                      }
                                      spdlog::error("auto-creating topic {} failed: {}", names[i],
                                                    outcomes[i].error().message);
                                  }
                                  if (!table_written)
                                      spdlog::error("auto-creation of {} topic(s): writing the topic table failed "
                                                    "(the next start adopts their directories): {}",
                                                    made, table_written.error().message);
                                  spdlog::info("auto-created {} of {} topic(s)", made, outcomes.size());
                              });
}

}  // namespace samsa::broker
