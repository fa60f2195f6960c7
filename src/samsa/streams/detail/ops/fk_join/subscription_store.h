#pragma once
// The subscription store (KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE): on the
// right table's side, every left row subscribed to a foreign key, keyed by
// combined key (foreign key, primary key; combined_key.h) so one prefix scan
// finds a foreign key's subscribers. Values are subscription wrappers with
// the timestamp of the subscription. Changelogged, not cached, as Kafka's.
//
// Threads: the task's.

#include <string>

#include "samsa/streams/detail/ops/fk_join/combined_key.h"
#include "samsa/streams/detail/ops/fk_join/subscription_wrapper.h"
#include "samsa/streams/processor/processor.h"
#include "samsa/streams/serdes/primitive.h"

namespace samsa::streams::internal::fk_join {

// The combined key as processors pass it on: the foreign key is absent for
// a left join's null-FK subscription.
template<class KO, class K>
struct combined_key {
    std::optional<KO> foreign_key;
    K primary_key;
};

template<class K>
using stored_subscription = value_and_timestamp<subscription_wrapper<K>>;

// What the subscription processors share: the store, the key schema, the
// pseudo topics, all as Kafka names them.
template<class KO, class K>
struct subscription_store_spec {
    std::string store_name;
    std::string subscription_topic;
    serde<KO> fk_serde;
    serde<K> pk_serde;

    std::string pseudo_topic(task_context& task, const char* suffix) const {
        return task.application_id() + "-" + subscription_topic + suffix;
    }
    combined_key_schema<KO, K> schema(task_context& task) const {
        return combined_key_schema<KO, K>(fk_serde, pseudo_topic(task, "-fk"), pk_serde, pseudo_topic(task, "-pk"));
    }
    timestamped_key_value_store<samsa::bytes, subscription_wrapper<K>> open(task_context& task) const {
        return timestamped_key_value_store<samsa::bytes, subscription_wrapper<K>>(
            task.store(store_name), serdes::bytes(), subscription_wrapper_serde<K>(pk_serde, pseudo_topic(task, "-pk")),
            changelog_topic_name(task.application_id(), store_name));
    }
};

}  // namespace samsa::streams::internal::fk_join
