#include "samsa/broker/handlers/error_mapping.h"

namespace samsa::broker {

using protocol::error_code;

error_code to_error_code(errc code, operation op) {
    switch (code) {
    case errc::invalid_argument:
        switch (op) {
        case operation::produce: return error_code::corrupt_message;
        case operation::create_topic: return error_code::invalid_request;
        case operation::alter_configs: return error_code::invalid_config;
        case operation::create_partitions: return error_code::invalid_partitions;
        default: return error_code::invalid_request;
        }
    case errc::corrupt:
        return op == operation::produce || op == operation::fetch ? error_code::corrupt_message
                                                                  : error_code::kafka_storage_error;
    case errc::too_large:
        return op == operation::produce ? error_code::message_too_large : error_code::invalid_request;
    case errc::not_found: return error_code::unknown_topic_or_partition;
    case errc::already_exists: return error_code::topic_already_exists;
    case errc::out_of_range: return error_code::offset_out_of_range;
    case errc::io_error: return error_code::kafka_storage_error;
    case errc::unsupported:
        return op == operation::produce ? error_code::unsupported_for_message_format
                                        : error_code::unsupported_version;
    case errc::timed_out: return error_code::request_timed_out;
    // A log closed under us: the broker is shutting down. Retriable for the
    // client, which will reconnect.
    case errc::closed: return error_code::not_leader_or_follower;
    }
    return error_code::unknown_server_error;
}

}  // namespace samsa::broker
