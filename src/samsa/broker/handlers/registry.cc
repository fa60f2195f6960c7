#include "samsa/broker/handlers/registry.h"

#include <array>

#include "samsa/broker/handlers/acl_handlers.h"
#include "samsa/broker/handlers/group_handlers.h"
#include "samsa/broker/handlers/quota_handlers.h"
#include "samsa/broker/handlers/handlers.h"
#include "samsa/broker/handlers/security_handlers.h"
#include "samsa/protocol/messages/alter_user_scram_credentials.h"
#include "samsa/protocol/messages/describe_user_scram_credentials.h"
#include "samsa/protocol/messages/sasl_authenticate.h"
#include "samsa/protocol/messages/sasl_handshake.h"
#include "samsa/broker/handlers/txn_handlers.h"
#include "samsa/protocol/messages/add_offsets_to_txn.h"
#include "samsa/protocol/messages/add_partitions_to_txn.h"
#include "samsa/protocol/messages/describe_producers.h"
#include "samsa/protocol/messages/describe_transactions.h"
#include "samsa/protocol/messages/end_txn.h"
#include "samsa/protocol/messages/list_transactions.h"
#include "samsa/protocol/messages/txn_offset_commit.h"
#include "samsa/protocol/messages/alter_configs.h"
#include "samsa/protocol/messages/api_versions.h"
#include "samsa/protocol/messages/delete_groups.h"
#include "samsa/protocol/messages/describe_groups.h"
#include "samsa/protocol/messages/find_coordinator.h"
#include "samsa/protocol/messages/heartbeat.h"
#include "samsa/protocol/messages/join_group.h"
#include "samsa/protocol/messages/leave_group.h"
#include "samsa/protocol/messages/list_groups.h"
#include "samsa/protocol/messages/offset_commit.h"
#include "samsa/protocol/messages/offset_delete.h"
#include "samsa/protocol/messages/offset_fetch.h"
#include "samsa/protocol/messages/sync_group.h"
#include "samsa/protocol/messages/create_partitions.h"
#include "samsa/protocol/messages/create_topics.h"
#include "samsa/protocol/messages/delete_records.h"
#include "samsa/protocol/messages/delete_topics.h"
#include "samsa/protocol/messages/describe_configs.h"
#include "samsa/protocol/messages/fetch.h"
#include "samsa/protocol/messages/incremental_alter_configs.h"
#include "samsa/protocol/messages/init_producer_id.h"
#include "samsa/protocol/messages/list_offsets.h"
#include "samsa/protocol/messages/metadata.h"
#include "samsa/protocol/messages/produce.h"
#include "samsa/protocol/messages/alter_client_quotas.h"
#include "samsa/protocol/messages/create_acls.h"
#include "samsa/protocol/messages/delete_acls.h"
#include "samsa/protocol/messages/describe_acls.h"
#include "samsa/broker/handlers/cluster_handlers.h"
#include "samsa/protocol/messages/describe_cluster.h"
#include "samsa/protocol/messages/describe_log_dirs.h"
#include "samsa/protocol/messages/describe_topic_partitions.h"
#include "samsa/protocol/messages/elect_leaders.h"
#include "samsa/protocol/messages/offset_for_leader_epoch.h"

namespace samsa::broker {

namespace {

// The versions of an API are those its message definition declares
// (protocol/messages/<api>.h, one line each).
template<protocol::message Request>
constexpr api_entry entry(handler_fn handler) {
    return {Request::api::key, Request::api::min_version, Request::api::max_version, handler};
}

const std::array table{
    entry<protocol::produce_request>(handle_produce),
    entry<protocol::fetch_request>(handle_fetch),
    entry<protocol::list_offsets_request>(handle_list_offsets),
    entry<protocol::metadata_request>(handle_metadata),
    entry<protocol::api_versions_request>(handle_api_versions),
    // Authentication (broker/security/, handlers/security_handlers.h): the
    // dispatcher calls the SASL handlers with the connection.
    entry<protocol::sasl_handshake_request>(handle_sasl_in_dispatcher),
    entry<protocol::sasl_authenticate_request>(handle_sasl_in_dispatcher),
    entry<protocol::describe_user_scram_credentials_request>(handle_describe_user_scram_credentials),
    entry<protocol::alter_user_scram_credentials_request>(handle_alter_user_scram_credentials),
    // Consumer groups (broker/group/, handlers/group_handlers.h).
    entry<protocol::offset_commit_request>(handle_offset_commit),
    entry<protocol::offset_fetch_request>(handle_offset_fetch),
    entry<protocol::find_coordinator_request>(handle_find_coordinator),
    entry<protocol::join_group_request>(handle_join_group),
    entry<protocol::heartbeat_request>(handle_heartbeat),
    entry<protocol::leave_group_request>(handle_leave_group),
    entry<protocol::sync_group_request>(handle_sync_group),
    entry<protocol::describe_groups_request>(handle_describe_groups),
    entry<protocol::list_groups_request>(handle_list_groups),
    entry<protocol::delete_groups_request>(handle_delete_groups),
    entry<protocol::offset_delete_request>(handle_offset_delete),
    entry<protocol::create_topics_request>(handle_create_topics),
    entry<protocol::delete_topics_request>(handle_delete_topics),
    entry<protocol::delete_records_request>(handle_delete_records),
    entry<protocol::describe_configs_request>(handle_describe_configs),
    entry<protocol::alter_configs_request>(handle_alter_configs),
    entry<protocol::create_partitions_request>(handle_create_partitions),
    entry<protocol::incremental_alter_configs_request>(handle_incremental_alter_configs),
    entry<protocol::init_producer_id_request>(handle_init_producer_id),  // broker/producer/, broker/txn/
    // Transactions (broker/txn/, handlers/txn_handlers.h).
    entry<protocol::add_partitions_to_txn_request>(handle_add_partitions_to_txn),
    entry<protocol::add_offsets_to_txn_request>(handle_add_offsets_to_txn),
    entry<protocol::end_txn_request>(handle_end_txn),
    entry<protocol::txn_offset_commit_request>(handle_txn_offset_commit),
    entry<protocol::describe_transactions_request>(handle_describe_transactions),
    entry<protocol::list_transactions_request>(handle_list_transactions),
    entry<protocol::describe_producers_request>(handle_describe_producers),
    // ACLs (security/authz/, handlers/acl_handlers.h).
    entry<protocol::describe_acls_request>(handle_describe_acls),
    entry<protocol::create_acls_request>(handle_create_acls),
    entry<protocol::delete_acls_request>(handle_delete_acls),
    // Client quotas (security/quota/, handlers/quota_handlers.h).
    entry<protocol::describe_client_quotas_request>(handle_describe_client_quotas),
    entry<protocol::alter_client_quotas_request>(handle_alter_client_quotas),
    // Replicas and log dirs, as one node answers (handlers/cluster_handlers.h).
    entry<protocol::describe_topic_partitions_request>(handle_describe_topic_partitions),
    entry<protocol::describe_log_dirs_request>(handle_describe_log_dirs),
    entry<protocol::offset_for_leader_epoch_request>(handle_offset_for_leader_epoch),
    entry<protocol::elect_leaders_request>(handle_elect_leaders),
    entry<protocol::describe_cluster_request>(handle_describe_cluster),
};

}  // namespace

std::span<const api_entry> api_table() { return table; }

const api_entry* find_api(protocol::api_key key) {
    for (const auto& e : table) {
        if (e.key == key) return &e;
    }
    return nullptr;
}

}  // namespace samsa::broker
