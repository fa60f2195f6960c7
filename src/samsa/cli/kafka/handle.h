#pragma once
// What the CLI's producer and consumer (and connect_admin) share on top of
// samsa/kafka: the librdkafka properties of a client_config with the CLI's
// defaults, hooks that remember librdkafka's complaints, the "can we reach
// the cluster at all" probe every command starts with (so an unreachable
// broker fails within --timeout instead of retrying forever, which is
// librdkafka's default), and the message that says which broker did not
// answer and why.
//
// Internal to src/samsa/cli/kafka: the only CLI headers that include librdkafka.
//
// Thread: a client belongs to the command's thread. librdkafka calls the log
// hook from its own threads, hence the mutex in handle_state.

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/cli/kafka/types.h"
#include "samsa/kafka/client_hooks.h"
#include "samsa/kafka/config.h"
#include "samsa/kafka/rdkafka.h"

namespace samsa::cli::kafka {

using samsa::kafka::handle_ptr;
using samsa::kafka::is_unreachable;
using samsa::kafka::to_cluster_metadata;
using samsa::kafka::to_error;

// How long destroying a handle may take before the command moves on
// (samsa::kafka::handle_deleter says why).
inline constexpr std::chrono::seconds destroy_bound{2};

// The handle's opaque: remembers librdkafka's last complaint so that a timeout
// can say *why* (connection refused, name not resolved) and not only "timed out".
class handle_state {
public:
    explicit handle_state(bool verbose) : verbose_(verbose) {}

    void note(std::string line);
    std::string last_complaint() const;
    bool verbose() const { return verbose_; }

private:
    mutable std::mutex mutex_;
    std::string last_;
    bool verbose_;
};

// The properties of a client: bootstrap.servers, the CLI's defaults, then
// `defaults`, then the user's properties (which win); after waiting briefly for
// a bootstrap address that does not refuse TCP (bootstrap_probe.h).
result<samsa::kafka::property_list> client_properties(const client_config& config,
                                                      const samsa::kafka::property_list& defaults);

// Hooks that note librdkafka's complaints in `state` (and print its lines with
// --verbose); the client's destruction waits at most destroy_bound. The hooks
// share `state`: librdkafka logs until its handle is gone.
samsa::kafka::client_hooks client_hooks(std::shared_ptr<handle_state> state);

// A bare handle (the admin's) from the two above.
result<handle_ptr> make_handle(const client_config& config, std::shared_ptr<handle_state> state);

// The message for an unreachable cluster, with librdkafka's last complaint.
error unreachable_error(const client_config& config, const handle_state& state);

// Metadata request within config.timeout; all_topics=false asks for brokers only.
// The result must be freed with rd_kafka_metadata_destroy (wrapped by the caller).
result<const rd_kafka_metadata_t*> fetch_metadata(rd_kafka_t* rk, const client_config& config,
                                                  const handle_state& state, bool all_topics,
                                                  rd_kafka_topic_t* only_topic = nullptr);

// The topic's partition ids (sorted), after checking that the cluster answers
// at all; not_found when the topic does not exist. A broker that auto-creates
// topics answers LEADER_NOT_AVAILABLE for a moment: retried until the timeout.
result<std::vector<int32_t>> topic_partitions(rd_kafka_t* rk, const client_config& config, const handle_state& state,
                                              const std::string& topic);

}  // namespace samsa::cli::kafka
