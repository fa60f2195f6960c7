#pragma once
// kafka_streams: runs a topology against a Kafka broker (Kafka Streams'
// KafkaStreams): any broker speaking the Kafka protocol, samsa-broker or an
// Apache Kafka / Redpanda cluster, through librdkafka. Instances with the
// same application.id share the work through the consumer group of that
// name; state moves between them through changelog topics.
//
//   kafka_streams app(builder.build(), {{"application.id", "word-count"},
//                                       {"bootstrap.servers", "localhost:9092"}});
//   app.set_state_listener([](streams_state now, streams_state before) { ... });
//   app.start();                  // throws streams_exception: missing topics ...
//   ...
//   app.close(std::chrono::seconds(30));
//
// start() checks the source topics exist, validates co-partitioning,
// creates the internal topics, opens the global stores, and starts
// num.stream.threads stream threads (and the global thread when the
// topology has global stores). See streams_config.h for the properties and
// internal/runtime/ for the threads, tasks and the commit loop.
//
// States as Kafka's: CREATED -> REBALANCING <-> RUNNING -> PENDING_SHUTDOWN
// -> NOT_RUNNING; a fatal error -> PENDING_ERROR -> ERROR.
//
// Threads: the public methods from any one application thread. The state
// listener and the uncaught exception handler are called on the stream
// thread (or global thread) whose state changed or which failed; they must
// not call close() (Kafka's rule too).

#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "samsa/streams/errors.h"
#include "samsa/streams/export.h"
#include "samsa/streams/metrics.h"
#include "samsa/streams/state_restore_listener.h"
#include "samsa/streams/store_query_parameters.h"
#include "samsa/streams/streams_metadata.h"
#include "samsa/streams/streams_config.h"
#include "samsa/streams/topology.h"

namespace samsa::streams {

namespace internal {
class admin_client;
class client_supplier;
class streams_metadata_state;
class global_stream_thread;
class metrics_http_endpoint;
class queryable_store_registry;
class streams_metrics;
struct client_sensors;
class state_directory;
class stream_thread;
struct prepared_topology;
enum class stream_thread_state;
}  // namespace internal

// Kafka's KafkaStreams.State: CREATED, then REBALANCING / RUNNING while it runs, PENDING_SHUTDOWN and NOT_RUNNING after
// close(), PENDING_ERROR and ERROR after a fatal failure.
enum class streams_state { created, rebalancing, running, pending_shutdown, not_running, pending_error, error };
// The state's name as Kafka writes it (RUNNING ...).
SAMSA_STREAMS_API const char* to_string(streams_state s);

// What to do when a stream thread dies of an exception (Kafka's
// StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse).
// shutdown_application stops this instance only and logs that the others
// are not told: that signal travels through Kafka Streams' own assignor,
// which librdkafka cannot host.
enum class uncaught_exception_response { replace_thread, shutdown_client, shutdown_application };
// Called on the dying stream thread with its exception; its answer decides what happens next.
using uncaught_exception_handler = std::function<uncaught_exception_response(std::exception_ptr)>;
// Called on the thread whose change it is (see the top of this file), with the new and the old state.
using state_listener = std::function<void(streams_state now, streams_state before)>;

// One stream thread of this instance (Kafka's ThreadMetadata, reduced to
// what the runtime knows): its name, state and active tasks ("1_2").
struct thread_metadata {
    // <application.id>-StreamThread-<n>.
    std::string thread_name;
    // Its state's name (RUNNING ...).
    std::string thread_state;
    // Its active tasks' ids.
    std::vector<std::string> active_tasks;
};

// Kafka's KafkaStreams: runs a topology against a Kafka broker with num.stream.threads stream threads (see the top of
// this file).
class SAMSA_STREAMS_API kafka_streams {
public:
    // Throws std::invalid_argument for a bad configuration.
    kafka_streams(topology t, const std::map<std::string, std::string>& properties);
    // With other clients (tests use fakes).
    kafka_streams(topology t, const std::map<std::string, std::string>& properties,
                  std::unique_ptr<internal::client_supplier> clients);
    ~kafka_streams();
    kafka_streams(const kafka_streams&) = delete;
    kafka_streams& operator=(const kafka_streams&) = delete;

    // Before start(); std::logic_error afterwards.
    void set_state_listener(state_listener listener);
    // Before start(); std::logic_error afterwards. Without one, a dead thread shuts the instance down (Kafka's
    // default).
    void set_uncaught_exception_handler(uncaught_exception_handler handler);
    // Hears the restoration of every task store from its changelog; not
    // owned, must outlive the instance's threads (Kafka's
    // setGlobalStateRestoreListener).
    void set_global_state_restore_listener(state_restore_listener* listener);

    // Throws streams_exception (state becomes ERROR) or std::logic_error when
    // not in CREATED.
    void start();
    // Stops every thread (committing and checkpointing their tasks) and
    // waits up to timeout; false when the threads did not stop in time.
    bool close(std::chrono::milliseconds timeout = std::chrono::milliseconds(60000));
    // The instance's state now.
    streams_state state() const;
    // Deletes this application's local state directory; only before start()
    // or after close() (Kafka's cleanUp()).
    void clean_up();

    // The parsed configuration.
    const streams_config& config() const { return config_; }
    // The topology it runs.
    const topology& get_topology() const { return topology_; }
    // Names of the live stream threads (<application.id>-StreamThread-<n>).
    std::vector<std::string> thread_names() const;
    // The live stream threads and their tasks (Kafka's metadataForLocalThreads()).
    std::vector<thread_metadata> metadata_for_local_threads() const;

    // Interactive queries (Kafka's KafkaStreams#store): a read-only view of
    // the named store over every local task holding it (or the one
    // partition asked for); see store_query_parameters.h and
    // state/read_only_stores.h. Any thread may call it and use the view
    // while the instance runs. Throws (errors.h)
    // streams_not_started_exception before start(),
    // state_store_not_available_exception when not RUNNING or REBALANCING,
    // unknown_state_store_exception for a name the topology lacks,
    // invalid_state_store_exception when the store is of another type;
    // the view's calls throw when the store has no local task (migrated),
    // the partition is not here, or a task is restoring (unless
    // enable_stale_stores()).
    template<class Store>
    Store store(const store_query_parameters<Store>& params) {
        const auto& type = params.query_type();
        queried_store_info info = check_queryable(params.store_name(), type.name, type.accepts);
        return type.create(query_provider(), params.target(), info);
    }

    // Streams metadata (Kafka's metadataForAllStreamsClients,
    // streamsMetadataForStore, queryMetadataForKey): the instances of this
    // application that set application.server, with the stores and
    // partitions of their active tasks, as the group coordinator has them
    // now (one DescribeConsumerGroups round trip per call; see
    // internal/runtime/streams_metadata_state.h for why). Throw like store()
    // when not RUNNING or REBALANCING, and streams_exception when the group
    // cannot be described.
    std::vector<streams_metadata> metadata_for_all_clients();
    // metadata_for_all_clients(), kept to the instances whose tasks hold store_name (Kafka's streamsMetadataForStore).
    std::vector<streams_metadata> streams_metadata_for_store(const std::string& store_name);
    // The instance holding the key's partition of the store's sub-topology:
    // the partition from the default partitioner (murmur2 of the serialized
    // key, as Java's producer) or the one given; not_available() for an
    // unknown store or while nobody holds the partition.
    template<class K>
    key_query_metadata query_metadata_for_key(const std::string& store_name, const K& key, const serde<K>& key_serde) {
        bytes k = key_serde.serialize(key_topic_of_store(store_name), key);
        return query_metadata_for_partition(store_name, [&](int32_t partitions) {
            return default_partition(bytes_view(k), partitions);
        });
    }
    // partitioner(key, number of partitions) -> partition (Kafka's
    // StreamPartitioner).
    template<class K>
    key_query_metadata query_metadata_for_key(const std::string& store_name, const K& key,
                                              const std::function<int32_t(const K&, int32_t)>& partitioner) {
        return query_metadata_for_partition(store_name, [&](int32_t partitions) { return partitioner(key, partitions); });
    }
    // The built-in metrics now (Kafka's KafkaStreams#metrics()): client,
    // thread, task, node, store level, metrics.h and docs/streams-metrics.md. Any thread, any
    // time; a thread's or task's metrics leave with it.
    metrics_snapshot metrics() const;
    // The metrics Kafka gives string values (stream-metrics: version,
    // commit-id, application-id, topology-description, state); metrics()
    // holds the numeric ones.
    text_metrics_snapshot text_metrics() const;
    // With samsa.metrics.listener set, start() serves GET /metrics (these
    // metrics as Prometheus text, prometheus_text.h) until close(); this is
    // its URL with the port bound (http://host:port/metrics), empty otherwise.
    std::string metrics_url() const;

    // The endpoint this instance advertises (application.server).
    const std::string& application_server() const { return config_.application_server; }

private:
    void set_state(streams_state s);
    void check_running_or_rebalancing() const;
    internal::streams_metadata_state describe_instances();
    std::string key_topic_of_store(const std::string& store_name) const;
    static int32_t default_partition(bytes_view key, int32_t partitions);
    key_query_metadata query_metadata_for_partition(const std::string& store_name,
                                                    const std::function<int32_t(int32_t)>& partition_of);
    queried_store_info check_queryable(const std::string& store_name, const std::string& type_name,
                                       const std::vector<store_kind>& accepts) const;
    queryable_store_provider& query_provider();
    void on_thread_state(internal::stream_thread& t, internal::stream_thread_state now);
    void handle_thread_failure(internal::stream_thread& t);
    void handle_global_failure(std::exception_ptr e);
    void add_stream_thread();
    result<internal::prepared_topology> prepare_topics_with_retries(internal::admin_client& admin);
    void shut_down_async(streams_state final_state);
    void stop_threads(streams_state final_state, std::chrono::milliseconds timeout);

    topology topology_;
    streams_config config_;
    std::unique_ptr<internal::client_supplier> clients_;
    // Kafka's KafkaStreams.adminClient: creates the internal topics in
    // start(), then the stream threads purge repartition topics through it
    // (declared before threads_, so it outlives them).
    std::unique_ptr<internal::admin_client> admin_;
    // Before the threads: their tasks unregister from it as they close.
    std::unique_ptr<internal::queryable_store_registry> queries_;
    std::unique_ptr<internal::streams_metrics> metrics_;  // likewise
    // stream-metrics (client level); its gauges read state_ and threads_,
    // so the destructor drops it first.
    std::unique_ptr<internal::client_sensors> client_metrics_;
    std::unique_ptr<internal::state_directory> state_dir_;
    std::unique_ptr<internal::prepared_topology> prepared_;
    std::unique_ptr<internal::global_stream_thread> global_;
    state_listener listener_;
    uncaught_exception_handler handler_;
    state_restore_listener* restore_listener_ = nullptr;

    mutable std::mutex mutex_;  // state_, threads_, next_thread_
    std::condition_variable state_changed_;
    streams_state state_ = streams_state::created;
    std::vector<std::unique_ptr<internal::stream_thread>> threads_;
    int next_thread_ = 1;
    std::thread shutdown_thread_;
    std::mutex metadata_mutex_;  // metadata_admin_
    std::unique_ptr<internal::admin_client> metadata_admin_;
    // Last: its requests read metrics_, so it goes first.
    std::unique_ptr<internal::metrics_http_endpoint> metrics_http_;
};

}  // namespace samsa::streams
