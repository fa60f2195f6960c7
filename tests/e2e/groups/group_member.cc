#include "tests/e2e/groups/group_member.h"

#include <thread>

namespace samsa::e2e {

result<std::unique_ptr<group_member>> group_member::create(const std::string& bootstrap, const std::string& group,
                                                           const std::vector<std::string>& topics,
                                                           const test_support::config_map& extra) {
    auto m = std::unique_ptr<group_member>(new group_member());
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    std::string err;
    test_support::config_map settings{
        {"bootstrap.servers", bootstrap},
        {"group.id", group},
        {"session.timeout.ms", "6000"},
        {"heartbeat.interval.ms", "500"},
        {"auto.offset.reset", "earliest"},
        {"enable.auto.commit", "false"},
        {"topic.metadata.refresh.interval.ms", "1000"},
    };
    for (const auto& [k, v] : extra) settings[k] = v;
    for (const auto& [k, v] : settings) {
        if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK) return make_error(errc::invalid_argument, k + ": " + err);
    }
    if (conf->set("rebalance_cb", static_cast<RdKafka::RebalanceCb*>(m.get()), err) != RdKafka::Conf::CONF_OK)
        return make_error(errc::invalid_argument, "rebalance_cb: " + err);
    m->consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
    if (!m->consumer_) return make_error(errc::invalid_argument, "KafkaConsumer: " + err);
    if (auto e = m->consumer_->subscribe(topics); e != RdKafka::ERR_NO_ERROR)
        return make_error(errc::invalid_argument, "subscribe: " + RdKafka::err2str(e));
    return m;
}

group_member::~group_member() { close(); }

void group_member::poll(std::chrono::milliseconds wait) {
    if (closed_) return;
    std::unique_ptr<RdKafka::Message> msg(consumer_->consume(static_cast<int>(wait.count())));
    if (!msg) return;
    if (msg->err() == RdKafka::ERR_NO_ERROR) {
        test_support::record r;
        if (msg->key()) r.key = *msg->key();
        r.value.assign(static_cast<const char*>(msg->payload()), msg->len());
        r.partition = msg->partition();
        r.offset = msg->offset();
        received_.push_back(std::move(r));
    } else if (msg->err() != RdKafka::ERR__TIMED_OUT && msg->err() != RdKafka::ERR__PARTITION_EOF) {
        last_error_ = msg->errstr();
    }
}

void group_member::rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                                std::vector<RdKafka::TopicPartition*>& partitions) {
    ++rebalances_;
    bool cooperative = consumer->rebalance_protocol() == "COOPERATIVE";
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
        if (cooperative) {
            if (auto e = consumer->incremental_assign(partitions); e) last_error_ = e->str();
        } else {
            consumer->assign(partitions);
            assignment_.clear();
        }
        for (auto* p : partitions) assignment_.insert(p->partition());
    } else {
        if (cooperative) {
            if (auto e = consumer->incremental_unassign(partitions); e) last_error_ = e->str();
            for (auto* p : partitions) assignment_.erase(p->partition());
        } else {
            consumer->unassign();
            assignment_.clear();
        }
    }
}

status group_member::commit() {
    if (auto e = consumer_->commitSync(); e != RdKafka::ERR_NO_ERROR)
        return make_error(errc::io_error, "commitSync: " + RdKafka::err2str(e));
    return ok();
}

result<std::map<int32_t, int64_t>> group_member::committed(const std::string& topic, int partitions) {
    std::vector<RdKafka::TopicPartition*> tps;
    for (int p = 0; p < partitions; ++p) tps.push_back(RdKafka::TopicPartition::create(topic, p));
    auto e = consumer_->committed(tps, 10000);
    std::map<int32_t, int64_t> out;
    for (auto* tp : tps) out[tp->partition()] = tp->offset();
    RdKafka::TopicPartition::destroy(tps);
    if (e != RdKafka::ERR_NO_ERROR) return make_error(errc::io_error, "committed: " + RdKafka::err2str(e));
    return out;
}

void group_member::close() {
    if (closed_ || !consumer_) return;
    closed_ = true;
    consumer_->close();
    assignment_.clear();
}

bool poll_until(const std::vector<group_member*>& members, const std::function<bool()>& pred,
                std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        for (auto* m : members) m->poll(std::chrono::milliseconds(20));
        if (pred()) return true;
    }
    return pred();
}

bool disjoint_and_complete(const std::vector<group_member*>& members, int partitions, bool every_member_has_some) {
    std::set<int32_t> all;
    size_t total = 0;
    for (auto* m : members) {
        if (every_member_has_some && m->assignment().empty()) return false;
        total += m->assignment().size();
        all.insert(m->assignment().begin(), m->assignment().end());
    }
    if (total != all.size()) return false;  // a partition given twice
    if (all.size() != static_cast<size_t>(partitions)) return false;
    return *all.begin() == 0 && *all.rbegin() == partitions - 1;
}

std::string describe_assignments(const std::vector<group_member*>& members) {
    std::string out;
    for (size_t i = 0; i < members.size(); ++i) {
        out += "member " + std::to_string(i) + ": {";
        for (int32_t p : members[i]->assignment()) out += std::to_string(p) + " ";
        out += "} rebalances " + std::to_string(members[i]->rebalances()) + " err '" + members[i]->last_error() + "'\n";
    }
    return out;
}

}  // namespace samsa::e2e
