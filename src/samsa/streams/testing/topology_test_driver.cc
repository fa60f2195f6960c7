#include "samsa/streams/testing/topology_test_driver.h"

#include <algorithm>
#include <atomic>
#include <random>
#include <stdexcept>
#include <unordered_map>

#include <spdlog/spdlog.h>

#include "samsa/streams/internal/runtime/global_state_task.h"
#include "samsa/streams/internal/runtime/queryable_store_registry.h"
#include "samsa/streams/internal/runtime/state_directory.h"
#include "samsa/streams/internal/runtime/stream_task.h"
#include "samsa/streams/internal/runtime/topology_metadata.h"

namespace samsa::streams::testing {

using internal::consumed_record;
using internal::produced_record;
using internal::topic_partition;

namespace {

// A map by topic partition whose lookups by view first try the address of
// the view's characters: produced records carry views of a few long-lived
// names (a sink's topic, a changelog's), so most lookups hash a pointer
// instead of comparing long names ("<application.id>-KSTREAM-...-repartition")
// along a tree path. A hint is only a guess, checked against the entry's
// name, so a view whose string has gone (or a temporary) is found by name.
template<class T>
class by_topic_partition {
public:
    using map_type = std::map<topic_partition, T, internal::partition_less>;

    // The entry of (topic, partition), nullptr when absent.
    const T* find(std::string_view topic, int32_t partition) const {
        auto it = locate(topic, partition);
        return it == entries_.end() ? nullptr : &it->second;
    }
    // The entry of (topic, partition), made by make() when absent.
    template<class Make>
    T& find_or_add(std::string_view topic, int32_t partition, Make&& make) {
        auto it = locate(topic, partition);
        if (it == entries_.end()) {
            it = entries_.emplace(topic_partition{std::string(topic), partition}, make()).first;
            remember(topic, partition, it);
        }
        return it->second;
    }

private:
    struct hint_key {
        const char* data;
        size_t size;
        int32_t partition;
        bool operator==(const hint_key&) const = default;
    };
    struct hint_hash {
        size_t operator()(const hint_key& k) const {
            return std::hash<const void*>{}(k.data) ^ (k.size << 16) ^ static_cast<size_t>(k.partition);
        }
    };
    // Bounds the hints when many short-lived strings name topics.
    static constexpr size_t max_hints = 256;

    typename map_type::iterator locate(std::string_view topic, int32_t partition) const {
        hint_key key{topic.data(), topic.size(), partition};
        if (auto h = hints_.find(key); h != hints_.end() && std::string_view(h->second->first.topic) == topic) {
            return h->second;
        }
        auto it = entries_.find(internal::partition_ref{topic, partition});
        if (it != entries_.end()) remember(topic, partition, it);
        return it;
    }
    void remember(std::string_view topic, int32_t partition, typename map_type::iterator it) const {
        if (hints_.size() >= max_hints) hints_.clear();
        hints_[hint_key{topic.data(), topic.size(), partition}] = it;
    }

    // mutable: const lookups learn hints too; entries are only added by
    // find_or_add().
    mutable map_type entries_;
    mutable std::unordered_map<hint_key, typename map_type::iterator, hint_hash> hints_;
};

}  // namespace

// Every topic the driver has piped or captured a record of (on partition
// 0), found by view.
class topology_test_driver::route_table : public by_topic_partition<topic_route> {};

// Keeps what the task produces until the driver captures it, and numbers
// it per partition as a broker would (the offsets go into checkpoints). It
// counts the records sent to the task's changelogs, so that a commit knows
// when no changelog moved.
class topology_test_driver::collector final : public internal::record_collector {
public:
    void send(produced_record r) override {
        // Looked up by view: no topic string is made per record.
        partition_state& s =
            partitions_.find_or_add(r.topic, r.partition.value_or(0), [] { return partition_state{}; });
        s.last = s.last ? *s.last + 1 : samsa::offset(0);
        if (s.changelog) ++changelog_sends_;
        produced.push_back(std::move(r));
    }
    std::optional<samsa::offset> last_offset(const topic_partition& tp) const override {
        const partition_state* s = partitions_.find(tp.topic, tp.partition);
        return s ? s->last : std::nullopt;
    }
    // One partition per topic, as Kafka's driver tells partitioners.
    std::optional<int32_t> partition_count(const std::string&) override { return 1; }
    // From now on, records sent to tp count in changelog_sends().
    void watch_changelog(const topic_partition& tp) {
        partitions_.find_or_add(tp.topic, tp.partition, [] { return partition_state{}; }).changelog = true;
    }
    // Records sent to watched changelogs so far.
    uint64_t changelog_sends() const { return changelog_sends_; }
    std::vector<produced_record> produced;

private:
    struct partition_state {
        std::optional<samsa::offset> last;  // nullopt: nothing sent yet
        bool changelog = false;
    };
    by_topic_partition<partition_state> partitions_;
    uint64_t changelog_sends_ = 0;
};

namespace {

// The integer property `name`, or `fallback` when absent; Kafka's message
// when it is not a whole number >= 0.
int64_t non_negative_property(const std::map<std::string, std::string>& properties, const std::string& name,
                              int64_t fallback) {
    auto it = properties.find(name);
    if (it == properties.end()) return fallback;
    try {
        size_t used = 0;
        const int64_t n = std::stoll(it->second, &used);
        if (used != it->second.size() || n < 0) throw std::invalid_argument(name);
        return n;
    } catch (const std::exception&) {
        throw std::invalid_argument("Invalid value " + it->second + " for configuration " + name +
                                    ": expected an integer >= 0");
    }
}

std::filesystem::path fresh_state_dir() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    auto dir = std::filesystem::temp_directory_path() /
               ("samsa-ttd-" + std::to_string(rd()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir);
    return dir;
}

// Every sub-topology as one, in topology order, as Kafka's driver builds
// its one ProcessorTopology; stores in the order their first user appears.
internal::subtopology_info all_subtopologies(const internal::internal_topology_builder& b,
                                             const internal::topology_metadata& m) {
    std::set<std::string> names;
    internal::subtopology_info all;
    for (const auto& s : m.subtopologies()) {
        names.insert(s.nodes.begin(), s.nodes.end());
        all.source_topics.insert(s.source_topics.begin(), s.source_topics.end());
        all.changelogs.insert(s.changelogs.begin(), s.changelogs.end());
    }
    std::set<std::string> stores;
    for (const auto& s : m.subtopologies()) stores.insert(s.stores.begin(), s.stores.end());
    for (const auto& f : b.nodes()) {
        if (!names.count(f.name)) continue;
        all.nodes.push_back(f.name);
        for (const auto& store : f.stores) {
            if (stores.count(store) && std::find(all.stores.begin(), all.stores.end(), store) == all.stores.end()) {
                all.stores.push_back(store);
            }
        }
    }
    all.partitions = 1;
    return all;
}

}  // namespace

topology_test_driver::topology_test_driver(topology t, std::map<std::string, std::string> properties,
                                           int64_t initial_wall_clock_ms)
    : topology_(std::move(t)), wall_clock_ms_(initial_wall_clock_ms), collector_(std::make_unique<collector>()),
      routes_(std::make_unique<route_table>()) {
    auto app = properties.find("application.id");
    application_id_ = app != properties.end() ? app->second : "topology-test-driver";
    deserialization_handler_response on_deserialization_error = deserialization_handler_response::fail;
    if (auto h = properties.find("default.deserialization.exception.handler"); h != properties.end()) {
        auto handler = parse_deserialization_handler(h->second);
        if (!handler) {
            throw std::invalid_argument("Invalid value " + h->second +
                                        " for configuration default.deserialization.exception.handler: expected "
                                        "logAndFail or logAndContinue");
        }
        on_deserialization_error = *handler;
    }
    int64_t cache_max_bytes = 10 * 1024 * 1024;
    for (const char* name : {"cache.max.bytes.buffering", "statestore.cache.max.bytes"}) {
        cache_max_bytes = non_negative_property(properties, name, cache_max_bytes);
    }
    emit_intervals emit;
    emit.windowed_ms =
        non_negative_property(properties, "__emit.interval.ms.kstreams.windowed.aggregation__", emit.windowed_ms);
    emit.outer_join_ms = non_negative_property(
        properties, "__emit.interval.ms.kstreams.outer.join.spurious.results.fix__", emit.outer_join_ms);
    if (auto it = properties.find("default.timestamp.extractor"); it != properties.end()) {
        default_timestamp_extractor_ = timestamp_extractor_by_name(it->second);
        if (!default_timestamp_extractor_) {
            throw std::invalid_argument("Invalid value " + it->second +
                                        " for configuration default.timestamp.extractor: expected one of "
                                        "FailOnInvalidTimestamp, LogAndSkipOnInvalidTimestamp, "
                                        "UsePartitionTimeOnInvalidTimestamp, WallclockTimestampExtractor");
        }
    }
    auto dir = properties.find("state.dir");
    if (dir != properties.end()) {
        state_dir_ = dir->second;
        std::filesystem::create_directories(state_dir_);
    } else {
        state_dir_ = fresh_state_dir();
        owns_state_dir_ = true;
    }
    try {
        open_tasks(on_deserialization_error, cache_max_bytes, emit);
    } catch (...) {
        // No destructor runs for a constructor that throws.
        task_.reset();
        global_.reset();
        if (owns_state_dir_) {
            std::error_code ec;
            std::filesystem::remove_all(state_dir_, ec);
        }
        throw;
    }
}

void topology_test_driver::open_tasks(deserialization_handler_response on_deserialization_error,
                                      int64_t cache_max_bytes, emit_intervals emit) {
    cache_ = std::make_unique<thread_cache>(cache_max_bytes);
    dirs_ = std::make_unique<internal::state_directory>(state_dir_, application_id_);

    // One partition per topic.
    std::map<std::string, int> ones;
    for (const auto& topic : topology_.source_topics()) ones[topic] = 1;
    auto counts = topology_.validate_copartitioning(ones);
    if (!counts) throw std::invalid_argument(counts.error().message);
    auto metadata = internal::topology_metadata::build(topology_, application_id_, *counts);
    if (!metadata) throw std::invalid_argument(metadata.error().message);
    metadata_ = std::make_unique<internal::topology_metadata>(std::move(*metadata));

    auto clock = [this] { return wall_clock_ms_; };
    env_ = std::make_unique<internal::task_environment>();
    env_->topo = &topology_;
    env_->metadata = metadata_.get();
    env_->state_dir = dirs_.get();
    env_->collector = collector_.get();
    env_->on_deserialization_error = on_deserialization_error;
    env_->wall_clock = clock;
    env_->cache_max_bytes = cache_max_bytes;
    env_->windowed_emit_interval_ms = emit.windowed_ms;
    env_->outer_join_emit_interval_ms = emit.outer_join_ms;
    env_->cache = cache_.get();
    env_->default_timestamp_extractor = default_timestamp_extractor_;
    if (!topology_.internal_builder().global_stores().empty()) {
        auto global_dir = dirs_->directory_for("global");
        if (!global_dir) throw std::runtime_error(global_dir.error().message);
        internal::global_task_options options;
        options.application_id = application_id_;
        options.dir = *global_dir;
        options.wall_clock = clock;
        options.on_deserialization_error = on_deserialization_error;
        auto g = internal::global_state_task::create(topology_, std::move(options));
        if (!g) throw std::logic_error(g.error().message);
        global_ = std::move(*g);
        env_->global_stores = global_->stores();
        for (const auto& [topic, store] : global_->topic_stores()) global_topics_.insert(topic);
    }
    internal::subtopology_info all = all_subtopologies(topology_.internal_builder(), *metadata_);
    if (!all.source_topics.empty()) {
        std::set<topic_partition> inputs;
        for (const auto& topic : all.source_topics) inputs.insert(topic_partition{topic, 0});
        auto task = internal::stream_task::create(internal::task_id{0, 0}, all, inputs, *env_);
        if (!task) throw std::logic_error(task.error().message);
        task_ = std::move(*task);
        task_->mark_running();
        task_topics_.insert(all.source_topics.begin(), all.source_topics.end());
        for (const auto& c : task_->changelogs()) collector_->watch_changelog(c.tp);
    }
}

topology_test_driver::~topology_test_driver() {
    // As Kafka's close(): a last commit (caches flush and forward), then
    // the tasks close.
    try {
        if (task_) {
            task_->prepare_commit();
            (void)task_->post_commit(true);
        }
    } catch (const std::exception& e) {
        spdlog::warn("[streams] topology test driver: the last commit failed: {}", e.what());
    }
    task_.reset();
    global_.reset();
    if (owns_state_dir_) {
        std::error_code ec;
        std::filesystem::remove_all(state_dir_, ec);
    }
}

void topology_test_driver::rethrow(const std::exception& failure) {
    // The task wraps what went wrong; a test wants the exception its own
    // code (or serde) threw.
    if (const auto* f = dynamic_cast<const internal::task_failure*>(&failure); f && f->cause()) {
        std::rethrow_exception(f->cause());
    }
    throw;
}

topology_test_driver::topic_route& topology_test_driver::route(std::string_view topic) {
    return routes_->find_or_add(topic, 0, [&] {
        topic_route r;
        r.to_task = task_topics_.count(topic) > 0;
        r.to_global = global_topics_.count(topic) > 0;
        return r;
    });
}

// A record on partition 0 of topic, at its next offset.
consumed_record topology_test_driver::on_partition_zero(std::string_view topic, topic_route& route,
                                                        internal::raw_record&& r) {
    return consumed_record::copy_of(topic, 0, samsa::offset(route.next_offset++), std::move(r.key), std::move(r.value),
                                    r.timestamp, std::move(r.headers));
}

void topology_test_driver::pipe_raw(const std::string& topic, internal::raw_record r) {
    topic_route& to = route(topic);
    if (to.to_global) {
        process_global(topic, to, std::move(r));
        return;
    }
    if (!to.to_task) {
        throw std::invalid_argument("Unknown topic: " + topic + " (no source of the topology reads it)");
    }
    try {
        // Throws what the timestamp extractor throws (a negative timestamp
        // under FailOnInvalidTimestamp).
        task_->add_record(on_partition_zero(topic, to, std::move(r)));
    } catch (const std::exception& e) {
        rethrow(e);
    }
    complete_all_processable_work();
}

void topology_test_driver::process_global(std::string_view topic, topic_route& route, internal::raw_record r) {
    try {
        global_->update(on_partition_zero(topic, route, std::move(r)));
        global_->flush();
    } catch (const std::exception& e) {
        rethrow(e);
    }
}

// Kafka's TopologyTestDriver.completeAllProcessableWork(): each record,
// then stream-time punctuation and a commit, then what it produced is
// captured and internal records are queued back in.
void topology_test_driver::complete_all_processable_work() {
    capture_outputs();
    if (!task_) return;
    try {
        while (task_->process_one()) {
            task_->maybe_punctuate_stream_time();
            commit();
            capture_outputs();
        }
    } catch (const std::exception& e) {
        capture_outputs();
        rethrow(e);
    }
}

// The runtime's regular commit, minus Kafka: caches flush and forward,
// checkpoints when due.
void topology_test_driver::commit() {
    task_->prepare_commit();
    // The checkpoint test depends only on how far the changelogs moved (the
    // driver restores nothing): when no changelog record was sent since the
    // last test, it would answer as it did then (nothing due, or just
    // written), so it is not asked again.
    const uint64_t sends = collector_->changelog_sends();
    if (sends == changelog_sends_at_commit_) return;
    status st = task_->post_commit(false);
    if (!st) throw std::runtime_error("topology test driver: checkpoint: " + st.error().message);
    changelog_sends_at_commit_ = sends;
}

void topology_test_driver::capture_outputs() {
    // Swapped with a vector kept for the purpose, so that neither gives its
    // capacity back: the task sends a few records per input record. What an
    // exception left in it last time is dropped, as before.
    capturing_.clear();
    capturing_.swap(collector_->produced);
    for (auto& p : capturing_) {
        topic_route& to = route(p.topic);
        if (!to.output) {
            auto out = outputs_.find(p.topic);
            if (out == outputs_.end()) out = outputs_.emplace(std::string(p.topic), std::deque<produced_record>{}).first;
            to.output = &out->second;
        }
        to.output->push_back(std::move(p));
        if (!to.to_task && !to.to_global) continue;
        // Kept for the output topic and queued for the task, as Kafka's
        // driver does with one byte array; here the task gets a copy.
        const produced_record& captured = to.output->back();
        internal::raw_record r;
        r.key = captured.key;
        r.value = captured.value;
        r.timestamp = captured.timestamp;
        r.headers = captured.headers;
        if (to.to_global) {
            process_global(captured.topic, to, std::move(r));
            continue;
        }
        task_->add_record(on_partition_zero(captured.topic, to, std::move(r)));
    }
    capturing_.clear();
}

void topology_test_driver::advance_wall_clock_time(std::chrono::milliseconds advance) {
    wall_clock_ms_ += advance.count();
    if (task_) {
        try {
            task_->maybe_punctuate_wall_clock();
            commit();
        } catch (const std::exception& e) {
            capture_outputs();
            rethrow(e);
        }
    }
    complete_all_processable_work();
}

key_value_bytes_store& topology_test_driver::state_store(const std::string& name) {
    if (task_ && task_->context().has_store(name)) return task_->context().store(name);
    if (global_ && global_->context().has_store(name)) return global_->context().store(name);
    throw std::out_of_range("no state store named '" + name + "'");
}

std::vector<std::string> topology_test_driver::state_store_names() const {
    std::vector<std::string> out;
    if (task_) out = task_->context().store_names();
    if (global_) {
        for (const auto& n : global_->context().store_names()) out.push_back(n);
    }
    return out;
}

// The driver's one task holds every partition's state as partition 0; it
// is always running, and queries run on the driver's thread (no locks).
class topology_test_driver::driver_store_provider final : public queryable_store_provider {
public:
    explicit driver_store_provider(topology_test_driver& driver) : driver_(&driver) {}
    void visit(const store_query_target& target,
               const std::function<bool(key_value_bytes_store&)>& visitor) override {
        if (target.partition && *target.partition != 0) {
            throw invalid_state_store_partition_exception("The specified partition " +
                                                          std::to_string(*target.partition) + " for store " +
                                                          target.store_name + " does not exist.");
        }
        visitor(driver_->state_store(target.store_name));
    }

private:
    topology_test_driver* driver_;
};

queried_store_info topology_test_driver::check_queryable(const std::string& store_name, const std::string& type_name,
                                                         const std::vector<store_kind>& accepts) const {
    return internal::describe_queried_store(topology_, application_id_, store_name, type_name, accepts);
}

queryable_store_provider& topology_test_driver::query_provider() {
    if (!queries_) queries_ = std::make_unique<driver_store_provider>(*this);
    return *queries_;
}

bool topology_test_driver::store_is_timestamped(const std::string& name) const {
    const auto& b = topology_.internal_builder();
    if (auto it = b.stores().find(name); it != b.stores().end()) return it->second.timestamped();
    if (auto it = b.global_store_builders().find(name); it != b.global_store_builders().end()) {
        return it->second.timestamped();
    }
    return false;
}

int64_t topology_test_driver::dropped_records() const {
    return (task_ ? task_->context().dropped_records() : 0) + (global_ ? global_->context().dropped_records() : 0);
}

std::vector<std::string> topology_test_driver::produced_topic_names() const {
    std::vector<std::string> out;
    for (const auto& [t, q] : outputs_) out.push_back(t);
    return out;
}

}  // namespace samsa::streams::testing
