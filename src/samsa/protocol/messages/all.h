#pragma once
// Every message Samsa has a codec for, as type lists: the fuzz targets and
// the round-trip tests walk them, so a new API is covered once it is listed
// here.

#include "samsa/protocol/messages/api_versions.h"
#include "samsa/protocol/messages/fetch.h"
#include "samsa/protocol/messages/list_offsets.h"
#include "samsa/protocol/messages/metadata.h"
#include "samsa/protocol/messages/produce.h"

namespace samsa::protocol {

template<class... T>
struct type_list {};

// Calls f.template operator()<T>() for each T, e.g.
//   for_each_type(all_requests{}, []<class T>() { ... });
template<class F, class... T>
void for_each_type(type_list<T...>, F&& f) {
    (f.template operator()<T>(), ...);
}

using all_requests = type_list<api_versions_request, metadata_request, produce_request, fetch_request,
                               list_offsets_request>;
using all_responses = type_list<api_versions_response, metadata_response, produce_response, fetch_response,
                                list_offsets_response>;

}  // namespace samsa::protocol
