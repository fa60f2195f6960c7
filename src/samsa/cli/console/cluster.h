#pragma once
// cluster: what the console asks the Kafka cluster, over the `samsa` tool's
// librdkafka wrappers (cli/kafka): one long-lived admin client, created on the
// first request and shared under a mutex (librdkafka's admin calls block, and
// a handle is not meant for concurrent use by our wrappers); the record
// browser opens a short-lived consumer per request (no group, nothing is
// committed). An unreachable cluster is an error result, retried on the next
// request, never a reason for the console to stop.
//
// Thread: any; HTTP threads and the lag sampler (the console's main thread).

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/cli/console/api_json.h"
#include "samsa/cli/console/lag_history.h"
#include "samsa/cli/console/record_query.h"
#include "samsa/cli/kafka/types.h"

namespace samsa::kafka {
class admin;
}
namespace samsa::cli::kafka {
using samsa::kafka::admin;
}

namespace samsa::cli::console {

class cluster {
public:
    explicit cluster(kafka::client_config config);
    ~cluster();
    cluster(const cluster&) = delete;
    cluster& operator=(const cluster&) = delete;

    result<json> overview();
    result<json> broker_configs(int32_t broker);
    result<json> topics();
    result<json> topic(const std::string& name);
    result<json> records(const std::string& topic, const record_query& query);
    result<json> groups();
    result<json> group(const std::string& group_id);

    // The lag of every consumer group (for lag_history).
    result<std::vector<group_lag>> group_lags();

private:
    // Where the record browser starts: the partition's offsets and the first
    // offset to read (the end when there is nothing to read).
    struct read_plan {
        kafka::topic_partition tp;
        kafka::watermarks marks;
        int64_t from = 0;
    };
    result<read_plan> plan_read(const std::string& topic, const record_query& query);
    // Up to `limit` records from plan.from (bounded in time); no lock needed:
    // a consumer of its own.
    result<std::vector<kafka::record>> read(const read_plan& plan, int limit);

    // Call with mutex_ held.
    result<kafka::admin*> admin_locked();
    result<std::vector<partition_lag>> group_offsets_locked(kafka::admin& admin, const kafka::group_description& group);

    kafka::client_config config_;
    std::mutex mutex_;
    std::unique_ptr<kafka::admin> admin_;
};

}  // namespace samsa::cli::console
