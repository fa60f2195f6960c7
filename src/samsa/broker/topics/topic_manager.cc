#include "samsa/broker/topics/topic_manager.h"

#include <algorithm>
#include <cfloat>
#include <map>

#include <spdlog/spdlog.h>

namespace samsa::broker {

namespace {

std::chrono::milliseconds as_ms(int64_t v) {
    if (v < 0 || v == std::numeric_limits<int64_t>::max()) return std::chrono::milliseconds::max();
    return std::chrono::milliseconds(v);
}

// A broker key's value (explicit or its default).
int64_t broker_int(const broker_config& c, std::string_view key, int64_t fallback) {
    auto v = c.value_of(key);
    if (!v) return fallback;
    auto n = parse_config_int(*v);
    return n ? *n : fallback;
}

double broker_double(const broker_config& c, std::string_view key, double fallback) {
    auto v = c.value_of(key);
    if (!v) return fallback;
    auto d = parse_config_double(*v);
    return d ? *d : fallback;
}

}  // namespace

topic_manager::topic_manager(const broker_config& config, topic_table table,
                             std::unique_ptr<storage::log_manager> logs)
    : config_(config), table_(std::move(table)), logs_(std::move(logs)) {}

topic_manager::~topic_manager() {
    if (auto s = close(); !s) spdlog::error("closing the logs failed: {}", s.error().message);
}

storage::log_config topic_manager::log_config_for(const topic_configs& set) const {
    storage::log_config c;
    c.segment_bytes = topic_config_int(set, config_, "segment.bytes");
    c.segment_ms = as_ms(topic_config_int(set, config_, "segment.ms"));
    c.index_interval_bytes = static_cast<int32_t>(topic_config_int(set, config_, "index.interval.bytes"));
    c.segment_index_bytes = static_cast<int32_t>(topic_config_int(set, config_, "segment.index.bytes"));
    c.flush_interval_messages = topic_config_int(set, config_, "flush.messages");
    c.flush_interval_ms = as_ms(topic_config_int(set, config_, "flush.ms"));
    c.message_timestamp_type = topic_config_string(set, config_, "message.timestamp.type") == "LogAppendTime"
                                   ? storage::timestamp_type::log_append_time
                                   : storage::timestamp_type::create_time;
    int64_t retention = topic_config_int(set, config_, "retention.ms");
    c.retention_ms = retention < 0 ? std::chrono::milliseconds(-1) : std::chrono::milliseconds(retention);
    c.retention_bytes = topic_config_int(set, config_, "retention.bytes");
    auto policies = split_config_list(topic_config_string(set, config_, "cleanup.policy"));
    bool del = std::find(policies.begin(), policies.end(), "delete") != policies.end();
    bool compact = std::find(policies.begin(), policies.end(), "compact") != policies.end();
    c.cleanup = del && compact ? storage::cleanup_policy::compact_and_delete
                : compact      ? storage::cleanup_policy::compact
                               : storage::cleanup_policy::delete_records;
    auto ratio = parse_config_double(topic_config_string(set, config_, "min.cleanable.dirty.ratio"));
    c.min_cleanable_dirty_ratio = ratio ? *ratio : 0.5;
    c.min_compaction_lag_ms = std::chrono::milliseconds(topic_config_int(set, config_, "min.compaction.lag.ms"));
    c.max_compaction_lag_ms = as_ms(topic_config_int(set, config_, "max.compaction.lag.ms"));
    c.delete_retention_ms = std::chrono::milliseconds(topic_config_int(set, config_, "delete.retention.ms"));
    return c;
}

result<std::unique_ptr<topic_manager>> topic_manager::open(const broker_config& config) {
    auto table = topic_table::load(config.primary_log_dir());
    if (!table) return table.error();
    // The table outlives open(): the callback runs only inside it.
    auto self = std::unique_ptr<topic_manager>(new topic_manager(config, std::move(*table), nullptr));
    storage::log_manager_config lc;
    lc.log_dirs.clear();
    for (const auto& d : config.log_dirs) lc.log_dirs.emplace_back(d);
    lc.default_config = self->log_config_for({});
    auto enable = parse_config_bool(config.value_of("log.cleaner.enable").value_or("true"));
    lc.cleaner_enable = !enable || *enable;
    lc.cleaner.threads = static_cast<int32_t>(broker_int(config, "log.cleaner.threads", 1));
    lc.cleaner.dedupe_buffer_size = broker_int(config, "log.cleaner.dedupe.buffer.size", 128 << 20);
    lc.cleaner.io_buffer_size = static_cast<int32_t>(broker_int(config, "log.cleaner.io.buffer.size", 512 << 10));
    lc.cleaner.io_buffer_load_factor = broker_double(config, "log.cleaner.io.buffer.load.factor", 0.9);
    lc.cleaner.io_max_bytes_per_second = broker_double(config, "log.cleaner.io.max.bytes.per.second", DBL_MAX);
    self->retention_check_interval_ =
        std::chrono::milliseconds(broker_int(config, "log.retention.check.interval.ms", 300000));
    self->cleaner_backoff_ = std::chrono::milliseconds(broker_int(config, "log.cleaner.backoff.ms", 15000));
    topic_manager* raw = self.get();
    lc.config_for = [raw](std::string_view topic) {
        const auto* m = raw->table_.find(topic);
        return raw->log_config_for(m ? m->configs : topic_configs{});
    };
    auto logs = storage::log_manager::open(std::move(lc));
    if (!logs) return logs.error();
    self->logs_ = std::move(*logs);
    if (auto s = self->reconcile(); !s) return s.error();
    return self;
}

status topic_manager::reconcile() {
    // Partitions found on disk, by topic.
    std::map<std::string, std::pair<int32_t, uuid>> found;
    for (const auto& info : logs_->logs()) {
        auto& [count, id] = found[info.topic];
        count = std::max(count, info.partition() + 1);
        if (!info.topic_id.is_zero()) id = info.topic_id;
    }
    for (const auto& [name, what] : found) {
        const auto& [count, id] = what;
        const auto* m = table_.find(name);
        if (!m) {
            std::optional<uuid> topic_id;
            if (!id.is_zero()) topic_id = id;
            auto created = table_.create(name, count, {}, topic_id);
            if (!created) return created.error();
            spdlog::warn("topic {} found on disk but not in {}: adopted with {} partition(s)", name,
                         topic_table::file_name, count);
            continue;
        }
        if (!id.is_zero() && id != m->id) {
            spdlog::warn("topic {}: partition.metadata has topic id {}, the topic table {}; keeping the table's",
                         name, protocol::to_string(id), protocol::to_string(m->id));
        }
        if (count > m->partition_count) {
            spdlog::warn("topic {}: {} partition dirs on disk but {} in the table; using {}", name, count,
                         m->partition_count, count);
            if (auto s = table_.set_partition_count(name, count); !s) return s;
        }
    }
    for (const auto& [name, m] : table_.topics()) {
        for (int32_t p = 0; p < m.partition_count; ++p) {
            if (logs_->get_log(name, partition_id(p))) continue;
            auto created = logs_->create_log(name, partition_id(p), m.id, log_config_for(m.configs));
            if (!created) return created.error();
            spdlog::warn("topic {} partition {} had no log dir: created an empty one", name, p);
        }
    }
    return ok();
}

result<const topic_metadata*> topic_manager::create_topic(const std::string& name, int32_t partitions,
                                                          topic_configs configs) {
    if (table_.find(name)) return make_error(errc::already_exists, "Topic '" + name + "' already exists.");
    uuid id = uuid::random();
    while (protocol::to_string(id).front() == '-' || table_.find(id)) id = uuid::random();
    auto lc = log_config_for(configs);
    for (int32_t p = 0; p < partitions; ++p) {
        if (logs_->get_log(name, partition_id(p))) continue;  // left over from a crash: reuse
        auto created = logs_->create_log(name, partition_id(p), id, lc);
        if (!created) {
            (void)logs_->delete_logs(name);
            return created.error();
        }
    }
    auto m = table_.create(name, partitions, std::move(configs), id);
    if (!m) {
        (void)logs_->delete_logs(name);
        return m.error();
    }
    spdlog::info("created topic {} ({} partition(s), id {})", name, partitions, protocol::to_string(id));
    return m;
}

status topic_manager::delete_topic(std::string_view name) {
    std::string n(name);
    if (auto s = table_.remove(n); !s) return s;
    if (auto s = logs_->delete_logs(n); !s && s.error().code != errc::not_found) {
        spdlog::error("topic {} removed from the table but its logs could not be deleted: {}", n,
                      s.error().message);
    }
    spdlog::info("deleted topic {}", n);
    return ok();
}

status topic_manager::add_partitions(std::string_view name, int32_t new_count) {
    const auto* m = table_.find(name);
    if (!m) return make_error(errc::not_found, "unknown topic " + std::string(name));
    auto lc = log_config_for(m->configs);
    const int32_t old_count = m->partition_count;
    // A failure part-way removes the partitions this call made: the topic
    // keeps exactly its old count, on disk and in the table.
    auto undo = [&](error e) {
        if (auto s = logs_->delete_logs(name, old_count); !s && s.error().code != errc::not_found)
            spdlog::warn("topic {}: removing the partitions of a failed CreatePartitions: {}", name,
                         s.error().message);
        return e;
    };
    for (int32_t p = old_count; p < new_count; ++p) {
        if (logs_->get_log(name, partition_id(p))) continue;
        auto created = logs_->create_log(name, partition_id(p), m->id, lc);
        if (!created) return undo(created.error());
    }
    if (auto s = table_.set_partition_count(name, new_count); !s) return undo(s.error());
    spdlog::info("topic {} now has {} partitions", name, new_count);
    return ok();
}

status topic_manager::set_configs(std::string_view name, topic_configs configs) {
    if (auto s = table_.set_configs(name, std::move(configs)); !s) return s;
    const auto* m = table_.find(name);
    auto lc = log_config_for(m->configs);
    for (int32_t p = 0; p < m->partition_count; ++p) {
        if (auto* l = logs_->get_log(name, partition_id(p))) l->set_config(lc);
    }
    return ok();
}

storage::partition_log* topic_manager::log(std::string_view topic, partition_id partition) const {
    if (closed_ || partition() < 0) return nullptr;
    return logs_->get_log(topic, partition);
}

void topic_manager::maybe_flush(timestamp_ms now) {
    if (closed_) return;
    for (const auto& [name, m] : table_.topics()) {
        for (int32_t p = 0; p < m.partition_count; ++p) {
            if (auto* l = logs_->get_log(name, partition_id(p))) {
                if (auto s = l->maybe_flush(now); !s) {
                    spdlog::error("flush of {}-{} failed: {}", name, p, s.error().message);
                }
            }
        }
    }
}

std::chrono::milliseconds topic_manager::maintenance_interval() const {
    using std::chrono::milliseconds;
    return std::clamp(std::min(retention_check_interval_, cleaner_backoff_), milliseconds(10), milliseconds(1000));
}

void topic_manager::maintain(timestamp_ms now, const stable_offset_loader& learn_stable_offset) {
    if (closed_) return;
    const bool retention_due = !last_retention_check_ || now() - (*last_retention_check_)() >=
                                                             retention_check_interval_.count();
    const bool cleaner_due = !last_cleaner_check_ || now() - (*last_cleaner_check_)() >= cleaner_backoff_.count();
    if (retention_due) last_retention_check_ = now;
    if (cleaner_due) last_cleaner_check_ = now;
    for (const auto& [name, m] : table_.topics()) {
        for (int32_t p = 0; p < m.partition_count; ++p) {
            auto* l = logs_->get_log(name, partition_id(p));
            if (!l) continue;
            if (auto s = l->finish_clean(); !s)
                spdlog::error("swapping in the cleaned segments of {}-{} failed: {}", name, p, s.error().message);
            if (retention_due) {
                if (auto r = l->apply_retention(now); !r)
                    spdlog::error("retention of {}-{} failed: {}", name, p, r.error().message);
            }
            if (cleaner_due) {
                if (!l->stable_offset_known() && l->config().compacts() && learn_stable_offset)
                    learn_stable_offset(name, partition_id(p), *l);
                if (auto s = l->maybe_start_clean(now); !s)
                    spdlog::error("starting a clean of {}-{} failed: {}", name, p, s.error().message);
            }
        }
    }
}

status topic_manager::close() {
    if (closed_ || !logs_) return ok();
    closed_ = true;
    return logs_->close();
}

}  // namespace samsa::broker
