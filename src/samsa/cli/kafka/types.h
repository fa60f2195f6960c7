#pragma once
// Plain values that cross the boundary between the commands and the librdkafka
// wrappers (admin, producer, consumer). Nothing here includes librdkafka: only
// the wrappers' .cc files do, so the commands and their tests never see it.
// The values the admin requests answer and the records are samsa/kafka's (one
// definition for the CLI, streams, the apps and the tests), named here so the
// commands say kafka::x.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "samsa/base/types.h"
#include "samsa/kafka/message.h"
#include "samsa/kafka/types.h"

namespace samsa::cli::kafka {

using samsa::kafka::acl_binding;
using samsa::kafka::broker_info;
using samsa::kafka::cluster_metadata;
using samsa::kafka::committed_offset;
using samsa::kafka::config_entry;
using samsa::kafka::config_resource_type;
using samsa::kafka::group_description;
using samsa::kafka::group_listing;
using samsa::kafka::group_member;
using samsa::kafka::new_topic;
using samsa::kafka::partition_info;
using samsa::kafka::topic_info;
using samsa::kafka::topic_partition;
using samsa::kafka::watermarks;

// How every client handle of one command is built.
struct client_config {
    std::string bootstrap;
    // librdkafka properties from --command-config and -X, applied in order after
    // ours, so the user can override anything we set.
    std::vector<std::pair<std::string, std::string>> properties;
    // The bound on every request and on reaching the cluster at all.
    std::chrono::milliseconds timeout{std::chrono::seconds(15)};
    // How long a bootstrap list whose every address refuses TCP is retried
    // before the command fails (bootstrap_probe.h); bounded by `timeout`.
    std::chrono::milliseconds refused_grace{std::chrono::seconds(3)};
    bool verbose = false;  // librdkafka's own log lines on stderr
};

// One record, as produced or as consumed (samsa/kafka's).
using samsa::kafka::header;
using samsa::kafka::record;
using samsa::kafka::timestamp_type;

}  // namespace samsa::cli::kafka
