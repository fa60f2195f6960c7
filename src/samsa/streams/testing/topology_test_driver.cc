#include "samsa/streams/testing/topology_test_driver.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <random>
#include <stdexcept>

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

// What the driver knows of one topic. Only partition 0 exists in the
// driver (partition_count() answers 1 for every topic, and the task is 0_0);
// a record sent to another partition is numbered apart (collector).
struct topology_test_driver::topic_route {
    // The topic's name, stable while the driver lives: records queued for
    // the task view it.
    std::string name;
    // Where captured records of it are kept; made at its first one.
    std::deque<produced_record>* output = nullptr;
    bool to_task = false;
    bool to_global = false;
    // The task's index of (name, 0) when to_task (stream_task::input_index):
    // records are added by it, not by name.
    size_t input_index = 0;
    // The offset the next record read from it gets (piped or read back).
    int64_t next_offset = 0;
    // The collector's numbering of what the task wrote to it, as a broker's:
    // the last offset sent (nullopt: nothing yet), and whether it is one of
    // the task's changelogs.
    std::optional<samsa::offset> last_sent;
    bool changelog = false;
};

// Every topic the driver has piped, captured or watched, found by view.
// The task's records name their topics with views of a few names that live
// as long as it (a sink's topic, a changelog's: produced_record), so the
// addresses of those are tried first, in a short array; a match there is
// still checked by text, so a view of another name at a reused address is
// found by what it says. Names a test passes (pipe_raw) are looked up by
// text only: they are often short-lived, and would crowd the array.
class topology_test_driver::route_table {
public:
    // classify: fills a new route's to_task, to_global and input_index.
    explicit route_table(std::function<void(topic_route&)> classify) : classify_(std::move(classify)) {}

    // For a view of a name that outlives the task's use of it.
    topic_route& find(std::string_view topic) {
        for (const hint& h : hints_) {
            if (h.data == topic.data() && h.route->name == topic) return *h.route;
        }
        topic_route& r = find_by_name(topic);
        if (hints_.size() >= max_hints) hints_.erase(hints_.begin());
        hints_.push_back(hint{topic.data(), &r});
        return r;
    }
    // For any view.
    topic_route& find_by_name(std::string_view topic) {
        auto it = by_name_.find(topic);
        if (it == by_name_.end()) {
            auto r = std::make_unique<topic_route>();
            r->name = std::string(topic);
            classify_(*r);
            it = by_name_.emplace(r->name, std::move(r)).first;
        }
        return *it->second;
    }

    // For a name a test passes: its text is compared with the last one's
    // first (a test pipes runs of records into one topic), then the names
    // are searched.
    topic_route& find_piped(std::string_view topic) {
        if (last_piped_ == nullptr || last_piped_->name != topic) last_piped_ = &find_by_name(topic);
        return *last_piped_;
    }
    // Classifies every route again: those made while the tasks were being
    // opened (a changelog's) were made before the driver knew its topics.
    void classify_again() {
        for (auto& [name, r] : by_name_) classify_(*r);
    }

private:
    struct hint {
        const char* data;
        topic_route* route;
    };
    // Bounds the scan: a topology writes to few topics.
    static constexpr size_t max_hints = 16;

    std::function<void(topic_route&)> classify_;
    std::map<std::string, std::unique_ptr<topic_route>, std::less<>> by_name_;
    std::vector<hint> hints_;
    topic_route* last_piped_ = nullptr;
};

// Keeps what the task produces until the driver captures it, each record
// with its topic's route (found once, here), and numbers it per partition
// as a broker would (the offsets go into checkpoints). It counts the
// records sent to the task's changelogs, so that a commit knows when no
// changelog moved.
class topology_test_driver::collector final : public internal::record_collector {
public:
    explicit collector(route_table& routes) : routes_(&routes) {}

    void send(produced_record&& r) override {
        topic_route& to = routes_->find(r.topic);
        std::optional<samsa::offset>& last = r.partition.value_or(0) == 0 ? to.last_sent : other(r.topic, *r.partition);
        last = last ? *last + 1 : samsa::offset(0);
        if (to.changelog) ++changelog_sends_;
        produced.emplace_back(std::move(r), &to);
    }
    std::optional<samsa::offset> last_offset(const topic_partition& tp) const override {
        if (tp.partition == 0) return routes_->find(tp.topic).last_sent;
        auto it = other_.find(tp);
        return it == other_.end() ? std::nullopt : it->second;
    }
    // One partition per topic, as Kafka's driver tells partitioners.
    std::optional<int32_t> partition_count(const std::string&) override { return 1; }
    // From now on, records sent to (topic, 0) count in changelog_sends().
    void watch_changelog(const std::string& topic) { routes_->find(topic).changelog = true; }
    // Records sent to watched changelogs so far.
    uint64_t changelog_sends() const { return changelog_sends_; }
    std::vector<std::pair<produced_record, topic_route*>> produced;

private:
    // A partition other than 0 (none in practice: see topic_route).
    std::optional<samsa::offset>& other(std::string_view topic, int32_t partition) {
        return other_[topic_partition{std::string(topic), partition}];
    }

    route_table* routes_;
    std::map<topic_partition, std::optional<samsa::offset>> other_;
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
    : topology_(std::move(t)), wall_clock_ms_(initial_wall_clock_ms),
      routes_(std::make_unique<route_table>([this](topic_route& r) {
          r.to_task = task_topics_.count(r.name) > 0;
          r.to_global = global_topics_.count(r.name) > 0;
          if (r.to_task && task_) r.input_index = task_->input_index(internal::partition_ref(r.name, 0)).value();
      })),
      collector_(std::make_unique<collector>(*routes_)) {
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
        for (const auto& c : task_->changelogs()) collector_->watch_changelog(c.tp.topic);
    }
    routes_->classify_again();
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
    // A test pipes runs of records into one topic: its text is compared
    // with the last one's before the names are searched.
    return routes_->find_piped(topic);
}

consumed_record topology_test_driver::piped_record(topic_route& route, internal::raw_record&& r) {
    piped_.key = std::move(r.key);
    piped_.value = std::move(r.value);
    consumed_record c;
    c.tp = internal::partition_ref(route.name, 0);
    c.offset = samsa::offset(route.next_offset++);
    if (piped_.key) c.key = bytes_view(*piped_.key);
    if (piped_.value) c.value = bytes_view(*piped_.value);
    c.timestamp = r.timestamp;
    c.headers = std::move(r.headers);
    return c;
}

consumed_record topology_test_driver::viewed_record(topic_route& route, const produced_record& p) {
    consumed_record c;
    c.tp = internal::partition_ref(route.name, 0);
    c.offset = samsa::offset(route.next_offset++);
    if (p.key) c.key = bytes_view(*p.key);
    if (p.value) c.value = bytes_view(*p.value);
    c.timestamp = p.timestamp;
    c.headers = p.headers;
    return c;
}

void topology_test_driver::release_views() {
    if (task_) task_->copy_borrowed_records();
}

void topology_test_driver::fail_after_capture(const std::exception& failure) {
    // What the task produced before it failed is captured; records it still
    // buffers stop viewing the output queues.
    try {
        capture_outputs();
    } catch (...) {
        release_views();
        throw;
    }
    release_views();
    rethrow(failure);
}

void topology_test_driver::pipe_raw(const std::string& topic, internal::raw_record r) {
    topic_route& to = route(topic);
    if (to.to_global) {
        process_global(piped_record(to, std::move(r)));
        return;
    }
    if (!to.to_task) {
        throw std::invalid_argument("Unknown topic: " + topic + " (no source of the topology reads it)");
    }
    try {
        // Throws what the timestamp extractor throws (a negative timestamp
        // under FailOnInvalidTimestamp).
        task_->add_record(piped_record(to, std::move(r)), to.input_index);
    } catch (const std::exception& e) {
        rethrow(e);
    }
    complete_all_processable_work();
}

void topology_test_driver::process_global(consumed_record r) {
    try {
        global_->update(std::move(r));
        global_->flush();
    } catch (const std::exception& e) {
        rethrow(e);
    }
}

// Kafka's TopologyTestDriver.completeAllProcessableWork(): each record,
// then stream-time punctuation and a commit, then what it produced is
// captured and internal records are queued back in.
void topology_test_driver::complete_all_processable_work() {
    try {
        capture_outputs();
    } catch (...) {
        release_views();
        throw;
    }
    if (!task_) return;
    try {
        while (task_->process_one()) {
            task_->maybe_punctuate_stream_time();
            commit();
            capture_outputs();
        }
    } catch (const std::exception& e) {
        fail_after_capture(e);
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
    for (auto& [p, to] : capturing_) {
        if (!to->output) {
            auto out = outputs_.find(to->name);
            if (out == outputs_.end()) out = outputs_.emplace(to->name, std::deque<produced_record>{}).first;
            to->output = &out->second;
        }
        to->output->push_back(std::move(p));
        if (!to->to_task && !to->to_global) continue;
        // Kept for the output topic and read back from there, as Kafka's
        // driver does with one byte array: the task views the queue's
        // record (a deque's elements stay where they are as it grows, and
        // nothing reads the queue before the task has processed the record,
        // unless a failure leaves it buffered: release_views()).
        consumed_record r = viewed_record(*to, to->output->back());
        if (to->to_global) {
            process_global(std::move(r));
            continue;
        }
        task_->add_record(std::move(r), to->input_index);
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
            fail_after_capture(e);
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
