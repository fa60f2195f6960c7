#include "samsa/broker/group/consumer_protocol.h"

#include "samsa/protocol/wire.h"

namespace samsa::broker::group {

std::optional<std::vector<std::string>> subscribed_topics(bytes_view subscription) {
    if (subscription.size() < 2) return std::nullopt;
    int16_t version = static_cast<int16_t>((subscription[0] << 8) | subscription[1]);
    if (version < 0) return std::nullopt;
    protocol::protocol_reader r(subscription.subspan(2), version, /*flexible=*/false);
    std::vector<std::string> topics;
    r.field(topics);
    if (!r.ok()) return std::nullopt;
    return topics;
}

}  // namespace samsa::broker::group
