#pragma once
// Fake Kafka clients over an in-memory cluster, for testing the runtime
// without a broker: topics are vectors of records, the group consumer is a
// single member that is assigned every partition of its subscription on its
// first poll (or what reassign() says), commits land in the cluster, and
// every commit-relevant call is appended to events so tests can check their
// order.
//
// Threads: the cluster locks; each fake client is used by one thread.

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "samsa/bytes/murmur2.h"
#include "samsa/streams/internal/runtime/clients.h"

namespace samsa::streams::testing_fakes {

using namespace samsa::streams::internal;

// A record as the fake cluster keeps it; consumers get consumed_records
// owning copies of it (consumed_record views its bytes, so it is not kept).
struct stored_record {
    topic_partition tp;
    samsa::offset offset{0};
    std::optional<bytes> key;
    std::optional<bytes> value;
    int64_t timestamp = 0;
    consumed_record consume() const { return consumed_record::copy_of(tp.topic, tp.partition, offset, key, value, timestamp); }
};

struct fake_cluster {
    std::mutex mutex;
    std::map<std::string, int> partitions;
    std::map<topic_partition, std::vector<stored_record>> logs;
    std::map<topic_partition, samsa::offset> committed;
    // The metadata string committed with each offset.
    std::map<topic_partition, std::string> committed_metadata;
    std::vector<std::string> events;
    std::vector<new_topic> created;
    // Every purge_records request, in order.
    std::vector<std::map<topic_partition, samsa::offset>> purged;
    std::function<void()> on_commit;

    void create(const std::string& topic, int n) {
        std::lock_guard l(mutex);
        partitions[topic] = n;
        for (int p = 0; p < n; ++p) logs[{topic, p}];
    }
    std::pair<topic_partition, samsa::offset> append(const std::string& topic, std::optional<int32_t> partition,
                                                     std::optional<bytes> key, std::optional<bytes> value, int64_t ts) {
        std::lock_guard l(mutex);
        int n = partitions.at(topic);
        int32_t p = partition ? *partition : key ? murmur2_partition(*key, n) : 0;
        auto& log = logs[{topic, p}];
        stored_record r;
        r.tp = {topic, p};
        r.offset = samsa::offset(static_cast<int64_t>(log.size()));
        r.key = std::move(key);
        r.value = std::move(value);
        r.timestamp = ts;
        log.push_back(r);
        return {r.tp, r.offset};
    }
    samsa::offset append(const std::string& topic, const std::string& key, const std::string& value, int64_t ts,
                         std::optional<int32_t> partition = std::nullopt) {
        return append(topic, partition, bytes(key.begin(), key.end()), bytes(value.begin(), value.end()), ts).second;
    }
    std::vector<stored_record> all(const std::string& topic) {
        std::lock_guard l(mutex);
        std::vector<stored_record> out;
        for (const auto& [tp, log] : logs) {
            if (tp.topic == topic) out.insert(out.end(), log.begin(), log.end());
        }
        return out;
    }
    void event(std::string e) {
        std::lock_guard l(mutex);
        events.push_back(std::move(e));
    }
};

class fake_consumer final : public group_consumer {
public:
    explicit fake_consumer(fake_cluster& c) : cluster_(&c) {}
    status subscribe(const std::vector<std::string>& topics, rebalance_listener& listener) override {
        topics_ = topics;
        listener_ = &listener;
        std::vector<topic_partition> all;
        {
            std::lock_guard l(cluster_->mutex);
            for (const auto& t : topics) {
                for (int p = 0; p < cluster_->partitions.at(t); ++p) all.push_back({t, p});
            }
        }
        if (!next_assignment_) next_assignment_ = all;
        return ok();
    }
    // The next poll revokes everything and assigns these.
    void reassign(std::vector<topic_partition> tps) { next_assignment_ = std::move(tps); }
    result<std::vector<consumed_record>> poll(std::chrono::milliseconds timeout, size_t max_records) override {
        auto out = poll_records(max_records);
        most_polled = std::max(most_polled, out.size());
        // As a real consumer waits when there is nothing: keeps threaded
        // tests from spinning.
        if (out.empty() && timeout.count() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
        return out;
    }
    std::vector<consumed_record> poll_records(size_t max_records) {
        if (next_assignment_) {
            auto next = std::move(*next_assignment_);
            next_assignment_.reset();
            if (!assigned_.empty()) listener_->on_partitions_revoked(assigned_);
            assigned_ = next;
            paused_.clear();
            positions_.clear();
            {
                std::lock_guard l(cluster_->mutex);
                for (const auto& tp : assigned_) {
                    auto it = cluster_->committed.find(tp);
                    positions_[tp] = it == cluster_->committed.end() ? samsa::offset(0) : it->second;
                }
            }
            listener_->on_partitions_assigned(assigned_);
        }
        std::vector<consumed_record> out;
        std::lock_guard l(cluster_->mutex);
        for (const auto& tp : assigned_) {
            if (paused_.count(tp)) continue;
            auto& log = cluster_->logs[tp];
            auto& pos = positions_[tp];
            while (out.size() < max_records && pos() < static_cast<int64_t>(log.size())) {
                out.push_back(log[pos()].consume());
                ++pos;
            }
        }
        return out;
    }
    status commit(const committed_offsets& offsets) override {
        if (cluster_->on_commit) cluster_->on_commit();
        std::lock_guard l(cluster_->mutex);
        if (fail_commits) {
            cluster_->events.push_back("commit failed");
            return make_error(errc::io_error, "injected commit failure");
        }
        cluster_->events.push_back("commit");
        for (const auto& [tp, position] : offsets) {
            cluster_->committed[tp] = position.offset;
            cluster_->committed_metadata[tp] = position.metadata;
        }
        return ok();
    }
    result<committed_offsets> committed(const std::vector<topic_partition>& tps, std::chrono::milliseconds) override {
        std::lock_guard l(cluster_->mutex);
        committed_offsets out;
        for (const auto& tp : tps) {
            auto it = cluster_->committed.find(tp);
            if (it == cluster_->committed.end()) continue;
            auto m = cluster_->committed_metadata.find(tp);
            out[tp] = offset_and_metadata{it->second, m == cluster_->committed_metadata.end() ? "" : m->second};
        }
        return out;
    }
    // Commits fail (as one during a rebalance or with a lost coordinator).
    bool fail_commits = false;
    void pause(const std::vector<topic_partition>& tps) override { paused_.insert(tps.begin(), tps.end()); }
    void resume(const std::vector<topic_partition>& tps) override {
        for (const auto& tp : tps) paused_.erase(tp);
    }
    void close() override { cluster_->event("consumer.close"); }
    std::shared_ptr<const consumer_group_metadata> group_metadata() override {
        return std::make_shared<consumer_group_metadata>();
    }
    status rewind_to_committed(const std::vector<topic_partition>& tps) override {
        cluster_->event("consumer.rewind");
        std::lock_guard l(cluster_->mutex);
        for (const auto& tp : tps) {
            auto it = cluster_->committed.find(tp);
            positions_[tp] = it == cluster_->committed.end() ? samsa::offset(0) : it->second;
        }
        return ok();
    }
    const std::set<topic_partition>& paused() const { return paused_; }
    size_t most_polled = 0;  // the most records one poll() returned

private:
    fake_cluster* cluster_;
    rebalance_listener* listener_ = nullptr;
    std::vector<std::string> topics_;
    std::optional<std::vector<topic_partition>> next_assignment_;
    std::vector<topic_partition> assigned_;
    std::set<topic_partition> paused_;
    std::map<topic_partition, samsa::offset> positions_;
};

class fake_producer final : public record_producer {
public:
    explicit fake_producer(fake_cluster& c) : cluster_(&c) {}
    status send(const produced_record& r, delivery_listener& listener) override {
        // The record's topic is a view of the task's; a task may close
        // before the next poll delivers, so keep a copy.
        pending_.push_back({r, std::string(r.topic), &listener});
        return ok();
    }
    void poll() override { deliver(); }
    status flush(std::chrono::milliseconds) override {
        cluster_->event("producer.flush");
        deliver();
        return ok();
    }
    result<int32_t> partition_count(const std::string& topic, std::chrono::milliseconds) override {
        std::lock_guard l(cluster_->mutex);
        cluster_->events.push_back("producer.metadata " + topic);
        auto it = cluster_->partitions.find(topic);
        if (it == cluster_->partitions.end()) return make_error(errc::not_found, "no topic " + topic);
        return it->second;
    }
    // Deliveries to this topic fail.
    std::string failing_topic;

    // exactly_once_v2: the transaction calls are events ("txn.*"); records
    // are visible at once (the fake has no isolation), offsets sent into a
    // transaction are committed when it commits.
    bool transactional = false;
    // commit_transaction() fails as a fenced producer's does; fatal() is true.
    bool fenced = false;
    status init_transactions(std::chrono::milliseconds t) override {
        if (!transactional) return record_producer::init_transactions(t);
        cluster_->event("txn.init");
        return ok();
    }
    status begin_transaction() override {
        cluster_->event("txn.begin");
        return ok();
    }
    status send_offsets_to_transaction(const committed_offsets& offsets,
                                       const consumer_group_metadata&, std::chrono::milliseconds) override {
        cluster_->event("txn.offsets");
        pending_offsets_ = offsets;
        return ok();
    }
    status commit_transaction(std::chrono::milliseconds) override {
        if (fenced) {
            cluster_->event("txn.commit fenced");
            return make_error(errc::io_error, "commit transaction: Broker: Producer fenced");
        }
        cluster_->event("txn.commit");
        std::lock_guard l(cluster_->mutex);
        for (const auto& [tp, position] : pending_offsets_) {
            cluster_->committed[tp] = position.offset;
            cluster_->committed_metadata[tp] = position.metadata;
        }
        pending_offsets_.clear();
        return ok();
    }
    status abort_transaction(std::chrono::milliseconds) override {
        cluster_->event("txn.abort");
        pending_offsets_.clear();
        return ok();
    }
    bool fatal() const override { return fenced; }

private:
    void deliver() {
        auto pending = std::move(pending_);
        pending_.clear();
        for (auto& [r, topic, listener] : pending) {
            delivery_report d;
            d.tp.topic = topic;
            if (topic == failing_topic) {
                d.result = make_error(errc::io_error, "injected failure");
                listener->on_delivery(d);
                continue;
            }
            auto [tp, off] = cluster_->append(topic, r.partition, r.key, r.value, r.timestamp);
            d.tp = tp;  // views tp, alive until on_delivery returns
            d.offset = off;
            listener->on_delivery(d);
        }
    }
    fake_cluster* cluster_;
    struct pending_record {
        produced_record r;
        std::string topic;
        delivery_listener* listener;
    };
    std::vector<pending_record> pending_;
    committed_offsets pending_offsets_;
};

class fake_reader final : public partition_reader {
public:
    explicit fake_reader(fake_cluster& c) : cluster_(&c) {}
    result<std::pair<samsa::offset, samsa::offset>> watermarks(const topic_partition& tp,
                                                               std::chrono::milliseconds) override {
        std::lock_guard l(cluster_->mutex);
        auto it = cluster_->logs.find(tp);
        if (it == cluster_->logs.end()) return make_error(errc::not_found, "no partition " + tp.to_string());
        return std::pair{samsa::offset(0), samsa::offset(static_cast<int64_t>(it->second.size()))};
    }
    status assign(const topic_partition& tp, samsa::offset from) override {
        positions_[tp] = from == beginning_offset ? samsa::offset(0) : from;
        return ok();
    }
    void unassign(const topic_partition& tp) override { positions_.erase(tp); }
    result<std::vector<consumed_record>> poll(std::chrono::milliseconds, size_t max_records) override {
        std::vector<consumed_record> out;
        std::lock_guard l(cluster_->mutex);
        for (auto& [tp, pos] : positions_) {
            auto& log = cluster_->logs[tp];
            while (out.size() < max_records && pos() < static_cast<int64_t>(log.size())) {
                out.push_back(log[pos()].consume());
                ++pos;
            }
        }
        return out;
    }

private:
    fake_cluster* cluster_;
    std::map<topic_partition, samsa::offset> positions_;
};

class fake_admin final : public admin_client {
public:
    explicit fake_admin(fake_cluster& c) : cluster_(&c) {}
    result<std::map<std::string, int>> partition_counts(const std::set<std::string>& topics,
                                                        std::chrono::milliseconds) override {
        std::lock_guard l(cluster_->mutex);
        std::map<std::string, int> out;
        for (const auto& t : topics) {
            if (auto it = cluster_->partitions.find(t); it != cluster_->partitions.end()) out[t] = it->second;
        }
        return out;
    }
    status create_topics(const std::vector<new_topic>& topics, std::chrono::milliseconds) override {
        for (const auto& t : topics) {
            bool exists;
            {
                std::lock_guard l(cluster_->mutex);
                exists = cluster_->partitions.count(t.name) > 0;
                cluster_->created.push_back(t);
            }
            if (!exists) cluster_->create(t.name, t.partitions);
        }
        return ok();
    }
    bool purge_records(const std::map<topic_partition, samsa::offset>& before) override {
        std::lock_guard l(cluster_->mutex);
        cluster_->purged.push_back(before);
        return true;
    }

private:
    fake_cluster* cluster_;
};

class fake_supplier final : public client_supplier {
public:
    explicit fake_supplier(fake_cluster& c) : cluster_(&c) {}
    result<std::unique_ptr<group_consumer>> consumer(const client_config& config) override {
        configs.push_back(config);
        return std::unique_ptr<group_consumer>(std::make_unique<fake_consumer>(*cluster_));
    }
    result<std::unique_ptr<record_producer>> producer(const client_config& config) override {
        configs.push_back(config);
        return std::unique_ptr<record_producer>(std::make_unique<fake_producer>(*cluster_));
    }
    result<std::unique_ptr<partition_reader>> reader(const client_config& config) override {
        configs.push_back(config);
        return std::unique_ptr<partition_reader>(std::make_unique<fake_reader>(*cluster_));
    }
    result<std::unique_ptr<admin_client>> admin(const client_config& config) override {
        configs.push_back(config);
        return std::unique_ptr<admin_client>(std::make_unique<fake_admin>(*cluster_));
    }
    std::vector<client_config> configs;

private:
    fake_cluster* cluster_;
};

}  // namespace samsa::streams::testing_fakes
