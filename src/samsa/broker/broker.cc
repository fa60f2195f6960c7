#include "samsa/broker/broker.h"

#include "samsa/broker/group/group_service.h"
#include "samsa/broker/handlers/fetch_sessions.h"
#include "samsa/broker/purgatory/fetch_purgatory.h"
#include "samsa/broker/metrics/broker_metrics.h"
#include "samsa/broker/producer/durable_acks.h"
#include "samsa/broker/producer/producer_id_manager.h"
#include "samsa/broker/producer/producer_state_manager.h"
#include "samsa/broker/security/scram/scram_store.h"
#include "samsa/broker/security/authz/authorizer.h"
#include "samsa/broker/security/quota/quota_manager.h"
#include "samsa/broker/security/quota/quota_store.h"
#include "samsa/broker/txn/txn_coordinator.h"
#include "samsa/broker/txn/txn_service.h"

#include <stdexcept>

namespace samsa::broker {

broker::broker(const broker_config& config, asio::io_context& io, meta_properties meta,
               std::unique_ptr<topic_manager> topics)
    : config_(config),
      io_(io),
      metrics_(std::make_unique<metrics::broker_metrics>()),
      meta_(std::move(meta)),
      topics_(std::move(topics)),
      waiters_(std::make_unique<fetch_purgatory>(io)),
      fetch_sessions_(std::make_unique<fetch_session_cache>(config.max_incremental_fetch_session_cache_slots)),
      advertised_(config.advertised_listeners.front()),
      groups_(std::make_unique<group::group_service>(*this)) {
    topics_->start_creations(io);
    open_authorizer();
    open_quotas();
    groups_->load();
    auto scram = security::scram_store::open(config.primary_log_dir());
    if (!scram) throw std::runtime_error("SCRAM credentials: " + scram.error().message);
    scram_ = std::make_unique<security::scram_store>(std::move(*scram));
    // A producer id file that cannot be read could make ids repeat: refuse
    // to start (main reports it).
    auto ids = producer::producer_id_manager::open(config.primary_log_dir());
    if (!ids) throw std::runtime_error("producer ids: " + ids.error().message);
    producer_ids_ = std::make_unique<producer::producer_id_manager>(std::move(*ids));
    producers_ = std::make_unique<producer::producer_state_manager>(
        std::stoll(config.value_of("producer.id.expiration.ms").value_or("86400000")));
    if (config.durable_acks) durable_ = std::make_unique<producer::durable_acks>(io);
    // After the groups and the producer state: completing a transaction
    // left prepared writes markers into partitions and __consumer_offsets.
    transactions_ = std::make_unique<txn::txn_service>(*this);
    transactions_->load();
}

broker::~broker() = default;

const listener& broker::advertised(std::string_view listener_name) const {
    if (!listener_name.empty()) {
        if (auto it = advertised_by_name_.find(listener_name); it != advertised_by_name_.end()) return it->second;
    }
    return advertised_;
}

void broker::open_quotas() {
    auto store = security::quota::quota_store::open(config_.primary_log_dir());
    if (!store) throw std::runtime_error("client quotas: " + store.error().message);
    quota_store_ = std::make_unique<security::quota::quota_store>(std::move(*store));
    quotas_ = std::make_unique<security::quota::quota_manager>(
        *quota_store_, static_cast<int>(config_.int_value_or("quota.window.num", 11)),
        std::chrono::seconds(config_.int_value_or("quota.window.size.seconds", 1)));
}

void broker::open_authorizer() {
    if (!security::authz::turns_on_authorizer(config_.value_of("authorizer.class.name").value_or(""))) return;
    security::authz::authorizer_settings settings;
    settings.super_users = security::authz::parse_super_users(config_.value_of("super.users").value_or(""));
    settings.allow_everyone_if_no_acl_found =
        parse_config_bool(config_.value_of("allow.everyone.if.no.acl.found").value_or("false")).value();
    // ACLs that cannot be read would open the broker to everyone: refuse to
    // start (main reports it).
    auto a = security::authz::authorizer::open(config_.primary_log_dir(), std::move(settings));
    if (!a) throw std::runtime_error("ACLs: " + a.error().message);
    authorizer_ = std::move(*a);
}

group::group_coordinator& broker::groups() { return groups_->coordinator(); }

txn::txn_coordinator& broker::transactions() { return transactions_->coordinator(); }

void broker::snapshot_producers(bool all) {
    auto lookup = [this](std::string_view topic, partition_id partition,
                         const samsa::uuid& id) -> storage::partition_log* {
        const topic_metadata* meta = topics_->find(topic);
        if (!meta || meta->id != id) return nullptr;
        return topics_->log(topic, partition);
    };
    if (all) {
        producers_->snapshot_all(lookup);
    } else {
        producers_->maybe_snapshot(std::chrono::steady_clock::now(), broker::now(), lookup);
    }
}

void broker::set_stopping() {
    stopping_ = true;
    groups_->shutdown();
    transactions_->shutdown();
}

timestamp_ms broker::now() {
    using namespace std::chrono;
    return timestamp_ms(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

}  // namespace samsa::broker
