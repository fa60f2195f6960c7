// DescribeLogDirs: every configured log dir with the partitions kept in it
// (size on disk; offset lag 0: no future replica is ever being moved on one
// node) and, from v4, the file system's total and usable bytes. Topics null
// asks for every partition; partitions that do not exist are left out, as
// Kafka does. Needs Describe on the cluster: without it Kafka answers no
// dirs (v3+: with CLUSTER_AUTHORIZATION_FAILED).
#include <filesystem>

#include "samsa/broker/handlers/authorize.h"
#include "samsa/broker/handlers/cluster_handlers.h"
#include "samsa/protocol/messages/describe_log_dirs.h"

namespace samsa::broker {

namespace {

using protocol::error_code;

// Whether the partition's directory lies in `dir` (its parent is the dir).
bool kept_in(const storage::partition_log& log, const std::filesystem::path& dir) {
    std::error_code ec;
    return std::filesystem::equivalent(log.dir().parent_path(), dir, ec);
}

void add_partition(protocol::describe_log_dirs_result& result, const std::string& topic, int32_t partition,
                   const storage::partition_log& log) {
    if (result.topics.empty() || result.topics.back().name != topic) result.topics.push_back({topic, {}});
    result.topics.back().partitions.push_back({partition, static_cast<int64_t>(log.size_bytes()), 0, false});
}

protocol::describe_log_dirs_result describe_dir(broker& b, const std::string& dir,
                                                const protocol::describe_log_dirs_request& req) {
    protocol::describe_log_dirs_result result;
    result.log_dir = std::filesystem::absolute(dir).lexically_normal().string();
    std::error_code ec;
    auto space = std::filesystem::space(dir, ec);
    if (ec) {
        result.error_code = error_code::kafka_storage_error;
        return result;
    }
    result.total_bytes = static_cast<int64_t>(space.capacity);
    result.usable_bytes = static_cast<int64_t>(space.available);
    auto consider = [&](const std::string& topic, int32_t partition) {
        const storage::partition_log* log = b.topics().log(topic, partition_id(partition));
        if (log && kept_in(*log, dir)) add_partition(result, topic, partition, *log);
    };
    if (!req.topics) {
        for (const auto& [name, t] : b.topics().table().topics()) {
            for (int32_t p = 0; p < t.partition_count; ++p) consider(name, p);
        }
    } else {
        for (const auto& t : *req.topics) {
            for (int32_t p : t.partitions) consider(t.topic, p);
        }
    }
    return result;
}

}  // namespace

void handle_describe_log_dirs(request_context ctx) {
    auto req = ctx.decode<protocol::describe_log_dirs_request>();
    if (!req) return;
    broker& b = *ctx.b;
    protocol::describe_log_dirs_response resp;
    if (!authorized_on_cluster(ctx, acl_op::describe)) {
        resp.error_code = error_code::cluster_authorization_failed;
        ctx.respond(resp);
        return;
    }
    for (const auto& dir : b.config().log_dirs) resp.results.push_back(describe_dir(b, dir, *req));
    ctx.respond(resp);
}

}  // namespace samsa::broker
