#include "samsa/streams/state/in_memory_time_ordered_key_value_change_buffer.h"

#include <stdexcept>

#include "samsa/bytes/byte_reader.h"
#include "samsa/bytes/byte_writer.h"
#include "samsa/streams/state/wrapping_key_value_store.h"

namespace samsa::streams {

namespace {

constexpr int32_t null_value_sentinel = -1;
constexpr int32_t old_prior_duplicate_sentinel = -2;

// Java's String.toCharArray().length: UTF-16 code units, which is what
// Kafka's size estimate counts for topic names and header keys.
int64_t utf16_length(std::string_view utf8) {
    int64_t units = 0;
    for (unsigned char c : utf8) {
        if ((c & 0xC0) == 0x80) continue;  // continuation byte
        units += (c >= 0xF0) ? 2 : 1;      // 4-byte sequences are surrogate pairs
    }
    return units;
}

// Kafka's ProcessorRecordContext.residentMemorySizeEstimate().
int64_t context_size(const buffered_record_context& c) {
    int64_t size = 8 + 8 + 4;  // timestamp, offset, partition
    if (c.topic) size += utf16_length(*c.topic);
    for (const auto& h : c.headers) {
        size += utf16_length(h.key);
        if (h.value) size += static_cast<int64_t>(h.value->size());
    }
    return size;
}

int64_t length_of(const std::optional<bytes>& b) { return b ? static_cast<int64_t>(b->size()) : 0; }

void write_nullable(byte_writer& w, const std::optional<bytes>& b) {
    if (!b) {
        w.write_i32(null_value_sentinel);
        return;
    }
    w.write_i32(static_cast<int32_t>(b->size()));
    w.write_bytes(*b);
}

std::optional<bytes> read_sized(byte_reader& r, int32_t length) {
    if (length == null_value_sentinel) return std::nullopt;
    if (length < 0) {
        r.fail();
        return std::nullopt;
    }
    bytes_view v = r.read_bytes(static_cast<size_t>(length));
    return bytes(v.begin(), v.end());
}

std::optional<bytes> read_nullable(byte_reader& r) { return read_sized(r, r.read_i32()); }

std::optional<bytes> to_optional_bytes(std::optional<bytes_view> v) {
    if (!v) return std::nullopt;
    return bytes(v->begin(), v->end());
}

}  // namespace

in_memory_time_ordered_key_value_change_buffer::in_memory_time_ordered_key_value_change_buffer(std::string name,
                                                                                             bool logging_enabled)
    : name_(std::move(name)), logging_enabled_(logging_enabled) {}

in_memory_time_ordered_key_value_change_buffer& in_memory_time_ordered_key_value_change_buffer::of(
    key_value_bytes_store& stack) {
    key_value_bytes_store* layer = &stack;
    // Bounded by the stack's depth: every step goes one layer down.
    while (auto* wrapper = dynamic_cast<wrapping_key_value_store*>(layer)) layer = &wrapper->inner();
    auto* buffer = dynamic_cast<in_memory_time_ordered_key_value_change_buffer*>(layer);
    if (buffer == nullptr) throw std::logic_error("state store '" + stack.name() + "' is not a suppression buffer");
    return *buffer;
}

status in_memory_time_ordered_key_value_change_buffer::init(const store_context& context) {
    if (logging_enabled_ && context.changelog == nullptr) {
        return make_error(errc::invalid_argument,
                          "state store " + name_ + " has logging enabled but its task has no changelog sink");
    }
    sink_ = context.changelog;
    changelog_topic_ = changelog_topic_name(context.application_id, name_);
    partition_ = context.partition;
    records_ = context.records;
    open_ = true;
    return ok();
}

void in_memory_time_ordered_key_value_change_buffer::close() {
    // As Kafka: an in-memory buffer forgets everything; the changelog has it.
    open_ = false;
    sorted_.clear();
    index_.clear();
    dirty_.clear();
    memory_size_ = 0;
}

void in_memory_time_ordered_key_value_change_buffer::check_open() const {
    if (!open_) throw state_store_error("state store " + name_ + " is not open");
}

int64_t in_memory_time_ordered_key_value_change_buffer::record_size(bytes_view key, const buffer_value& v) {
    // Kafka's computeRecordSize + BufferValue.residentMemorySizeEstimate: an
    // old value equal to the prior one is the same array there, counted once.
    int64_t size = 8 + static_cast<int64_t>(key.size());
    size += length_of(v.prior_value);
    if (v.old_value && v.old_value != v.prior_value) size += length_of(v.old_value);
    size += length_of(v.new_value);
    return size + context_size(v.context);
}

void in_memory_time_ordered_key_value_change_buffer::put(int64_t buffer_time, bytes_view key,
                                                         std::optional<bytes_view> old_value,
                                                         std::optional<bytes_view> new_value,
                                                         buffered_record_context context) {
    check_open();
    buffer_value v;
    v.old_value = to_optional_bytes(old_value);
    v.new_value = to_optional_bytes(new_value);
    v.context = std::move(context);
    // The first change buffered for a key remembers what the table held
    // before it; later ones keep that.
    if (auto it = index_.find(key); it != index_.end()) {
        v.prior_value = it->second->second.prior_value;
    } else {
        v.prior_value = v.old_value;
    }
    clean_put(buffer_time, key, std::move(v));
    mark_dirty(key);
}

void in_memory_time_ordered_key_value_change_buffer::clean_put(int64_t time, bytes_view key, buffer_value value) {
    // Non-resetting: a key already buffered keeps its place (its buffer time).
    if (auto it = index_.find(key); it != index_.end()) {
        auto entry = it->second;
        memory_size_ += record_size(key, value) - record_size(key, entry->second);
        entry->second = std::move(value);
        return;
    }
    memory_size_ += record_size(key, value);
    auto entry = sorted_.emplace(buffer_key{time, bytes(key.begin(), key.end())}, std::move(value)).first;
    index_.emplace(bytes_view(entry->first.key), entry);
}

void in_memory_time_ordered_key_value_change_buffer::erase(sorted_map::iterator it) {
    memory_size_ -= record_size(it->first.key, it->second);
    index_.erase(bytes_view(it->first.key));
    sorted_.erase(it);
}

void in_memory_time_ordered_key_value_change_buffer::mark_dirty(bytes_view key) {
    if (logging_enabled_) dirty_.emplace(key.begin(), key.end());
}

void in_memory_time_ordered_key_value_change_buffer::evict_while(const std::function<bool()>& predicate,
                                                                 const std::function<void(const eviction&)>& callback) {
    check_open();
    // Each round removes one entry, so this ends with the buffer.
    while (!sorted_.empty() && predicate()) {
        auto it = sorted_.begin();
        const buffer_value& v = it->second;
        std::optional<bytes_view> new_value, old_value;
        if (v.new_value) new_value = bytes_view(*v.new_value);
        if (v.old_value) old_value = bytes_view(*v.old_value);
        // The entry stays in place while the callback forwards it, as in
        // Kafka: a getter downstream may still read its prior value.
        callback(eviction{it->first.key, new_value, old_value, v.context});
        mark_dirty(it->first.key);
        erase(it);
    }
}

std::optional<std::optional<bytes_view>> in_memory_time_ordered_key_value_change_buffer::prior_value_for_buffered(
    bytes_view key) const {
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    const buffer_value& v = it->second->second;
    if (!v.prior_value) return std::optional<bytes_view>{};
    return std::optional<bytes_view>{bytes_view(*v.prior_value)};
}

void in_memory_time_ordered_key_value_change_buffer::log_dirty_keys() {
    if (!logging_enabled_ || dirty_.empty()) return;
    if (sink_ == nullptr) throw state_store_error("state store " + name_ + " is not open");
    int64_t timestamp = records_ ? records_->current_record().timestamp : 0;
    static const record_headers headers{record_header{version_header, bytes{version_3}}};
    for (const bytes& key : dirty_) {
        auto it = index_.find(key);
        if (it == index_.end()) {
            // Evicted since the last commit.
            sink_->send(changelog_topic_, partition_, key, std::nullopt, timestamp);
            continue;
        }
        bytes value = serialize(it->second->second, it->second->first.time);
        sink_->send_with_headers(changelog_topic_, partition_, key, bytes_view(value), timestamp, headers);
    }
    dirty_.clear();
}

bytes in_memory_time_ordered_key_value_change_buffer::serialize(const buffer_value& v, int64_t buffer_time) {
    byte_writer w;
    const buffered_record_context& c = v.context;
    w.write_i64(c.timestamp);
    w.write_i64(c.offset);
    std::string_view topic = c.topic ? std::string_view(*c.topic) : std::string_view();
    w.write_i32(static_cast<int32_t>(topic.size()));
    w.write_bytes(as_bytes(topic));
    w.write_i32(c.partition);
    w.write_i32(static_cast<int32_t>(c.headers.size()));
    for (const auto& h : c.headers) {
        w.write_i32(static_cast<int32_t>(h.key.size()));
        w.write_bytes(as_bytes(h.key));
        write_nullable(w, h.value);
    }
    write_nullable(w, v.prior_value);
    if (!v.old_value) {
        w.write_i32(null_value_sentinel);
    } else if (v.old_value == v.prior_value) {
        w.write_i32(old_prior_duplicate_sentinel);
    } else {
        write_nullable(w, v.old_value);
    }
    write_nullable(w, v.new_value);
    w.write_i64(buffer_time);
    return w.release();
}

std::pair<in_memory_time_ordered_key_value_change_buffer::buffer_value, int64_t>
in_memory_time_ordered_key_value_change_buffer::deserialize(bytes_view data) {
    byte_reader r(data);
    buffer_value v;
    v.context.timestamp = r.read_i64();
    v.context.offset = r.read_i64();
    std::optional<bytes> topic = read_nullable(r);
    if (!topic) r.fail();  // Kafka requires a topic
    else v.context.topic = std::string(as_chars(*topic));
    v.context.partition = r.read_i32();
    int32_t header_count = r.read_i32();
    // -1: Kafka's older writers' "no headers"; otherwise each header takes
    // at least 8 bytes, which bounds the loop by the input.
    if (header_count != null_value_sentinel) {
        if (header_count < 0 || static_cast<size_t>(header_count) > r.remaining() / 8) r.fail();
        for (int32_t i = 0; r.ok() && i < header_count; ++i) {
            std::optional<bytes> key = read_nullable(r);
            if (!key) {
                r.fail();
                break;
            }
            v.context.headers.push_back(record_header{std::string(as_chars(*key)), read_nullable(r)});
        }
    }
    v.prior_value = read_nullable(r);
    int32_t old_length = r.read_i32();
    if (old_length == old_prior_duplicate_sentinel) v.old_value = v.prior_value;
    else v.old_value = read_sized(r, old_length);
    v.new_value = read_nullable(r);
    int64_t buffer_time = r.read_i64();
    if (!r.ok() || !r.at_end()) {
        throw state_store_error("not a version-3 suppression buffer changelog value (" + std::to_string(data.size()) +
                                " bytes)");
    }
    return {std::move(v), buffer_time};
}

void in_memory_time_ordered_key_value_change_buffer::restore(bytes_view key, std::optional<bytes_view> value,
                                                             int64_t /*timestamp*/) {
    check_open();
    if (!value) {
        if (auto it = index_.find(key); it != index_.end()) erase(it->second);
        return;
    }
    auto [v, time] = deserialize(*value);
    clean_put(time, key, std::move(v));
}

std::optional<bytes> in_memory_time_ordered_key_value_change_buffer::get(bytes_view key) {
    check_open();
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    return serialize(it->second->second, it->second->first.time);
}

void in_memory_time_ordered_key_value_change_buffer::put(bytes_view key, std::optional<bytes_view> value) {
    restore(key, value, 0);
    mark_dirty(key);
}

std::optional<bytes> in_memory_time_ordered_key_value_change_buffer::put_if_absent(bytes_view key,
                                                                                   std::optional<bytes_view> value) {
    auto existing = get(key);
    if (!existing) put(key, value);
    return existing;
}

void in_memory_time_ordered_key_value_change_buffer::put_all(std::span<const bytes_entry> entries) {
    for (const auto& e : entries) put(e.key, e.value ? std::optional<bytes_view>(*e.value) : std::nullopt);
}

std::optional<bytes> in_memory_time_ordered_key_value_change_buffer::remove(bytes_view key) {
    auto old = get(key);
    put(key, std::nullopt);
    return old;
}

std::unique_ptr<bytes_iterator> in_memory_time_ordered_key_value_change_buffer::range(bytes_view, bytes_view) {
    throw state_store_error("the suppression buffer " + name_ + " cannot be iterated");
}

std::unique_ptr<bytes_iterator> in_memory_time_ordered_key_value_change_buffer::all() {
    throw state_store_error("the suppression buffer " + name_ + " cannot be iterated");
}

std::unique_ptr<bytes_iterator> in_memory_time_ordered_key_value_change_buffer::prefix_scan(bytes_view) {
    throw state_store_error("the suppression buffer " + name_ + " cannot be iterated");
}

namespace stores {

store_builder time_ordered_change_buffer_builder(std::string name, bool logging_enabled,
                                                 std::map<std::string, std::string> log_config) {
    key_value_bytes_store_supplier supplier(
        std::move(name), false,
        [logging_enabled](const std::string& n) -> std::unique_ptr<key_value_bytes_store> {
            return std::make_unique<in_memory_time_ordered_key_value_change_buffer>(n, logging_enabled);
        },
        /*logs_itself=*/true);
    store_builder b(std::move(supplier), false);
    if (logging_enabled) b.with_logging_enabled(std::move(log_config));
    else b.with_logging_disabled();
    return b.with_caching_disabled();
}

}  // namespace stores

}  // namespace samsa::streams
