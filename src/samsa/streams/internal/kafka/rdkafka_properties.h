#pragma once
// Which librdkafka client a configuration property belongs to, from
// librdkafka's own property table (rd_kafka_conf_properties_show, the
// "C/P" column of its CONFIGURATION.md): '*' every client, 'P' producers,
// 'C' consumers. streams_config uses it to pass unprefixed settings
// (security.protocol, ssl.*, sasl.*, client.rack, ...) only to the clients
// that know them, as Kafka Streams filters by ConsumerConfig/ProducerConfig/
// AdminClientConfig names.
//
// Why the table rather than rd_kafka_conf_set on a scratch conf: conf_set
// accepts a consumer property on a producer's conf (librdkafka only warns
// when the client is created), so it cannot tell the client types apart.
//
// Threads: any; the table is read once (a function-local static).

#include <optional>
#include <string>

namespace samsa::streams::internal::kafka {

enum class property_scope { any_client, producer, consumer };

// nullopt when librdkafka does not know `name` (Java-only settings such as
// sasl.jaas.config, or a typo).
std::optional<property_scope> librdkafka_property_scope(const std::string& name);

}  // namespace samsa::streams::internal::kafka
