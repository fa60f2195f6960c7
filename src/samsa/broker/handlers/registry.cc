#include "samsa/broker/handlers/registry.h"

#include <array>

#include "samsa/broker/handlers/handlers.h"
#include "samsa/protocol/messages/alter_configs.h"
#include "samsa/protocol/messages/api_versions.h"
#include "samsa/protocol/messages/create_partitions.h"
#include "samsa/protocol/messages/create_topics.h"
#include "samsa/protocol/messages/delete_records.h"
#include "samsa/protocol/messages/delete_topics.h"
#include "samsa/protocol/messages/describe_configs.h"
#include "samsa/protocol/messages/fetch.h"
#include "samsa/protocol/messages/incremental_alter_configs.h"
#include "samsa/protocol/messages/list_offsets.h"
#include "samsa/protocol/messages/metadata.h"
#include "samsa/protocol/messages/produce.h"

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
    entry<protocol::create_topics_request>(handle_create_topics),
    entry<protocol::delete_topics_request>(handle_delete_topics),
    entry<protocol::delete_records_request>(handle_delete_records),
    entry<protocol::describe_configs_request>(handle_describe_configs),
    entry<protocol::alter_configs_request>(handle_alter_configs),
    entry<protocol::create_partitions_request>(handle_create_partitions),
    entry<protocol::incremental_alter_configs_request>(handle_incremental_alter_configs),
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
