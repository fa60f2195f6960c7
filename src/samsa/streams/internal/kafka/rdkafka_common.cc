#include "samsa/streams/internal/kafka/rdkafka_common.h"

namespace samsa::streams::internal::kafka {

result<rd_kafka_conf_ptr> make_conf(const client_config& config) {
    rd_kafka_conf_ptr conf(rd_kafka_conf_new());
    char err[512];
    for (const auto& [k, v] : config) {
        if (rd_kafka_conf_set(conf.get(), k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
            return make_error(errc::invalid_argument, "librdkafka configuration " + k + "=" + v + ": " + err);
        }
    }
    return conf;
}

result<rd_kafka_ptr> make_client(rd_kafka_type_t type, rd_kafka_conf_ptr conf) {
    char err[512];
    rd_kafka_t* rk = rd_kafka_new(type, conf.get(), err, sizeof(err));
    if (rk == nullptr) return make_error(errc::invalid_argument, std::string("cannot create a librdkafka client: ") + err);
    conf.release();  // owned by rk now
    return rd_kafka_ptr(rk);
}

errc to_errc(rd_kafka_resp_err_t err) {
    switch (err) {
        case RD_KAFKA_RESP_ERR__TIMED_OUT:
        case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
            return errc::timed_out;
        case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
        case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
        case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
            return errc::not_found;
        case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS:
            return errc::already_exists;
        case RD_KAFKA_RESP_ERR__DESTROY:
            return errc::closed;
        case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
            return errc::too_large;
        case RD_KAFKA_RESP_ERR__INVALID_ARG:
        case RD_KAFKA_RESP_ERR_INVALID_PARTITIONS:
        case RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR:
        case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
            return errc::invalid_argument;
        default:
            return errc::io_error;
    }
}

error to_error(rd_kafka_resp_err_t err, const std::string& what) {
    return make_error(to_errc(err), what + ": " + rd_kafka_err2str(err));
}

}  // namespace samsa::streams::internal::kafka
