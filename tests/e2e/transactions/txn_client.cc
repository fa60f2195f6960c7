#include "tests/e2e/transactions/txn_client.h"

#include <atomic>

#include <gtest/gtest.h>

namespace samsa::e2e {

namespace {

// Takes ownership of `e`.
txn_status from(rd_kafka_error_t* e) {
    if (!e) return std::nullopt;
    txn_error out{rd_kafka_error_string(e), rd_kafka_error_is_fatal(e) != 0,
                  rd_kafka_error_txn_requires_abort(e) != 0, rd_kafka_error_is_retriable(e) != 0};
    rd_kafka_error_destroy(e);
    return out;
}

rd_kafka_conf_t* make_conf(const std::string& bootstrap, const client_config& config) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char err[512];
    auto set = [&](const std::string& k, const std::string& v) {
        if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK)
            ADD_FAILURE() << k << "=" << v << ": " << err;
    };
    set("bootstrap.servers", bootstrap);
    set("reconnect.backoff.ms", "50");
    set("reconnect.backoff.max.ms", "200");
    set("retry.backoff.ms", "50");
    for (const auto& [k, v] : config) set(k, v);
    return conf;
}

}  // namespace

std::string describe(const txn_status& s) {
    if (!s) return "ok";
    return s->message + (s->fatal ? " (fatal)" : "") + (s->abortable ? " (abortable)" : "") +
           (s->retriable ? " (retriable)" : "");
}

std::unique_ptr<txn_producer> txn_producer::create(const std::string& bootstrap, const std::string& transactional_id,
                                                   const client_config& extra) {
    client_config config{{"transactional.id", transactional_id}, {"linger.ms", "5"}};
    for (const auto& [k, v] : extra) config[k] = v;
    rd_kafka_conf_t* conf = make_conf(bootstrap, config);
    std::unique_ptr<txn_producer> p(new txn_producer());
    rd_kafka_conf_set_dr_msg_cb(conf, &txn_producer::on_delivery);
    rd_kafka_conf_set_opaque(conf, p.get());
    char err[512];
    p->rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    if (!p->rk_) {
        ADD_FAILURE() << "rd_kafka_new: " << err;
        rd_kafka_conf_destroy(conf);
        return nullptr;
    }
    return p;
}

void txn_producer::on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    if (m->err) static_cast<txn_producer*>(opaque)->failed_.fetch_add(1);
}

txn_producer::~txn_producer() {
    if (!rk_) return;
    rd_kafka_flush(rk_, 2000);
    rd_kafka_destroy(rk_);
}

txn_status txn_producer::init(std::chrono::milliseconds timeout) {
    return from(rd_kafka_init_transactions(rk_, static_cast<int>(timeout.count())));
}

txn_status txn_producer::begin() { return from(rd_kafka_begin_transaction(rk_)); }

txn_status txn_producer::produce(const std::string& topic, int32_t partition, const std::string& key,
                                 const std::string& value) {
    for (int attempt = 0; attempt < 200; ++attempt) {
        rd_kafka_resp_err_t err = rd_kafka_producev(
            rk_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
            RD_KAFKA_V_KEY(key.data(), key.size()), RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return std::nullopt;
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            txn_error e{rd_kafka_err2str(err)};
            // A fatal error or a failed transaction shows up here first.
            e.fatal = err == RD_KAFKA_RESP_ERR__FATAL;
            e.abortable = err == RD_KAFKA_RESP_ERR__STATE;
            return e;
        }
        rd_kafka_poll(rk_, 10);
    }
    return txn_error{"the producer queue stayed full"};
}

txn_status txn_producer::flush(std::chrono::milliseconds timeout) {
    rd_kafka_resp_err_t err = rd_kafka_flush(rk_, static_cast<int>(timeout.count()));
    if (err) return txn_error{rd_kafka_err2str(err), false, false, true};
    return std::nullopt;
}

txn_status txn_producer::send_offsets(rd_kafka_t* consumer, std::chrono::milliseconds timeout) {
    rd_kafka_topic_partition_list_t* assigned = nullptr;
    if (rd_kafka_assignment(consumer, &assigned) != RD_KAFKA_RESP_ERR_NO_ERROR) return txn_error{"no assignment"};
    rd_kafka_position(consumer, assigned);
    rd_kafka_consumer_group_metadata_t* meta = rd_kafka_consumer_group_metadata(consumer);
    auto s = from(rd_kafka_send_offsets_to_transaction(rk_, assigned, meta, static_cast<int>(timeout.count())));
    rd_kafka_consumer_group_metadata_destroy(meta);
    rd_kafka_topic_partition_list_destroy(assigned);
    return s;
}

txn_status txn_producer::commit(std::chrono::milliseconds timeout) {
    return from(rd_kafka_commit_transaction(rk_, static_cast<int>(timeout.count())));
}

txn_status txn_producer::abort(std::chrono::milliseconds timeout) {
    return from(rd_kafka_abort_transaction(rk_, static_cast<int>(timeout.count())));
}

std::string txn_producer::fatal_error() {
    char buf[512];
    if (rd_kafka_fatal_error(rk_, buf, sizeof buf) == RD_KAFKA_RESP_ERR_NO_ERROR) return {};
    return buf;
}

int txn_producer::failed_deliveries() const { return failed_.load(); }

std::unique_ptr<group_consumer> group_consumer::create(const std::string& bootstrap, const std::string& group,
                                                       const std::vector<std::string>& topics,
                                                       const client_config& extra) {
    client_config config{{"group.id", group},
                         {"enable.auto.commit", "false"},
                         {"auto.offset.reset", "earliest"},
                         {"isolation.level", "read_committed"},
                         {"session.timeout.ms", "6000"},
                         {"heartbeat.interval.ms", "500"}};
    for (const auto& [k, v] : extra) config[k] = v;
    rd_kafka_conf_t* conf = make_conf(bootstrap, config);
    char err[512];
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    if (!rk) {
        ADD_FAILURE() << "rd_kafka_new: " << err;
        rd_kafka_conf_destroy(conf);
        return nullptr;
    }
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(topics.size()));
    for (const auto& t : topics) rd_kafka_topic_partition_list_add(list, t.c_str(), RD_KAFKA_PARTITION_UA);
    if (auto e = rd_kafka_subscribe(rk, list)) ADD_FAILURE() << "subscribe: " << rd_kafka_err2str(e);
    rd_kafka_topic_partition_list_destroy(list);
    return std::unique_ptr<group_consumer>(new group_consumer(rk));
}

group_consumer::~group_consumer() {
    rd_kafka_consumer_close(rk_);
    rd_kafka_destroy(rk_);
}

std::vector<group_consumer::message> group_consumer::poll(size_t max, std::chrono::milliseconds timeout) {
    std::vector<message> out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (out.size() < max && std::chrono::steady_clock::now() < deadline) {
        rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, 100);
        if (!m) {
            if (!out.empty()) break;
            continue;
        }
        if (!m->err) {
            message msg;
            msg.topic = rd_kafka_topic_name(m->rkt);
            msg.partition = m->partition;
            msg.offset = m->offset;
            if (m->key) msg.key.assign(static_cast<const char*>(m->key), m->key_len);
            if (m->payload) msg.value.assign(static_cast<const char*>(m->payload), m->len);
            out.push_back(std::move(msg));
        }
        rd_kafka_message_destroy(m);
    }
    return out;
}

std::optional<int64_t> group_consumer::committed(const std::string& topic, int32_t partition,
                                                 std::chrono::milliseconds timeout, std::string* error) {
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, topic.c_str(), partition);
    rd_kafka_resp_err_t err = rd_kafka_committed(rk_, list, static_cast<int>(timeout.count()));
    std::optional<int64_t> out;
    if (!err && list->elems[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        out = list->elems[0].offset;
    } else if (error) {
        *error = rd_kafka_err2str(err ? err : list->elems[0].err);
    }
    rd_kafka_topic_partition_list_destroy(list);
    return out;
}

}  // namespace samsa::e2e
