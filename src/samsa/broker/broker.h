#pragma once
// broker: the state every request handler works on — the configuration,
// the cluster identity, the topics and their logs, the parked fetches — and
// the I/O context that runs them.
//
// Thread model: ONE I/O thread runs `io()`; it owns every connection, every
// partition log and everything here, so nothing takes a lock. Handlers run on
// that thread, to completion, and must not block except on local disk
// writes (the page cache; fsync only per the flush settings). With
// samsa.durable.acks the fsyncs for acks=all run on durable_acks' helper
// thread (group commit), which posts completions back to the I/O thread;
// the handler answers then through its response_slot.

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "samsa/base/types.h"
#include "samsa/broker/config/broker_config.h"
#include "samsa/broker/meta_properties.h"
#include "samsa/broker/topics/topic_manager.h"

// Only a reference to the I/O context is held here: no Asio header (it is
// most of every handler's compile time).
namespace asio {
class io_context;
}  // namespace asio

namespace samsa::broker {

class fetch_purgatory;
class fetch_session_cache;
namespace group {
class group_coordinator;
class group_service;
}  // namespace group
namespace txn {
class txn_coordinator;
class txn_service;
}  // namespace txn
namespace security {
class scram_store;
}  // namespace security
namespace security::authz {
class authorizer;
}  // namespace security::authz
namespace security::quota {
class quota_store;
class quota_manager;
}  // namespace security::quota
namespace metrics {
class broker_metrics;
}  // namespace metrics
namespace producer {
class producer_id_manager;
class producer_state_manager;
class durable_acks;
}  // namespace producer

class broker {
public:
    broker(const broker_config& config, asio::io_context& io, meta_properties meta,
           std::unique_ptr<topic_manager> topics);
    ~broker();

    const broker_config& config() const { return config_; }
    asio::io_context& io() { return io_; }
    topic_manager& topics() { return *topics_; }
    fetch_purgatory& waiters() { return *waiters_; }  // parked Fetch requests
    fetch_session_cache& fetch_sessions() { return *fetch_sessions_; }  // KIP-227
    // The group coordinator (broker/group/), loaded from __consumer_offsets.
    group::group_coordinator& groups();
    // The idempotent producer (broker/producer/): ids handed out by
    // InitProducerId, per-partition sequence state checked by Produce.
    producer::producer_id_manager& producer_ids() { return *producer_ids_; }
    producer::producer_state_manager& producers() { return *producers_; }
    // Snapshots the producer state of the partitions that changed: now
    // (all = true, clean shutdown) or when the snapshot interval has passed,
    // after expiring idle producers (producer.id.expiration.ms).
    void snapshot_producers(bool all);
    // The transaction coordinator (broker/txn/), loaded from __transaction_state.
    txn::txn_coordinator& transactions();
    // Non-null when samsa.durable.acks is on.
    producer::durable_acks* durable() { return durable_.get(); }
    // The ACL authorizer (security/authz/); nullptr when authorizer.class.name
    // is unset, and then every request is allowed, as in Kafka.
    security::authz::authorizer* authorizer() { return authorizer_.get(); }
    // Client quotas (security/quota/): what AlterClientQuotas stored, and the
    // rates Produce, Fetch and every request are measured against.
    security::quota::quota_store& quota_store() { return *quota_store_; }
    security::quota::quota_manager& quotas() { return *quotas_; }
    // What the broker counts (metrics/broker_metrics.h); scraped on this thread.
    metrics::broker_metrics& metrics() { return *metrics_; }
    const std::string& cluster_id() const { return meta_.cluster_id; }
    samsa::node_id node() const { return config_.node; }

    // What Metadata tells clients to connect to: the advertised listener of
    // the listener the request came in on (Kafka's rule: a client reached
    // over SASL_SSL is sent to the SASL_SSL endpoint), else the first
    // advertised listener; port 0 replaced by the port actually bound.
    const listener& advertised(std::string_view listener_name = {}) const;
    void set_advertised(listener l) { advertised_ = std::move(l); }
    void add_advertised(listener l) { advertised_by_name_[l.name] = std::move(l); }
    // The SCRAM credentials (security/scram/scram_store.h).
    security::scram_store& scram() { return *scram_; }

    // Wall clock in Kafka's unit.
    static timestamp_ms now();

    bool stopping() const { return stopping_; }
    // Also answers the JoinGroup/SyncGroup requests the coordinator holds.
    void set_stopping();

private:
    void open_authorizer();
    void open_quotas();

    const broker_config& config_;
    asio::io_context& io_;
    // First, so it goes last: response slots held by the members below point
    // at its request metrics.
    std::unique_ptr<metrics::broker_metrics> metrics_;
    meta_properties meta_;
    std::unique_ptr<topic_manager> topics_;
    std::unique_ptr<fetch_purgatory> waiters_;
    std::unique_ptr<fetch_session_cache> fetch_sessions_;
    listener advertised_;
    std::map<std::string, listener, std::less<>> advertised_by_name_;
    std::unique_ptr<security::scram_store> scram_;
    bool stopping_ = false;
    std::unique_ptr<group::group_service> groups_;
    std::unique_ptr<producer::producer_id_manager> producer_ids_;
    std::unique_ptr<producer::producer_state_manager> producers_;
    std::unique_ptr<producer::durable_acks> durable_;
    std::unique_ptr<txn::txn_service> transactions_;
    std::unique_ptr<security::authz::authorizer> authorizer_;
    std::unique_ptr<security::quota::quota_store> quota_store_;
    std::unique_ptr<security::quota::quota_manager> quotas_;
};

}  // namespace samsa::broker
