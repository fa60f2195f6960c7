#pragma once
// protocol_selection: which assignor a group uses, Kafka's selectProtocol.
// The candidates are the protocols every member supports; each member votes
// for the first candidate in its own order of preference; the most votes
// win. Ties go to the candidate the first member (the leader) prefers, so the
// choice is deterministic. The broker stays agnostic: "range",
// "cooperative-sticky" or any name are just strings.
//
// Thread: any; pure functions.

#include <optional>
#include <string>
#include <vector>

#include "samsa/broker/group/group_requests.h"

namespace samsa::broker::group {

// Each entry is one member's protocols in its order of preference; the first
// entry is the leader's. nullopt when there is no common protocol (or no member).
std::optional<std::string> select_protocol(const std::vector<const std::vector<join_protocol>*>& members);

}  // namespace samsa::broker::group
