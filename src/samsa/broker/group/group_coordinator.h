#pragma once
// group_coordinator: Kafka's classic group coordinator for every group on
// this node (a single node is the coordinator of all of them). It runs the
// state machine of docs/group_coordinator.md — JoinGroup, SyncGroup,
// Heartbeat, LeaveGroup, session and rebalance timeouts, the initial
// rebalance delay, static membership — and keeps the committed offsets,
// writing both to `__consumer_offsets` through an offsets_log and
// rebuilding them from it at start-up (load_record / finish_loading).
//
// Answers that must wait (JoinGroup until the round completes, SyncGroup
// followers until the leader's assignment) are callbacks the coordinator
// keeps and calls exactly once — possibly from a timer — with an error if
// the group moves on without them.
//
//   group_coordinator c(config, timers, log);
//   c.load_record(key, value) ...; c.finish_loading();   // start-up
//   c.join(req, [](join_result r) { ... });               // handlers
//
// Thread: the broker's I/O thread, everything: requests, timers, loading.
// No locks.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "samsa/base/result.h"
#include "samsa/broker/group/group.h"
#include "samsa/broker/group/group_config.h"
#include "samsa/broker/group/group_requests.h"
#include "samsa/broker/group/group_timers.h"
#include "samsa/broker/group/offsets_log.h"

namespace samsa::broker::group {

class group_coordinator {
public:
    // `timers` and `log` must outlive the coordinator.
    group_coordinator(group_config config, group_timers& timers, offsets_log& log);
    ~group_coordinator();
    group_coordinator(const group_coordinator&) = delete;
    group_coordinator& operator=(const group_coordinator&) = delete;

    const group_config& config() const { return config_; }

    // --- membership (group_coordinator.cc) ---
    void join(join_request req, join_callback done);
    void sync(sync_request req, sync_callback done);
    error_code heartbeat(const heartbeat_request& req);
    leave_result leave(const std::string& group_id, const std::vector<leave_member>& members);

    // --- committed offsets (group_offsets.cc) ---
    commit_result commit(const commit_request& req);
    // topics nullopt: every committed offset of the group.
    fetch_result fetch(const std::string& group_id, const std::optional<std::vector<fetch_topic>>& topics);
    offset_delete_result delete_offsets(const std::string& group_id, const std::vector<commit_partition>& partitions);

    // --- transactional offsets (group_txn_offsets.cc) ---
    // TxnOffsetCommit with KIP-447's member checks; the transaction
    // coordinator has checked the producer. The offsets stay pending until
    // complete_txn_offsets.
    commit_result txn_commit(const commit_request& req, txn_producer producer);
    // A transaction marker reached `offsets_partition`: the producer's
    // pending offsets of the groups there become committed or are dropped.
    void complete_txn_offsets(int32_t offsets_partition, producer_id producer, bool commit);
    // OffsetFetch with require_stable (KIP-447): a partition with a pending
    // transactional offset answers UNSTABLE_OFFSET_COMMIT.
    bool has_pending_txn_offset(const std::string& group_id, const std::string& topic, partition_id p) const;

    // --- offset expiration (group_expiration.cc) ---
    // Kafka's cleanupGroupMetadata, run every
    // offsets_retention_check_interval from finish_loading on (and callable
    // directly): expired offsets and groups left Empty without offsets are
    // removed, their tombstones written first. Returns how many offsets went.
    size_t expire_offsets();

    // --- admin (group_admin.cc) ---
    // error is COORDINATOR_LOAD_IN_PROGRESS while loading. `states` empty: all.
    std::pair<error_code, std::vector<listed_group>> list(const std::vector<std::string>& states) const;
    described_group describe(const std::string& group_id) const;
    error_code delete_group(const std::string& group_id);

    // --- start-up (group_replay.cc) ---
    // Applies one record of __consumer_offsets (value nullopt: tombstone);
    // `txn`: it came in a transactional batch of that producer (pending until
    // its marker, load_txn_marker). A record that does not parse is an error
    // the caller logs and skips.
    status load_record(bytes_view key, std::optional<bytes_view> value,
                       std::optional<producer_id> txn = std::nullopt);
    void load_txn_marker(int32_t offsets_partition, producer_id producer, bool commit) {
        complete_txn_offsets(offsets_partition, producer, commit);
    }
    // Ends loading: restored members get their session deadlines; requests
    // stop being answered COORDINATOR_LOAD_IN_PROGRESS.
    void finish_loading();
    bool loading() const { return loading_; }

    // For tests and DescribeGroups: nullptr when unknown.
    const group* find(const std::string& group_id) const;
    size_t group_count() const { return groups_.size(); }
    int32_t partition_for(const std::string& group_id) const;

    // Answers every waiting JoinGroup/SyncGroup (shutdown) and cancels timers.
    void shutdown();

private:
    group* find_mutable(const std::string& group_id);
    group& get_or_create(const std::string& group_id);
    std::string new_member_id(const std::string& client_id);

    // JoinGroup stages (Kafka's doNewMemberJoinGroup / doCurrentMemberJoinGroup).
    void join_new_member(group& g, join_request& req, join_callback& done);
    void join_static_member(group& g, join_request& req, join_callback& done, const std::string& new_id);
    void join_current_member(group& g, join_request& req, join_callback& done);
    void add_member_and_rebalance(group& g, join_request& req, join_callback done, const std::string& member_id);
    void update_member_and_rebalance(group& g, group_member& m, join_request& req, join_callback done);
    join_result current_join_result(const group& g, const group_member& m, bool with_members) const;

    // Rebalance rounds.
    void maybe_prepare_rebalance(group& g, const char* reason);
    void prepare_rebalance(group& g, const char* reason);
    void schedule_join_timer(group& g, std::chrono::milliseconds delay);
    void on_join_timer(const std::string& group_id);
    void maybe_complete_join(group& g);
    void complete_join(group& g);
    void reset_and_propagate_assignment_error(group& g, error_code error);
    void propagate_assignment(group& g, error_code error);

    // Members leaving for any reason.
    void remove_member_and_update_group(group& g, const std::string& member_id, const char* reason);
    void remove_pending_member_and_update_group(group& g, const std::string& member_id);
    void schedule_heartbeat(group& g, group_member& m);
    void schedule_pending_expiry(group& g, const std::string& member_id, std::chrono::milliseconds timeout);
    void on_heartbeat_expired(const std::string& group_id, const std::string& member_id);
    void cancel_member_timers(group_member& m);

    // Persistence.
    status store_group(group& g);
    // The records an offset commit writes (OffsetCommit and TxnOffsetCommit
    // alike) and which of req.partitions they are; oversized metadata is
    // answered in `out` instead.
    struct commit_records {
        std::vector<offsets_record> records;
        std::vector<size_t> written;  // indexes into req.partitions
    };
    commit_records encode_commit_records(const commit_request& req, timestamp_ms now, commit_result& out) const;
    void maybe_forget(const std::string& group_id);
    // Cancels the group's timers, marks it Dead and forgets it (its
    // tombstones are already written).
    void drop_group(std::map<std::string, std::unique_ptr<group>>::iterator it);

    // Offset expiration (group_expiration.cc).
    std::vector<topic_partition> expired_offsets(const group& g, timestamp_ms now) const;
    size_t expire_group_offsets(const std::string& group_id, timestamp_ms now);
    void schedule_offset_expiration();

    group_config config_;
    group_timers& timers_;
    offsets_log& log_;
    std::map<std::string, std::unique_ptr<group>> groups_;
    // Timers of members that got MEMBER_ID_REQUIRED: (group, member) -> timer.
    std::map<std::pair<std::string, std::string>, timer_id> pending_timers_;
    bool loading_ = true;
    timer_id expiration_timer_ = no_timer;
    uint64_t member_counter_ = 0;
};

}  // namespace samsa::broker::group
