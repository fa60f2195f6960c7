#pragma once
// What to do with a record the application cannot deserialize (Kafka
// Streams' default.deserialization.exception.handler), shared by the runtime
// (streams_config) and the topology test driver, which honour it alike.
//
// Kafka's values: logAndFail (LogAndFailExceptionHandler, the default) stops
// the task; logAndContinue (LogAndContinueExceptionHandler) logs the record's
// position, counts it as dropped and goes on.

#include <optional>
#include <string_view>

namespace samsa::streams {

// What a deserialization exception handler answers: fail the task, or skip the record and go on.
enum class deserialization_handler_response { fail, continue_processing };

// nullopt for a value Kafka would reject.
inline std::optional<deserialization_handler_response> parse_deserialization_handler(std::string_view value) {
    if (value == "logAndFail" || value.ends_with("LogAndFailExceptionHandler")) {
        return deserialization_handler_response::fail;
    }
    if (value == "logAndContinue" || value.ends_with("LogAndContinueExceptionHandler")) {
        return deserialization_handler_response::continue_processing;
    }
    return std::nullopt;
}

}  // namespace samsa::streams
