#pragma once
// What the module's clients share that needs librdkafka's own types: errors
// from librdkafka's codes and error objects, and conversions between
// librdkafka's partition lists / metadata and our values. Included only by
// .cc files that talk to librdkafka (the CLI's and streams' clients), never by
// a header their users see.
//
// Threads: any; no shared state.

#include <librdkafka/rdkafka.h>

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "samsa/kafka/client_hooks.h"
#include "samsa/kafka/config.h"
#include "samsa/kafka/error.h"
#include "samsa/kafka/handle.h"
#include "samsa/kafka/types.h"

namespace samsa::kafka {

// The broad kind of a librdkafka code (samsa::errc).
errc to_errc(rd_kafka_resp_err_t err);
// "<context>: <description> (<NAME>)", with the code kept.
client_error to_error(rd_kafka_resp_err_t err, std::string_view context);
// As above with librdkafka's own marks (rd_kafka_error_is_retriable,
// rd_kafka_error_is_fatal, rd_kafka_error_txn_requires_abort) and its
// detailed string when it has one.
client_error to_error(const rd_kafka_error_t* err, std::string_view context);
// Takes ownership of `err` (rd_kafka_error_destroy).
client_error take_error(rd_kafka_error_t* err, std::string_view context);

// True for the errors that mean "the cluster did not answer" rather than "the
// cluster said no".
bool is_unreachable(rd_kafka_resp_err_t err);

std::vector<topic_partition> to_partitions(const rd_kafka_topic_partition_list_t* list);
// The partitions with offsets left at librdkafka's default (invalid).
partition_list_ptr to_list(const std::vector<topic_partition>& partitions);

// A Metadata answer as our values (sorted).
cluster_metadata to_cluster_metadata(const rd_kafka_metadata_t& md);

// The opaque of a producer's or consumer's handle: what librdkafka's
// callbacks reach. on_message is the producer's delivery reports (served on
// the owner's thread); hooks.on_log runs on librdkafka's threads.
struct client_state {
    client_hooks hooks;
    std::function<void(rd_kafka_t*, const rd_kafka_message_t&)> on_message;
};

// make_conf and rd_kafka_new, with `state` as the opaque and its callbacks installed (log,
// error, and delivery reports when on_message is set); the handle keeps
// `state` alive until its destruction is over and is destroyed within
// hooks.destroy_bound.
[[nodiscard]] result<handle_ptr> make_client(client_type type, const property_list& config,
                                             std::shared_ptr<client_state> state);

}  // namespace samsa::kafka
