#pragma once
// Client configuration: librdkafka properties (Kafka's client property names
// where librdkafka shares them) into an rd_kafka_conf_t, every bad key or
// value reported with its name; and which clients a property belongs to.
//
// Threads: any; the property table is read once (a function-local static).

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "samsa/kafka/error.h"
#include "samsa/kafka/handle.h"

namespace samsa::kafka {

using properties = std::map<std::string, std::string>;
// Properties applied in order, so a later one overrides an earlier one (the
// CLI's defaults, then the user's --command-config and -X).
using property_list = std::vector<std::pair<std::string, std::string>>;

// rd_kafka_conf_set for every entry; invalid_argument names the bad one:
// "librdkafka configuration <key>=<value>: <librdkafka's reason>".
// Starts from the Java client's socket behaviour: socket.nagle.disable=true
// (TCP_NODELAY) unless the entries say otherwise.
[[nodiscard]] result<conf_ptr> make_conf(const properties& config);
[[nodiscard]] result<conf_ptr> make_conf(const property_list& config);

enum class client_type { producer, consumer };
// rd_kafka_new; consumes the conf on success (callbacks and the opaque must
// be set on it before).
[[nodiscard]] result<handle_ptr> make_client(client_type type, conf_ptr conf);

// Which librdkafka client a property belongs to, from librdkafka's own
// property table (rd_kafka_conf_properties_show, the "C/P" column of its
// CONFIGURATION.md): '*' every client, 'P' producers, 'C' consumers.
// streams_config uses it to pass unprefixed settings (security.protocol,
// ssl.*, sasl.*, client.rack, ...) only to the clients that know them, as
// Kafka Streams filters by ConsumerConfig/ProducerConfig/AdminClientConfig
// names.
//
// Why the table rather than rd_kafka_conf_set on a scratch conf: conf_set
// accepts a consumer property on a producer's conf (librdkafka only warns
// when the client is created), so it cannot tell the client types apart.
enum class property_scope { any_client, producer, consumer };
// nullopt when librdkafka does not know `name` (Java-only settings such as
// sasl.jaas.config, or a typo).
std::optional<property_scope> librdkafka_property_scope(const std::string& name);

}  // namespace samsa::kafka
