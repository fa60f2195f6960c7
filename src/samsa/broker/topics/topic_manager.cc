#include "samsa/broker/topics/topic_manager.h"

#include <algorithm>
#include <cfloat>
#include <map>

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/thread_pool.hpp>
#include <spdlog/spdlog.h>

#include "samsa/base/assert.h"
#include "samsa/broker/topics/table_write_batch.h"
#include "samsa/storage/file.h"

namespace samsa::broker {

namespace {

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

const topic_properties& topic_manager::rebuild_properties(const topic_metadata& m) {
    auto built = build_topic_properties(m.configs, config_);
    if (!built) {
        spdlog::warn("topic {}: {}; using the broker's defaults for all its configs", m.name, built.error().message);
        built = default_properties_;
    }
    SAMSA_ASSERT(table_.set_properties(m.name, std::move(*built)), "rebuild_properties of a topic not in the table");
    return m.properties;
}

result<std::unique_ptr<topic_manager>> topic_manager::open(const broker_config& config) {
    auto table = topic_table::load(config.primary_log_dir());
    if (!table) return table.error();
    // The table outlives open(): the callback runs only inside it.
    auto self = std::unique_ptr<topic_manager>(new topic_manager(config, std::move(*table), nullptr));
    storage::log_manager_config lc;
    lc.log_dirs.clear();
    for (const auto& d : config.log_dirs) lc.log_dirs.emplace_back(d);
    // The broker's values were validated at start-up, so defaults build.
    auto defaults = build_topic_properties({}, config);
    if (!defaults) return defaults.error();
    self->default_properties_ = std::move(*defaults);
    for (const auto& [name, m] : self->table_.topics()) self->rebuild_properties(m);
    lc.default_config = self->default_properties_.log;
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
        return m ? m->properties.log : raw->default_properties_.log;
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
            rebuild_properties(**created);
            spdlog::warn("topic {} found on disk but not in {}: adopted with {} partition(s)", name,
                         topic_table::file_name, count);
            continue;
        }
        if (!id.is_zero() && id != m->id) {
            spdlog::warn("topic {}: partition.metadata has topic id {}, the topic table {}; keeping the table's",
                         name, samsa::to_string(id), samsa::to_string(m->id));
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
            auto created = logs_->create_log(name, partition_id(p), m.id, m.properties.log);
            if (!created) return created.error();
            spdlog::warn("topic {} partition {} had no log dir: created an empty one", name, p);
        }
    }
    return ok();
}

result<const topic_metadata*> topic_manager::create_topic(const std::string& name, int32_t partitions,
                                                          topic_configs configs) {
    if (table_.find(name) || creating(name))
        return make_error(errc::already_exists, "Topic '" + name + "' already exists.");
    uuid id = uuid::random();
    while (samsa::to_string(id).front() == '-' || table_.find(id)) id = uuid::random();
    auto properties = build_topic_properties(configs, config_);
    if (!properties) return properties.error();
    const auto& lc = properties->log;
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
    SAMSA_ASSERT(table_.set_properties(name, std::move(*properties)), "a topic just created is in the table");
    spdlog::info("created topic {} ({} partition(s), id {})", name, partitions, samsa::to_string(id));
    return m;
}

// What create_topics() hands the worker, and what the worker made.
// Thread: built and finished on the I/O thread; between the two only the
// worker touches it (asio's queues order the hand-overs).
struct topic_manager::creation_job {
    struct topic {
        std::string name;
        int32_t partitions = 0;  // after the job
        // A growth (add_partitions) of a topic that has `first` partitions;
        // else a new topic (first is 0).
        bool grows = false;
        int32_t first = 0;
        topic_configs configs;
        uuid id;
        topic_properties properties;
        std::vector<int32_t> numbers;               // the partitions to make (a crash's leftovers are reused)
        std::vector<std::filesystem::path> dirs;    // where, one per number
        std::vector<std::unique_ptr<storage::partition_log>> made;  // null once registered
        std::optional<error> failed;
    };
    std::vector<topic> topics;

    creation_job() = default;
    creation_job(const creation_job&) = delete;
    creation_job& operator=(const creation_job&) = delete;
    // A job dropped before it was finished (the broker stopped) leaves no
    // directory that the next start would adopt as a topic.
    ~creation_job() {
        for (auto& t : topics) discard(t);
    }

    // Closes the logs made and not registered, and removes their directories.
    static void discard(topic& t) {
        for (size_t i = 0; i < t.made.size(); ++i) {
            if (!t.made[i]) continue;
            t.made[i].reset();
            storage::log_manager::remove_log_files(t.dirs[i]);
        }
        t.made.clear();
    }

    // Thread: the creation worker.
    void run(const std::atomic<bool>& cancel) {
        std::set<std::filesystem::path> parents;
        for (auto& t : topics) {
            if (t.failed) continue;
            t.made.reserve(t.dirs.size());
            for (const auto& dir : t.dirs) {
                if (cancel.load(std::memory_order_relaxed)) {
                    t.failed = make_error(errc::closed, "the broker is stopping");
                    break;
                }
                auto log = storage::log_manager::make_log_files(dir, t.id, t.properties.log);
                if (!log) {
                    t.failed = log.error();
                    break;
                }
                t.made.push_back(std::move(*log));
                parents.insert(dir.parent_path());
            }
            if (t.failed) discard(t);
        }
        // The new entries of each log dir made durable once for the job, not
        // once per partition or topic (a Metadata auto-creating 8,000 topics
        // of one partition would sync the log dir 8,000 times). A failure
        // fails every topic of the job.
        for (const auto& parent : parents) {
            auto st = storage::sync_dir(parent);
            if (st) continue;
            for (auto& t : topics) {
                if (t.failed) continue;
                t.failed = st.error();
                discard(t);
            }
            break;
        }
    }
};

void topic_manager::start_creations(asio::io_context& io) {
    io_ = &io;
    if (!creation_worker_) creation_worker_ = std::make_unique<asio::thread_pool>(1);
}

bool topic_manager::reserve(const std::string& name) {
    if (table_.find(name)) return false;
    return creating_.insert(name).second;
}

std::optional<std::string> topic_manager::colliding_topic(std::string_view name) const {
    auto exists = [&](std::string_view n) { return table_.find(n) != nullptr || creating_.count(n) > 0; };
    std::vector<size_t> swappable;  // positions of '.' and '_'
    for (size_t i = 0; i < name.size(); ++i) {
        if (name[i] == '.' || name[i] == '_') swappable.push_back(i);
    }
    // Each such character may be either one in a colliding name: look the
    // variants up, a few lookups for real names (2^k for k dots and
    // underscores), instead of comparing with every topic.
    constexpr size_t max_variants_bits = 10;
    if (swappable.size() <= max_variants_bits) {
        std::string variant(name);
        for (uint32_t pick = 0; pick < (1u << swappable.size()); ++pick) {
            for (size_t b = 0; b < swappable.size(); ++b) variant[swappable[b]] = (pick >> b) & 1 ? '_' : '.';
            if (variant != name && exists(variant)) return variant;
        }
        return std::nullopt;
    }
    auto same_but_dots = [&](std::string_view other) {
        if (other.size() != name.size() || other == name) return false;
        for (size_t i = 0; i < name.size(); ++i) {
            const bool a = name[i] == '.' || name[i] == '_', b = other[i] == '.' || other[i] == '_';
            if (a != b || (!a && name[i] != other[i])) return false;
        }
        return true;
    };
    for (const auto& [other, _] : table_.topics()) {
        if (same_but_dots(other)) return other;
    }
    for (const auto& other : creating_) {
        if (same_but_dots(other)) return other;
    }
    return std::nullopt;
}

void topic_manager::create_topics(std::vector<topic_creation> topics, creations_done done) {
    SAMSA_ASSERT(io_ && creation_worker_, "create_topics before start_creations");
    auto job = std::make_shared<creation_job>();  // shared: the worker's task and the I/O thread's table
    for (auto& c : topics) {
        SAMSA_ASSERT(creating(c.name), "create_topics of a name not reserved");
        creation_job::topic t;
        t.name = std::move(c.name);
        t.partitions = c.partitions;
        t.configs = std::move(c.configs);
        auto properties = build_topic_properties(t.configs, config_);
        if (!properties) {
            t.failed = properties.error();
        } else if (closed_) {
            t.failed = make_error(errc::closed, "the broker is stopping");
        } else {
            t.properties = std::move(*properties);
            t.id = uuid::random();
            while (samsa::to_string(t.id).front() == '-' || table_.find(t.id)) t.id = uuid::random();
            auto dirs = logs_->place_new_logs(t.name, 0, t.partitions);
            for (int32_t p = 0; p < t.partitions; ++p) {
                if (logs_->get_log(t.name, partition_id(p))) continue;  // left over from a crash: reuse
                t.numbers.push_back(p);
                t.dirs.push_back(std::move(dirs[static_cast<size_t>(p)]));
            }
        }
        job->topics.push_back(std::move(t));
    }
    start_job(std::move(job), std::move(done));
}

void topic_manager::add_partitions(std::vector<partition_growth> growths, creations_done done) {
    SAMSA_ASSERT(io_ && creation_worker_, "add_partitions before start_creations");
    auto job = std::make_shared<creation_job>();  // shared: the worker's task and the I/O thread's table
    for (auto& g : growths) {
        const auto* m = table_.find(g.name);
        SAMSA_ASSERT(m != nullptr, "add_partitions of a topic not in the table");
        creation_job::topic t;
        t.name = std::move(g.name);
        t.grows = true;
        t.first = growing_to(t.name).value_or(m->partition_count);
        t.partitions = g.new_count;
        t.id = m->id;
        t.properties = m->properties;
        SAMSA_ASSERT(t.partitions > t.first, "add_partitions that adds none");
        if (closed_) {
            t.failed = make_error(errc::closed, "the broker is stopping");
        } else {
            growing_[t.name] = t.partitions;
            auto dirs = logs_->place_new_logs(t.name, t.first, t.partitions - t.first);
            for (int32_t p = t.first; p < t.partitions; ++p) {
                if (logs_->get_log(t.name, partition_id(p))) continue;  // left over from a crash: reuse
                t.numbers.push_back(p);
                t.dirs.push_back(std::move(dirs[static_cast<size_t>(p - t.first)]));
            }
        }
        job->topics.push_back(std::move(t));
    }
    start_job(std::move(job), std::move(done));
}

std::optional<int32_t> topic_manager::growing_to(std::string_view name) const {
    auto it = growing_.find(name);
    if (it == growing_.end()) return std::nullopt;
    return it->second;
}

void topic_manager::start_job(std::shared_ptr<creation_job> job, creations_done done) {
    const uint64_t id = next_creation_++;
    creations_.emplace(id, std::make_pair(job, std::move(done)));
    asio::post(*creation_worker_, [this, job, id] {
        job->run(cancel_creations_);
        asio::post(*io_, [this, id] { finish_creation(id); });
    });
}

void topic_manager::finish_creation(uint64_t id) {
    auto it = creations_.find(id);
    if (it == creations_.end()) return;  // cancelled by close()
    auto job = std::move(it->second.first);
    auto done = std::move(it->second.second);
    creations_.erase(it);
    table_write_batch writes;
    std::vector<result<uuid>> outcomes;
    for (size_t i = 0; i < job->topics.size(); ++i) {
        auto& t = job->topics[i];
        release(t.name, t.grows, t.partitions);
        if (t.failed) {
            outcomes.emplace_back(*t.failed);
            continue;
        }
        outcomes.push_back(t.grows ? register_growth(*job, i) : register_topic(*job, i));
    }
    auto written = writes.commit();
    done(std::move(outcomes), std::move(written));
}

void topic_manager::release(const std::string& name, bool grows, int32_t partitions) {
    if (!grows) {
        creating_.erase(name);
        return;
    }
    // A later growth of the same topic may be queued: its count stays.
    auto g = growing_.find(name);
    if (g != growing_.end() && g->second == partitions) growing_.erase(g);
}

std::optional<error> topic_manager::register_made_logs(creation_job& job, size_t index) {
    auto& t = job.topics[index];
    for (size_t i = 0; i < t.made.size(); ++i) {
        auto registered = logs_->register_log(t.name, partition_id(t.numbers[i]), t.id, std::move(t.made[i]));
        if (registered) continue;
        // The refused log is closed; its directory is ours unless the
        // log was there already.
        if (registered.error().code != errc::already_exists) storage::log_manager::remove_log_files(t.dirs[i]);
        return registered.error();
    }
    return std::nullopt;
}

result<uuid> topic_manager::register_topic(creation_job& job, size_t index) {
    auto& t = job.topics[index];
    std::optional<error> failed = register_made_logs(job, index);
    if (!failed) {
        auto m = table_.create(t.name, t.partitions, std::move(t.configs), t.id);
        if (m) {
            SAMSA_ASSERT(table_.set_properties(t.name, std::move(t.properties)), "a topic just created is in the table");
            spdlog::info("created topic {} ({} partition(s), id {})", t.name, t.partitions, samsa::to_string(t.id));
            return t.id;
        }
        failed = m.error();
    }
    // Rolled back whole: the registered logs, then the ones not registered.
    if (auto s = logs_->delete_logs(t.name); !s && s.error().code != errc::not_found)
        spdlog::warn("topic {}: removing the logs of a failed creation: {}", t.name, s.error().message);
    creation_job::discard(t);
    return *failed;
}

result<uuid> topic_manager::register_growth(creation_job& job, size_t index) {
    auto& t = job.topics[index];
    const auto* m = table_.find(t.name);
    if (!m || m->id != t.id) {
        creation_job::discard(t);
        return make_error(errc::not_found, "The topic '" + t.name + "' was deleted while partitions were added.");
    }
    if (m->partition_count != t.first) {
        // An earlier growth queued before this one failed.
        creation_job::discard(t);
        return make_error(errc::io_error, "Topic '" + t.name + "' has " + std::to_string(m->partition_count) +
                                              " partitions, not " + std::to_string(t.first) +
                                              ": an earlier CreatePartitions of it failed.");
    }
    std::optional<error> failed = register_made_logs(job, index);
    if (!failed) {
        if (auto st = table_.set_partition_count(t.name, t.partitions); st) {
            spdlog::info("topic {} now has {} partitions", t.name, t.partitions);
            return t.id;
        } else {
            failed = st.error();
        }
    }
    // The topic keeps exactly its old count, on disk and in the table.
    if (auto s = logs_->delete_logs(t.name, t.first); !s && s.error().code != errc::not_found)
        spdlog::warn("topic {}: removing the partitions of a failed CreatePartitions: {}", t.name, s.error().message);
    creation_job::discard(t);
    return *failed;
}

void topic_manager::cancel_creations() {
    cancel_creations_.store(true, std::memory_order_relaxed);
    if (creation_worker_) {
        // The task running stops at its next partition; queued ones are dropped.
        creation_worker_->stop();
        creation_worker_->join();
    }
    size_t cancelled = 0;
    for (auto& [_, creation] : creations_) {
        for (auto& t : creation.first->topics) {
            release(t.name, t.grows, t.partitions);
            creation_job::discard(t);
            ++cancelled;
        }
    }
    creations_.clear();
    if (cancelled > 0)
        spdlog::info("stopping: the creation of {} topic(s) was cancelled and their directories removed", cancelled);
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

status topic_manager::set_configs(std::string_view name, topic_configs configs) {
    // Built before anything changes: configs that do not build are refused
    // with the table and the logs as they were.
    auto properties = build_topic_properties(configs, config_);
    if (!properties) return properties.error();
    if (auto s = table_.set_configs(name, std::move(configs)); !s) return s;
    SAMSA_ASSERT(table_.set_properties(name, std::move(*properties)), "set_configs of a topic not in the table");
    const auto* m = table_.find(name);
    const auto& lc = m->properties.log;
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
    cancel_creations();
    return logs_->close();
}

}  // namespace samsa::broker
