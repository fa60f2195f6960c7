#pragma once
// What the CLI's producer and consumer (and connect_admin) share on top of
// samsa/kafka: building a librdkafka handle from a client_config with the
// CLI's defaults, the "can we reach the cluster at all" probe every command
// starts with (so an unreachable broker fails within --timeout instead of
// retrying forever, which is librdkafka's default), and the message that says
// which broker did not answer and why.
//
// Internal to src/samsa/cli/kafka: the only CLI headers that include librdkafka.
//
// Thread: a handle belongs to the command's thread. librdkafka calls the log
// callback from its own threads, hence the mutex in handle_state.

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/cli/kafka/types.h"
#include "samsa/kafka/rdkafka.h"

namespace samsa::cli::kafka {

using samsa::kafka::event_ptr;
using samsa::kafka::handle_ptr;
using samsa::kafka::is_unreachable;
using samsa::kafka::partition_list_ptr;
using samsa::kafka::queue_ptr;
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
    virtual ~handle_state() = default;

    void note(std::string line);
    std::string last_complaint() const;
    bool verbose() const { return verbose_; }

private:
    mutable std::mutex mutex_;
    std::string last_;
    bool verbose_;
};

// Builds a handle: bootstrap.servers, our defaults, then the user's properties
// (which win), after waiting briefly for a bootstrap address that does not
// refuse TCP (bootstrap_probe.h). `state` must outlive the handle. `customize` installs callbacks
// (delivery reports, rebalances) that librdkafka only accepts before rd_kafka_new.
// Destroying the handle waits at most destroy_bound.
result<handle_ptr> make_handle(rd_kafka_type_t type, const client_config& config,
                               const std::vector<std::pair<std::string, std::string>>& defaults,
                               handle_state& state, void (*customize)(rd_kafka_conf_t*) = nullptr);

// The message for an unreachable cluster, with librdkafka's last complaint.
error unreachable_error(const client_config& config, const handle_state& state);

// Metadata request within config.timeout; all_topics=false asks for brokers only.
// The result must be freed with rd_kafka_metadata_destroy (wrapped by the caller).
result<const rd_kafka_metadata_t*> fetch_metadata(rd_kafka_t* rk, const client_config& config,
                                                  const handle_state& state, bool all_topics,
                                                  rd_kafka_topic_t* only_topic = nullptr);

}  // namespace samsa::cli::kafka
