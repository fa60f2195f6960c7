#pragma once
// clients: the four Kafka clients the runtime uses, as small interfaces so
// that the stream thread, the task manager and the commit loop are tested
// with fakes and only internal/kafka/ includes librdkafka (Kafka Streams'
// KafkaClientSupplier):
//
//   group_consumer   the stream thread's consumer: subscribes as a member of
//                    the group <application.id>; rebalance callbacks run
//                    inside poll(), on the polling thread.
//   record_producer  sends records; delivery reports run inside poll() and
//                    flush(), on the calling thread.
//   partition_reader group-free reads of chosen partitions from chosen
//                    offsets: changelog restoration and global tables.
//   admin_client     topic metadata, CreateTopics, and DeleteRecords for
//                    the stream threads' purge of repartition topics.
//
// Threads: each client object is used by the one thread that owns it; the
// admin client's purge_records by every stream thread.

#include <chrono>
#include <compare>
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
#include "samsa/bytes/bytes.h"
#include "samsa/kafka/config.h"
#include "samsa/kafka/types.h"
#include "samsa/streams/detail/runtime/record_collector.h"
#include "samsa/streams/record.h"

namespace samsa::streams::internal {

// A topic and partition seen in place: the topic views a name that outlives
// the value (librdkafka's topic handle, a task's own partitions). Code that
// runs per record finds partitions with it instead of making a topic string.
struct partition_ref {
    std::string_view topic;
    int32_t partition = 0;
    partition_ref() = default;
    partition_ref(std::string_view t, int32_t p) : topic(t), partition(p) {}
    // Views tp's topic: tp must outlive it.
    partition_ref(const topic_partition& tp) : topic(tp.topic), partition(tp.partition) {}
    topic_partition owned() const { return topic_partition{std::string(topic), partition}; }
    std::string to_string() const { return owned().to_string(); }
    friend bool operator==(const partition_ref& a, const partition_ref& b) {
        return a.partition == b.partition && a.topic == b.topic;
    }
};

// Orders topic_partition and partition_ref alike (topic, then partition, as
// topic_partition's own order), so a map keyed by topic_partition is
// searched by either without making a string.
struct partition_less {
    using is_transparent = void;
    bool operator()(partition_ref a, partition_ref b) const {
        if (int c = a.topic.compare(b.topic); c != 0) return c < 0;
        return a.partition < b.partition;
    }
};

// Keeps alive what a consumed_record views (its topic name, key, value):
// librdkafka's message, held until the task is done with the record, or
// copies made by whoever built it (consumed_record::copy_of).
using record_owner = std::unique_ptr<void, void (*)(void*)>;

// A record as a consumer or reader hands it to the runtime. It views its
// bytes instead of copying them: a consumed record costs no allocation of
// its own (headers aside, which are rare and copied). Move-only.
struct consumed_record {
    // The topic views a name that lives as long as the record (the owner's,
    // or the client's topic handle).
    partition_ref tp;
    samsa::offset offset{0};
    std::optional<bytes_view> key;
    std::optional<bytes_view> value;
    int64_t timestamp = 0;
    record_headers headers;
    // partition_reader only: no record, the reader reached the partition's
    // end and `offset` is the next one it would read. Under read_committed a
    // transactional topic ends in a commit marker (and may hold aborted
    // records), which are never delivered: the last record's offset + 1 is
    // then below the high watermark, and only this says restoration is done.
    bool end_of_partition = false;
    record_owner owner{nullptr, &own_nothing};

    // A record that owns copies of its topic, key and value (test fakes,
    // the topology test driver).
    static consumed_record copy_of(std::string_view topic, int32_t partition, samsa::offset offset,
                                   std::optional<bytes> key, std::optional<bytes> value, int64_t timestamp,
                                   record_headers headers = {}) {
        struct copies {
            std::string topic;
            std::optional<bytes> key;
            std::optional<bytes> value;
        };
        auto* c = new copies{std::string(topic), std::move(key), std::move(value)};
        consumed_record r;
        r.owner = record_owner(c, [](void* p) { delete static_cast<copies*>(p); });
        r.tp = partition_ref(c->topic, partition);
        r.offset = offset;
        if (c->key) r.key = bytes_view(*c->key);
        if (c->value) r.value = bytes_view(*c->value);
        r.timestamp = timestamp;
        r.headers = std::move(headers);
        return r;
    }

private:
    static void own_nothing(void*) {}
};

// A position to commit: the next offset to read and the task's metadata
// string for that partition (topic_partition_metadata.h), as Kafka's
// OffsetAndMetadata.
struct offset_and_metadata {
    samsa::offset offset{0};
    std::string metadata;
    bool operator==(const offset_and_metadata&) const = default;
};
using committed_offsets = std::map<topic_partition, offset_and_metadata>;

// Offsets to start reading a partition_reader partition from.
inline constexpr samsa::offset beginning_offset{-2};

class rebalance_listener {
public:
    virtual ~rebalance_listener() = default;
    // Before the partitions are taken away: commit and close their tasks.
    virtual void on_partitions_revoked(const std::vector<topic_partition>& partitions) = 0;
    // After the partitions were assigned: create and restore their tasks.
    virtual void on_partitions_assigned(const std::vector<topic_partition>& partitions) = 0;
    // Taken away without a chance to commit (the member fell out of the group).
    virtual void on_partitions_lost(const std::vector<topic_partition>& partitions) = 0;
};

// The consumer's group metadata (group id, generation, member id) that a
// transactional producer sends with the offsets so the coordinator can
// fence a zombie member (KIP-447); opaque outside internal/kafka/.
class consumer_group_metadata {
public:
    virtual ~consumer_group_metadata() = default;
};

class group_consumer {
public:
    virtual ~group_consumer() = default;
    [[nodiscard]] virtual status subscribe(const std::vector<std::string>& topics, rebalance_listener& listener) = 0;
    // Up to max_records, waiting at most timeout for the first one. Fatal
    // client errors are returned; transient ones are logged and retried by
    // the client.
    [[nodiscard]] virtual result<std::vector<consumed_record>> poll(std::chrono::milliseconds timeout,
                                                                    size_t max_records) = 0;
    // The same into out (emptied first), which the stream thread keeps from
    // poll to poll: a vector made per poll grew by doubling up to ~1000
    // records of ~140 bytes, moving them at each step and touching fresh
    // pages (~2% of the stream thread at the issue scale, s20-hM). The
    // default takes poll()'s vector (test fakes).
    [[nodiscard]] virtual status poll_into(std::chrono::milliseconds timeout, size_t max_records,
                                           std::vector<consumed_record>& out) {
        out.clear();
        auto records = poll(timeout, max_records);
        if (!records) return records.error();
        out = std::move(*records);
        return ok();
    }
    // Synchronous commit of the next offsets to read, with their metadata.
    [[nodiscard]] virtual status commit(const committed_offsets& offsets) = 0;
    // What the group last committed for these partitions (Kafka's
    // Consumer.committed): partitions without a commit are left out. A
    // new task reads it to pick up its stream time and processor metadata.
    [[nodiscard]] virtual result<committed_offsets> committed(const std::vector<topic_partition>&,
                                                              std::chrono::milliseconds) {
        return committed_offsets{};
    }
    virtual void pause(const std::vector<topic_partition>& partitions) = 0;
    virtual void resume(const std::vector<topic_partition>& partitions) = 0;
    // Kafka's Consumer.currentLag: records on the broker past the last one
    // poll() returned, as of the last fetch; nullopt before the partition
    // was fetched. For max.task.idle.ms (partition_group.h). Consumers that
    // cannot tell (test fakes) report every partition caught up.
    virtual std::optional<int64_t> current_lag(const topic_partition&) { return 0; }
    // Leaves the group (revoking through the listener); idempotent.
    virtual void close() = 0;
    // exactly_once_v2: the metadata sent with the offsets in a transaction;
    // nullptr where not supported.
    virtual std::shared_ptr<const consumer_group_metadata> group_metadata() { return nullptr; }
    // Fetching restarts at the committed offsets of these (assigned)
    // partitions: after an aborted transaction the work since the last
    // commit is done again.
    [[nodiscard]] virtual status rewind_to_committed(const std::vector<topic_partition>&) {
        return make_error(errc::unsupported, "rewind_to_committed");
    }
};

struct delivery_report {
    // Views the producer's topic handle: valid during on_delivery only.
    partition_ref tp;
    samsa::offset offset{-1};
    status result;
};

// Who hears about deliveries: one listener for many records (the stream
// thread's collector), so a send allocates no per-record callback.
class delivery_listener {
public:
    virtual ~delivery_listener() = default;
    virtual void on_delivery(const delivery_report& report) = 0;
};

class record_producer {
public:
    virtual ~record_producer() = default;
    // Queues one record; listener.on_delivery runs later inside poll() or
    // flush() (the listener must outlive the record's delivery).
    // A partition of nullopt lets the partitioner (murmur2) choose.
    [[nodiscard]] virtual status send(const produced_record& r, delivery_listener& listener) = 0;
    // Serves delivery reports without waiting.
    virtual void poll() = 0;
    // Waits until every queued record has its delivery report.
    [[nodiscard]] virtual status flush(std::chrono::milliseconds timeout) = 0;
    // The topic's partition count from the cluster's metadata (stream
    // partitioners need it); not_found for a topic that does not exist.
    [[nodiscard]] virtual result<int32_t> partition_count(const std::string& topic,
                                                         std::chrono::milliseconds timeout) = 0;

    // Transactions (a producer made with transactional.id; exactly_once_v2).
    // The defaults refuse: only transactional producers implement them.
    [[nodiscard]] virtual status init_transactions(std::chrono::milliseconds) { return no_transactions(); }
    [[nodiscard]] virtual status begin_transaction() { return no_transactions(); }
    // The consumed offsets (next to read) join the open transaction.
    [[nodiscard]] virtual status send_offsets_to_transaction(const committed_offsets&,
                                                             const consumer_group_metadata&,
                                                             std::chrono::milliseconds) {
        return no_transactions();
    }
    [[nodiscard]] virtual status commit_transaction(std::chrono::milliseconds) { return no_transactions(); }
    [[nodiscard]] virtual status abort_transaction(std::chrono::milliseconds) { return no_transactions(); }
    // The producer cannot be used any more (fenced by a newer instance with
    // the same transactional.id, or another fatal error): Kafka Streams'
    // TaskMigratedException; a new producer is needed.
    virtual bool fatal() const { return false; }

private:
    static error no_transactions() { return make_error(errc::unsupported, "not a transactional producer"); }
};

class partition_reader {
public:
    virtual ~partition_reader() = default;
    // Low and high watermark (the next offset to be written).
    [[nodiscard]] virtual result<std::pair<samsa::offset, samsa::offset>> watermarks(
        const topic_partition& tp, std::chrono::milliseconds timeout) = 0;
    // Starts reading tp at from (beginning_offset: the log start).
    [[nodiscard]] virtual status assign(const topic_partition& tp, samsa::offset from) = 0;
    virtual void unassign(const topic_partition& tp) = 0;
    [[nodiscard]] virtual result<std::vector<consumed_record>> poll(std::chrono::milliseconds timeout,
                                                                    size_t max_records) = 0;
};

using new_topic = samsa::kafka::new_topic;

// One member of a consumer group as DescribeConsumerGroups shows it.
struct group_member_info {
    std::string client_id;
    std::vector<topic_partition> assignment;
};

class admin_client {
public:
    virtual ~admin_client() = default;
    // The members of a consumer group, their client ids and current
    // assignments (DescribeConsumerGroups); for streams metadata.
    [[nodiscard]] virtual result<std::vector<group_member_info>> describe_group(const std::string& /*group*/,
                                                                              std::chrono::milliseconds /*timeout*/) {
        return make_error(errc::unsupported, "this admin client cannot describe groups");
    }
    // Partition counts of the topics that exist; missing ones are left out.
    [[nodiscard]] virtual result<std::map<std::string, int>> partition_counts(const std::set<std::string>& topics,
                                                                             std::chrono::milliseconds timeout) = 0;
    // Creates the topics; one that already exists is not an error.
    [[nodiscard]] virtual status create_topics(const std::vector<new_topic>& topics,
                                               std::chrono::milliseconds timeout) = 0;
    // DeleteRecords as Kafka Streams' TaskManager.maybePurgeCommittedRecords
    // sends it: every partition's records before its offset, without waiting
    // for the answer. While the previous request is unanswered nothing is
    // sent (false). A failure is logged, never fatal: the next purge asks
    // for newer offsets anyway. Called by the stream threads, so thread-safe.
    virtual bool purge_records(const std::map<topic_partition, samsa::offset>& /*before*/) { return false; }
};

using client_config = samsa::kafka::properties;

// Makes the clients; the runtime passes the final configuration of each.
class client_supplier {
public:
    virtual ~client_supplier() = default;
    [[nodiscard]] virtual result<std::unique_ptr<group_consumer>> consumer(const client_config& config) = 0;
    [[nodiscard]] virtual result<std::unique_ptr<record_producer>> producer(const client_config& config) = 0;
    [[nodiscard]] virtual result<std::unique_ptr<partition_reader>> reader(const client_config& config) = 0;
    [[nodiscard]] virtual result<std::unique_ptr<admin_client>> admin(const client_config& config) = 0;
};

}  // namespace samsa::streams::internal
