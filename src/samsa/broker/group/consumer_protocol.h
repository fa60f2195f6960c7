#pragma once
// consumer_protocol: the one thing the coordinator reads inside the
// otherwise opaque member metadata of protocol type "consumer": the topics a
// member subscribes to (OffsetDelete refuses to delete the offsets of a topic
// the group still reads: GROUP_SUBSCRIBED_TO_TOPIC).
//
//   ConsumerProtocolSubscription (all versions start alike, non-flexible):
//     int16 version | int32 n | n x string topic | bytes user_data | ...
//
// Thread: any; pure.

#include <optional>
#include <string>
#include <vector>

#include "samsa/bytes/bytes.h"

namespace samsa::broker::group {

// nullopt when the bytes are not a subscription.
std::optional<std::vector<std::string>> subscribed_topics(bytes_view subscription);

}  // namespace samsa::broker::group
