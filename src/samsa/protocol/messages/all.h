#pragma once
// Every message Samsa has a codec for, as type lists: the fuzz targets and
// the round-trip tests walk them, so a new API is covered once it is listed
// here.

#include "samsa/protocol/messages/add_offsets_to_txn.h"
#include "samsa/protocol/messages/add_partitions_to_txn.h"
#include "samsa/protocol/messages/alter_client_quotas.h"
#include "samsa/protocol/messages/alter_configs.h"
#include "samsa/protocol/messages/alter_user_scram_credentials.h"
#include "samsa/protocol/messages/api_versions.h"
#include "samsa/protocol/messages/create_acls.h"
#include "samsa/protocol/messages/create_partitions.h"
#include "samsa/protocol/messages/create_topics.h"
#include "samsa/protocol/messages/delete_acls.h"
#include "samsa/protocol/messages/delete_groups.h"
#include "samsa/protocol/messages/delete_records.h"
#include "samsa/protocol/messages/delete_topics.h"
#include "samsa/protocol/messages/describe_acls.h"
#include "samsa/protocol/messages/describe_client_quotas.h"
#include "samsa/protocol/messages/describe_cluster.h"
#include "samsa/protocol/messages/describe_configs.h"
#include "samsa/protocol/messages/describe_groups.h"
#include "samsa/protocol/messages/describe_producers.h"
#include "samsa/protocol/messages/describe_transactions.h"
#include "samsa/protocol/messages/describe_user_scram_credentials.h"
#include "samsa/protocol/messages/end_txn.h"
#include "samsa/protocol/messages/fetch.h"
#include "samsa/protocol/messages/find_coordinator.h"
#include "samsa/protocol/messages/heartbeat.h"
#include "samsa/protocol/messages/incremental_alter_configs.h"
#include "samsa/protocol/messages/init_producer_id.h"
#include "samsa/protocol/messages/join_group.h"
#include "samsa/protocol/messages/leave_group.h"
#include "samsa/protocol/messages/list_groups.h"
#include "samsa/protocol/messages/list_offsets.h"
#include "samsa/protocol/messages/list_transactions.h"
#include "samsa/protocol/messages/metadata.h"
#include "samsa/protocol/messages/offset_commit.h"
#include "samsa/protocol/messages/offset_delete.h"
#include "samsa/protocol/messages/offset_fetch.h"
#include "samsa/protocol/messages/produce.h"
#include "samsa/protocol/messages/sasl_authenticate.h"
#include "samsa/protocol/messages/sasl_handshake.h"
#include "samsa/protocol/messages/sync_group.h"
#include "samsa/protocol/messages/txn_offset_commit.h"
#include "samsa/protocol/messages/describe_topic_partitions.h"
#include "samsa/protocol/messages/describe_log_dirs.h"
#include "samsa/protocol/messages/offset_for_leader_epoch.h"
#include "samsa/protocol/messages/elect_leaders.h"

namespace samsa::protocol {

template<class... T>
struct type_list {};

// Calls f.template operator()<T>() for each T, e.g.
//   for_each_type(all_requests{}, []<class T>() { ... });
template<class F, class... T>
void for_each_type(type_list<T...>, F&& f) {
    (f.template operator()<T>(), ...);
}

using all_requests =
    type_list<api_versions_request, metadata_request, produce_request, fetch_request, list_offsets_request,
              create_topics_request, delete_topics_request, describe_configs_request, alter_configs_request,
              incremental_alter_configs_request, create_partitions_request, delete_records_request,
              init_producer_id_request, describe_cluster_request, find_coordinator_request, join_group_request,
              sync_group_request, heartbeat_request, leave_group_request, offset_commit_request,
              offset_fetch_request, list_groups_request, describe_groups_request, delete_groups_request,
              offset_delete_request, add_partitions_to_txn_request, add_offsets_to_txn_request,
              end_txn_request, txn_offset_commit_request, describe_transactions_request,
              list_transactions_request, describe_producers_request, sasl_handshake_request,
              sasl_authenticate_request, describe_user_scram_credentials_request,
              alter_user_scram_credentials_request, create_acls_request,
              describe_acls_request, delete_acls_request, describe_client_quotas_request,
              alter_client_quotas_request, describe_topic_partitions_request, describe_log_dirs_request,
              offset_for_leader_epoch_request, elect_leaders_request>;
using all_responses =
    type_list<api_versions_response, metadata_response, produce_response, fetch_response, list_offsets_response,
              create_topics_response, delete_topics_response, describe_configs_response, alter_configs_response,
              incremental_alter_configs_response, create_partitions_response, delete_records_response,
              init_producer_id_response, describe_cluster_response, find_coordinator_response,
              join_group_response, sync_group_response, heartbeat_response, leave_group_response,
              offset_commit_response, offset_fetch_response, list_groups_response, describe_groups_response,
              delete_groups_response, offset_delete_response, add_partitions_to_txn_response,
              add_offsets_to_txn_response, end_txn_response, txn_offset_commit_response,
              describe_transactions_response, list_transactions_response, describe_producers_response,
              sasl_handshake_response, sasl_authenticate_response, describe_user_scram_credentials_response,
              alter_user_scram_credentials_response, create_acls_response, describe_acls_response,
              delete_acls_response, describe_client_quotas_response, alter_client_quotas_response,
              describe_topic_partitions_response, describe_log_dirs_response, offset_for_leader_epoch_response,
              elect_leaders_response>;

}  // namespace samsa::protocol
