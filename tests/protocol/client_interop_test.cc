// The codecs against a real client: a minimal in-test server, built only from
// samsa::protocol, answers librdkafka (the library kcat and
// confluent-kafka-python use). librdkafka must be able to read every response
// we encode, and its requests and record batches (each codec, as librdkafka
// compresses them) must decode and validate. This is not the broker: one
// topic, one partition, everything in memory.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "samsa/protocol/messages/all.h"
#include "samsa/protocol/compression.h"
#include "samsa/protocol/records.h"

namespace samsa::protocol {
namespace {

constexpr size_t max_uncompressed = 64 * 1024 * 1024;
const char* const topic_name = "interop";

bool read_full(int fd, uint8_t* p, size_t n) {
    while (n > 0) {
        ssize_t r = ::recv(fd, p, n, 0);
        if (r <= 0) return false;
        p += r;
        n -= static_cast<size_t>(r);
    }
    return true;
}

bool write_full(int fd, const bytes& b) {
    size_t at = 0;
    while (at < b.size()) {
        ssize_t r = ::send(fd, b.data() + at, b.size() - at, MSG_NOSIGNAL);
        if (r <= 0) return false;
        at += static_cast<size_t>(r);
    }
    return true;
}

// Thread model: one accept thread, one thread per connection; `mu_` guards
// the log and the observations the test reads afterwards.
class tiny_server {
public:
    tiny_server() {
        listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("bind");
        socklen_t len = sizeof addr;
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        ::listen(listen_fd_, 16);
        acceptor_ = std::thread([this] { accept_loop(); });
    }

    ~tiny_server() {
        stopping_ = true;
        ::shutdown(listen_fd_, SHUT_RDWR);
        ::close(listen_fd_);
        acceptor_.join();
        {
            std::lock_guard lock(mu_);
            for (int fd : conn_fds_) ::shutdown(fd, SHUT_RDWR);
        }
        for (auto& t : conns_) t.join();
    }

    int port() const { return port_; }
    std::string bootstrap() const { return "127.0.0.1:" + std::to_string(port_); }

    // Observations.
    std::vector<std::string> failures() {
        std::lock_guard lock(mu_);
        return failures_;
    }
    std::vector<compression_codec> codecs_seen() {
        std::lock_guard lock(mu_);
        return codecs_;
    }
    std::vector<std::pair<api_key, int16_t>> requests_seen() {
        std::lock_guard lock(mu_);
        return seen_;
    }
    int64_t high_watermark() {
        std::lock_guard lock(mu_);
        return next_offset_;
    }

private:
    void accept_loop() {
        while (!stopping_) {
            int fd = ::accept(listen_fd_, nullptr, nullptr);
            if (fd < 0) return;
            std::lock_guard lock(mu_);
            conn_fds_.push_back(fd);
            conns_.emplace_back([this, fd] { serve(fd); });
        }
    }

    void fail(std::string why) {
        std::lock_guard lock(mu_);
        failures_.push_back(std::move(why));
    }

    void serve(int fd) {
        for (;;) {
            uint8_t size_buf[4];
            if (!read_full(fd, size_buf, 4)) break;
            uint32_t size = (uint32_t{size_buf[0]} << 24) | (uint32_t{size_buf[1]} << 16) |
                            (uint32_t{size_buf[2]} << 8) | size_buf[3];
            bytes frame(size);
            if (!read_full(fd, frame.data(), size)) break;
            auto req = parse_request(frame);
            if (!req) {
                fail("unparseable request header: " + req.error().message);
                break;
            }
            {
                std::lock_guard lock(mu_);
                seen_.emplace_back(req->header.key, req->header.api_version);
            }
            std::optional<bytes> reply = handle(*req);
            if (!reply) continue;
            if (reply->empty() || !write_full(fd, *reply)) break;
        }
        ::close(fd);
    }

    template<class T>
    std::optional<T> body(const request_frame& f) {
        auto r = decode<T>(f.body, f.header.api_version);
        if (!r) {
            fail(r.error().message);
            return std::nullopt;
        }
        return std::move(*r);
    }

    // nullopt: no response (acks=0); empty bytes: close the connection.
    std::optional<bytes> handle(const request_frame& f) {
        const auto& h = f.header;
        const int16_t v = h.api_version;
        switch (h.key) {
            case api_key::api_versions: {
                api_versions_response resp;
                for_each_type(all_requests{}, [&]<class T>() {
                    resp.api_keys.push_back({T::api::key, T::api::min_version, T::api::max_version});
                });
                if (!api_versions_api::supports(v)) {
                    resp.error_code = error_code::unsupported_version;
                    return encode_response_frame(h.correlation_id, 0, resp);
                }
                if (!body<api_versions_request>(f)) return bytes{};
                return encode_response_frame(h.correlation_id, v, resp);
            }
            case api_key::metadata: {
                if (!body<metadata_request>(f)) return bytes{};
                metadata_response resp;
                resp.brokers.push_back({node_id(1), "127.0.0.1", port_, std::nullopt});
                resp.cluster_id = "interop-cluster";
                resp.controller_id = node_id(1);
                metadata_response_topic t;
                t.name = topic_name;
                t.topic_id = topic_id_;
                metadata_response_partition p;
                p.partition_index = partition_id(0);
                p.leader_id = node_id(1);
                p.leader_epoch = leader_epoch(0);
                p.replica_nodes = {1};
                p.isr_nodes = {1};
                t.partitions.push_back(p);
                resp.topics.push_back(t);
                return encode_response_frame(h.correlation_id, v, resp);
            }
            case api_key::init_producer_id: {
                if (!body<init_producer_id_request>(f)) return bytes{};
                init_producer_id_response resp;
                resp.producer_id = producer_id(4242);
                resp.producer_epoch = producer_epoch(0);
                return encode_response_frame(h.correlation_id, v, resp);
            }
            case api_key::produce: return handle_produce(f);
            case api_key::list_offsets: {
                auto req = body<list_offsets_request>(f);
                if (!req) return bytes{};
                list_offsets_response resp;
                for (const auto& t : req->topics) {
                    list_offsets_topic_response tr{t.name, {}};
                    for (const auto& p : t.partitions) {
                        list_offsets_partition_response pr;
                        pr.partition_index = p.partition_index;
                        int64_t o = p.timestamp() == list_offsets_earliest_timestamp ? 0 : high_watermark();
                        pr.offset = offset(o);
                        pr.old_style_offsets = {o};
                        tr.partitions.push_back(pr);
                    }
                    resp.topics.push_back(tr);
                }
                return encode_response_frame(h.correlation_id, v, resp);
            }
            case api_key::fetch: return handle_fetch(f);
            default:
                fail(fmt::format("unexpected request {} v{}", name(h.key), v));
                return bytes{};
        }
    }

    std::optional<bytes> handle_produce(const request_frame& f) {
        auto req = body<produce_request>(f);
        if (!req) return bytes{};
        produce_response resp;
        for (const auto& t : req->topic_data) {
            topic_produce_response tr{t.name, {}};
            for (const auto& p : t.partition_data) {
                partition_produce_response pr;
                pr.index = p.index;
                batch_splitter split(p.records.view());
                std::lock_guard lock(mu_);
                pr.base_offset = offset(next_offset_);
                while (auto b = split.next()) {
                    auto st = validate_batch(*b);
                    if (st) st = validate_records(*b, max_uncompressed);
                    if (!st) {
                        failures_.push_back("produced batch invalid: " + st.error().message);
                        pr.error_code = error_code::corrupt_message;
                        continue;
                    }
                    auto header = read_batch_header(*b);
                    codecs_.push_back(header->codec());
                    bytes stored(b->begin(), b->end());
                    set_base_offset(stored, next_offset_);
                    next_offset_ += header->last_offset_delta + 1;
                    log_.push_back(std::move(stored));
                }
                if (split.truncated()) failures_.push_back("produce records with a truncated batch");
                tr.partition_responses.push_back(pr);
            }
            resp.responses.push_back(tr);
        }
        if (req->acks == 0) return std::nullopt;
        return encode_response_frame(f.header.correlation_id, f.header.api_version, resp);
    }

    std::optional<bytes> handle_fetch(const request_frame& f) {
        auto req = body<fetch_request>(f);
        if (!req) return bytes{};
        fetch_response resp;
        resp.session_id = 0;
        bool any = false;
        bytes data;  // kept alive until encoded
        for (const auto& t : req->topics) {
            fetchable_topic_response tr{.topic = t.topic, .partitions = {}, .topic_id = {}};
            for (const auto& p : t.partitions) {
                fetch_partition_data pd;
                pd.partition_index = p.partition;
                std::lock_guard lock(mu_);
                pd.high_watermark = offset(next_offset_);
                pd.last_stable_offset = offset(next_offset_);
                pd.log_start_offset = offset(0);
                pd.aborted_transactions.emplace();
                int64_t at = 0;
                for (const auto& b : log_) {
                    auto header = read_batch_header(b);
                    if (header->last_offset() >= p.fetch_offset() &&
                        data.size() + b.size() <= static_cast<size_t>(p.partition_max_bytes)) {
                        data.insert(data.end(), b.begin(), b.end());
                    }
                    at = header->last_offset() + 1;
                }
                (void)at;
                tr.partitions.push_back(std::move(pd));
            }
            resp.responses.push_back(std::move(tr));
        }
        if (!resp.responses.empty() && !resp.responses[0].partitions.empty()) {
            resp.responses[0].partitions[0].records = raw_records(data);
            any = !data.empty();
        }
        if (!any) std::this_thread::sleep_for(std::chrono::milliseconds(std::min(req->max_wait_ms, 50)));
        return encode_response_frame(f.header.correlation_id, f.header.api_version, resp);
    }

    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_{false};
    std::thread acceptor_;
    uuid topic_id_ = uuid::random();

    std::mutex mu_;
    std::vector<int> conn_fds_;
    std::vector<std::thread> conns_;
    std::vector<std::string> failures_;
    std::vector<compression_codec> codecs_;
    std::vector<std::pair<api_key, int16_t>> seen_;
    std::vector<bytes> log_;
    int64_t next_offset_ = 0;
};

struct delivery_counts {
    std::atomic<int> ok{0};
    std::atomic<int> failed{0};
    std::string last_error;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* c = static_cast<delivery_counts*>(opaque);
    if (m->err) {
        ++c->failed;
        c->last_error = rd_kafka_err2str(m->err);
    } else {
        ++c->ok;
    }
}

rd_kafka_conf_t* base_conf(const tiny_server& server) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    char err[256];
    rd_kafka_conf_set(conf, "bootstrap.servers", server.bootstrap().c_str(), err, sizeof err);
    rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
    return conf;
}

// Produces n keyed records with a header, with the given codec.
void produce(const tiny_server& server, const char* codec, int n, bool idempotent, int start) {
    rd_kafka_conf_t* conf = base_conf(server);
    char err[256];
    ASSERT_EQ(rd_kafka_conf_set(conf, "compression.codec", codec, err, sizeof err), RD_KAFKA_CONF_OK) << err;
    rd_kafka_conf_set(conf, "linger.ms", "20", err, sizeof err);
    rd_kafka_conf_set(conf, "acks", "all", err, sizeof err);
    if (idempotent) rd_kafka_conf_set(conf, "enable.idempotence", "true", err, sizeof err);
    if (const char* dbg = std::getenv("INTEROP_DEBUG")) rd_kafka_conf_set(conf, "debug", dbg, err, sizeof err);
    delivery_counts counts;
    rd_kafka_conf_set_opaque(conf, &counts);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    ASSERT_NE(rk, nullptr) << err;
    for (int i = start; i < start + n; ++i) {
        std::string key = "key-" + std::to_string(i);
        std::string value = "value-" + std::to_string(i) + std::string(static_cast<size_t>(i % 50), 'z');
        rd_kafka_resp_err_t e = rd_kafka_producev(
            rk, RD_KAFKA_V_TOPIC(topic_name), RD_KAFKA_V_PARTITION(0), RD_KAFKA_V_KEY(key.data(), key.size()),
            RD_KAFKA_V_VALUE(value.data(), value.size()), RD_KAFKA_V_HEADER("codec", codec, -1),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
        ASSERT_EQ(e, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(e);
    }
    rd_kafka_flush(rk, 20000);
    rd_kafka_destroy(rk);
    EXPECT_EQ(counts.ok.load(), n) << codec << ": " << counts.last_error;
    EXPECT_EQ(counts.failed.load(), 0) << codec << ": " << counts.last_error;
}

TEST(client_interop, librdkafka_produces_with_every_codec_and_consumes_back) {
    tiny_server server;
    const char* codecs[] = {"none", "gzip", "snappy", "lz4", "zstd"};
    int total = 0;
    for (const char* codec : codecs) {
        produce(server, codec, 40, /*idempotent=*/false, total);
        total += 40;

    }
    produce(server, "lz4", 10, /*idempotent=*/true, total);
    total += 10;
    for (const auto& f : server.failures()) ADD_FAILURE() << f;
    EXPECT_EQ(server.high_watermark(), total);
    auto seen_codecs = server.codecs_seen();
    for (auto c : {compression_codec::none, compression_codec::gzip, compression_codec::snappy,
                   compression_codec::lz4, compression_codec::zstd})
        EXPECT_NE(std::find(seen_codecs.begin(), seen_codecs.end(), c), seen_codecs.end()) << name(c);

    // Read everything back with the simple consumer: ListOffsets, Fetch.
    rd_kafka_conf_t* conf = base_conf(server);
    char err[256];
    rd_kafka_conf_set(conf, "check.crcs", "true", err, sizeof err);
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    ASSERT_NE(rk, nullptr) << err;
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic_name, nullptr);
    ASSERT_EQ(rd_kafka_consume_start(rkt, 0, RD_KAFKA_OFFSET_BEGINNING), 0);
    int got = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (got < total && std::chrono::steady_clock::now() < deadline) {
        rd_kafka_message_t* m = rd_kafka_consume(rkt, 0, 500);
        if (!m) continue;
        if (m->err) {
            if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) ADD_FAILURE() << rd_kafka_message_errstr(m);
            rd_kafka_message_destroy(m);
            continue;
        }
        EXPECT_EQ(m->offset, got);
        std::string key(static_cast<const char*>(m->key), m->key_len);
        EXPECT_EQ(key, "key-" + std::to_string(got));
        rd_kafka_headers_t* hdrs = nullptr;
        EXPECT_EQ(rd_kafka_message_headers(m, &hdrs), RD_KAFKA_RESP_ERR_NO_ERROR);
        const void* hv = nullptr;
        size_t hn = 0;
        if (hdrs) {
            EXPECT_EQ(rd_kafka_header_get_last(hdrs, "codec", &hv, &hn), RD_KAFKA_RESP_ERR_NO_ERROR);
        }
        ++got;
        rd_kafka_message_destroy(m);
    }
    rd_kafka_consume_stop(rkt, 0);
    rd_kafka_topic_destroy(rkt);
    rd_kafka_destroy(rk);
    EXPECT_EQ(got, total);
    for (const auto& f : server.failures()) ADD_FAILURE() << f;

    // Which versions librdkafka chose, for the record.
    std::string versions;
    for (auto [k, v] : server.requests_seen()) {
        std::string one = fmt::format("{} v{}", name(k), v);
        if (versions.find(one) == std::string::npos) versions += one + "; ";
    }
    std::cout << "librdkafka " << rd_kafka_version_str() << " used: " << versions << "\n";
}

}  // namespace
}  // namespace samsa::protocol
