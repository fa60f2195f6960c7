#include "samsa/cli/kafka/admin.h"

#include "samsa/cli/kafka/handle.h"

namespace samsa::cli::kafka {

result<std::unique_ptr<admin>> connect_admin(const client_config& config) {
    // Shared with the admin's no_answer and the handle's hooks, which write
    // to it until the handle is gone.
    auto state = std::make_shared<handle_state>(config.verbose);
    auto rk = make_handle(config, state);
    if (!rk) return rk.error();
    samsa::kafka::admin_config admin_config;
    admin_config.timeout = config.timeout;
    admin_config.no_answer = [config, state] {
        samsa::kafka::client_error e;
        static_cast<error&>(e) = unreachable_error(config, *state);
        return e;
    };
    auto a = std::make_unique<admin>(std::move(*rk), std::move(admin_config));
    if (auto probe = a->probe(); !probe) return probe.error();
    return a;
}

}  // namespace samsa::cli::kafka
