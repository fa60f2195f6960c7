#pragma once
// topic_manager: topics as the handlers see them — the topic_table (names,
// ids, partition counts, configs) kept in step with the partition logs
// (storage::log_manager). Every change that touches both goes through here,
// in an order that a crash cannot turn into a lie:
//
//   create      logs first, then the table entry (a crash leaves orphan
//               dirs, adopted at the next start with their topic id);
//               CreateTopics and Metadata's auto-creation make the logs on
//               the creation worker (create_topics) and register them on
//               the I/O thread
//   delete      the table entry first, then the logs (a crash leaves dirs
//               that log_manager cleans up or the next start re-adopts)
//   partitions  new logs first (on the creation worker too, add_partitions),
//               then the table's count
//   configs     the table first (persisted), then the topic's properties
//               rebuilt (topic_properties.h), then set_config on every log
//
// At start-up it reconciles the table with the dirs found: a dir the table
// does not know is adopted (its topic id from partition.metadata), a
// partition the table knows without a dir gets an empty log.
//
// Thread: the I/O thread. (log_manager's own checkpointer thread never
// reaches this class; the creation worker touches only its creation_job.)

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/base/types.h"
#include "samsa/broker/config/broker_config.h"
#include "samsa/broker/topics/topic_table.h"
#include "samsa/storage/log_config.h"
#include "samsa/storage/log_manager.h"

// Only references to Asio's types: no Asio header here.
namespace asio {
class io_context;
class thread_pool;
}  // namespace asio

namespace samsa::broker {

// One topic of a create_topics() call.
struct topic_creation {
    std::string name;
    int32_t partitions = 0;
    topic_configs configs;
};

// One topic of an add_partitions() call: its count after.
struct partition_growth {
    std::string name;
    int32_t new_count = 0;
};

class topic_manager {
public:
    // Loads the table from the first log dir, opens every log (recovering
    // them if needed), reconciles.
    static result<std::unique_ptr<topic_manager>> open(const broker_config& config);
    ~topic_manager();

    const topic_table& table() const { return table_; }
    const topic_metadata* find(std::string_view name) const { return table_.find(name); }
    const broker_config& config() const { return config_; }

    // The caller has validated the name, count and configs (the handlers
    // answer with Kafka's codes); failures here are already_exists or io_error.
    result<const topic_metadata*> create_topic(const std::string& name, int32_t partitions, topic_configs configs);

    // CreateTopics without stalling the I/O thread (a topic of 10,000
    // partitions is ~30,000 fsyncs). The caller validates each topic and
    // reserve()s its name first; a reserved name counts as existing for
    // every creator (creating() is true) until the creation ends. The
    // directories and first segments are made on the creation worker; then,
    // back on the I/O thread, the logs are registered, the table entries
    // added and the table written once, the names released, and `done`
    // called with one outcome per topic and the table write's status. A
    // topic any of whose partitions failed is removed whole.
    //
    // Stop (close()) cancels the work in flight: the worker stops between
    // partitions, and the directories of every topic not yet registered
    // are removed; `done` is not called then (the connections are gone).
    // Needs start_creations() first.
    using creations_done = std::function<void(std::vector<result<uuid>> outcomes, status table_written)>;
    void start_creations(asio::io_context& io);
    bool reserve(const std::string& name);
    bool creating(std::string_view name) const { return creating_.count(name) > 0; }
    // A topic, existing or being created, whose name differs from name only
    // in '.' versus '_' (such names collide in Kafka's metrics, and Kafka
    // refuses to create the second: "collides with existing topic"); nullopt
    // when there is none. name itself is not one.
    std::optional<std::string> colliding_topic(std::string_view name) const;
    void create_topics(std::vector<topic_creation> topics, creations_done done);

    // CreatePartitions the same way: the new partitions' directories made on
    // the creation worker (after any creation queued before), then, on the
    // I/O thread, registered and the table's counts set (written once), and
    // `done` called with one outcome per topic (its id). A topic whose
    // growth fails keeps its old count, on disk and in the table; one
    // deleted meanwhile is not_found. Until then the topic is served with
    // its old count and growing_to() says the count it will have: the
    // caller validates a later request against it, as Kafka's controller
    // would see the first request's result. Needs start_creations() first.
    void add_partitions(std::vector<partition_growth> growths, creations_done done);
    std::optional<int32_t> growing_to(std::string_view name) const;

    status delete_topic(std::string_view name);
    status set_configs(std::string_view name, topic_configs configs);

    // nullptr when the topic or partition does not exist.
    storage::partition_log* log(std::string_view topic, partition_id partition) const;

    // The properties of a topic that sets no config of its own (the broker's
    // defaults).
    const topic_properties& default_properties() const { return default_properties_; }

    // Gives every log the chance to fsync per flush.ms (about once a second).
    void maybe_flush(timestamp_ms now);
    // Log cleanup, on the I/O thread: swaps in finished cleans, applies
    // retention every log.retention.check.interval.ms and starts cleans of
    // compacted logs every log.cleaner.backoff.ms (the cleaning itself runs
    // on storage's cleaner threads). Call it every maintenance_interval().
    // `learn_stable_offset` is called for a compacted log whose last stable
    // offset is not known yet (the broker loads its producer state): the
    // cleaner never cleans open transactions, so it waits for that.
    using stable_offset_loader = std::function<void(const std::string& topic, partition_id, storage::partition_log&)>;
    void maintain(timestamp_ms now, const stable_offset_loader& learn_stable_offset = {});
    std::chrono::milliseconds maintenance_interval() const;
    // Flushes and closes every log, writes the clean shutdown marker.
    status close();

private:
    topic_manager(const broker_config& config, topic_table table, std::unique_ptr<storage::log_manager> logs);
    status reconcile();
    // Builds the topic's properties from its configs into the table; a stored
    // config that no longer passes validation (a table from an older
    // version) falls back to the broker's defaults, with a warning.
    const topic_properties& rebuild_properties(const topic_metadata& m);

    struct creation_job;
    void start_job(std::shared_ptr<creation_job> job, creations_done done);
    void finish_creation(uint64_t id);
    // Hands the logs a job made for its topic at index to the log manager;
    // the first refusal stops it (what was registered stays, for the caller's
    // rollback).
    std::optional<error> register_made_logs(creation_job& job, size_t index);
    result<uuid> register_topic(creation_job& job, size_t index);
    // Ends the reservation of a creation_job's topic: its name, or (grows)
    // its growth to `partitions`.
    void release(const std::string& name, bool grows, int32_t partitions);
    result<uuid> register_growth(creation_job& job, size_t index);
    void cancel_creations();

    const broker_config& config_;
    topic_table table_;
    // Names reserved by create_topics() callers, until their creation ends.
    std::set<std::string, std::less<>> creating_;
    // Topics whose add_partitions() is in flight: the count they will have.
    std::map<std::string, int32_t, std::less<>> growing_;
    asio::io_context* io_ = nullptr;
    // One thread: creations run one after the other, each with the disk to itself.
    std::unique_ptr<asio::thread_pool> creation_worker_;
    std::atomic<bool> cancel_creations_{false};
    uint64_t next_creation_ = 0;
    // The creations in flight, by id, with their callbacks (held here, on
    // the I/O thread, so that a request context is never destroyed on the worker).
    std::map<uint64_t, std::pair<std::shared_ptr<creation_job>, creations_done>> creations_;
    topic_properties default_properties_;
    std::unique_ptr<storage::log_manager> logs_;
    bool closed_ = false;
    std::chrono::milliseconds retention_check_interval_{300000};  // log.retention.check.interval.ms
    std::chrono::milliseconds cleaner_backoff_{15000};            // log.cleaner.backoff.ms
    std::optional<timestamp_ms> last_retention_check_;
    std::optional<timestamp_ms> last_cleaner_check_;
};

}  // namespace samsa::broker
