#pragma once
// What the commands that speak the Kafka protocol themselves over
// kafka::wire_client (users, quotas) share: the --format check, the
// connection to the first bootstrap server that answers, and how a broker's
// error code is reported.

#include <functional>
#include <optional>
#include <string>

#include "samsa/base/result.h"
#include "samsa/cli/command.h"
#include "samsa/cli/kafka/wire_client.h"
#include "samsa/cli/options.h"
#include "samsa/cli/record_format.h"
#include "samsa/protocol/error_code.h"

namespace samsa::cli {

// "<what>: <ERROR_NAME> (<message>)"; the broker refused what was asked.
error broker_error(protocol::error_code e, const std::optional<std::string>& message, const std::string& what);

// The connection's security settings (security.protocol, ssl.*, sasl.*) from
// --command-config and -X, as the librdkafka commands read them.
result<kafka::wire_security> wire_security_of(const connection_options& connection);

// Checks `format` (a usage error when wrong), connects (TLS and SASL from the
// connection's client properties, as librdkafka's), then runs `run` with
// the connection. Returns run's exit status, or report()'s.
using wire_run = std::function<int(kafka::wire_client& client, output_format format)>;
int run_with_wire_client(const std::string& format, const connection_options& connection, command_io& io,
                         const wire_run& run);

}  // namespace samsa::cli
