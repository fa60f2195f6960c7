#include "samsa/streams/testing/topology_test_driver.h"

#include <atomic>
#include <random>
#include <set>
#include <stdexcept>

#include <spdlog/spdlog.h>

namespace samsa::streams::testing {

class topology_test_driver::collector final : public internal::record_collector {
public:
    void send(internal::produced_record r) override { produced.push_back(std::move(r)); }
    std::vector<internal::produced_record> produced;
};

namespace {

std::filesystem::path fresh_state_dir() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    auto dir = std::filesystem::temp_directory_path() /
               ("samsa-ttd-" + std::to_string(rd()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace

topology_test_driver::topology_test_driver(topology t, std::map<std::string, std::string> properties,
                                           int64_t initial_wall_clock_ms)
    : topology_(std::move(t)), wall_clock_ms_(initial_wall_clock_ms), collector_(std::make_unique<collector>()) {
    auto app = properties.find("application.id");
    application_id_ = app != properties.end() ? app->second : "topology-test-driver";
    if (auto h = properties.find("default.deserialization.exception.handler"); h != properties.end()) {
        auto handler = parse_deserialization_handler(h->second);
        if (!handler) {
            throw std::invalid_argument("Invalid value " + h->second +
                                        " for configuration default.deserialization.exception.handler: expected "
                                        "logAndFail or logAndContinue");
        }
        on_deserialization_error_ = *handler;
    }
    auto dir = properties.find("state.dir");
    if (dir != properties.end()) {
        state_dir_ = dir->second;
        std::filesystem::create_directories(state_dir_);
    } else {
        state_dir_ = fresh_state_dir();
        owns_state_dir_ = true;
    }
    build_task();
}

topology_test_driver::~topology_test_driver() {
    for (auto& n : nodes_) n->close();
    task_.reset();
    global_task_.reset();
    if (owns_state_dir_) {
        std::error_code ec;
        std::filesystem::remove_all(state_dir_, ec);
    }
}

void topology_test_driver::build_task() {
    const auto& b = topology_.internal_builder();
    auto clock = [this] { return wall_clock_ms_; };
    internal::task_config global_config{application_id_, "global", 0, state_dir_ / application_id_ / "global"};
    global_task_ = std::make_unique<internal::task_context>(global_config, *collector_, clock);
    internal::task_config config{application_id_, "0_0", 0, state_dir_ / application_id_ / "0_0"};
    task_ = std::make_unique<internal::task_context>(config, *collector_, clock);
    for (const auto& [name, builder] : b.global_store_builders()) {
        global_task_->add_store(builder);
        task_->add_global_store(name, &global_task_->store(name));
    }
    for (const auto& [name, builder] : b.stores()) task_->add_store(builder);

    std::map<std::string, internal::processor_node_base*> by_name;
    std::set<std::string> global_nodes;
    for (const auto& g : b.global_stores()) {
        global_nodes.insert(g.source_name);
        global_nodes.insert(g.processor_name);
    }
    for (const auto& f : b.nodes()) {
        std::unique_ptr<internal::processor_node_base> node;
        switch (f.kind) {
            case internal::node_kind::source: {
                auto src = f.make_source();
                for (const auto& topic : f.topics) {
                    if (global_nodes.count(f.name)) global_sources_[topic] = src.get();
                    else sources_[b.is_internal_topic(topic) ? application_id_ + "-" + topic : topic] = src.get();
                }
                node = std::move(src);
                break;
            }
            case internal::node_kind::processor:
                node = f.make_processor();
                break;
            case internal::node_kind::sink:
                node = f.make_sink(f.extractor.empty() && b.is_internal_topic(f.topic) ? application_id_ + "-" + f.topic
                                                                                       : f.topic);
                break;
        }
        for (const auto& p : f.predecessors) by_name.at(p)->add_child(node.get());
        by_name[f.name] = node.get();
        nodes_.push_back(std::move(node));
    }
    for (size_t i = 0; i < nodes_.size(); ++i) {
        nodes_[i]->init(global_nodes.count(nodes_[i]->name()) ? *global_task_ : *task_);
    }
}

void topology_test_driver::pipe_raw(const std::string& topic, internal::raw_record r) {
    r.metadata.topic = topic;
    r.metadata.partition = 0;
    r.metadata.offset = offsets_[topic]++;
    if (auto g = global_sources_.find(topic); g != global_sources_.end()) {
        global_task_->set_current(r.metadata, r.timestamp, r.headers);
        process_or_skip(*g->second, r, *global_task_);
        capture_outputs();
        return;
    }
    auto it = sources_.find(topic);
    if (it == sources_.end()) {
        throw std::invalid_argument("Unknown topic: " + topic + " (no source of the topology reads it)");
    }
    task_->observe_timestamp(r.timestamp);
    task_->set_current(r.metadata, r.timestamp, r.headers);
    if (process_or_skip(*it->second, r, *task_)) task_->maybe_punctuate_stream_time();
    capture_outputs();
}

// As the runtime's stream_task: a serde_error from the source (or further
// down) is the deserialization handler's to decide.
bool topology_test_driver::process_or_skip(internal::source_node_base& source, const internal::raw_record& r,
                                           internal::task_context& task) {
    try {
        source.process_raw(r);
        return true;
    } catch (const serde_error& e) {
        if (on_deserialization_error_ == deserialization_handler_response::fail) throw;
        spdlog::warn("[streams] skipping a record that cannot be deserialized at {}-{}@{} "
                     "(default.deserialization.exception.handler=logAndContinue): {}",
                     r.metadata.topic, r.metadata.partition, r.metadata.offset, e.what());
        task.record_dropped();
        return false;
    }
}

void topology_test_driver::capture_outputs() {
    std::vector<internal::produced_record> produced;
    produced.swap(collector_->produced);
    for (auto& p : produced) {
        // Moved into its queue first (deque references survive push_back),
        // so a record fed back is copied once, not twice.
        auto& queue = outputs_[p.topic];
        queue.push_back(std::move(p));
        const internal::produced_record& captured = queue.back();
        if (sources_.count(captured.topic) || global_sources_.count(captured.topic)) {
            internal::raw_record r;
            r.key = captured.key;
            r.value = captured.value;
            r.timestamp = captured.timestamp;
            r.headers = captured.headers;
            std::string topic = captured.topic;  // the queue may be cleared by the time pipe_raw returns
            pipe_raw(topic, std::move(r));
        }
    }
}

void topology_test_driver::advance_wall_clock_time(std::chrono::milliseconds advance) {
    wall_clock_ms_ += advance.count();
    task_->maybe_punctuate_system_time();
    capture_outputs();
}

key_value_bytes_store& topology_test_driver::state_store(const std::string& name) {
    if (!task_->has_store(name)) throw std::out_of_range("no state store named '" + name + "'");
    return task_->store(name);
}

std::vector<std::string> topology_test_driver::state_store_names() const {
    auto out = task_->store_names();
    for (const auto& n : global_task_->store_names()) out.push_back(n);
    return out;
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
    return task_->dropped_records() + global_task_->dropped_records();
}

std::vector<std::string> topology_test_driver::produced_topic_names() const {
    std::vector<std::string> out;
    for (const auto& [t, q] : outputs_) out.push_back(t);
    return out;
}

}  // namespace samsa::streams::testing
