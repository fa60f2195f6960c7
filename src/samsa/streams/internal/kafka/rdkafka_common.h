#pragma once
// Helpers shared by the librdkafka clients: configuration from a map, and
// RAII for the handles.
//
// Threads: any; no shared state.

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>

#include "samsa/base/result.h"
#include "samsa/streams/internal/runtime/clients.h"

namespace samsa::streams::internal::kafka {

struct rd_kafka_deleter {
    void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using rd_kafka_ptr = std::unique_ptr<rd_kafka_t, rd_kafka_deleter>;

struct rd_kafka_conf_deleter {
    void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
using rd_kafka_conf_ptr = std::unique_ptr<rd_kafka_conf_t, rd_kafka_conf_deleter>;

// Every entry set with rd_kafka_conf_set; invalid_argument names the bad one.
[[nodiscard]] result<rd_kafka_conf_ptr> make_conf(const client_config& config);
// rd_kafka_new; the conf is consumed on success.
[[nodiscard]] result<rd_kafka_ptr> make_client(rd_kafka_type_t type, rd_kafka_conf_ptr conf);

errc to_errc(rd_kafka_resp_err_t err);
error to_error(rd_kafka_resp_err_t err, const std::string& what);

}  // namespace samsa::streams::internal::kafka
