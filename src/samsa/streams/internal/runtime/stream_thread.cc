#include "samsa/streams/internal/runtime/stream_thread.h"

#include <algorithm>
#include <stdexcept>

#include <spdlog/spdlog.h>

namespace samsa::streams::internal {

const char* to_string(stream_thread_state s) {
    switch (s) {
        case stream_thread_state::created: return "CREATED";
        case stream_thread_state::starting: return "STARTING";
        case stream_thread_state::partitions_revoked: return "PARTITIONS_REVOKED";
        case stream_thread_state::partitions_assigned: return "PARTITIONS_ASSIGNED";
        case stream_thread_state::running: return "RUNNING";
        case stream_thread_state::pending_shutdown: return "PENDING_SHUTDOWN";
        case stream_thread_state::dead: return "DEAD";
    }
    return "?";
}

namespace {
constexpr size_t max_poll_records = 1000;
constexpr size_t max_restore_records = 10000;
constexpr size_t max_process_per_task = 100;
}  // namespace

stream_thread::stream_thread(std::string name, const streams_config& config, task_environment env,
                             stream_thread_clients clients, state_listener listener)
    : name_(std::move(name)), config_(&config), clients_(std::move(clients)), listener_(std::move(listener)) {
    for (const auto& t : env.metadata->source_topics()) topics_.push_back(t);
    bool eos = config.guarantee == processing_guarantee::exactly_once_v2;
    env.exactly_once = eos;
    collector_ = std::make_unique<stream_record_collector>(*clients_.producer, config.on_production_error, eos);
    restorer_ = std::make_unique<changelog_reader>(*clients_.restore_reader, config.request_timeout);
    restorer_->set_listener(env.restore_listener);
    env.collector = collector_.get();
    cache_ = std::make_unique<thread_cache>(env.cache_max_bytes);
    env.cache = cache_.get();
    env.default_timestamp_extractor = config.default_timestamp_extractor;
    env.max_task_idle_ms = config.max_task_idle_ms;
    // thread-start-time is wall-clock ms, as Kafka's time.milliseconds().
    const int64_t started = env.wall_clock ? env.wall_clock()
                                           : std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 std::chrono::system_clock::now().time_since_epoch())
                                                 .count();
    sensors_ = std::make_unique<thread_sensors>(env.metrics, name_, started);
    env.thread_metrics = env.metrics ? sensors_.get() : nullptr;
    blocking_ = env.thread_metrics;
    if (env.metrics && env.metrics->records(recording_level::debug)) rocksdb_trigger_ = env.metrics;
    restorer_->set_thread_sensors(env.thread_metrics);
    env.thread_id = name_;
    env.fetched_lag = [consumer = clients_.consumer.get()](const topic_partition& tp) {
        return consumer->current_lag(tp);
    };
    tasks_ = std::make_unique<task_manager>(std::move(env), *clients_.consumer, *collector_, *restorer_,
                                            config.buffered_records_per_partition, config.request_timeout);
}

stream_thread::~stream_thread() {
    shutdown();
    join();
    if (!closed_) close(false);
    // The producer goes first: its pending delivery reports refer to the
    // collector.
    tasks_.reset();
    clients_.producer.reset();
}

std::exception_ptr stream_thread::failure() const {
    std::lock_guard lock(failure_mutex_);
    return failure_;
}

void stream_thread::set_state(stream_thread_state s) {
    stream_thread_state before = state_.exchange(s);
    if (before == s) return;
    spdlog::info("[streams] {} {} -> {}", name_, to_string(before), to_string(s));
    if (listener_) listener_(*this, s, before);
}

void stream_thread::start() {
    // The OS thread carries the name too, 15 characters of it (runner_thread.h).
    thread_.start(name_, [this] { run(); });
}

void stream_thread::join() { thread_.join(); }

void stream_thread::run() {
    try {
        while (!stop_requested_) run_once();
        set_state(stream_thread_state::pending_shutdown);
        close(true);
    } catch (const std::exception& e) {
        spdlog::error("[streams] {} failed: {}", name_, e.what());
        {
            std::lock_guard lock(failure_mutex_);
            failure_ = std::current_exception();
        }
        set_state(stream_thread_state::pending_shutdown);
        // A second failure while closing must not escape the thread
        // (std::terminate): the first one is what the application reports.
        try {
            close(false);
        } catch (const std::exception& close_error) {
            spdlog::warn("[streams] {}: closing after the failure failed too: {}", name_, close_error.what());
        }
    }
    set_state(stream_thread_state::dead);
}

void stream_thread::run_once() {
    if (!subscribed_) {
        if (gate_ && !gate_()) {
            std::this_thread::sleep_for(std::min(config_->poll_time, std::chrono::milliseconds(50)));
            return;
        }
        set_state(stream_thread_state::starting);
        if (collector_->exactly_once()) {
            // Fences a zombie with the same transactional.id and aborts
            // what it left open.
            blocked_timer blocked(blocking_);
            status init = collector_->init_transactions(config_->request_timeout);
            if (!init) throw std::runtime_error("cannot initialize transactions: " + init.error().message);
        }
        status st = clients_.consumer->subscribe(topics_, *this);
        if (!st) throw std::runtime_error("cannot subscribe: " + st.error().message);
        subscribed_ = true;
        last_commit_ = last_purge_ = std::chrono::steady_clock::now();
    }
    const auto loop_start = std::chrono::steady_clock::now();
    loop_ = {};
    // Block in poll only when there is nothing else to do: with records
    // buffered a waiting poll would idle the thread for poll.ms per round.
    // With the buffers full (and records to work on) it does not poll at all
    // this round: see task_manager::poll_budget().
    bool buffered = tasks_->has_buffered();
    bool processable = buffered && tasks_->has_processable();
    bool busy = processable || tasks_->restoring();
    size_t budget = std::min(max_poll_records, tasks_->poll_budget());
    // Tasks idling for empty partitions (max.task.idle.ms) need a poll even
    // with the buffers full: see task_manager::pause_full_partitions_of_idle_tasks.
    if (budget == 0 && buffered && !processable && tasks_->pause_full_partitions_of_idle_tasks()) {
        budget = max_poll_records;
    }
    if (budget > 0 || !buffered) {
        poll_records(busy ? std::chrono::milliseconds(0) : config_->poll_time, std::max<size_t>(budget, 1));
    }
    if (tasks_->restoring()) {
        status st = tasks_->restore(config_->poll_time, max_restore_records);
        if (!st) throw std::runtime_error("restoration failed: " + st.error().message);
        if (!tasks_->restoring() && state() == stream_thread_state::partitions_assigned) {
            set_state(stream_thread_state::running);
        }
    } else if (state() == stream_thread_state::partitions_assigned) {
        set_state(stream_thread_state::running);
    }
    try {
        process_and_punctuate();
    } catch (const task_failure& e) {
        // A send refused by a fenced producer is a migration, not a bug.
        if (!collector_->exactly_once() || !collector_->producer_fatal()) throw;
        recover_from_failed_transaction(e.what());
        return;
    }
    collector_->poll();
    maybe_commit();
    record_loop(loop_start);
    if (rocksdb_trigger_) rocksdb_trigger_->maybe_record_rocksdb(metrics_now_ms());
}

namespace {
using std::chrono::nanoseconds;
using std::chrono::steady_clock;

double to_ms(nanoseconds d) { return std::chrono::duration<double, std::milli>(d).count(); }
}  // namespace

// Kafka's StreamThread.runOnce records these once a loop: the records the
// loop processed (0 too) and the share of the loop's time each step took.
// Kafka divides milliseconds, so a loop under 1 ms records 0/0 = NaN there;
// samsa divides nanoseconds of the steady clock.
void stream_thread::record_loop(steady_clock::time_point start) {
    if (!blocking_) return;
    const double total = static_cast<double>((steady_clock::now() - start).count());
    if (total <= 0) return;
    sensors_->process_records->record(static_cast<double>(loop_.processed));
    sensors_->process_ratio->record(static_cast<double>(loop_.process.count()) / total);
    sensors_->punctuate_ratio->record(static_cast<double>(loop_.punctuate.count()) / total);
    sensors_->poll_ratio->record(static_cast<double>(loop_.poll.count()) / total);
    sensors_->commit_ratio->record(static_cast<double>(loop_.commit.count()) / total);
}

void stream_thread::poll_records(std::chrono::milliseconds timeout, size_t max_records) {
    auto start = steady_clock::now();
    status polled = clients_.consumer->poll_into(timeout, max_records, polled_);
    const nanoseconds took = steady_clock::now() - start;
    loop_.poll += took;
    if (blocking_) blocking_->add_blocked(took);
    record_if(sensors_->poll, to_ms(took));
    if (callback_error_) {
        polled_.clear();
        std::rethrow_exception(std::exchange(callback_error_, nullptr));
    }
    if (!polled) throw std::runtime_error("consumer failed: " + polled.error().message);
    // As Kafka: a poll that returned nothing is not recorded.
    if (!polled_.empty()) record_if(sensors_->poll_records, static_cast<double>(polled_.size()));
    tasks_->add_records(polled_);
    polled_.clear();
}

void stream_thread::process_and_punctuate() {
    auto start = steady_clock::now();
    size_t processed = tasks_->process(max_process_per_task);
    const nanoseconds process_took = steady_clock::now() - start;
    loop_.process += process_took;
    loop_.processed += processed;
    if (processed > 0) {
        // As Kafka: the rate counts records, the latency is per record.
        record_if(sensors_->process, static_cast<double>(processed));
        record_if(sensors_->process_latency, to_ms(process_took) / static_cast<double>(processed));
    }
    start = steady_clock::now();
    size_t punctuated = tasks_->punctuate();
    const nanoseconds punctuate_took = steady_clock::now() - start;
    loop_.punctuate += punctuate_took;
    if (punctuated > 0) record_if(sensors_->punctuate, to_ms(punctuate_took) / static_cast<double>(punctuated));
}

void stream_thread::maybe_commit() {
    auto now = steady_clock::now();
    if (now - last_commit_ < config_->commit_interval) return;
    size_t running = tasks_->running_count();
    status st = tasks_->commit();
    last_commit_ = now;
    const nanoseconds took = steady_clock::now() - now;
    loop_.commit += took;
    if (!st && collector_->exactly_once()) {
        recover_from_failed_transaction("commit failed: " + st.error().message);
    } else if (!st) {
        throw task_failure("commit failed: " + st.error().message);
    } else if (running > 0) {
        // As Kafka: a commit of no task is not counted; the latency is per task.
        record_if(sensors_->commit, to_ms(took) / static_cast<double>(running));
        maybe_purge(now);
    }
}

// Kafka 3.8's StreamThread.maybeCommit: after a commit of some task, at most
// once per repartition.purge.interval.ms, the repartition records that
// commit covered are deleted from the broker (TaskManager.
// maybePurgeCommittedRecords), without waiting for the answer: the topics
// would otherwise grow for as long as the application runs.
void stream_thread::maybe_purge(steady_clock::time_point now) {
    if (clients_.purger == nullptr || now - last_purge_ <= config_->repartition_purge_interval) return;
    auto offsets = tasks_->purgeable_offsets();
    if (!offsets.empty()) (void)clients_.purger->purge_records(offsets);
    last_purge_ = now;
}

void stream_thread::replace_fenced_producer() {
    if (!clients_.make_producer) throw std::runtime_error("the producer was fenced and cannot be replaced");
    auto producer = clients_.make_producer();
    if (!producer) throw std::runtime_error("cannot create a new producer: " + producer.error().message);
    // The old one goes first; the failures it reports while it closes are
    // forgotten by replace_producer().
    clients_.producer = std::move(*producer);
    collector_->replace_producer(*clients_.producer);
    status st = collector_->init_transactions(config_->request_timeout);
    if (!st) throw std::runtime_error("cannot initialize transactions: " + st.error().message);
}

void stream_thread::recover_from_failed_transaction(const std::string& why) {
    bool fenced = collector_->producer_fatal();
    spdlog::warn("[streams] {}: {}{}; aborting and rebuilding the tasks", name_, why,
                 fenced ? " (producer fenced: task migrated)" : "");
    if (fenced) replace_fenced_producer();
    status st = tasks_->recover_all();
    publish_tasks();
    if (!st) throw task_failure("cannot recover from a failed transaction: " + st.error().message);
    if (tasks_->has_tasks() && state() == stream_thread_state::running) {
        set_state(stream_thread_state::partitions_assigned);
    }
}

void stream_thread::close(bool clean) {
    if (closed_) return;
    closed_ = true;
    // Records a failure left behind hold the consumer's messages.
    polled_.clear();
    tasks_->close_all(clean);
    publish_tasks();
    if (subscribed_) clients_.consumer->close();
    blocked_timer blocked(blocking_);
    status st = collector_->flush(config_->request_timeout);
    if (!st) spdlog::warn("[streams] {}: producer flush on close: {}", name_, st.error().message);
}

std::vector<task_id> stream_thread::active_tasks() const {
    std::lock_guard lock(tasks_mutex_);
    return published_tasks_;
}

void stream_thread::publish_tasks() {
    auto ids = tasks_->task_ids();
    std::lock_guard lock(tasks_mutex_);
    published_tasks_ = std::move(ids);
}

void stream_thread::on_partitions_revoked(const std::vector<topic_partition>& partitions) {
    set_state(stream_thread_state::partitions_revoked);
    status st = tasks_->handle_revocation(partitions);
    publish_tasks();
    if (!st && !callback_error_) {
        callback_error_ = std::make_exception_ptr(task_failure("commit on revocation failed: " + st.error().message));
    }
}

void stream_thread::on_partitions_assigned(const std::vector<topic_partition>& partitions) {
    set_state(stream_thread_state::partitions_assigned);
    status st = tasks_->handle_assignment(partitions);
    publish_tasks();
    if (!st && !callback_error_) {
        callback_error_ = std::make_exception_ptr(task_failure("cannot create tasks: " + st.error().message));
    }
}

void stream_thread::on_partitions_lost(const std::vector<topic_partition>& partitions) {
    set_state(stream_thread_state::partitions_revoked);
    tasks_->handle_lost(partitions);
    publish_tasks();
}

}  // namespace samsa::streams::internal
