#pragma once
// meta.properties: the identity of a log dir, as Kafka (KRaft) writes it.
// The cluster id is generated on the very first start and kept, so clients
// that remember it (librdkafka logs it) see the same cluster after restarts.
//
//   #
//   #Thu Nov 26 05:10:32 UTC 2026
//   cluster.id=Pz4Hc0yXRZqO_NzRlT3a0w
//   node.id=1
//   version=1
//
// A node.id that differs from the configured one is a start-up error, as in
// Kafka (the dir belongs to another broker).
//
// Thread: main thread, at start-up.

#include <string>

#include "samsa/base/result.h"
#include "samsa/base/types.h"

namespace samsa::broker {

struct meta_properties {
    std::string cluster_id;
    samsa::node_id node{1};
};

// Reads `<dir>/meta.properties`, or creates it with a new cluster id.
result<meta_properties> load_or_create_meta_properties(const std::string& dir, samsa::node_id node);

}  // namespace samsa::broker
