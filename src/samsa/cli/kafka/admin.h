#pragma once
// The admin client of the `samsa topics`, `groups`, `configs`, `acls`, ...
// commands: samsa/kafka's admin (one call per Kafka API), connected the CLI's
// way (handle.h: bootstrap probe, the user's properties, --timeout on every
// request, an unreachable cluster reported with librdkafka's last complaint).
//
// Thread: the command's thread; one admin per command.

#include <memory>

#include "samsa/base/result.h"
#include "samsa/cli/kafka/types.h"
#include "samsa/kafka/admin.h"

namespace samsa::cli::kafka {

using samsa::kafka::admin;

// Creates the client and checks that the cluster answers a Metadata request
// within the timeout; the error says which address did not answer and why.
result<std::unique_ptr<admin>> connect_admin(const client_config& config);

}  // namespace samsa::cli::kafka
