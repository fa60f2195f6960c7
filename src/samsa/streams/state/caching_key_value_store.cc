#include "samsa/streams/state/caching_key_value_store.h"

#include <vector>

namespace samsa::streams {

namespace {

std::optional<bytes_view> view(const std::optional<bytes>& b) {
    if (!b) return std::nullopt;
    return bytes_view(*b);
}

// What an entry costs against cache_max_bytes: its bytes plus a rough
// allowance for the map and list nodes, as Kafka's LRUCacheEntry.size() counts
// its fields.
constexpr int64_t entry_overhead = 64;

}  // namespace

status caching_key_value_store::init(const store_context& context) {
    record_timestamp_ = context.record_timestamp;
    max_bytes_ = context.cache_max_bytes;
    store_context below = context;
    below.record_timestamp = [this] { return flushing_timestamp_ ? *flushing_timestamp_ : current_timestamp(); };
    status s = wrapping_key_value_store::init(below);
    if (!s) return s;
    open_ = true;
    return ok();
}

void caching_key_value_store::flush() {
    if (!open_) return;
    write_dirty_down();
    wrapping_key_value_store::flush();
}

void caching_key_value_store::flush_cache() {
    if (open_) write_dirty_down();
}

void caching_key_value_store::close() {
    if (!open_) return;
    try {
        write_dirty_down();
    } catch (...) {
        cache_.clear(), lru_.clear(), dirty_.clear(), cached_bytes_ = 0, open_ = false;
        wrapping_key_value_store::close();
        throw;
    }
    cache_.clear(), lru_.clear(), dirty_.clear(), cached_bytes_ = 0, open_ = false;
    wrapping_key_value_store::close();
}

void caching_key_value_store::check_open() const {
    if (!open_) throw state_store_error("state store " + name() + " is not open");
}

int64_t caching_key_value_store::current_timestamp() const { return record_timestamp_ ? record_timestamp_() : 0; }

std::optional<bytes> caching_key_value_store::get(bytes_view key) {
    check_open();
    auto it = cache_.find(key);
    if (it != cache_.end()) {
        touch(it->second);
        return it->second.value;
    }
    auto value = wrapping_key_value_store::get(key);
    if (value) {
        // Cache what was read, clean, as Kafka does: the next get is a hit.
        cache_put(key, bytes_view(*value), false, 0);
        evict_if_full();
    }
    return value;
}

void caching_key_value_store::put(bytes_view key, std::optional<bytes_view> value) {
    check_open();
    cache_put(key, value, true, current_timestamp());
    evict_if_full();
}

std::optional<bytes> caching_key_value_store::put_if_absent(bytes_view key, std::optional<bytes_view> value) {
    auto existing = get(key);
    if (!existing) put(key, value);
    return existing;
}

void caching_key_value_store::put_all(std::span<const bytes_entry> entries) {
    for (const auto& e : entries) put(e.key, view(e.value));
}

std::optional<bytes> caching_key_value_store::remove(bytes_view key) {
    auto old = get(key);
    put(key, std::nullopt);
    return old;
}

std::unique_ptr<bytes_iterator> caching_key_value_store::range(bytes_view from, bytes_view to) {
    check_open();
    bytes to_copy(to.begin(), to.end());
    return merge(wrapping_key_value_store::range(from, to), cache_.lower_bound(from),
                 [to_copy](bytes_view key) { return !bytes_less{}(to_copy, key); });
}

std::unique_ptr<bytes_iterator> caching_key_value_store::all() {
    check_open();
    return merge(wrapping_key_value_store::all(), cache_.begin(), [](bytes_view) { return true; });
}

std::unique_ptr<bytes_iterator> caching_key_value_store::prefix_scan(bytes_view prefix) {
    check_open();
    bytes prefix_copy(prefix.begin(), prefix.end());
    return merge(wrapping_key_value_store::prefix_scan(prefix), cache_.lower_bound(prefix),
                 [prefix_copy](bytes_view key) { return starts_with(key, prefix_copy); });
}

void caching_key_value_store::restore(bytes_view key, std::optional<bytes_view> value, int64_t timestamp) {
    auto it = cache_.find(key);
    if (it != cache_.end()) erase(it);
    wrapping_key_value_store::restore(key, value, timestamp);
}

bool caching_key_value_store::set_flush_listener(cache_flush_listener listener, bool send_old_values) {
    listener_ = std::move(listener);
    send_old_values_ = send_old_values;
    return true;
}

int64_t caching_key_value_store::size_of(bytes_view key, const std::optional<bytes>& value) {
    return static_cast<int64_t>(key.size() + (value ? value->size() : 0)) + entry_overhead;
}

void caching_key_value_store::cache_put(bytes_view key, std::optional<bytes_view> value, bool dirty,
                                        int64_t timestamp) {
    auto it = cache_.find(key);
    if (it == cache_.end()) {
        it = cache_.emplace(bytes(key.begin(), key.end()), entry{}).first;
        it->second.lru_pos = lru_.insert(lru_.end(), &it->first);
    } else {
        cached_bytes_ -= size_of(it->first, it->second.value);
        touch(it->second);
    }
    entry& e = it->second;
    e.value = value ? std::optional<bytes>(bytes(value->begin(), value->end())) : std::nullopt;
    e.timestamp = timestamp;
    if (dirty) {
        // Dirty entries are written down in the order of their last write, as
        // Kafka's NamedCache keeps them.
        if (e.dirty) dirty_.erase(e.dirty_pos);
        e.dirty_pos = dirty_.insert(dirty_.end(), &it->first);
        e.dirty = true;
    }
    cached_bytes_ += size_of(it->first, e.value);
}

void caching_key_value_store::touch(entry& e) { lru_.splice(lru_.end(), lru_, e.lru_pos); }

void caching_key_value_store::erase(cache_map::iterator it) {
    cached_bytes_ -= size_of(it->first, it->second.value);
    lru_.erase(it->second.lru_pos);
    if (it->second.dirty) dirty_.erase(it->second.dirty_pos);
    cache_.erase(it);
}

void caching_key_value_store::evict_if_full() {
    // No eviction from inside the flush listener: the cache may run over its
    // budget until the flush returns.
    if (flushing_) return;
    while (cached_bytes_ > max_bytes_ && !lru_.empty()) {
        bytes eldest = *lru_.front();
        auto it = cache_.find(eldest);
        if (it->second.dirty) {
            // As Kafka: evicting a dirty entry writes all dirty entries down.
            write_dirty_down();
            it = cache_.find(eldest);
            if (it == cache_.end()) continue;
            if (it->second.dirty) break;  // the listener wrote it again; keep it
        }
        erase(it);
    }
}

void caching_key_value_store::write_dirty_down() {
    if (dirty_.empty() || flushing_) return;
    struct pending {
        bytes key;
        std::optional<bytes> value;
        int64_t timestamp;
    };
    // Take the dirty entries first: the listener may write to this store again,
    // and those writes belong to the next flush.
    std::vector<pending> batch;
    batch.reserve(dirty_.size());
    for (const bytes* key : dirty_) {
        entry& e = cache_.find(*key)->second;
        batch.push_back(pending{*key, e.value, e.timestamp});
        e.dirty = false;
    }
    dirty_.clear();

    struct guard {
        caching_key_value_store& self;
        ~guard() { self.flushing_ = false, self.flushing_timestamp_.reset(); }
    } reset{*this};
    flushing_ = true;
    for (const pending& p : batch) {
        flushing_timestamp_ = p.timestamp;
        if (!listener_) {
            wrapping_key_value_store::put(p.key, view(p.value));
            continue;
        }
        std::optional<bytes> old;
        if (!p.value || send_old_values_) old = wrapping_key_value_store::get(p.key);
        // A key written and deleted again while cached, and absent below:
        // nothing to write or forward (Kafka's same shortcut).
        if (!p.value && !old) continue;
        wrapping_key_value_store::put(p.key, view(p.value));
        listener_(p.key, view(p.value), send_old_values_ ? view(old) : std::nullopt, p.timestamp);
    }
}

std::unique_ptr<bytes_iterator> caching_key_value_store::merge(std::unique_ptr<bytes_iterator> below,
                                                               cache_map::iterator first,
                                                               const std::function<bool(bytes_view)>& in_range) {
    std::map<bytes, bytes, bytes_less> merged;
    while (below->has_next()) {
        auto kv = below->next();
        merged.emplace(std::move(kv.key), std::move(kv.value));
    }
    for (auto it = first; it != cache_.end() && in_range(it->first); ++it) {
        if (it->second.value) merged.insert_or_assign(it->first, *it->second.value);
        else merged.erase(it->first);
    }
    std::vector<key_value<bytes, bytes>> items;
    items.reserve(merged.size());
    for (auto& [k, v] : merged) items.push_back({k, std::move(v)});
    return std::make_unique<vector_key_value_iterator<bytes, bytes>>(std::move(items));
}

}  // namespace samsa::streams
