#include "tests/support/auto_create.h"

#include <thread>

namespace samsa::test_support {

result<protocol::metadata_response> metadata_until_created(raw_client& c, const std::vector<std::string>& topics,
                                                           std::chrono::milliseconds timeout) {
    protocol::metadata_request request;
    request.topics.emplace();
    for (const auto& t : topics) {
        protocol::metadata_request_topic rt;
        rt.name = t;
        request.topics->push_back(std::move(rt));
    }
    request.allow_auto_topic_creation = true;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string missing;
    while (true) {
        auto md = c.call<protocol::metadata_response>(request, 9);
        if (!md) return md.error();
        missing.clear();
        for (const auto& t : md->topics) {
            if (t.error_code == protocol::error_code::none) continue;
            if (t.error_code != protocol::error_code::leader_not_available)
                return make_error(errc::invalid_argument, "topic " + t.name.value_or("?") + ": " +
                                                              std::string(protocol::name(t.error_code)));
            missing += (missing.empty() ? "" : ", ") + t.name.value_or("?");
        }
        if (missing.empty()) return md;
        if (std::chrono::steady_clock::now() >= deadline)
            return make_error(errc::timed_out, "not created in time: " + missing);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

}  // namespace samsa::test_support
