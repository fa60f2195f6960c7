#include "samsa/broker/producer/producer_state_manager.h"

#include <algorithm>
#include <system_error>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "samsa/record/control_record.h"
#include "samsa/record/record_batch.h"
#include "samsa/storage/file.h"

namespace samsa::broker::producer {

namespace {

constexpr size_t replay_read_bytes = 1u << 20;

// The snapshot offsets in `dir`, ascending.
std::vector<offset> list_snapshots(const std::filesystem::path& dir) {
    std::vector<offset> found;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        if (auto at = parse_snapshot_file_name(e.path().filename().string())) found.push_back(*at);
    }
    std::sort(found.begin(), found.end());
    return found;
}

void remove_snapshot(const std::filesystem::path& dir, offset at, const char* why) {
    std::error_code ec;
    std::filesystem::remove(dir / snapshot_file_name(at), ec);
    spdlog::info("{}: removed producer snapshot {} ({})", dir.filename().string(), snapshot_file_name(at), why);
}

// The newest readable snapshot at or below `at_most` (<= end); removes the
// ones above `end` (the log was truncated below them).
std::optional<std::pair<offset, partition_producer_state>> newest_usable_snapshot(const std::filesystem::path& dir,
                                                                                  offset end, offset at_most) {
    auto found = list_snapshots(dir);
    for (auto it = found.rbegin(); it != found.rend(); ++it) {
        if (*it > end) {
            remove_snapshot(dir, *it, "above the log end offset, the log was truncated");
            continue;
        }
        if (*it > at_most) continue;
        auto text = storage::read_small_file(dir / snapshot_file_name(*it));
        if (!text) {
            spdlog::warn("{}: cannot read producer snapshot: {}", dir.string(), text.error().message);
            continue;
        }
        auto state = partition_producer_state::decode_snapshot(
            bytes_view(reinterpret_cast<const uint8_t*>(text->data()), text->size()));
        if (!state) {
            spdlog::warn("{}: producer snapshot {} is unusable: {}", dir.string(), snapshot_file_name(*it),
                         state.error().message);
            remove_snapshot(dir, *it, "unreadable");
            continue;
        }
        return std::make_pair(*it, std::move(*state));
    }
    return std::nullopt;
}

// A transaction marker read back: closes the producer's transaction; an
// aborted one must be in the .txnindex (a crash between the marker's write
// and its index entry's loses the entry: it is added again here).
status replay_marker(storage::partition_log& log, bytes_view batch, const record::record_batch_header& h,
                     partition_producer_state& state) {
    auto marker = record::read_end_txn_marker(batch);
    if (!marker) {
        spdlog::warn("{}: unreadable control batch at offset {}: {}", log.dir().filename().string(), h.base_offset,
                     marker.error().message);
        return ok();
    }
    if (!*marker) return ok();  // emptied by the cleaner, or not a transaction marker
    auto done = state.record_marker(producer_id(h.producer_id), producer_epoch(h.producer_epoch),
                                    (*marker)->coordinator_epoch, offset(h.base_offset), timestamp_ms(h.max_timestamp));
    if (done && (*marker)->type == record::control_type::abort) {
        storage::aborted_txn entry{done->producer, done->first_offset, done->last_offset,
                                   state.first_unstable_offset().value_or(offset(h.base_offset + 1))};
        if (auto s = log.append_aborted_txn(entry, /*if_missing=*/true); !s) return s;
    }
    return ok();
}

// Records every batch in [from, log end) into `state`.
status replay(storage::partition_log& log, offset from, partition_producer_state& state, int64_t& replayed) {
    offset at = std::max(from, log.log_start_offset());
    while (at < log.log_end_offset()) {
        auto read = log.read(at, replay_read_bytes, true);
        if (!read) return read.error();
        if (read->records.empty()) break;
        record::batch_splitter split(read->records);
        while (auto batch = split.next()) {
            auto h = record::read_batch_header(*batch);
            if (!h) return h.error();
            if (offset(h->last_offset()) < at) continue;  // the first batch may start before `from`
            ++replayed;
            if (h->control()) {
                if (auto s = replay_marker(log, *batch, *h, state); !s) return s;
                continue;
            }
            timestamp_ms ts(h->log_append_time() ? h->max_timestamp : -1);
            state.record(*h, offset(h->base_offset), ts);
        }
        if (read->next_offset <= at) break;  // no progress: stop rather than spin
        at = read->next_offset;
    }
    return ok();
}

}  // namespace

result<partition_producer_state> producer_state_manager::load(storage::partition_log& log, load_summary* summary) {
    partition_producer_state state;
    offset from = log.log_start_offset();
    load_summary s;
    // A damaged .txnindex is rebuilt by replaying every marker from its
    // segment on, from a state (a snapshot) taken no later than its start,
    // which knows where the transactions open there began.
    const offset at_most = std::min(log.log_end_offset(), log.txn_index_rebuild_from().value_or(log.log_end_offset()));
    if (auto snap = newest_usable_snapshot(log.dir(), log.log_end_offset(), at_most)) {
        from = snap->first;
        state = std::move(snap->second);
        s.snapshot = snap->first;
    }
    if (auto r = replay(log, from, state, s.batches_replayed); !r) return r.error();
    if (log.txn_index_rebuild_from()) {
        spdlog::info("{}: aborted transaction index rebuilt from offset {}", log.dir().filename().string(), from());
        log.txn_index_rebuilt();
    }
    // A state equal to a snapshot at the log end needs no new snapshot.
    if (s.batches_replayed == 0) state.mark_clean();
    if (summary) *summary = s;
    return state;
}

status producer_state_manager::write_snapshot(const partition_producer_state& state,
                                              const storage::partition_log& log) {
    bytes data = state.encode_snapshot();
    const offset at = log.log_end_offset();
    auto s = storage::write_file_atomically(log.dir() / snapshot_file_name(at),
                                            std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
    if (!s) return s;
    auto found = list_snapshots(log.dir());
    for (size_t i = 0; i + snapshots_to_keep < found.size(); ++i) {
        std::error_code ec;
        std::filesystem::remove(log.dir() / snapshot_file_name(found[i]), ec);
    }
    return ok();
}

result<partition_producer_state*> producer_state_manager::state_for(std::string_view topic, partition_id partition,
                                                                    const samsa::uuid& topic_id,
                                                                    storage::partition_log& log) {
    key k{std::string(topic), partition()};
    auto it = partitions_.find(k);
    if (it != partitions_.end() && it->second.topic_id == topic_id) return &it->second.state;
    load_summary summary;
    auto loaded = load(log, &summary);
    if (!loaded) {
        return make_error(loaded.error().code, fmt::format("loading the producer state of {}-{}: {}", topic,
                                                           partition(), loaded.error().message));
    }
    if (summary.snapshot || summary.batches_replayed > 0) {
        spdlog::info("{}-{}: producer state loaded ({} producer(s); snapshot {}, {} batch(es) replayed)", topic,
                     partition(), loaded->producers().size(),
                     summary.snapshot ? std::to_string((*summary.snapshot)()) : std::string("none"),
                     summary.batches_replayed);
    }
    auto& e = partitions_[k];
    e.topic_id = topic_id;
    e.state = std::move(*loaded);
    e.snapshot_end = summary.snapshot && summary.batches_replayed == 0 ? *summary.snapshot : offset(-1);
    publish_stable_offset(e.state, log);
    return &e.state;
}

void publish_stable_offset(const partition_producer_state& state, storage::partition_log& log) {
    log.set_first_unstable_offset(state.first_unstable_offset());
}

void producer_state_manager::maybe_snapshot(std::chrono::steady_clock::time_point now, timestamp_ms wall_now,
                                            const log_lookup& lookup) {
    if (now - last_snapshot_ < snapshot_interval_) return;
    last_snapshot_ = now;
    for (auto& [k, e] : partitions_) {
        if (size_t n = e.state.expire(wall_now, expiration_ms_)) {
            spdlog::info("{}-{}: {} producer(s) idle for longer than producer.id.expiration.ms forgotten", k.topic,
                         k.partition, n);
        }
    }
    snapshot_all(lookup);
}

void producer_state_manager::snapshot_all(const log_lookup& lookup) {
    for (auto it = partitions_.begin(); it != partitions_.end();) {
        storage::partition_log* log = lookup(it->first.topic, partition_id(it->first.partition), it->second.topic_id);
        if (!log) {
            it = partitions_.erase(it);  // the topic is gone
            continue;
        }
        entry& e = it->second;
        if (e.state.dirty() || e.snapshot_end != log->log_end_offset()) {
            if (auto s = write_snapshot(e.state, *log); !s) {
                spdlog::warn("{}-{}: writing the producer snapshot failed: {}", it->first.topic, it->first.partition,
                             s.error().message);
            } else {
                e.state.mark_clean();
                e.snapshot_end = log->log_end_offset();
            }
        }
        ++it;
    }
}

}  // namespace samsa::broker::producer
