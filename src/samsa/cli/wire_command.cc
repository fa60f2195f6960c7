#include "samsa/cli/wire_command.h"

#include <chrono>

#include <fmt/format.h>

namespace samsa::cli {

error broker_error(protocol::error_code e, const std::optional<std::string>& message, const std::string& what) {
    return error{errc::invalid_argument,
                 fmt::format("{}: {}{}", what, protocol::name(e), message ? " (" + *message + ")" : std::string())};
}

int run_with_wire_client(const std::string& format, const connection_options& connection, command_io& io,
                         const wire_run& run) {
    auto parsed = parse_output_format(format);
    if (!parsed) return report(io, parsed.error(), true);
    auto client = kafka::wire_client::connect_any(connection.bootstrap_server,
                                                  std::chrono::milliseconds(connection.timeout_ms));
    if (!client) return report(io, client.error());
    return run(**client, *parsed);
}

}  // namespace samsa::cli
