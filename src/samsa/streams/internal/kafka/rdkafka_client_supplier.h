#pragma once
// The client_supplier on librdkafka (Debian's librdkafka 2.0.2): the only
// files that include librdkafka live in this folder.
//
//   consumer()  rd_kafka_t consumer, subscribe() + a rebalance callback
//               (eager protocol, range assignor), manual commits
//   producer()  rd_kafka_t producer, delivery reports through dr_msg_cb
//   reader()    the legacy queue consumer (rd_kafka_consume_start_queue),
//               which reads chosen partitions without any group
//   admin()     Metadata and CreateTopics through the admin API
//
// Threads: each client belongs to the thread that uses it; librdkafka's own
// background threads never call into samsa code (callbacks are served from
// poll()/flush() on the owner's thread).

#include <memory>

#include "samsa/streams/internal/runtime/clients.h"

namespace samsa::streams::internal {

std::unique_ptr<client_supplier> make_rdkafka_client_supplier();

}  // namespace samsa::streams::internal
