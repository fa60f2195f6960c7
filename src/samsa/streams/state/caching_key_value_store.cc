#include "samsa/streams/state/caching_key_value_store.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <vector>

#include "samsa/bytes/big_endian.h"
#include "samsa/streams/state/window_key_schema.h"

namespace samsa::streams {

namespace {

std::optional<bytes_view> view(const std::optional<bytes>& b) {
    if (!b) return std::nullopt;
    return bytes_view(*b);
}

// Kafka's NamedCache.LRUNode.size() with LRUCacheEntry.size(): the key, three
// references, the dirty flag, the value and the record context's estimate
// (timestamp, offset, partition, topic characters, headers).
// value_bytes: 0 for a deletion.
int64_t entry_size(bytes_view key, size_t value_bytes, const record_context& c) {
    int64_t size = static_cast<int64_t>(key.size()) + 24 + 1 + static_cast<int64_t>(value_bytes);
    size += 8 + 8 + 4;
    if (c.metadata) size += static_cast<int64_t>(c.metadata->topic.size());
    for (const auto& h : c.headers) size += static_cast<int64_t>(h.key.size() + (h.value ? h.value->size() : 0));
    return size;
}

// Sets the task's record context for the life of the guard.
class context_scope {
public:
    context_scope(record_context_holder* holder, const record_context& c) : holder_(holder) {
        if (holder_) saved_ = holder_->exchange_current_record(c);
    }
    ~context_scope() {
        if (holder_) holder_->exchange_current_record(std::move(saved_));
    }
    context_scope(const context_scope&) = delete;
    context_scope& operator=(const context_scope&) = delete;

private:
    record_context_holder* holder_;
    record_context saved_;
};

// Ids of caching layers: a read_token of a layer that was destroyed is not
// taken for one of another made at its address.
std::atomic<uint64_t> next_id{1};

}  // namespace

caching_key_value_store::~caching_key_value_store() { clear_cache(); }

uint64_t caching_key_value_store::fresh_id() { return next_id.fetch_add(1, std::memory_order_relaxed); }

caching_key_value_store::entry* caching_key_value_store::allocate() {
    if (free_.empty()) {
        if (pool_.size() >= UINT32_MAX) throw state_store_error("record cache of " + name() + " has too many entries");
        entry& e = pool_.emplace_back();
        e.index = static_cast<uint32_t>(pool_.size() - 1);
        uses_.emplace_back();
        return &e;
    }
    entry* e = free_.back();
    free_.pop_back();
    return e;
}

void caching_key_value_store::release(entry& e, bool keep_buffers) {
    ++uses_[e.index].generation;
    e.cached = e.dirty = e.written = e.ordered = e.held_below = false;
    e.tag = 0;
    e.written_at = {};
    e.dirty_order = {};
    e.size = 0;
    if (e.context.metadata || !e.context.headers.empty()) e.context = record_context{};
    // An engaged, empty value is a buffer kept for the next entry (cache_put
    // assigns into it); free entries are never read.
    if (keep_buffers && e.key.capacity() <= kept_buffer_bytes) e.key.clear();
    else bytes().swap(e.key);
    if (keep_buffers && e.value && e.value->capacity() <= kept_buffer_bytes) e.value->clear();
    else e.value.reset();
    free_.push_back(&e);
}

read_token caching_key_value_store::token_for(entry* e) const {
    return e ? read_token{true, id_, e->index, uses_[e->index].generation} : read_token{};
}

void caching_key_value_store::touch(uint32_t i) {
    if (i == newest_) return;
    unlink_use(i);
    link_newest(i);
}

void caching_key_value_store::link_newest(uint32_t i) {
    entry_use& u = uses_[i];
    u.older = newest_;
    u.newer = no_entry;
    if (newest_ != no_entry) uses_[newest_].newer = i;
    else eldest_ = i;
    newest_ = i;
}

void caching_key_value_store::unlink_use(uint32_t i) {
    entry_use& u = uses_[i];
    if (u.older != no_entry) uses_[u.older].newer = u.newer;
    else eldest_ = u.newer;
    if (u.newer != no_entry) uses_[u.newer].older = u.older;
    else newest_ = u.older;
    u.older = u.newer = no_entry;
}

void caching_key_value_store::prefetch_eldest() const {
    // Two evictions ahead: the eldest's entry was asked for at the last
    // eviction, so its tag is at hand for its hash slot; the one after it
    // gets its entry and use asked for now. Only hints: an access in between
    // may reorder them, which costs nothing but the lines.
    if (eldest_ == no_entry) return;
    const entry& next = pool_[eldest_];
    cache_.prefetch(next.tag);
    const uint32_t after = uses_[eldest_].newer;
    if (after == no_entry) return;
    const auto* lines = reinterpret_cast<const char*>(&pool_[after]);
    for (size_t offset = 0; offset < sizeof(entry); offset += 64) prefetch_line(lines + offset);
    prefetch_line(&uses_[after]);
}

status caching_key_value_store::init(const store_context& context) {
    records_ = context.records;
    budget_ = context.cache;
    if (budget_ == nullptr) {
        own_budget_ = std::make_unique<thread_cache>(context.cache_max_bytes);
        budget_ = own_budget_.get();
    }
    status s = wrapping_key_value_store::init(context);
    if (!s) return s;
    open_ = true;
    return ok();
}

void caching_key_value_store::flush() {
    if (!open_) return;
    flush_dirty(std::nullopt);
    wrapping_key_value_store::flush();
}

void caching_key_value_store::flush_cache() {
    if (open_) flush_dirty(std::nullopt);
}

void caching_key_value_store::close() {
    if (!open_) return;
    try {
        flush_dirty(std::nullopt);
    } catch (...) {
        clear_cache();
        open_ = false;
        wrapping_key_value_store::close();
        throw;
    }
    clear_cache();
    open_ = false;
    wrapping_key_value_store::close();
}

void caching_key_value_store::clear_cache() {
    if (budget_) budget_->shrink(cached_bytes_);
    cache_.for_each([&](uint32_t i) { release(pool_[i], false); });
    for (entry* e : free_) {  // and the buffers evictions kept: the cache is empty until reopened
        bytes().swap(e->key);
        e->value.reset();
    }
    cache_.clear(), written_.clear(), unordered_written_.clear(), dirty_.clear(), cached_bytes_ = 0;
    eldest_ = newest_ = no_entry;
}

void caching_key_value_store::check_open() const {
    if (!open_) throw state_store_error("state store " + name() + " is not open");
}

void caching_key_value_store::count_read(bool hit) {
    if (!hit) {
        ++read_misses_;
        return;
    }
    ++read_hits_;
    hit_ratio_->record(static_cast<double>(read_hits_) / static_cast<double>(read_hits_ + read_misses_));
}

bytes caching_key_value_store::cache_key(bytes_view key) const {
    if (!segments_) return bytes(key.begin(), key.end());
    int64_t time = segments_->key_kind == segmented_key_kind::session ? session_key_schema::end_time(key)
                                                                      : window_key_schema::store_key_timestamp(key);
    bytes out(8 + key.size());
    put_be64(out.data(), static_cast<uint64_t>(time / segments_->segment_interval_ms));
    std::copy(key.begin(), key.end(), out.begin() + 8);
    return out;
}

bytes_view caching_key_value_store::store_key(bytes_view cache_key) const {
    return segments_ ? cache_key.subspan(8) : cache_key;
}

caching_key_value_store::entry* caching_key_value_store::find(bytes_view key, tag_type& tag) {
    if (segments_) {
        lookup_key_ = cache_key(key);
        key = lookup_key_;
    }
    tag = entry_index::tag_of(key);
    const uint32_t* i = cache_.find_tagged(key, tag);
    return i ? &pool_[*i] : nullptr;
}

std::optional<bytes> caching_key_value_store::get(bytes_view key) {
    entry* cached = nullptr;
    return read(key, cached);
}

std::optional<bytes> caching_key_value_store::read(bytes_view key, entry*& cached) {
    check_open();
    tag_type tag;
    cached = find(key, tag);
    if (hit_ratio_) count_read(cached != nullptr);
    if (cached) {
        touch(*cached);
        if (cached->held_below) return fetch_held_below(*cached, key);
        return cached->value;
    }
    auto value = wrapping_key_value_store::get(key);
    // Window and session caches keep only writes (Kafka's CachingWindowStore
    // and CachingSessionStore read through without caching).
    if (value && !segments_) cached = keep_read(tag, key, *value, true);
    return value;
}

std::optional<bytes> caching_key_value_store::fetch_held_below(entry& e, bytes_view key) {
    // A clean entry holds what the layer below holds (every write comes
    // through here), so this is its value; kept from now on.
    auto value = wrapping_key_value_store::get(key);
    if (value) {
        e.value = *value;
        e.held_below = false;
    }
    return value;
}

caching_key_value_store::entry* caching_key_value_store::keep_read(tag_type tag, bytes_view key, bytes_view value,
                                                                   bool hold) {
    // The layers below call nothing back: key is still absent here.
    entry& e = cache_put(nullptr, tag, key, value, false, hold);
    const uint64_t generation = uses_[e.index].generation;
    maybe_evict();
    // Still this key's entry unless evicted (even the newest goes when it
    // alone is over budget), and maybe reused by a listener's write.
    return uses_[e.index].generation == generation ? &e : nullptr;
}

void caching_key_value_store::note_read(bytes_view key) { (void)noted_read(key); }

caching_key_value_store::entry* caching_key_value_store::noted_read(bytes_view key) {
    check_open();
    entry* e = find(key);
    if (e == nullptr) {
        // Evicted since the reader decoded it: read below and keep it, as
        // get() does (which may evict, even this key once more).
        (void)read(key, e);
        return e;
    }
    if (hit_ratio_) count_read(true);
    touch(*e);
    return e;
}

void caching_key_value_store::note_read_issuing(bytes_view key, read_token& token) {
    token = token_for(noted_read(key));
}

std::optional<bytes> caching_key_value_store::get_issuing(bytes_view key, read_token& token) {
    entry* cached = nullptr;
    auto value = read(key, cached);
    token = token_for(cached);
    return value;
}

bool caching_key_value_store::note_read_again(const read_token& token, uint64_t /*writes_seen*/) {
    // This layer's token, so entry indexes uses_; the same generation: the key
    // has stayed cached in it since, unwritten.
    if (token.layer != id_ || !open_ || token.entry >= uses_.size()) return false;
    const auto i = static_cast<uint32_t>(token.entry);
    if (uses_[i].generation != token.generation) return false;
    if (hit_ratio_) count_read(true);
    touch(i);
    return true;
}

bool caching_key_value_store::note_read_known(bytes_view key, std::optional<bytes_view> value, uint64_t writes_seen,
                                              read_token& token) {
    if (!open_) return false;  // the reader's get() says why
    tag_type tag;
    entry* cached = find(key, tag);
    // A miss is where get() reads below: the layers there must agree to be
    // skipped.
    read_token below;
    if (cached == nullptr && !inner().note_read_known(key, value, writes_seen, below)) return false;
    if (hit_ratio_) count_read(cached != nullptr);
    if (cached) {
        touch(*cached);
    } else if (value && !segments_) {  // get() keeps what it read below, and only that
        // The reader holds these bytes: the entry only counts them (see
        // held_below).
        cached = keep_read(tag, key, *value, false);
    }
    token = token_for(cached);
    return true;
}

std::optional<bytes> caching_key_value_store::query_get(bytes_view key) {
    check_open();
    if (entry* e = find(key); e && !e->held_below) return e->value;
    return wrapping_key_value_store::query_get(key);  // a held_below entry's value too
}

void caching_key_value_store::put(bytes_view key, std::optional<bytes_view> value) {
    check_open();
    cache_put(key, value, true);
    maybe_evict();
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
    bytes from_key = cache_key(from), to_key = cache_key(to);
    bytes lo(from.begin(), from.end()), hi(to.begin(), to.end());
    auto first = ordered_written().lower_bound(from_key);
    return merge(
        wrapping_key_value_store::range(from, to), first,
        [&](bytes_view key) { return !bytes_less{}(key, from_key) && !bytes_less{}(to_key, key); },
        [&](bytes_view key) { return !bytes_less{}(key, lo) && !bytes_less{}(hi, key); });
}

std::unique_ptr<bytes_iterator> caching_key_value_store::all() {
    check_open();
    return merge(wrapping_key_value_store::all(), ordered_written().begin(), [](bytes_view) { return true; },
                 [](bytes_view) { return true; });
}

std::unique_ptr<bytes_iterator> caching_key_value_store::all_in_live_segments() {
    check_open();
    return merge(wrapping_key_value_store::all_in_live_segments(), ordered_written().begin(),
                 [](bytes_view) { return true; },
                 [](bytes_view) { return true; });
}

std::unique_ptr<bytes_iterator> caching_key_value_store::prefix_scan(bytes_view prefix) {
    check_open();
    bytes prefix_copy(prefix.begin(), prefix.end());
    auto has_prefix = [&](bytes_view key) { return starts_with(key, prefix_copy); };
    auto any = [](bytes_view) { return true; };
    // Segmented cache keys start with the segment: the prefix's keys are
    // spread over the whole cache.
    if (segments_) {
        return merge(wrapping_key_value_store::prefix_scan(prefix), ordered_written().begin(), any, has_prefix);
    }
    return merge(wrapping_key_value_store::prefix_scan(prefix), ordered_written().lower_bound(prefix), has_prefix,
                 any);
}

void caching_key_value_store::restore(bytes_view key, std::optional<bytes_view> value, int64_t timestamp) {
    if (entry* e = find(key)) erase(*e);
    wrapping_key_value_store::restore(key, value, timestamp);
}

bool caching_key_value_store::set_flush_listener(cache_flush_listener listener, bool send_old_values) {
    listener_ = std::move(listener);
    send_old_values_ = send_old_values;
    return true;
}

caching_key_value_store::entry& caching_key_value_store::cache_put(bytes_view key, std::optional<bytes_view> value,
                                                                   bool dirty) {
    tag_type tag;
    entry* found = find(key, tag);
    return cache_put(found, tag, key, value, dirty, true);
}

caching_key_value_store::entry& caching_key_value_store::cache_put(entry* found, tag_type tag, bytes_view key,
                                                                   std::optional<bytes_view> value, bool dirty,
                                                                   bool hold) {
    if (found == nullptr) {
        found = allocate();
        // find() made a window or session key's cache key.
        if (segments_) found->key = std::move(lookup_key_);
        else found->key.assign(key.begin(), key.end());  // in the buffer a released entry kept
        found->tag = tag;
        found->cached = true;
        cache_.insert_tagged(found->index, tag);
        link_newest(found->index);
    } else {
        touch(*found);
    }
    entry& e = *found;
    ++uses_[e.index].generation;  // tokens issued for the old value are done
    e.held_below = value && !hold;
    if (!value) e.value.reset();
    else if (e.held_below) {
        // value is not kept: whatever buffer e has stays as it is, unread.
    }
    else if (e.value) e.value->assign(value->begin(), value->end());  // in the buffer it has
    else e.value.emplace(value->begin(), value->end());
    if (dirty && !e.written) {
        e.written = true;
        unordered_written_.push_back(e.index);
        // Ordered at the next merge, or now when the list has outgrown the
        // cache (items of entries that left since are dropped then).
        if (unordered_written_.size() > 2 * cache_.size() + 64) (void)ordered_written();
    }
    if (dirty) {
        e.context = records_ ? records_->current_record() : record_context{};
        // Dirty entries are written down in the order of their last write,
        // as Kafka's NamedCache keeps them.
        if (e.dirty) dirty_.unlink(e);
        dirty_.push_back(e);
        e.dirty = true;
    } else {
        e.context = record_context{};
    }
    int64_t size = entry_size(e.key, value ? value->size() : 0, e.context);
    cached_bytes_ += size - e.size;
    budget_->grow(size - e.size);
    e.size = size;
    if (cache_size_) cache_size_->record(static_cast<double>(cached_bytes_));
    return e;
}

caching_key_value_store::ordered_entries& caching_key_value_store::ordered_written() {
    for (uint32_t i : unordered_written_) {
        entry& e = pool_[i];
        // Skips an entry that left the cache (or was listed twice: it left
        // and came back written).
        if (!e.cached || !e.written || e.ordered) continue;
        e.written_at = written_.emplace(bytes_view(e.key), &e).first;
        e.ordered = true;
    }
    unordered_written_.clear();
    return written_;
}

void caching_key_value_store::erase(entry& e) {
    cached_bytes_ -= e.size;
    budget_->shrink(e.size);
    if (e.dirty) dirty_.unlink(e);
    if (e.ordered) written_.erase(e.written_at);
    cache_.erase_tagged(e.index, e.tag);
    unlink_use(e.index);
    release(e, true);
    if (cache_size_) cache_size_->record(static_cast<double>(cached_bytes_));
}

void caching_key_value_store::maybe_evict() {
    // Kafka's ThreadCache.maybeEvict: from the cache that was put to, until
    // the thread is within budget or this cache is empty.
    while (budget_->over_budget() && !cache_.empty()) evict_eldest();
}

void caching_key_value_store::evict_eldest() {
    entry& e = pool_[eldest_];
    if (!e.dirty) {
        erase(e);
        prefetch_eldest();
        return;
    }
    dirty_entry evicted{e.key, std::move(e.value), std::move(e.context)};
    erase(e);
    prefetch_eldest();
    flush_dirty(std::move(evicted));
}

void caching_key_value_store::flush_dirty(std::optional<dirty_entry> evicted) {
    if (dirty_.empty() && !evicted) return;
    // The outermost flush takes the spare batch, whose copies keep their
    // buffers from the last flush: the test driver commits after every
    // record, so a table update was three allocations and frees here (the
    // vector, the key and the value copies). A flush nested in a listener's
    // write makes its own.
    const bool outermost = !flushing_;
    std::vector<dirty_entry> batch;
    if (outermost) batch.swap(spare_batch_);
    size_t n = 0;
    auto next = [&]() -> dirty_entry& {
        if (n == batch.size()) batch.emplace_back();
        return batch[n++];
    };
    if (evicted) next() = std::move(*evicted);
    std::vector<bytes> deleted;
    for (entry* e = dirty_.first; e != nullptr; e = e->dirty_order.next) {
        dirty_entry& d = next();
        d.key.assign(e->key.begin(), e->key.end());
        if (!e->value) d.value.reset();
        else if (d.value) d.value->assign(e->value->begin(), e->value->end());
        else d.value.emplace(*e->value);
        d.context = e->context;
        e->dirty = false;
        if (!e->value) deleted.push_back(e->key);
    }
    // Cleared before the listener runs: what it writes belongs to the next
    // flush.
    dirty_.clear();
    {
        flushing_ = true;
        struct flag_reset {
            bool& flag;
            bool was;
            ~flag_reset() { flag = was; }
        } reset{flushing_, !outermost};
        for (size_t i = 0; i < n; ++i) write_down(batch[i]);
    }
    if (outermost) {
        if (batch.size() > kept_batch_entries) batch.resize(kept_batch_entries);  // a large flush's copies go
        spare_batch_.swap(batch);
    }
    for (const bytes& key : deleted) {
        const uint32_t* i = cache_.find(key);
        if (i == nullptr) continue;
        entry& e = pool_[*i];
        if (!e.dirty && !e.value && !e.held_below) erase(e);
    }
}

void caching_key_value_store::write_down(const dirty_entry& d) {
    bytes_view key = store_key(d.key);
    if (!listener_) {
        context_scope scope(records_, d.context);
        wrapping_key_value_store::put(key, view(d.value));
        return;
    }
    std::optional<bytes> old;
    if (!d.value || send_old_values_) old = wrapping_key_value_store::get(key);
    // A key written and deleted again while cached, and absent below:
    // nothing to write or forward (Kafka's same shortcut).
    if (!d.value && !old) return;
    context_scope scope(records_, d.context);
    wrapping_key_value_store::put(key, view(d.value));
    listener_(key, view(d.value), send_old_values_ ? view(old) : std::nullopt, d.context);
}

std::unique_ptr<bytes_iterator> caching_key_value_store::merge(std::unique_ptr<bytes_iterator> below,
                                                               ordered_entries::iterator first,
                                                               const std::function<bool(bytes_view)>& in_range,
                                                               const std::function<bool(bytes_view)>& keep) {
    // Keyed by cache key, so window and session entries come in the
    // segmented store's order.
    std::map<bytes, bytes, bytes_less> merged;
    while (below->has_next()) {
        auto kv = below->next();
        if (!segments_) {
            merged.emplace(std::move(kv.key), std::move(kv.value));
            continue;
        }
        bytes key = cache_key(kv.key);
        if (in_range(key)) merged.emplace(std::move(key), std::move(kv.value));
    }
    for (auto it = first; it != written_.end() && in_range(it->first); ++it) {
        if (!keep(store_key(it->first))) continue;
        const entry& e = *it->second;
        if (e.value) merged.insert_or_assign(e.key, *e.value);
        else merged.erase(e.key);
    }
    std::vector<key_value<bytes, bytes>> items;
    items.reserve(merged.size());
    for (auto& [k, v] : merged) {
        bytes_view key = store_key(k);
        items.push_back({bytes(key.begin(), key.end()), std::move(v)});
    }
    return std::make_unique<vector_key_value_iterator<bytes, bytes>>(std::move(items));
}

}  // namespace samsa::streams
