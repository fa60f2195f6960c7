#pragma once
// samsa produce: kafka-console-producer.sh. Reads records from stdin, one per
// line, and sends them to a topic; keyed records go to the partition murmur2
// of the key chooses (as the Java client and Kafka's scripts do).
//
//   printf 'k1:hello\nk2:world\n' | samsa produce --topic orders --key-separator :
//   samsa produce --topic orders --property parse.headers=true < lines   # h1:v1,h2:v2<TAB>value
//   echo hi | samsa produce --topic orders --header source=cli --partition 2
//
// Exit status 1 when a line cannot be parsed (what was read before it is still
// sent) or when any record is not acknowledged within --timeout.
//
// Thread: main.

#include <optional>
#include <string>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/cli/command.h"
#include "samsa/cli/kafka/types.h"
#include "samsa/cli/options.h"
#include "samsa/cli/record_format.h"

namespace CLI {
class App;
}

namespace samsa::cli {

struct produce_args {
    std::string topic;
    std::vector<std::string> properties;  // --property key=value (reader properties)
    std::optional<std::string> key_separator;
    std::vector<std::string> headers;     // --header key=value, on every record
    int partition = -1;
    CLI::App* command = nullptr;
};

struct produce_plan {
    std::string topic;
    line_reader_options reader;
    std::vector<kafka::header> headers;
    int partition = -1;
};

CLI::App* add_produce_command(CLI::App& app, produce_args& args, connection_options& connection);
result<produce_plan> plan_produce(const produce_args& args);
int run_produce(const produce_args& args, const connection_options& connection, command_io& io);

}  // namespace samsa::cli
