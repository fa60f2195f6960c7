#pragma once
// Leader discovery (KIP-951), shared by Produce v10+ and Fetch v12+/v16+:
// a partition's current leader and the new leader's address, sent beside
// NOT_LEADER_OR_FOLLOWER answers so clients need no Metadata round trip. A
// single node never moves leadership, so the broker leaves them at their
// defaults (not sent); they exist for decoding and the round-trip tests.

#include <optional>
#include <string>

#include "samsa/protocol/codec.h"

namespace samsa::protocol {

struct leader_id_and_epoch {
    int32_t leader_id = -1;
    int32_t leader_epoch = -1;
    bool operator==(const leader_id_and_epoch&) const = default;
};

struct node_endpoint {
    int32_t node_id = 0;
    std::string host;
    int32_t port = 0;
    std::optional<std::string> rack;
    bool operator==(const node_endpoint&) const = default;
};

template<class IO>
void serde(IO& io, leader_id_and_epoch& m) {
    io.field(m.leader_id);
    io.field(m.leader_epoch);
    io.tags();
}

template<class IO>
void serde(IO& io, node_endpoint& m) {
    io.field(m.node_id);
    io.field(m.host);
    io.field(m.port);
    io.field(m.rack);
    io.tags();
}

}  // namespace samsa::protocol
