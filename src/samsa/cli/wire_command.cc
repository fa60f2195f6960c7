#include "samsa/cli/wire_command.h"

#include <chrono>

#include <fmt/format.h>

namespace samsa::cli {

error broker_error(protocol::error_code e, const std::optional<std::string>& message, const std::string& what) {
    return error{errc::invalid_argument,
                 fmt::format("{}: {}{}", what, protocol::name(e), message ? " (" + *message + ")" : std::string())};
}

result<kafka::wire_security> wire_security_of(const connection_options& connection) {
    auto config = make_client_config(connection);
    if (!config) return config.error();
    return kafka::wire_security_from(config->properties);
}

int run_with_wire_client(const std::string& format, const connection_options& connection, command_io& io,
                         const wire_run& run) {
    auto parsed = parse_output_format(format);
    if (!parsed) return report(io, parsed.error(), true);
    auto security = wire_security_of(connection);
    if (!security) return report(io, security.error(), true);
    auto client = kafka::wire_client::connect_any(connection.bootstrap_server,
                                                  std::chrono::milliseconds(connection.timeout_ms), *security);
    if (!client) return report(io, client.error());
    return run(**client, *parsed);
}

}  // namespace samsa::cli
