// Broker metrics end to end: the real samsa-broker with samsa.metrics.listener
// on a free port, known traffic from librdkafka, then GET /metrics over HTTP
// (cpp-httplib's client) checked against that traffic; bad listener values
// stop the broker with a clear error.

#include <httplib.h>
#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include "tests/e2e/broker_test.h"
#include "tests/support/temp_dir.h"

namespace samsa::e2e {
namespace {

constexpr int record_count = 50;
constexpr size_t value_size = 100;
constexpr int64_t committed_offset = 20;
const std::string topic = "metrics-topic";
const std::string group = "metrics-group";

struct scraped {
    int status = 0;
    std::string content_type;
    std::string body;
};

std::optional<scraped> get(uint16_t port, const std::string& path) {
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(5);
    client.set_read_timeout(15);
    auto res = client.Get(path.c_str());
    if (!res) return std::nullopt;
    return scraped{res->status, res->get_header_value("Content-Type"), res->body};
}

// The value of one series, written exactly as the exposition writes it
// (`name{label="v",...}`); nullopt when absent.
std::optional<double> sample(const std::string& text, const std::string& series) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 && line[series.size()] == ' ')
            return std::strtod(line.c_str() + series.size() + 1, nullptr);
    }
    return std::nullopt;
}

// A consumer of `group` that commits `offset` for partition 0 without
// joining (a simple consumer's commit, generation -1) and stays connected.
std::unique_ptr<RdKafka::KafkaConsumer> commit_offset(const std::string& bootstrap, int64_t offset) {
    std::string err;
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    conf->set("bootstrap.servers", bootstrap, err);
    conf->set("group.id", group, err);
    conf->set("enable.auto.commit", "false", err);
    std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), err));
    if (!consumer) {
        ADD_FAILURE() << "KafkaConsumer: " << err;
        return nullptr;
    }
    std::vector<RdKafka::TopicPartition*> tps{RdKafka::TopicPartition::create(topic, 0, offset)};
    auto e = consumer->commitSync(tps);
    RdKafka::TopicPartition::destroy(tps);
    if (e != RdKafka::ERR_NO_ERROR) ADD_FAILURE() << "commitSync: " << RdKafka::err2str(e);
    return consumer;
}

std::vector<record> sized_records(int count) {
    std::vector<record> out;
    for (int i = 0; i < count; ++i) {
        record r;
        r.has_key = false;
        r.value = std::string(value_size, static_cast<char>('a' + i % 26));
        r.partition = 0;
        out.push_back(std::move(r));
    }
    return out;
}

class metrics_test : public broker_test {
protected:
    broker_options make_broker_options() const override {
        // Port 0: the broker binds one and reports it (broker_process::metrics_port).
        return broker_options_builder().override_config("samsa.metrics.listener", "http://127.0.0.1:0");
    }
    uint16_t metrics_port() { return broker().metrics_port(); }
};

TEST_F(metrics_test, scrape_matches_known_traffic) {
    ASSERT_TRUE(create_topic(bootstrap(), topic, 1));
    auto produced = produce(bootstrap(), topic, sized_records(record_count));
    ASSERT_TRUE(produced) << produced.error().message;
    auto read = read_all(bootstrap(), topic, 1, record_count);
    ASSERT_TRUE(read) << read.error().message;
    auto consumer = commit_offset(bootstrap(), committed_offset);
    ASSERT_TRUE(consumer);

    auto s = get(metrics_port(), "/metrics");
    ASSERT_TRUE(s) << "no HTTP answer from the metrics listener";
    ASSERT_EQ(s->status, 200) << s->body;
    EXPECT_EQ(s->content_type.rfind("text/plain; version=0.0.4", 0), 0u) << s->content_type;
    const std::string& m = s->body;
    const std::string t = "{topic=\"" + topic + "\"}";
    const std::string tp = "{topic=\"" + topic + "\",partition=\"0\"}";
    const std::string gtp = "{consumergroup=\"" + group + "\",topic=\"" + topic + "\",partition=\"0\"}";

    EXPECT_EQ(sample(m, "kafka_server_brokertopicmetrics_messagesin_total" + t), record_count) << m;
    EXPECT_GE(sample(m, "kafka_server_brokertopicmetrics_bytesin_total" + t).value_or(0), record_count * value_size);
    EXPECT_GE(sample(m, "kafka_server_brokertopicmetrics_bytesin_total").value_or(0), record_count * value_size);
    EXPECT_GE(sample(m, "kafka_server_brokertopicmetrics_bytesout_total" + t).value_or(0), record_count * value_size);
    EXPECT_EQ(sample(m, "kafka_log_log_logendoffset" + tp), record_count) << m;
    EXPECT_EQ(sample(m, "kafka_log_log_logstartoffset" + tp), 0);
    EXPECT_GE(sample(m, "kafka_log_log_size" + tp).value_or(0), record_count * value_size);
    EXPECT_EQ(sample(m, "kafka_consumergroup_current_offset" + gtp), committed_offset) << m;
    EXPECT_EQ(sample(m, "kafka_consumergroup_lag" + gtp), record_count - committed_offset) << m;
    EXPECT_GE(sample(m, "kafka_network_requestmetrics_requests_total{request=\"Produce\"}").value_or(0), 1) << m;
    EXPECT_GE(sample(m, "kafka_network_requestmetrics_requests_total{request=\"Fetch\"}").value_or(0), 1) << m;
    EXPECT_GE(sample(m, "kafka_network_requestmetrics_totaltimems_count{request=\"Produce\"}").value_or(0), 1) << m;
    EXPECT_TRUE(sample(m, "kafka_network_requestmetrics_totaltimems{request=\"Produce\",quantile=\"0.99\"}")) << m;
    EXPECT_TRUE(sample(m, "samsa_network_requestmetrics_totaltimems_bucket{request=\"Produce\",le=\"+Inf\"}")) << m;
    EXPECT_TRUE(sample(m, "kafka_network_requestmetrics_requestqueuetimems_count{request=\"Produce\"}")) << m;
    EXPECT_GE(sample(m, "kafka_server_socket_server_metrics_connection_count").value_or(0), 1) << m;
    EXPECT_GE(sample(m, "kafka_controller_kafkacontroller_globaltopiccount").value_or(0), 1) << m;
    EXPECT_GE(sample(m, "kafka_server_replicamanager_partitioncount").value_or(0), 1) << m;
    EXPECT_EQ(sample(m, "kafka_server_socket_server_metrics_failed_authentication_total"), 0) << m;
    EXPECT_TRUE(sample(m, "kafka_server_replicamanager_produceridcount")) << m;
    consumer->close();
}

TEST_F(metrics_test, other_paths_are_not_found) {
    auto s = get(metrics_port(), "/other");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->status, 404);
    auto root = get(metrics_port(), "/");
    ASSERT_TRUE(root);
    EXPECT_EQ(root->status, 404);
}

// Scrapes on another thread while a client produces and reads: both go on.
TEST_F(metrics_test, kafka_clients_are_served_while_scraped) {
    ASSERT_TRUE(create_topic(bootstrap(), topic, 1));
    std::atomic<bool> done{false};
    std::atomic<int> scrapes{0};
    std::atomic<int> failures{0};
    std::thread scraper([&] {
        for (int i = 0; i < 500 && (!done.load() || scrapes.load() < 3); ++i) {
            auto s = get(metrics_port(), "/metrics");
            if (!s || s->status != 200) ++failures;
            ++scrapes;
        }
    });
    for (int round = 0; round < 5; ++round) {
        auto produced = produce(bootstrap(), topic, sized_records(20));
        EXPECT_TRUE(produced) << produced.error().message;
    }
    auto read = read_all(bootstrap(), topic, 1, 100);
    EXPECT_TRUE(read) << read.error().message;
    if (read) {
        EXPECT_EQ(read->size(), 100u);
    }
    done = true;
    scraper.join();
    EXPECT_GE(scrapes.load(), 3);
    EXPECT_EQ(failures.load(), 0);
    auto s = get(metrics_port(), "/metrics");
    ASSERT_TRUE(s);
    EXPECT_EQ(sample(s->body, "kafka_server_brokertopicmetrics_messagesin_total{topic=\"" + topic + "\"}"), 100);
}

// samsa-broker run directly with one override; a bounded run.
command_result run_broker_with(const std::string& listener_value, const std::filesystem::path& dir) {
    command_options bounded;
    bounded.timeout = std::chrono::seconds(20);
    return run_command({default_broker_binary().string(), "--override", "log.dirs=" + dir.string(), "--override",
                        "listeners=PLAINTEXT://127.0.0.1:0", "--override", "samsa.metrics.listener=" + listener_value},
                       bounded);
}

TEST(metrics_config, bad_listener_values_stop_the_broker_with_a_clear_error) {
    ASSERT_FALSE(default_broker_binary().empty()) << "SAMSA_BIN_DIR is not set";
    const temp_dir dir("metrics-config");
    for (const std::string bad : {"localhost:9644", "http://127.0.0.1:port", "https://127.0.0.1:9644"}) {
        auto r = run_broker_with(bad, dir.path());
        EXPECT_EQ(r.exit_code, 2) << r.describe();
        EXPECT_NE(r.err.find("samsa.metrics.listener: '" + bad + "' is not http://host:port"), std::string::npos)
            << r.describe();
    }
}

TEST(metrics_config, a_metrics_port_in_use_stops_the_broker) {
    ASSERT_FALSE(default_broker_binary().empty()) << "SAMSA_BIN_DIR is not set";
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(fd, 1), 0);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    const uint16_t taken = ntohs(addr.sin_port);
    const temp_dir dir("metrics-inuse");
    auto r = run_broker_with("http://127.0.0.1:" + std::to_string(taken), dir.path());
    ::close(fd);
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_FALSE(r.timed_out) << r.describe();
    EXPECT_NE(r.err.find("samsa.metrics.listener: cannot bind"), std::string::npos) << r.describe();
}

}  // namespace
}  // namespace samsa::e2e
