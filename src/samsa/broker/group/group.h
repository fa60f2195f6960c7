#pragma once
// group: one classic group's state, Kafka's GroupMetadata — its state,
// generation, chosen protocol, leader, members (including static ones by
// group.instance.id), the members that got MEMBER_ID_REQUIRED and have not
// joined yet, and its committed offsets. The rules that move it between
// states live in group_coordinator; this class keeps the bookkeeping
// consistent (leader, static member index, protocol votes).
//
// Thread: the I/O thread (owned by group_coordinator).

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "samsa/base/types.h"
#include "samsa/broker/group/group_state.h"
#include "samsa/broker/group/member.h"

namespace samsa::broker::group {

struct committed_offset {
    offset committed{-1};
    int32_t leader_epoch = -1;
    std::string metadata;
    timestamp_ms commit_timestamp{-1};
};

using topic_partition = std::pair<std::string, int32_t>;

class group {
public:
    explicit group(std::string id) : id_(std::move(id)) {}

    const std::string& id() const { return id_; }
    group_state state() const { return state_; }
    bool in(group_state s) const { return state_ == s; }
    // Asserts a valid transition (a programmer error otherwise).
    void transition_to(group_state s, timestamp_ms now);
    timestamp_ms state_timestamp() const { return state_timestamp_; }

    generation_id generation() const { return generation_; }
    const std::optional<std::string>& protocol_type() const { return protocol_type_; }
    const std::optional<std::string>& protocol_name() const { return protocol_name_; }
    const std::optional<std::string>& leader() const { return leader_; }
    bool is_leader(const std::string& member_id) const { return leader_ && *leader_ == member_id; }

    // --- members ---
    size_t size() const { return members_.size(); }
    bool empty() const { return members_.empty(); }
    bool has(const std::string& member_id) const { return members_.contains(member_id); }
    group_member* find(const std::string& member_id);
    const std::map<std::string, std::unique_ptr<group_member>>& members() const { return members_; }
    // The first member becomes the leader and sets the protocol type.
    void add(std::unique_ptr<group_member> m);
    // Removes the member (and its static id); picks another leader if it led.
    std::unique_ptr<group_member> remove(const std::string& member_id);

    // Drops every member, pending member and static id (the loader, before
    // restoring a newer metadata record).
    void clear_members();

    // Static membership: the member id currently holding instance id `iid`.
    const std::string* static_member(const std::string& iid) const;
    // Gives the old member's place (assignment, leadership) to `new_id`.
    // Returns the old member (its callbacks still set, for fencing).
    std::unique_ptr<group_member> replace_static_member(const std::string& iid, const std::string& new_id);

    // Members that were told MEMBER_ID_REQUIRED and must come back with it.
    std::set<std::string>& pending_members() { return pending_; }
    bool is_pending(const std::string& member_id) const { return pending_.contains(member_id); }

    // Everyone known has rejoined this round (Kafka's hasAllMembersJoined).
    bool all_members_joined() const;
    size_t awaiting_join_count() const;
    // The most any member allows for a rebalance (Kafka's rebalanceTimeoutMs).
    std::chrono::milliseconds rebalance_timeout() const;

    // A joiner's protocol type and protocols fit the group (Kafka's
    // supportsProtocols): an empty group takes any non-empty set.
    bool supports_protocols(const std::string& type, const std::vector<join_protocol>& protocols) const;
    // The protocol all members would choose now.
    std::optional<std::string> select_protocol() const;
    // The topics the members of a "consumer" group subscribe to under the
    // chosen protocol; nullopt when that cannot be told (another protocol
    // type, no protocol chosen, a subscription that does not parse).
    std::optional<std::set<std::string>> subscribed_topic_names() const;

    // Next generation: generation + 1, protocol chosen; CompletingRebalance
    // when there are members, Empty otherwise.
    void init_next_generation(timestamp_ms now);
    // What the loader restores.
    void restore(generation_id gen, std::optional<std::string> protocol_type, std::optional<std::string> protocol_name,
                 std::optional<std::string> leader, group_state state, timestamp_ms state_ts);

    // --- committed offsets ---
    std::map<topic_partition, committed_offset>& offsets() { return offsets_; }
    const std::map<topic_partition, committed_offset>& offsets() const { return offsets_; }

    // --- transactional offsets (TxnOffsetCommit): written, but counted only
    // when the producer's transaction commits (Kafka's
    // pendingTransactionalOffsetCommits) ---
    using pending_offsets = std::map<producer_id, std::map<topic_partition, committed_offset>>;
    pending_offsets& pending_txn_offsets() { return pending_txn_; }
    const pending_offsets& pending_txn_offsets() const { return pending_txn_; }
    bool has_pending_txn_offset(const topic_partition& tp) const {
        for (const auto& [id, offsets] : pending_txn_) {
            if (offsets.contains(tp)) return true;
        }
        return false;
    }
    // A later plain commit (or a deletion) of `tp` wins over every pending
    // transactional one, whatever its transaction's outcome (Kafka applies a
    // transactional offset only if no newer one was written meanwhile).
    void supersede_pending(const topic_partition& tp) {
        for (auto it = pending_txn_.begin(); it != pending_txn_.end();) {
            it->second.erase(tp);
            it = it->second.empty() ? pending_txn_.erase(it) : std::next(it);
        }
    }

    // --- the pending rebalance round ---
    timer_id join_timer = no_timer;
    // Remaining budget of the initial rebalance delay (Kafka's
    // InitialDelayedJoin); zero once the round is an ordinary one.
    std::chrono::milliseconds initial_delay_remaining{0};
    bool in_initial_delay = false;
    // A member was added since the initial delay was last (re)armed.
    bool new_member_added = false;

private:
    std::string id_;
    group_state state_ = group_state::empty;
    timestamp_ms state_timestamp_{-1};
    generation_id generation_{0};
    std::optional<std::string> protocol_type_;
    std::optional<std::string> protocol_name_;
    std::optional<std::string> leader_;
    std::map<std::string, std::unique_ptr<group_member>> members_;
    std::vector<std::string> join_order_;  // leader succession: oldest member first
    std::map<std::string, std::string> static_members_;  // instance id -> member id
    std::set<std::string> pending_;
    std::map<topic_partition, committed_offset> offsets_;
    pending_offsets pending_txn_;
};

}  // namespace samsa::broker::group
