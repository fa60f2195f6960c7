#pragma once
// The one place where an internal error (samsa::errc, from storage, the
// topic table or validation) becomes a Kafka error code. The same errc can
// mean different things depending on what was being done (invalid_argument
// while appending is a corrupt batch; while creating a topic it is a bad
// request), so callers say which operation failed.
//
// Thread: any; pure functions.

#include "samsa/base/result.h"
#include "samsa/protocol/error_code.h"

namespace samsa::broker {

enum class operation {
    produce,        // validating or appending batches
    fetch,          // reading a log
    list_offsets,
    create_topic,
    delete_topic,
    alter_configs,
    create_partitions,
    delete_records,
};

protocol::error_code to_error_code(errc code, operation op);
inline protocol::error_code to_error_code(const error& e, operation op) { return to_error_code(e.code, op); }

}  // namespace samsa::broker
