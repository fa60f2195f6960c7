#include "samsa/streams/state/segmented_bytes_store.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <system_error>

#include <spdlog/spdlog.h>

#include "samsa/streams/state/window_key_schema.h"

namespace samsa::streams {

segmented_bytes_store::segmented_bytes_store(std::string name, segmented_store_config config,
                                             segment_factory make_segment)
    : name_(std::move(name)), config_(config), make_segment_(std::move(make_segment)),
      buffer_writes_(config.persistent) {
    if (config_.segment_interval_ms <= 0) config_.segment_interval_ms = default_segment_interval(config_.retention_ms);
}

segmented_bytes_store::~segmented_bytes_store() { close(); }

status segmented_bytes_store::init(const store_context& context) {
    segment_context_ = context;
    // Segments live one level down, in a directory named after the store.
    segment_context_.task_dir = context.task_dir / name_;
    segment_context_.changelog = nullptr;
    open_ = true;
    if (config_.persistent) return open_existing_segments();
    return ok();
}

status segmented_bytes_store::open_existing_segments() {
    std::error_code ec;
    std::filesystem::path dir = segment_context_.task_dir / "rocksdb";
    if (!std::filesystem::is_directory(dir, ec)) return ok();
    std::string prefix = name_ + ".";
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        std::string file = entry.path().filename().string();
        if (file.rfind(prefix, 0) != 0) continue;
        int64_t start = 0;
        try {
            start = std::stoll(file.substr(prefix.size()));
        } catch (const std::exception&) {
            continue;  // not one of ours
        }
        int64_t id = segment_id(start);
        auto segment = make_segment_(segment_name(id));
        status s = segment->init(segment_context_);
        if (!s) return s;
        segments_.emplace(id, std::move(segment));
    }
    if (ec) return make_error(errc::io_error, "cannot list " + dir.string() + ": " + ec.message());
    return ok();
}

void segmented_bytes_store::flush() {
    write_down_pending();
    for (auto& [id, segment] : segments_) segment->flush();
}

void segmented_bytes_store::close() {
    if (open_) {
        // close() also runs from the destructor: a failed write-down is
        // logged, not thrown (the changelog still holds these writes).
        try {
            write_down_pending();
        } catch (const std::exception& e) {
            spdlog::warn("Failed to write pending writes of store {} down on close: {}", name_, e.what());
        }
    }
    pending_.clear();
    for (auto& [id, segment] : segments_) segment->close();
    segments_.clear();
    open_ = false;
}

std::string segmented_bytes_store::segment_name(int64_t id) const {
    return name_ + "." + std::to_string(id * config_.segment_interval_ms);
}

int64_t segmented_bytes_store::segment_time(bytes_view key) const {
    return config_.key_kind == segmented_key_kind::window ? window_key_schema::store_key_timestamp(key)
                                                          : session_key_schema::end_time(key);
}

// Kafka: records expire exactly retention ms after their time.
bool segmented_bytes_store::expired(int64_t time) const {
    if (observed_stream_time_ == -1) return false;
    int64_t oldest_expired = observed_stream_time_ - config_.retention_ms;
    return config_.time_first ? time < oldest_expired : time <= oldest_expired;
}

key_value_bytes_store* segmented_bytes_store::live_segment_for(int64_t time) {
    int64_t min_live_segment = segment_id(observed_stream_time_ - config_.retention_ms);
    int64_t id = segment_id(time);
    key_value_bytes_store* out = nullptr;
    if (id >= min_live_segment) {
        auto it = segments_.find(id);
        if (it == segments_.end()) {
            auto segment = make_segment_(segment_name(id));
            status s = segment->init(segment_context_);
            if (!s) throw state_store_error("cannot open segment " + segment_name(id) + ": " + s.error().message);
            it = segments_.emplace(id, std::move(segment)).first;
        }
        out = it->second.get();
    }
    drop_segments_before(min_live_segment);
    return out;
}

void segmented_bytes_store::drop_segments_before(int64_t min_live_segment) {
    if (segments_.empty() || segments_.begin()->first >= min_live_segment) return;
    drop_pending_before(min_live_segment);
    while (!segments_.empty() && segments_.begin()->first < min_live_segment) {
        auto node = segments_.extract(segments_.begin());
        node.mapped()->close();
        if (config_.persistent) {
            std::error_code ec;
            std::filesystem::remove_all(segment_context_.task_dir / "rocksdb" / segment_name(node.key()), ec);
            if (ec) spdlog::warn("Failed to delete expired segment {} of store {}: {}", node.key(), name_, ec.message());
        }
    }
}

void segmented_bytes_store::drop_pending_before(int64_t min_live_segment) {
    std::erase_if(pending_, [&](const auto& e) { return segment_id(segment_time(e.first)) < min_live_segment; });
}

void segmented_bytes_store::write_down_pending() {
    if (pending_.empty()) return;
    if (pending_.size() == 1) {
        // A stream-stream join's probe right after one put: no batching.
        auto node = pending_.extract(pending_.begin());
        auto it = segments_.find(segment_id(segment_time(node.key())));
        if (it == segments_.end()) return;
        const auto& v = node.mapped();
        it->second->put(node.key(), v ? std::optional<bytes_view>(*v) : std::nullopt);
        return;
    }
    std::map<int64_t, std::vector<bytes_entry>> by_segment;
    while (!pending_.empty()) {
        auto node = pending_.extract(pending_.begin());
        int64_t id = segment_id(segment_time(node.key()));
        by_segment[id].push_back(bytes_entry{std::move(node.key()), std::move(node.mapped())});
    }
    for (auto& [id, entries] : by_segment) {
        // A segment dropped since took its pending writes with it.
        if (auto it = segments_.find(id); it != segments_.end()) it->second->put_all(entries);
    }
}

void segmented_bytes_store::check_open() const {
    if (!open_) throw state_store_error("state store " + name_ + " is not open");
}

std::optional<bytes> segmented_bytes_store::get(bytes_view key) {
    check_open();
    int64_t time = segment_time(key);
    if (expired(time)) return std::nullopt;
    if (auto p = pending_.find(key); p != pending_.end()) return p->second;
    auto it = segments_.find(segment_id(time));
    if (it == segments_.end()) return std::nullopt;
    return it->second->get(key);
}

void segmented_bytes_store::put(bytes_view key, std::optional<bytes_view> value) {
    check_open();
    int64_t time = segment_time(key);
    observed_stream_time_ = std::max(observed_stream_time_, time);
    key_value_bytes_store* segment = live_segment_for(time);
    if (segment == nullptr) {
        spdlog::warn("Skipping record for expired segment. store=[{}] time=[{}] streamTime=[{}]", name_, time,
                     observed_stream_time_);
        return;
    }
    if (!buffer_writes_) {
        segment->put(key, value);
        return;
    }
    std::optional<bytes> v;
    if (value) v.emplace(value->begin(), value->end());
    if (auto p = pending_.find(key); p != pending_.end()) {
        p->second = std::move(v);
        return;
    }
    if (pending_.size() >= max_pending_writes) write_down_pending();
    pending_.emplace(bytes(key.begin(), key.end()), std::move(v));
}

std::optional<bytes> segmented_bytes_store::put_if_absent(bytes_view key, std::optional<bytes_view> value) {
    auto previous = get(key);
    if (!previous) put(key, value);
    return previous;
}

void segmented_bytes_store::put_all(std::span<const bytes_entry> entries) {
    for (const auto& e : entries) put(e.key, e.value ? std::optional<bytes_view>(*e.value) : std::nullopt);
}

std::optional<bytes> segmented_bytes_store::remove(bytes_view key) {
    auto old = get(key);
    put(key, std::nullopt);
    return old;
}

template<class Scan>
std::unique_ptr<bytes_iterator> segmented_bytes_store::collect(Scan scan, bool skip_expired) {
    check_open();
    write_down_pending();
    std::vector<key_value<bytes, bytes>> items;
    for (auto& [id, segment] : segments_) {
        auto it = scan(*segment);
        while (it->has_next()) {
            auto kv = it->next();
            if (!skip_expired || !expired(segment_time(kv.key))) items.push_back(std::move(kv));
        }
    }
    return std::make_unique<vector_key_value_iterator<bytes, bytes>>(std::move(items));
}

std::unique_ptr<bytes_iterator> segmented_bytes_store::range(bytes_view from, bytes_view to) {
    return collect([&](key_value_bytes_store& s) { return s.range(from, to); });
}

std::unique_ptr<bytes_iterator> segmented_bytes_store::all() {
    return collect([](key_value_bytes_store& s) { return s.all(); });
}

std::unique_ptr<bytes_iterator> segmented_bytes_store::all_in_live_segments() {
    return collect([](key_value_bytes_store& s) { return s.all(); }, false);
}

std::unique_ptr<bytes_iterator> segmented_bytes_store::prefix_scan(bytes_view prefix) {
    return collect([&](key_value_bytes_store& s) { return s.prefix_scan(prefix); });
}

int64_t segmented_bytes_store::approximate_num_entries() {
    write_down_pending();
    int64_t n = 0;
    for (auto& [id, segment] : segments_) n += segment->approximate_num_entries();
    return n;
}

std::vector<int64_t> segmented_bytes_store::segment_ids() const {
    std::vector<int64_t> out;
    for (const auto& [id, segment] : segments_) out.push_back(id);
    return out;
}

}  // namespace samsa::streams
