#pragma once
// client_error: a failed Kafka client call, as samsa::error (so any caller
// can pass it on as one) plus what librdkafka says about it: the error code
// (Kafka's, or librdkafka's own negative ones such as _TIMED_OUT) and the
// three marks librdkafka puts on an rd_kafka_error_t (retriable, fatal,
// txn_requires_abort), which tell the caller whether to try again, abort the
// transaction, or give up on the client. Errors from a bare
// rd_kafka_resp_err_t carry no marks; then `retriable` follows Kafka's
// RetriableException classes for the few codes the callers retry.
//
// Threads: a plain value.

#include <cstdint>

#include "samsa/base/result.h"

namespace samsa::kafka {

struct client_error : samsa::error {
    int32_t kafka_code = 0;  // rd_kafka_resp_err_t
    bool retriable = false;
    bool fatal = false;  // the client cannot be used any more (fenced producer, ...)
    bool txn_requires_abort = false;
};

template<class T>
using result = samsa::result<T, client_error>;
using status = samsa::result<void, client_error>;

inline status ok() { return {}; }

// As a plain samsa::status (the marks dropped), for callers that keep one.
inline samsa::status plain(const status& s) { return s ? samsa::ok() : samsa::status(s.error()); }

// An error that did not come from librdkafka (a bad argument, our own timeout).
inline client_error make_client_error(errc code, std::string message) {
    client_error e;
    e.code = code;
    e.message = std::move(message);
    return e;
}

}  // namespace samsa::kafka
