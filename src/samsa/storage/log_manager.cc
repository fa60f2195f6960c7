#include "samsa/storage/log_manager.h"

#include <charconv>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "samsa/storage/checkpoint_file.h"
#include "samsa/storage/file.h"
#include "samsa/storage/partition_metadata.h"

namespace samsa::storage {
namespace {

constexpr const char* clean_shutdown_file = ".kafka_cleanshutdown";

// Kafka's rule for topic names: 1..249 of [a-zA-Z0-9._-], not "." or "..".
bool valid_topic_name(std::string_view topic) {
    if (topic.empty() || topic.size() > 249 || topic == "." || topic == "..") return false;
    for (char c : topic) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return false;
    }
    return true;
}

// `<topic>-<partition>` -> (topic, partition); the topic may itself hold '-'.
std::optional<std::pair<std::string, int32_t>> parse_log_dir_name(std::string_view name) {
    size_t dash = name.rfind('-');
    if (dash == std::string_view::npos || dash == 0 || dash + 1 == name.size()) return std::nullopt;
    std::string_view digits = name.substr(dash + 1);
    int32_t partition = -1;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), partition);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || partition < 0) return std::nullopt;
    std::string_view topic = name.substr(0, dash);
    if (!valid_topic_name(topic)) return std::nullopt;
    return std::pair{std::string(topic), partition};
}

std::string uuid_hex(const samsa::uuid& u) {
    std::string out;
    for (uint8_t b : u.data) out += fmt::format("{:02x}", b);
    return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

log_manager::log_manager(log_manager_config config) : config_(std::move(config)) {}

log_manager::~log_manager() {
    if (auto st = close(); !st) spdlog::error("closing the logs: {}", st.error().message);
}

result<std::unique_ptr<log_manager>> log_manager::open(log_manager_config config) {
    if (config.log_dirs.empty()) return make_error(errc::invalid_argument, "log.dirs is empty");
    const auto started = std::chrono::steady_clock::now();
    std::unique_ptr<log_manager> mgr(new log_manager(std::move(config)));
    if (mgr->config_.background_flush) mgr->flusher_ = std::make_unique<background_flusher>();
    if (mgr->config_.cleaner_enable && mgr->config_.cleaner.threads > 0)
        mgr->cleaner_ = std::make_unique<log_cleaner>(mgr->config_.cleaner);
    for (size_t i = 0; i < mgr->config_.log_dirs.size(); ++i) {
        if (auto st = mgr->load_dir(i); !st) {
            mgr->closed_ = true;  // nothing was promised to anyone: no clean marker, no checkpoints
            return st.error();
        }
    }
    // What the scans of an unclean start fixed was only written (defer_sync): one sync makes it durable
    // before the recovery points can be checkpointed.
    if (mgr->deferred_syncs_) {
        if (auto st = mgr->sync_log_dirs(); !st) {
            mgr->closed_ = true;
            return st.error();
        }
    }
    // Only now that every log is open: a crash from here on is unclean.
    for (const auto& dir : mgr->config_.log_dirs) {
        std::error_code ec;
        if (std::filesystem::remove(dir / clean_shutdown_file, ec)) {
            if (auto st = sync_dir(dir); !st) return st.error();
        } else if (ec) {
            return make_error(errc::io_error, fmt::format("cannot remove {}: {}", (dir / clean_shutdown_file).string(),
                                                          ec.message()));
        }
    }
    auto& report = mgr->startup_;
    report.took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    spdlog::info("storage: opened {} logs in {:.1f} ms ({} recovered after an unclean shutdown, {} bytes truncated)",
                 report.logs_opened, report.took.count() / 1000.0, report.logs_recovered, report.bytes_truncated);
    if (mgr->config_.checkpoint_interval.count() > 0)
        mgr->checkpointer_ = std::thread([m = mgr.get()] { m->run_checkpointer(); });
    return mgr;
}

status log_manager::load_dir(size_t dir_index) {
    const auto& dir = config_.log_dirs[dir_index];
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return make_error(errc::io_error, fmt::format("cannot create log dir {}: {}", dir.string(), ec.message()));
    const bool clean = std::filesystem::exists(dir / clean_shutdown_file, ec);

    std::map<std::pair<std::string, int32_t>, offset> recovery_points;
    std::map<std::pair<std::string, int32_t>, offset> start_offsets;
    std::map<std::pair<std::string, int32_t>, offset> cleaner_offsets;
    auto load_checkpoint = [&](const char* name, auto& into) {
        auto entries = read_checkpoint(dir / name);
        if (!entries) {
            // A damaged checkpoint costs a longer scan, never data.
            spdlog::warn("storage: {}; ignoring it", entries.error().message);
            return;
        }
        for (auto& e : *entries) into[{e.topic, e.partition()}] = e.off;
    };
    load_checkpoint(recovery_point_checkpoint_file, recovery_points);
    load_checkpoint(log_start_offset_checkpoint_file, start_offsets);
    load_checkpoint(cleaner_offset_checkpoint_file, cleaner_offsets);

    std::vector<std::filesystem::directory_entry> entries;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        if (entry.is_directory()) entries.push_back(entry);
    }
    if (ec) return make_error(errc::io_error, fmt::format("cannot list log dir {}: {}", dir.string(), ec.message()));
    // After an unclean shutdown of many logs, their scans only write their fixes and open() syncs the
    // file system once. After a clean one a rare scan (a tail that does not read cleanly) syncs at once:
    // the clean marker stays until every log is open, and a crash before that must not find it over
    // unsynced fixes.
    const bool defer_sync = !clean && entries.size() > sync_file_system_above_logs;
    deferred_syncs_ = deferred_syncs_ || defer_sync;

    for (const auto& entry : entries) {
        const std::string name = entry.path().filename().string();
        if (ends_with(name, "-delete")) {
            std::filesystem::remove_all(entry.path(), ec);
            if (ec) spdlog::warn("storage: cannot remove {}: {}", entry.path().string(), ec.message());
            else spdlog::info("storage: removed {}, a deleted partition", entry.path().string());
            continue;
        }
        auto parsed = parse_log_dir_name(name);
        if (!parsed) {
            spdlog::warn("storage: ignoring {}: not a <topic>-<partition> directory", entry.path().string());
            continue;
        }
        key k{parsed->first, parsed->second};
        if (logs_.count(k))
            return make_error(errc::corrupt, fmt::format("partition {} is in two log dirs: {} and {}", name,
                                                         logs_[k].log->dir().string(), entry.path().string()));
        recovery_hint hint;
        hint.clean_shutdown = clean;
        hint.defer_sync = defer_sync;
        if (auto it = recovery_points.find({k.topic, k.partition}); it != recovery_points.end())
            hint.recovery_point = it->second;
        if (auto it = start_offsets.find({k.topic, k.partition}); it != start_offsets.end())
            hint.log_start_offset = it->second;
        if (auto it = cleaner_offsets.find({k.topic, k.partition}); it != cleaner_offsets.end())
            hint.cleaner_offset = it->second;
        const log_config cfg = config_.config_for ? config_.config_for(k.topic) : config_.default_config;
        auto log = partition_log::open(entry.path(), cfg, hint);
        if (!log)
            return make_error(log.error().code, fmt::format("cannot load the partition directory {}: {}",
                                                            entry.path().string(), log.error().message));
        (*log)->set_flusher(flusher_.get());
        (*log)->set_cleaner(cleaner_.get());
        samsa::uuid topic_id;
        if (auto id = read_partition_metadata(entry.path())) {
            topic_id = *id;
        } else if (id.error().code != errc::not_found) {
            spdlog::warn("storage: {}", id.error().message);
        }
        const auto& s = (*log)->summary();
        ++startup_.logs_opened;
        if (s.scanned) {
            ++startup_.logs_recovered;
            startup_.bytes_truncated += s.bytes_truncated;
            if (s.bytes_truncated > 0 || s.segments_removed > 0) {
                spdlog::warn(
                    "storage: recovered {} in {:.1f} ms: validated {} bytes, truncated {} bytes ({} segments "
                    "removed): {}; rebuilt {} indexes; log end offset {}",
                    name, s.took.count() / 1000.0, s.bytes_scanned, s.bytes_truncated, s.segments_removed,
                    s.truncation_reason, s.indexes_rebuilt, (*log)->log_end_offset()());
            } else {
                spdlog::info("storage: recovered {} in {:.1f} ms: validated {} bytes, nothing truncated; rebuilt {} "
                             "indexes; log end offset {}",
                             name, s.took.count() / 1000.0, s.bytes_scanned, s.indexes_rebuilt,
                             (*log)->log_end_offset()());
            }
        } else if (s.indexes_rebuilt > 0) {
            spdlog::info("storage: {}: rebuilt {} missing indexes", name, s.indexes_rebuilt);
        }
        logs_.emplace(std::move(k), entry_t{std::move(*log), dir_index, topic_id});
    }
    return ok();
}

result<partition_log*> log_manager::create_log(std::string_view topic, partition_id partition, const samsa::uuid& topic_id,
                                               const log_config& config) {
    if (!valid_topic_name(topic))
        return make_error(errc::invalid_argument, fmt::format("invalid topic name '{}'", topic));
    if (partition() < 0) return make_error(errc::invalid_argument, fmt::format("invalid partition {}", partition()));
    {
        std::lock_guard lock(mutex_);
        if (closed_) return make_error(errc::closed, "the log manager is closed");
        if (logs_.count(key{std::string(topic), partition()}))
            return make_error(errc::already_exists, fmt::format("log {}-{} already exists", topic, partition()));
    }
    auto dir = place_new_logs(topic, partition(), 1).front();
    auto log = make_log_files(dir, topic_id, config);
    if (!log) return log.error();
    if (auto st = sync_dir(dir.parent_path()); !st) {
        log->reset();
        remove_log_files(dir);
        return st.error();
    }
    auto registered = register_log(topic, partition, topic_id, std::move(*log));
    // already_exists: another thread made the same log meanwhile; its files are those.
    if (!registered && registered.error().code != errc::already_exists) remove_log_files(dir);
    return registered;
}

std::vector<std::filesystem::path> log_manager::place_new_logs(std::string_view topic, int32_t first_partition,
                                                               int32_t count) const {
    std::vector<std::filesystem::path> dirs;
    dirs.reserve(static_cast<size_t>(std::max(count, 0)));
    // Kafka's placement: the log dir with the fewest partitions (counted only
    // when there is a choice: creating n partitions stays linear with one dir).
    std::vector<size_t> counts(config_.log_dirs.size(), 0);
    if (config_.log_dirs.size() > 1) {
        std::lock_guard lock(mutex_);
        for (const auto& [_, e] : logs_) ++counts[e.dir_index];
    }
    for (int32_t i = 0; i < count; ++i) {
        auto dir_index = static_cast<size_t>(std::min_element(counts.begin(), counts.end()) - counts.begin());
        ++counts[dir_index];
        dirs.push_back(config_.log_dirs[dir_index] / fmt::format("{}-{}", topic, first_partition + i));
    }
    return dirs;
}

result<std::unique_ptr<partition_log>> log_manager::make_log_files(const std::filesystem::path& dir,
                                                                   const samsa::uuid& topic_id,
                                                                   const log_config& config) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return make_error(errc::io_error, fmt::format("cannot create {}: {}", dir.string(), ec.message()));
    // Whatever fails from here leaves no directory behind: a half-made
    // partition must not be adopted at the next start.
    if (auto st = write_partition_metadata(dir, topic_id); !st) {
        remove_log_files(dir);
        return st.error();
    }
    recovery_hint fresh;  // a new, empty log: nothing to re-scan
    fresh.clean_shutdown = true;
    auto log = partition_log::open(dir, config, fresh);
    if (!log) {
        remove_log_files(dir);
        return log.error();
    }
    return std::move(*log);
}

void log_manager::remove_log_files(const std::filesystem::path& dir) {
    std::error_code rm_ec;
    std::filesystem::remove_all(dir, rm_ec);
    if (rm_ec) spdlog::warn("storage: cannot remove {} after a failed create: {}", dir.string(), rm_ec.message());
}

result<partition_log*> log_manager::register_log(std::string_view topic, partition_id partition,
                                                 const samsa::uuid& topic_id, std::unique_ptr<partition_log> log) {
    std::lock_guard lock(mutex_);
    if (closed_) return make_error(errc::closed, "the log manager is closed");
    key k{std::string(topic), partition()};
    if (logs_.count(k))
        return make_error(errc::already_exists, fmt::format("log {}-{} already exists", topic, partition()));
    size_t dir_index = 0;
    for (size_t i = 0; i < config_.log_dirs.size(); ++i) {
        if (log->dir().parent_path() == config_.log_dirs[i]) dir_index = i;
    }
    log->set_flusher(flusher_.get());
    log->set_cleaner(cleaner_.get());
    partition_log* raw = log.get();
    logs_.emplace(std::move(k), entry_t{std::move(log), dir_index, topic_id});
    return raw;
}

partition_log* log_manager::get_log(std::string_view topic, partition_id partition) const {
    std::lock_guard lock(mutex_);
    auto it = logs_.find(key{std::string(topic), partition()});
    return it == logs_.end() ? nullptr : it->second.log.get();
}

status log_manager::delete_logs(std::string_view topic, int32_t first_partition) {
    std::unique_lock lock(mutex_);
    std::vector<std::pair<key, entry_t>> doomed;
    for (auto it = logs_.begin(); it != logs_.end();) {
        if (it->first.topic == topic && it->first.partition >= first_partition) {
            doomed.emplace_back(it->first, std::move(it->second));
            it = logs_.erase(it);
        } else {
            ++it;
        }
    }
    lock.unlock();
    if (doomed.empty()) return make_error(errc::not_found, fmt::format("no logs for topic '{}'", topic));
    status first_error = ok();
    for (auto& [k, e] : doomed) {
        auto dir = e.log->dir();
        if (auto st = e.log->close(); !st && first_error) first_error = st;
        e.log.reset();
        auto renamed = dir;
        renamed.replace_filename(fmt::format("{}-{}.{}-delete", k.topic, k.partition, uuid_hex(samsa::uuid::random())));
        std::error_code ec;
        std::filesystem::rename(dir, renamed, ec);
        if (ec) {
            if (first_error)
                first_error = make_error(errc::io_error, fmt::format("cannot rename {} to {}: {}", dir.string(),
                                                                     renamed.string(), ec.message()));
            continue;
        }
        (void)sync_dir(renamed.parent_path());
        std::filesystem::remove_all(renamed, ec);
        if (ec) spdlog::warn("storage: cannot remove {} (removed at next start): {}", renamed.string(), ec.message());
    }
    if (auto st = checkpoint(); !st && first_error) first_error = st;
    return first_error;
}

std::vector<log_info> log_manager::logs() const {
    std::lock_guard lock(mutex_);
    std::vector<log_info> out;
    out.reserve(logs_.size());
    for (const auto& [k, e] : logs_) out.push_back({k.topic, partition_id(k.partition), e.topic_id, e.log->dir()});
    return out;
}

status log_manager::checkpoint() {
    // Gather under the table lock, write under the checkpoint lock only: get_log stays fast.
    std::vector<std::vector<checkpoint_entry>> recovery(config_.log_dirs.size());
    std::vector<std::vector<checkpoint_entry>> starts(config_.log_dirs.size());
    std::vector<std::vector<checkpoint_entry>> cleaned(config_.log_dirs.size());
    {
        std::lock_guard lock(mutex_);
        for (const auto& [k, e] : logs_) {
            recovery[e.dir_index].push_back({k.topic, partition_id(k.partition), e.log->published_recovery_point()});
            starts[e.dir_index].push_back({k.topic, partition_id(k.partition), e.log->published_log_start_offset()});
            if (offset c = e.log->published_cleaner_offset(); c() >= 0)
                cleaned[e.dir_index].push_back({k.topic, partition_id(k.partition), c});
        }
    }
    std::lock_guard write_lock(checkpoint_mutex_);
    if (last_checkpoint_.size() != config_.log_dirs.size()) last_checkpoint_.assign(config_.log_dirs.size(), {});
    for (size_t i = 0; i < config_.log_dirs.size(); ++i) {
        std::string text = format_checkpoint(recovery[i]) + '\0' + format_checkpoint(starts[i]) + '\0' +
                           format_checkpoint(cleaned[i]);
        if (text == last_checkpoint_[i]) continue;
        if (auto st = write_checkpoint(config_.log_dirs[i] / recovery_point_checkpoint_file, recovery[i]); !st)
            return st;
        if (auto st = write_checkpoint(config_.log_dirs[i] / log_start_offset_checkpoint_file, starts[i]); !st)
            return st;
        if (auto st = write_checkpoint(config_.log_dirs[i] / cleaner_offset_checkpoint_file, cleaned[i]); !st)
            return st;
        last_checkpoint_[i] = std::move(text);
    }
    return ok();
}

void log_manager::run_checkpointer() {
    std::unique_lock lock(checkpointer_mutex_);
    while (!stop_checkpointer_) {
        checkpointer_cv_.wait_for(lock, config_.checkpoint_interval, [this] { return stop_checkpointer_; });
        if (stop_checkpointer_) break;
        lock.unlock();
        if (auto st = checkpoint(); !st) spdlog::warn("storage: checkpoint failed: {}", st.error().message);
        lock.lock();
    }
}

status log_manager::sync_log_dirs() {
    for (const auto& dir : config_.log_dirs) {
        if (auto st = sync_file_system(dir); !st) return st;
    }
    return ok();
}

status log_manager::close() {
    {
        std::lock_guard lock(checkpointer_mutex_);
        stop_checkpointer_ = true;
    }
    checkpointer_cv_.notify_all();
    if (checkpointer_.joinable()) checkpointer_.join();

    std::unique_lock lock(mutex_);
    if (closed_) return ok();
    closed_ = true;
    status first_error = ok();
    // Many logs: one sync per log dir for every log's data and indexes (Kafka
    // flushes each log in turn; at 10,000 partitions that took this broker 47 s).
    const bool sync_once = logs_.size() > sync_file_system_above_logs;
    for (auto& [k, e] : logs_) {
        if (auto st = sync_once ? e.log->close_without_sync() : e.log->close(); !st) {
            spdlog::error("storage: closing {}-{}: {}", k.topic, k.partition, st.error().message);
            if (first_error) first_error = st;
        }
    }
    lock.unlock();
    if (cleaner_) cleaner_->stop();
    if (flusher_) flusher_->drain();
    if (sync_once) {
        if (auto st = sync_log_dirs(); !st) {
            if (first_error) first_error = st;
        } else {
            for (auto& [k, e] : logs_) e.log->mark_written_durable();
        }
    }
    if (auto st = checkpoint(); !st && first_error) first_error = st;
    if (!first_error) return first_error;  // no clean marker: the next start re-checks
    for (const auto& dir : config_.log_dirs) {
        if (auto st = write_file_atomically(dir / clean_shutdown_file, ""); !st) return st;
    }
    spdlog::info("storage: closed {} logs cleanly", logs_.size());
    return ok();
}

}  // namespace samsa::storage
