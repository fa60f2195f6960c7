#pragma once
// The request handlers, one per Kafka API, each in its own file named after
// the API. They run on the I/O thread and answer through ctx.slot exactly
// once (or park the context and answer later: fetch.cc).

#include "samsa/broker/handlers/request_context.h"

namespace samsa::broker {

void handle_api_versions(request_context ctx);
void handle_metadata(request_context ctx);
void handle_produce(request_context ctx);
void handle_fetch(request_context ctx);
void handle_list_offsets(request_context ctx);
void handle_create_topics(request_context ctx);
void handle_delete_topics(request_context ctx);
void handle_describe_configs(request_context ctx);
void handle_alter_configs(request_context ctx);
void handle_incremental_alter_configs(request_context ctx);
void handle_create_partitions(request_context ctx);
void handle_delete_records(request_context ctx);
void handle_init_producer_id(request_context ctx);

}  // namespace samsa::broker
