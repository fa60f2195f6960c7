#pragma once
// metadata_until_created: what a client does with a topic it wants
// auto-created. The broker answers a Metadata that auto-creates a topic at
// once, LEADER_NOT_AVAILABLE while the topic is being made in the
// background (broker/handlers/topic_lookup.h), so the client asks again
// until the topic is there. Every wait is bounded.
//
//   raw_client c(port);
//   auto md = metadata_until_created(c, {"orders"});
//   ASSERT_TRUE(md) << md.error().message;
//
// Thread: the test's thread.

#include <chrono>
#include <string>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/protocol/messages/metadata.h"
#include "tests/support/raw_client.h"

namespace samsa::test_support {

// Metadata v9 for `topics` with auto-creation allowed, asked again every
// 10 ms until every topic is answered NONE; the last answer, or an error
// after `timeout` (naming the topics not there yet) or when the broker
// answers another error (the topic will not be created: invalid name,
// authorization, auto-creation off).
result<protocol::metadata_response> metadata_until_created(raw_client& c, const std::vector<std::string>& topics,
                                                           std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace samsa::test_support
