#pragma once
// Conversions between librdkafka messages and the runtime's records and
// commits (partition lists of bare partitions: samsa/kafka/rdkafka.h).
//
// Threads: any; no shared state.

#include <librdkafka/rdkafka.h>

#include <string_view>
#include <vector>

#include "samsa/kafka/handle.h"
#include "samsa/streams/internal/runtime/clients.h"

namespace samsa::streams::internal::kafka {

// Takes m (a message without error): the record views its topic, key and
// value and destroys m when it is destroyed.
consumed_record to_record(rd_kafka_message_t* m);
// The same where the caller knows the name of m's topic handle.
consumed_record to_record(rd_kafka_message_t* m, std::string_view topic);
// Whether m, a message from a consumer, certainly has no headers, answered
// without asking librdkafka to parse them (rdkafka_messages.cc says why and
// how); false when it cannot tell, and then rd_kafka_message_headers() must.
bool certainly_without_headers(const rd_kafka_message_t* m);
// Offsets to commit with their metadata strings (the list owns copies).
samsa::kafka::partition_list_ptr to_commit_list(const committed_offsets& offsets);

}  // namespace samsa::streams::internal::kafka
