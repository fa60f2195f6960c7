#pragma once
// What every command shares: the connection flags (--bootstrap-server,
// --timeout, --command-config, -X) and the small parsers behind flags of the
// form key=value, times, and separators typed on a command line.
//
// Pure functions: no librdkafka, no I/O except read_properties_file.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/cli/kafka/types.h"

namespace CLI {
class App;
}

namespace samsa::cli {

using key_value = std::pair<std::string, std::string>;

struct connection_options {
    std::string bootstrap_server = "localhost:9092";
    std::vector<std::string> client_properties;  // -X key=value, for librdkafka
    std::string command_config;                  // a .properties file for librdkafka
    int64_t timeout_ms = 15000;
    int64_t connect_grace_ms = 3000;  // how long refused connections are retried
    bool verbose = false;
};

// Adds --bootstrap-server, --timeout, --connect-grace, --command-config, -X and --verbose to a
// (sub)command, all bound to `options`.
void add_connection_options(CLI::App& command, connection_options& options);

// The client configuration: bootstrap, the file's properties, then -X (last wins).
result<kafka::client_config> make_client_config(const connection_options& options);

// A Java client's security settings (an admin.properties written for
// Kafka's tools) in librdkafka's names: sasl.mechanism -> sasl.mechanisms,
// sasl.jaas.config's username/password -> sasl.username/sasl.password, a PEM
// ssl.truststore.location -> ssl.ca.location; the store types librdkafka has
// no key for are dropped. librdkafka's own names pass through unchanged.
std::vector<key_value> translate_java_client_properties(std::vector<key_value> properties);

// "key=value" (the value may contain '=' and be empty; the key may not be empty).
result<key_value> parse_key_value(std::string_view text, std::string_view flag);
result<std::vector<key_value>> parse_key_values(const std::vector<std::string>& texts, std::string_view flag);

// Java-style .properties lines: key=value or key: value, '#' and '!' comments.
result<std::vector<key_value>> parse_properties(std::string_view text);
result<std::vector<key_value>> read_properties_file(const std::filesystem::path& path);

// A point in time for --from-time: milliseconds since the epoch ("1700000000000")
// or ISO-8601: 2024-05-01, 2024-05-01T12:30, 2024-05-01T12:30:15.250, with an
// optional zone (Z, +02:00, -0300). No zone means UTC.
result<int64_t> parse_time_ms(std::string_view text);

// A separator typed on a command line: \t, \n, \r, \0 and \\ become the characters.
std::string unescape(std::string_view text);

// "true"/"false" for properties such as print.key=true.
result<bool> parse_bool(std::string_view text, std::string_view what);

// A non-negative integer, all of `text`.
result<int64_t> parse_non_negative(std::string_view text, std::string_view what);

}  // namespace samsa::cli
