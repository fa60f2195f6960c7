#include "samsa/broker/group/group.h"

#include <algorithm>

#include "samsa/base/assert.h"
#include "samsa/broker/group/consumer_protocol.h"
#include "samsa/broker/group/protocol_selection.h"

namespace samsa::broker::group {

void group::transition_to(group_state s, timestamp_ms now) {
    SAMSA_ASSERT(valid_transition(state_, s));
    state_ = s;
    state_timestamp_ = now;
}

group_member* group::find(const std::string& member_id) {
    auto it = members_.find(member_id);
    return it == members_.end() ? nullptr : it->second.get();
}

void group::add(std::unique_ptr<group_member> m) {
    if (members_.empty()) protocol_type_ = m->protocol_type;
    if (!leader_) leader_ = m->member_id;
    if (m->group_instance_id) static_members_[*m->group_instance_id] = m->member_id;
    join_order_.push_back(m->member_id);
    std::string id = m->member_id;
    members_[id] = std::move(m);
}

std::unique_ptr<group_member> group::remove(const std::string& member_id) {
    auto it = members_.find(member_id);
    if (it == members_.end()) return nullptr;
    auto m = std::move(it->second);
    members_.erase(it);
    if (m->group_instance_id) {
        auto s = static_members_.find(*m->group_instance_id);
        if (s != static_members_.end() && s->second == member_id) static_members_.erase(s);
    }
    join_order_.erase(std::remove(join_order_.begin(), join_order_.end(), member_id), join_order_.end());
    if (is_leader(member_id)) {
        // Kafka prefers a member that has already rejoined this round.
        leader_.reset();
        for (const auto& id : join_order_) {
            if (members_.at(id)->is_awaiting_join()) {
                leader_ = id;
                break;
            }
        }
        if (!leader_ && !join_order_.empty()) leader_ = join_order_.front();
    }
    return m;
}

void group::clear_members() {
    members_.clear();
    join_order_.clear();
    static_members_.clear();
    pending_.clear();
    leader_.reset();
}

const std::string* group::static_member(const std::string& iid) const {
    auto it = static_members_.find(iid);
    return it == static_members_.end() ? nullptr : &it->second;
}

std::unique_ptr<group_member> group::replace_static_member(const std::string& iid, const std::string& new_id) {
    auto s = static_members_.find(iid);
    SAMSA_ASSERT(s != static_members_.end());
    std::string old_id = s->second;
    auto it = members_.find(old_id);
    SAMSA_ASSERT(it != members_.end());
    auto old = std::move(it->second);
    members_.erase(it);
    auto fresh = std::make_unique<group_member>();
    fresh->member_id = new_id;
    fresh->group_instance_id = iid;
    fresh->client_id = old->client_id;
    fresh->client_host = old->client_host;
    fresh->session_timeout = old->session_timeout;
    fresh->rebalance_timeout = old->rebalance_timeout;
    fresh->protocol_type = old->protocol_type;
    fresh->protocols = old->protocols;
    fresh->assignment = old->assignment;
    members_[new_id] = std::move(fresh);
    s->second = new_id;
    std::replace(join_order_.begin(), join_order_.end(), old_id, new_id);
    if (is_leader(old_id)) leader_ = new_id;
    return old;
}

bool group::all_members_joined() const { return awaiting_join_count() == members_.size() && pending_.empty(); }

size_t group::awaiting_join_count() const {
    return static_cast<size_t>(std::count_if(members_.begin(), members_.end(),
                                             [](const auto& e) { return e.second->is_awaiting_join(); }));
}

std::chrono::milliseconds group::rebalance_timeout() const {
    std::chrono::milliseconds t{0};
    for (const auto& [id, m] : members_) t = std::max(t, m->rebalance_timeout);
    return t;
}

bool group::supports_protocols(const std::string& type, const std::vector<join_protocol>& protocols) const {
    if (members_.empty()) return !type.empty() && !protocols.empty();
    if (!protocol_type_ || *protocol_type_ != type) return false;
    for (const auto& p : protocols) {
        bool everyone = std::all_of(members_.begin(), members_.end(),
                                    [&](const auto& e) { return e.second->metadata_for(p.name) != nullptr; });
        if (everyone) return true;
    }
    return false;
}

std::optional<std::string> group::select_protocol() const {
    std::vector<const std::vector<join_protocol>*> all;
    if (leader_) {
        if (auto it = members_.find(*leader_); it != members_.end()) all.push_back(&it->second->protocols);
    }
    for (const auto& id : join_order_) {
        if (leader_ && id == *leader_) continue;
        all.push_back(&members_.at(id)->protocols);
    }
    return samsa::broker::group::select_protocol(all);
}

void group::init_next_generation(timestamp_ms now) {
    ++generation_;
    if (!members_.empty()) {
        protocol_name_ = select_protocol();
        transition_to(group_state::completing_rebalance, now);
    } else {
        protocol_name_.reset();
        transition_to(group_state::empty, now);
    }
}

void group::restore(generation_id gen, std::optional<std::string> protocol_type,
                    std::optional<std::string> protocol_name, std::optional<std::string> leader, group_state state,
                    timestamp_ms state_ts) {
    generation_ = gen;
    protocol_type_ = std::move(protocol_type);
    protocol_name_ = std::move(protocol_name);
    leader_ = std::move(leader);
    state_ = state;
    state_timestamp_ = state_ts;
}

std::optional<std::set<std::string>> group::subscribed_topic_names() const {
    if (protocol_type_ != std::optional<std::string>("consumer") || !protocol_name_) return std::nullopt;
    std::set<std::string> out;
    for (const auto& [id, m] : members_) {
        const bytes* md = m->metadata_for(*protocol_name_);
        auto topics = md ? subscribed_topics(*md) : std::nullopt;
        if (!topics) return std::nullopt;
        out.insert(topics->begin(), topics->end());
    }
    return out;
}

}  // namespace samsa::broker::group
