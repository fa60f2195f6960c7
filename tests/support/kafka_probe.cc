#include "tests/support/kafka_probe.h"

#include "samsa/protocol/messages/metadata.h"
#include "tests/support/raw_client.h"

namespace samsa::test_support {

probe_result metadata_v0_round_trip(uint16_t port, std::chrono::milliseconds timeout) {
    probe_result result;
    raw_client c(port, timeout);
    if (!c.connected()) {
        result.error = c.connect_error();
        return result;
    }
    constexpr int32_t correlation_id = 0x5a5a0001;
    protocol::metadata_request all_topics;
    all_topics.topics.emplace();  // v0: an empty array means all topics
    if (!c.send_request(all_topics, 0, correlation_id)) {
        result.error = "the request could not be sent";
        return result;
    }
    // The whole frame is read: closing with unread bytes resets the
    // connection, which the broker would log as an error.
    auto frame = c.read_frame();
    if (!frame) {
        result.error = frame.error().message;
        return result;
    }
    if (frame->size() < 4) {
        result.error = "a " + std::to_string(frame->size()) + "-byte answer";
        return result;
    }
    const bytes& f = *frame;
    int32_t got = static_cast<int32_t>((uint32_t{f[0]} << 24) | (uint32_t{f[1]} << 16) | (uint32_t{f[2]} << 8) | f[3]);
    if (got != correlation_id) {
        result.error = "wrong correlation id " + std::to_string(got);
        return result;
    }
    result.ok = true;
    result.body_size = static_cast<int32_t>(frame->size());
    return result;
}

}  // namespace samsa::test_support
