#include "samsa/streams/kafka_streams.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "samsa/streams/internal/kafka/rdkafka_client_supplier.h"
#include "samsa/streams/internal/runtime/global_stream_thread.h"
#include "samsa/streams/internal/runtime/internal_topic_manager.h"
#include "samsa/streams/internal/runtime/metrics_http_endpoint.h"
#include "samsa/streams/internal/runtime/queryable_store_registry.h"
#include "samsa/streams/internal/runtime/synchronized_key_value_store.h"
#include "samsa/streams/internal/runtime/state_directory.h"
#include "samsa/streams/internal/runtime/stream_thread.h"
#include "samsa/streams/internal/runtime/streams_metadata_state.h"
#include "samsa/bytes/murmur2.h"
#include "samsa/streams/prometheus_text.h"
#include "samsa/streams/version.h"

namespace samsa::streams {

using internal::stream_thread_state;

const char* to_string(streams_state s) {
    switch (s) {
        case streams_state::created: return "CREATED";
        case streams_state::rebalancing: return "REBALANCING";
        case streams_state::running: return "RUNNING";
        case streams_state::pending_shutdown: return "PENDING_SHUTDOWN";
        case streams_state::not_running: return "NOT_RUNNING";
        case streams_state::pending_error: return "PENDING_ERROR";
        case streams_state::error: return "ERROR";
    }
    return "?";
}

namespace {

streams_config parse_or_throw(const std::map<std::string, std::string>& properties) {
    auto c = streams_config::parse(properties);
    if (!c) throw std::invalid_argument(c.error().message);
    return std::move(*c);
}

internal::client_config merge(internal::client_config base, std::initializer_list<const internal::client_config*> overrides) {
    for (const auto* o : overrides) {
        for (const auto& [k, v] : *o) base[k] = v;
    }
    return base;
}

int64_t wall_clock_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool is_stopping(streams_state s) {
    return s == streams_state::pending_shutdown || s == streams_state::pending_error ||
           s == streams_state::not_running || s == streams_state::error;
}

}  // namespace

kafka_streams::kafka_streams(topology t, const std::map<std::string, std::string>& properties)
    : kafka_streams(std::move(t), properties, internal::make_rdkafka_client_supplier()) {}

kafka_streams::kafka_streams(topology t, const std::map<std::string, std::string>& properties,
                             std::unique_ptr<internal::client_supplier> clients)
    : topology_(std::move(t)), config_(parse_or_throw(properties)), clients_(std::move(clients)),
      queries_(std::make_unique<internal::queryable_store_registry>()),
      metrics_(std::make_unique<internal::streams_metrics>(config_.metrics_recording_level)),
      state_dir_(std::make_unique<internal::state_directory>(config_.state_dir, config_.application_id)) {
    // Kafka's client-id tag is the client.id (default <application.id>-<process
    // id>), the prefix of its thread names; samsa names its threads after the
    // application.id, so that is the client-id here.
    internal::client_metrics_config c;
    c.client_id = config_.application_id;
    c.application_id = config_.application_id;
    c.version = std::string(version());
    // Kafka reads it from the jar's kafka-streams-version.properties and says
    // "unknown" without one; samsa's build records no commit.
    c.commit_id = "unknown";
    c.topology_description = topology_.describe().to_string();
    c.state = [this] { return std::string(to_string(state())); };
    c.alive_threads = [this] {
        std::lock_guard l(mutex_);
        int alive = 0;
        for (const auto& t : threads_) {
            stream_thread_state s = t->state();
            if (s != stream_thread_state::dead && s != stream_thread_state::pending_shutdown) ++alive;
        }
        return static_cast<double>(alive);
    };
    client_metrics_ = std::make_unique<internal::client_sensors>(metrics_.get(), std::move(c));
}

kafka_streams::~kafka_streams() {
    close(std::chrono::milliseconds::max());
    client_metrics_.reset();
    if (shutdown_thread_.joinable()) shutdown_thread_.join();
    threads_.clear();
    global_.reset();
}

void kafka_streams::set_state_listener(state_listener listener) {
    std::lock_guard l(mutex_);
    if (state_ != streams_state::created) throw std::logic_error("set_state_listener() only before start()");
    listener_ = std::move(listener);
}

void kafka_streams::set_uncaught_exception_handler(uncaught_exception_handler handler) {
    std::lock_guard l(mutex_);
    if (state_ != streams_state::created) throw std::logic_error("set_uncaught_exception_handler() only before start()");
    handler_ = std::move(handler);
}

void kafka_streams::set_global_state_restore_listener(state_restore_listener* listener) {
    std::lock_guard l(mutex_);
    if (state_ != streams_state::created) throw std::logic_error("set_global_state_restore_listener() only before start()");
    restore_listener_ = listener;
}

streams_state kafka_streams::state() const {
    std::lock_guard l(mutex_);
    return state_;
}

void kafka_streams::set_state(streams_state s) {
    streams_state before;
    {
        std::lock_guard l(mutex_);
        before = state_;
        if (before == s) return;
        state_ = s;
    }
    queries_->set_open(s == streams_state::running || s == streams_state::rebalancing, to_string(s));
    state_changed_.notify_all();
    spdlog::info("[streams] {} {} -> {}", config_.application_id, to_string(before), to_string(s));
    if (listener_) listener_(s, before);
}

queried_store_info kafka_streams::check_queryable(const std::string& store_name, const std::string& type_name,
                                                 const std::vector<store_kind>& accepts) const {
    check_running_or_rebalancing();
    return internal::describe_queried_store(topology_, config_.application_id, store_name, type_name, accepts);
}

void kafka_streams::check_running_or_rebalancing() const {
    streams_state s = state();
    if (s == streams_state::created) {
        throw streams_not_started_exception("KafkaStreams has not been started, you can retry after calling start()");
    }
    if (s != streams_state::running && s != streams_state::rebalancing) {
        throw state_store_not_available_exception(std::string("KafkaStreams is not running. State is ") + to_string(s) +
                                                  ".");
    }
}

internal::streams_metadata_state kafka_streams::describe_instances() {
    check_running_or_rebalancing();
    std::set<std::string> globals;
    for (const auto& [name, builder] : topology_.internal_builder().global_store_builders()) globals.insert(name);
    std::lock_guard l(metadata_mutex_);
    if (!metadata_admin_) {
        auto admin = clients_->admin(merge({{"bootstrap.servers", config_.bootstrap_servers},
                                            {"client.id", config_.application_id + "-metadata-admin"}},
                                           {&config_.admin}));
        if (!admin) throw streams_exception("cannot create the admin client for metadata: " + admin.error().message);
        metadata_admin_ = std::move(*admin);
    }
    auto members = metadata_admin_->describe_group(config_.application_id, config_.request_timeout);
    if (!members) throw streams_exception("cannot describe the group " + config_.application_id + ": " + members.error().message);
    return internal::streams_metadata_state(prepared_->metadata, std::move(globals), *members);
}

std::vector<streams_metadata> kafka_streams::metadata_for_all_clients() { return describe_instances().all(); }

std::vector<streams_metadata> kafka_streams::streams_metadata_for_store(const std::string& store_name) {
    return describe_instances().for_store(store_name);
}

std::string kafka_streams::key_topic_of_store(const std::string& store_name) const {
    if (!prepared_) return {};
    for (const auto& s : prepared_->metadata.subtopologies()) {
        if (std::ranges::find(s.stores, store_name) != s.stores.end() && !s.source_topics.empty()) {
            return *s.source_topics.begin();
        }
    }
    return {};
}

int32_t kafka_streams::default_partition(bytes_view key, int32_t partitions) {
    return murmur2_partition(key, partitions);
}

key_query_metadata kafka_streams::query_metadata_for_partition(const std::string& store_name,
                                                               const std::function<int32_t(int32_t)>& partition_of) {
    internal::streams_metadata_state instances = describe_instances();
    int partitions = instances.partition_count_of(store_name);
    if (partitions <= 0) return key_query_metadata::not_available();
    return instances.for_partition(store_name, partition_of(partitions));
}

queryable_store_provider& kafka_streams::query_provider() { return *queries_; }

void kafka_streams::start() {
    if (state() != streams_state::created) throw std::logic_error("start() may only be called once, in CREATED");
    auto fail = [this](const std::string& message) {
        set_state(streams_state::error);
        throw streams_exception(message);
    };
    // A broker that comes up while start() retries is found within a second.
    internal::client_config admin_config =
        merge({{"bootstrap.servers", config_.bootstrap_servers},
               {"client.id", config_.application_id + "-admin"},
               {"reconnect.backoff.max.ms", "1000"}},
              {&config_.admin});
    auto admin = clients_->admin(admin_config);
    if (!admin) fail("cannot create the admin client: " + admin.error().message);
    admin_ = std::move(*admin);
    auto prepared = prepare_topics_with_retries(*admin_);
    if (!prepared) fail(prepared.error().message);
    prepared_ = std::make_unique<internal::prepared_topology>(std::move(*prepared));

    std::map<std::string, key_value_bytes_store*> global_stores;
    if (prepared_->metadata.has_global_stores()) {
        internal::client_config rc = merge({{"bootstrap.servers", config_.bootstrap_servers},
                                            {"client.id", config_.application_id + "-global-consumer"}},
                                           {&config_.consumer, &config_.global_consumer});
        if (config_.guarantee == processing_guarantee::exactly_once_v2) rc["isolation.level"] = "read_committed";
        auto reader = clients_->reader(rc);
        if (!reader) fail("cannot create the global consumer: " + reader.error().message);
        global_ = std::make_unique<internal::global_stream_thread>(config_, topology_, *state_dir_,
                                                                   std::move(*reader), wall_clock_ms);
        status st = global_->initialize(prepared_->global_partitions);
        if (!st) fail(st.error().message);
        global_stores = global_->stores();
        for (const auto& [name, store] : global_stores) {
            // global_stream_thread opens its stores synchronized.
            queries_->add_global_store(name, &dynamic_cast<internal::synchronized_key_value_store&>(*store));
        }
        global_->set_failure_callback([this](std::exception_ptr e) { handle_global_failure(e); });
    }
    if (!config_.metrics_listener.empty()) {
        auto endpoint = internal::metrics_http_endpoint::start(config_.metrics_listener,
                                                              [this] { return to_prometheus_text(metrics(), text_metrics()); });
        if (!endpoint) fail(endpoint.error().message);
        metrics_http_ = std::move(*endpoint);
    }
    set_state(streams_state::rebalancing);
    if (global_) global_->start();
    try {
        for (int i = 0; i < config_.num_stream_threads; ++i) add_stream_thread();
    } catch (const std::exception& e) {
        stop_threads(streams_state::error, config_.request_timeout);
        throw streams_exception(e.what());
    }
}

result<internal::prepared_topology> kafka_streams::prepare_topics_with_retries(internal::admin_client& admin) {
    // The broker may be down or still starting: a timeout or transport
    // error is retried with exponential back-off (Kafka's retry.backoff.ms
    // 100 doubling to retry.backoff.max.ms 1000) until request.timeout.ms
    // has passed, each failure logged; missing topics and co-partitioning
    // errors are final at once.
    using namespace std::chrono;
    auto deadline = steady_clock::now() + config_.request_timeout;
    milliseconds backoff{100};
    for (int attempt = 1;; ++attempt) {
        auto remaining = duration_cast<milliseconds>(deadline - steady_clock::now());
        streams_config attempt_config = config_;
        attempt_config.request_timeout = std::clamp(remaining, milliseconds(1), milliseconds(2000));
        auto prepared = internal::prepare_topics(admin, topology_, attempt_config);
        if (prepared) return prepared;
        errc code = prepared.error().code;
        bool transient = code == errc::timed_out || code == errc::io_error;
        remaining = duration_cast<milliseconds>(deadline - steady_clock::now());
        if (!transient) return prepared;
        if (remaining <= backoff) {
            return make_error(code, "cannot reach the Kafka cluster at " + config_.bootstrap_servers + " within " +
                                        std::to_string(config_.request_timeout.count()) + " ms (request.timeout.ms, " +
                                        std::to_string(attempt) + " attempts): " + prepared.error().message);
        }
        spdlog::warn("[streams] {}: attempt {} to reach {} failed ({}); retrying in {} ms", config_.application_id,
                     attempt, config_.bootstrap_servers, prepared.error().message, backoff.count());
        std::this_thread::sleep_for(backoff);
        backoff = std::min(backoff * 2, milliseconds(1000));
    }
}

void kafka_streams::add_stream_thread() {
    std::string name;
    int thread_index = 0;
    {
        std::lock_guard l(mutex_);
        thread_index = next_thread_++;
        name = config_.application_id + "-StreamThread-" + std::to_string(thread_index);
    }
    bool eos = config_.guarantee == processing_guarantee::exactly_once_v2;
    internal::client_config common{{"bootstrap.servers", config_.bootstrap_servers}};
    internal::client_config cc = merge(common, {&config_.consumer});
    // The endpoint rides in the client.id (streams_metadata_state.h).
    cc["client.id"] = internal::client_id_with_endpoint(name + "-consumer", config_.application_server);
    cc["group.id"] = config_.application_id;
    cc["enable.auto.commit"] = "false";
    if (!cc.count("auto.offset.reset")) cc["auto.offset.reset"] = "earliest";
    // Co-partitioned topics must land on the same member: the range assignor
    // does that when partition counts match (topology_metadata checks it).
    cc["partition.assignment.strategy"] = "range";
    // Kafka's getCommonConsumerConfigs under EOS (main, restore and global
    // consumers): only committed records are read, so an aborted
    // transaction's repartition and changelog records never reach a task.
    if (eos) cc["isolation.level"] = "read_committed";
    internal::client_config pc = merge(common, {&config_.producer});
    pc["client.id"] = name + "-producer";
    // As the Java client partitions, so keys land where Java applications
    // put them.
    if (!pc.count("partitioner")) pc["partitioner"] = "murmur2_random";
    if (!pc.count("linger.ms")) pc["linger.ms"] = "100";
    // Idempotent, as the Java producer is by default since Kafka 3.0: a retry
    // then never duplicates or reorders sink and changelog records. Like Java,
    // only when the user's settings allow it (idempotence needs acks=all and
    // at most 5 requests in flight).
    if (!pc.count("enable.idempotence") && !pc.count("acks") && !pc.count("request.required.acks") &&
        !pc.count("max.in.flight.requests.per.connection") && !pc.count("max.in.flight")) {
        pc["enable.idempotence"] = "true";
    }
    if (eos) {
        // Kafka's ActiveTaskCreator: one transactional producer per thread.
        pc["transactional.id"] = config_.application_id + "-" + state_dir_->process_id() + "-" +
                                 std::to_string(thread_index);
        pc["enable.idempotence"] = "true";
        // Kafka Streams' producer default under EOS: a crashed instance's
        // transaction blocks read_committed readers for at most 10 s.
        if (!pc.count("transaction.timeout.ms")) pc["transaction.timeout.ms"] = "10000";
    }
    internal::client_config rc = merge(common, {&config_.consumer, &config_.restore_consumer});
    rc["client.id"] = name + "-restore-consumer";
    if (eos) rc["isolation.level"] = "read_committed";

    internal::stream_thread_clients clients;
    auto consumer = clients_->consumer(cc);
    if (!consumer) throw streams_exception("cannot create the consumer: " + consumer.error().message);
    auto producer = clients_->producer(pc);
    if (!producer) throw streams_exception("cannot create the producer: " + producer.error().message);
    auto reader = clients_->reader(rc);
    if (!reader) throw streams_exception("cannot create the restore consumer: " + reader.error().message);
    clients.consumer = std::move(*consumer);
    clients.producer = std::move(*producer);
    clients.restore_reader = std::move(*reader);
    clients.purger = admin_.get();
    if (eos) {
        clients.make_producer = [this, pc] { return clients_->producer(pc); };
    }

    internal::task_environment env;
    env.topo = &topology_;
    env.metadata = &prepared_->metadata;
    env.state_dir = state_dir_.get();
    if (global_) env.global_stores = global_->stores();
    env.queries = queries_.get();
    env.metrics = metrics_.get();
    env.on_deserialization_error = config_.on_deserialization_error;
    env.wall_clock = wall_clock_ms;
    env.restore_listener = restore_listener_;
    env.windowed_emit_interval_ms = config_.windowed_emit_interval_ms;
    env.outer_join_emit_interval_ms = config_.outer_join_emit_interval_ms;
    // As Kafka 3.8's getCacheSizePerThread: the global thread counts too.
    env.cache_max_bytes = config_.cache_max_bytes / (config_.num_stream_threads + (global_ ? 1 : 0));
    auto thread = std::make_unique<internal::stream_thread>(
        name, config_, std::move(env), std::move(clients),
        [this](internal::stream_thread& t, stream_thread_state now, stream_thread_state) { on_thread_state(t, now); });
    if (global_) thread->set_start_gate([g = global_.get()] { return g->ready(); });
    internal::stream_thread* raw = thread.get();
    {
        std::lock_guard l(mutex_);
        threads_.push_back(std::move(thread));
    }
    raw->start();
}

void kafka_streams::on_thread_state(internal::stream_thread& t, stream_thread_state now) {
    if (now == stream_thread_state::dead && t.failure()) {
        // As Kafka's StreamThread, before the handler decides what follows.
        // Under mutex_: threads failing at once must not lose a count (a
        // sensor has one writer at a time).
        {
            std::lock_guard l(mutex_);
            internal::record_if(client_metrics_->failed_threads);
        }
        handle_thread_failure(t);
        return;
    }
    streams_state next;
    {
        std::lock_guard l(mutex_);
        if (state_ != streams_state::rebalancing && state_ != streams_state::running) return;
        bool all_running = true;
        bool any_alive = false;
        for (const auto& th : threads_) {
            stream_thread_state s = th.get() == &t ? now : th->state();
            if (s == stream_thread_state::dead || s == stream_thread_state::pending_shutdown) continue;
            any_alive = true;
            if (s != stream_thread_state::running) all_running = false;
        }
        next = any_alive && all_running ? streams_state::running : streams_state::rebalancing;
    }
    set_state(next);
}

void kafka_streams::handle_thread_failure(internal::stream_thread& t) {
    uncaught_exception_response response = uncaught_exception_response::shutdown_client;
    if (handler_) {
        try {
            response = handler_(t.failure());
        } catch (const std::exception& e) {
            spdlog::error("[streams] the uncaught exception handler threw: {}", e.what());
        }
    }
    if (is_stopping(state())) return;
    switch (response) {
        case uncaught_exception_response::replace_thread:
            spdlog::warn("[streams] replacing failed thread {}", t.name());
            try {
                add_stream_thread();
            } catch (const std::exception& e) {
                spdlog::error("[streams] cannot replace thread {}: {}", t.name(), e.what());
                shut_down_async(streams_state::error);
            }
            return;
        case uncaught_exception_response::shutdown_application:
            spdlog::error("[streams] shutting down application {} on this instance only: the signal to other "
                          "instances needs Kafka Streams' assignor, which librdkafka cannot host",
                          config_.application_id);
            shut_down_async(streams_state::error);
            return;
        case uncaught_exception_response::shutdown_client:
            shut_down_async(streams_state::error);
            return;
    }
}

void kafka_streams::handle_global_failure(std::exception_ptr) {
    // As Kafka: a failed global thread takes the whole client down.
    shut_down_async(streams_state::error);
}

void kafka_streams::shut_down_async(streams_state final_state) {
    {
        std::lock_guard l(mutex_);
        if (is_stopping(state_) || shutdown_thread_.joinable()) return;
    }
    set_state(streams_state::pending_error);
    std::lock_guard l(mutex_);
    shutdown_thread_ = std::thread([this, final_state] { stop_threads(final_state, std::chrono::milliseconds::max()); });
}

void kafka_streams::stop_threads(streams_state final_state, std::chrono::milliseconds timeout) {
    std::vector<internal::stream_thread*> threads;
    {
        std::lock_guard l(mutex_);
        for (auto& t : threads_) threads.push_back(t.get());
    }
    for (auto* t : threads) t->shutdown();
    if (global_) global_->shutdown();
    auto deadline = timeout == std::chrono::milliseconds::max()
                        ? std::chrono::steady_clock::time_point::max()
                        : std::chrono::steady_clock::now() + timeout;
    for (auto* t : threads) {
        while (t->state() != stream_thread_state::dead && t->state() != stream_thread_state::created &&
               std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (t->state() != stream_thread_state::dead && t->state() != stream_thread_state::created) return;
        t->join();
    }
    if (global_) {
        while (global_->alive() && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        if (global_->alive()) return;
        global_->join();
    }
    set_state(final_state);
}

bool kafka_streams::close(std::chrono::milliseconds timeout) {
    metrics_http_.reset();  // stops serving /metrics and joins its HTTP threads
    streams_state s = state();
    if (s == streams_state::created) {
        set_state(streams_state::not_running);
        return true;
    }
    if (s == streams_state::not_running || s == streams_state::error) {
        if (shutdown_thread_.joinable() && shutdown_thread_.get_id() != std::this_thread::get_id()) {
            shutdown_thread_.join();
        }
        return true;
    }
    if (s == streams_state::pending_error) {
        std::unique_lock l(mutex_);
        bool done = state_changed_.wait_for(l, timeout == std::chrono::milliseconds::max() ? std::chrono::hours(24) : timeout,
                                            [this] { return state_ == streams_state::error; });
        l.unlock();
        if (done && shutdown_thread_.joinable()) shutdown_thread_.join();
        return done;
    }
    set_state(streams_state::pending_shutdown);
    stop_threads(streams_state::not_running, timeout);
    return state() == streams_state::not_running;
}

void kafka_streams::clean_up() {
    streams_state s = state();
    if (s != streams_state::created && s != streams_state::not_running && s != streams_state::error) {
        throw std::logic_error("clean_up() only before start() or after close()");
    }
    status st = state_dir_->clean();
    if (!st) throw streams_exception(st.error().message);
}

metrics_snapshot kafka_streams::metrics() const { return metrics_->snapshot(); }

text_metrics_snapshot kafka_streams::text_metrics() const { return metrics_->text_snapshot(); }

std::string kafka_streams::metrics_url() const { return metrics_http_ ? metrics_http_->url() : std::string(); }

std::vector<std::string> kafka_streams::thread_names() const {
    std::lock_guard l(mutex_);
    std::vector<std::string> out;
    for (const auto& t : threads_) {
        if (t->state() != stream_thread_state::dead) out.push_back(t->name());
    }
    return out;
}

}  // namespace samsa::streams

namespace samsa::streams {

std::vector<thread_metadata> kafka_streams::metadata_for_local_threads() const {
    std::lock_guard l(mutex_);
    std::vector<thread_metadata> out;
    for (const auto& t : threads_) {
        if (t->state() == stream_thread_state::dead) continue;
        thread_metadata m{t->name(), internal::to_string(t->state()), {}};
        for (const auto& id : t->active_tasks()) m.active_tasks.push_back(id.to_string());
        out.push_back(std::move(m));
    }
    return out;
}

}  // namespace samsa::streams
