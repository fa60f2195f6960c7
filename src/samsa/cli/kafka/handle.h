#pragma once
// What the admin, producer and consumer wrappers share: building a librdkafka
// handle from a client_config, turning librdkafka errors into samsa errors with
// a message a user can act on, and the bounded "can we reach the cluster at all"
// probe every command starts with (so an unreachable broker fails within
// --timeout instead of retrying forever, which is librdkafka's default).
//
// Internal to src/samsa/cli/kafka: the only headers that include librdkafka.
//
// Thread: a handle belongs to the command's thread. librdkafka calls the log
// callback from its own threads, hence the mutex in handle_state.

#include <librdkafka/rdkafka.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/cli/kafka/types.h"

namespace samsa::cli::kafka {

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

// rd_kafka_destroy, but never longer than a couple of seconds: librdkafka 2.0.2
// can deadlock in destroy after a failed DescribeConsumerGroups (seen against a
// broker without the API), and a command-line tool must not hang on its way out.
// An abandoned handle dies with the process.
void destroy_bounded(rd_kafka_t* rk);

struct handle_deleter {
    void operator()(rd_kafka_t* rk) const { destroy_bounded(rk); }
};
using handle_ptr = std::unique_ptr<rd_kafka_t, handle_deleter>;

struct queue_deleter {
    void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
};
using queue_ptr = std::unique_ptr<rd_kafka_queue_t, queue_deleter>;

struct event_deleter {
    void operator()(rd_kafka_event_t* e) const { rd_kafka_event_destroy(e); }
};
using event_ptr = std::unique_ptr<rd_kafka_event_t, event_deleter>;

struct partition_list_deleter {
    void operator()(rd_kafka_topic_partition_list_t* l) const { rd_kafka_topic_partition_list_destroy(l); }
};
using partition_list_ptr = std::unique_ptr<rd_kafka_topic_partition_list_t, partition_list_deleter>;

// Builds a handle: bootstrap.servers, our defaults, then the user's properties
// (which win), after waiting briefly for a bootstrap address that does not
// refuse TCP (bootstrap_probe.h). `state` must outlive the handle. `customize` installs callbacks
// (delivery reports, rebalances) that librdkafka only accepts before rd_kafka_new.
result<handle_ptr> make_handle(rd_kafka_type_t type, const client_config& config,
                               const std::vector<std::pair<std::string, std::string>>& defaults,
                               handle_state& state, void (*customize)(rd_kafka_conf_t*) = nullptr);

// A samsa error from a librdkafka code: "<context>: <description> (<NAME>)".
error to_error(rd_kafka_resp_err_t err, std::string_view context);
error to_error(const rd_kafka_error_t* err, std::string_view context);

// True for the errors that mean "the cluster did not answer" rather than "the
// cluster said no".
bool is_unreachable(rd_kafka_resp_err_t err);

// The message for an unreachable cluster, with librdkafka's last complaint.
error unreachable_error(const client_config& config, const handle_state& state);

// Metadata request within config.timeout; all_topics=false asks for brokers only.
// The result must be freed with rd_kafka_metadata_destroy (wrapped by the caller).
result<const rd_kafka_metadata_t*> fetch_metadata(rd_kafka_t* rk, const client_config& config,
                                                  const handle_state& state, bool all_topics,
                                                  rd_kafka_topic_t* only_topic = nullptr);

// Converts a metadata answer into our plain values (sorted).
cluster_metadata to_cluster_metadata(const rd_kafka_metadata_t& md);

}  // namespace samsa::cli::kafka
