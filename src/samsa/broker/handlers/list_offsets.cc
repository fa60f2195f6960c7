// ListOffsets: -1 latest (the high watermark; the last stable offset for
// isolation level read_committed, v2+), -2 earliest (the log start offset),
// -3 the record with the largest timestamp (v7+), -4 the local log start
// offset (v8+; with no tiered storage, the log start offset), otherwise the first offset
// whose batch has a timestamp at or after the one given; as Kafka, an offset
// found by timestamp at or past the LSO is not answered to read_committed
// clients (offset -1). v0 answers with Kafka's old array of offsets (at most
// max_num_offsets; here at most one). Needs Describe on the topic
// (TOPIC_AUTHORIZATION_FAILED per partition).

#include <spdlog/spdlog.h>

#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/error_mapping.h"
#include "samsa/broker/handlers/handlers.h"
#include "samsa/broker/producer/producer_state_manager.h"
#include "samsa/protocol/messages/list_offsets.h"

namespace samsa::broker {

namespace {

using protocol::error_code;

// Kafka's lastFetchableOffset filter for offsets found by timestamp.
void keep_if_fetchable(offset last_fetchable, protocol::list_offsets_partition_response& out) {
    if (out.offset >= last_fetchable) {
        out.offset = offset(-1);
        out.timestamp = timestamp_ms(-1);
    }
}

void look_up(const storage::partition_log& log, timestamp_ms ts, offset last_fetchable,
             protocol::list_offsets_partition_response& out) {
    switch (ts()) {
    case protocol::list_offsets_latest_timestamp:
        out.offset = last_fetchable;
        return;
    case protocol::list_offsets_earliest_timestamp:
    case protocol::list_offsets_earliest_local_timestamp:
        out.offset = log.log_start_offset();
        return;
    case protocol::list_offsets_max_timestamp: {
        auto found = log.max_timestamp();
        if (!found) {
            out.error_code = to_error_code(found.error(), operation::list_offsets);
        } else if (*found) {
            out.timestamp = (*found)->timestamp;
            out.offset = (*found)->off;
            keep_if_fetchable(last_fetchable, out);
        }
        return;
    }
    default: {
        auto found = log.offset_for_timestamp(ts);
        if (!found) {
            out.error_code = to_error_code(found.error(), operation::list_offsets);
        } else if (*found) {
            out.timestamp = (*found)->timestamp;
            out.offset = (*found)->off;
            keep_if_fetchable(last_fetchable, out);
        }
        return;
    }
    }
}

// The special timestamps each version knows: -3 from v7, -4 from v8.
bool timestamp_known_at(int64_t ts, int16_t version) {
    if (ts == protocol::list_offsets_max_timestamp) return version >= 7;
    if (ts == protocol::list_offsets_earliest_local_timestamp) return version >= 8;
    return ts >= -2;
}

}  // namespace

void handle_list_offsets(request_context ctx) {
    auto request = ctx.decode<protocol::list_offsets_request>();
    if (!request) return;
    broker& b = *ctx.b;
    protocol::list_offsets_response response;
    for (const auto& topic : request->topics) {
        protocol::list_offsets_topic_response tr;
        tr.name = topic.name;
        for (const auto& part : topic.partitions) {
            protocol::list_offsets_partition_response pr;
            pr.partition_index = part.partition_index;
            storage::partition_log* log = b.topics().log(topic.name, part.partition_index);
            if (!authorized_on_topic(ctx, acl_op::describe, topic.name)) {
                pr.error_code = error_code::topic_authorization_failed;  // and no offsets
            } else if (!log) {
                pr.error_code = error_code::unknown_topic_or_partition;
            } else if (!timestamp_known_at(part.timestamp(), ctx.version())) {
                pr.error_code = error_code::invalid_request;
            } else {
                const bool committed = ctx.version() >= 2 && request->isolation_level == 1;
                if (committed && !log->stable_offset_known()) {
                    // The open transactions are in the producer state, loaded on first use.
                    const topic_metadata* meta = b.topics().find(topic.name);
                    if (auto s = b.producers().state_for(topic.name, part.partition_index, meta->id, *log); !s)
                        spdlog::error("{}", s.error().message);
                }
                if (committed && !log->stable_offset_known()) {
                    pr.error_code = error_code::kafka_storage_error;  // the open transactions are unknown
                } else {
                    look_up(*log, part.timestamp, committed ? log->last_stable_offset() : log->high_watermark(), pr);
                }
                pr.leader_epoch = leader_epoch(0);
                if (ctx.version() == 0 && pr.error_code == error_code::none && pr.offset() >= 0 &&
                    part.max_num_offsets > 0) {
                    pr.old_style_offsets.push_back(pr.offset());
                }
            }
            tr.partitions.push_back(std::move(pr));
        }
        response.topics.push_back(std::move(tr));
    }
    ctx.respond(response);
}

}  // namespace samsa::broker
