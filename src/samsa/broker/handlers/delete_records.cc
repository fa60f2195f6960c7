// DeleteRecords: moves a partition's log start offset (offset -1 means the
// high watermark); whole segments below it are deleted. Answers the new low
// watermark (log start offset). Needs Delete on the topic.

#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/error_mapping.h"
#include "samsa/broker/handlers/handlers.h"
#include "samsa/protocol/messages/delete_records.h"

namespace samsa::broker {

void handle_delete_records(request_context ctx) {
    auto request = ctx.decode<protocol::delete_records_request>();
    if (!request) return;
    broker& b = *ctx.b;
    protocol::delete_records_response response;
    for (const auto& t : request->topics) {
        protocol::delete_records_topic_result tr;
        tr.name = t.name;
        for (const auto& p : t.partitions) {
            protocol::delete_records_partition_result pr;
            pr.partition_index = p.partition_index;
            pr.low_watermark = offset(-1);
            storage::partition_log* log = b.topics().log(t.name, p.partition_index);
            if (!authorized_on_topic(ctx, acl_op::remove, t.name)) {
                pr.error_code = protocol::error_code::topic_authorization_failed;
            } else if (!log) {
                pr.error_code = protocol::error_code::unknown_topic_or_partition;
            } else {
                offset before = p.offset() == -1 ? log->high_watermark() : p.offset;
                if (before() < 0 || before > log->high_watermark()) {
                    pr.error_code = protocol::error_code::offset_out_of_range;
                } else if (auto moved = log->delete_records_before(before); !moved) {
                    pr.error_code = to_error_code(moved.error(), operation::delete_records);
                } else {
                    pr.low_watermark = *moved;
                }
            }
            tr.partitions.push_back(std::move(pr));
        }
        response.topics.push_back(std::move(tr));
    }
    ctx.respond(response);
}

}  // namespace samsa::broker
