#include "samsa/kafka/config.h"

#include <librdkafka/rdkafka.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <utility>

#include <fmt/format.h>

namespace samsa::kafka {

namespace {

status set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
    char reason[512];
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), reason, sizeof reason) != RD_KAFKA_CONF_OK) {
        return make_client_error(errc::invalid_argument,
                                 fmt::format("librdkafka configuration {}={}: {}", key, value, reason));
    }
    return ok();
}

// Settings every client starts from; the caller's own win.
// socket.nagle.disable: the Java client always sets TCP_NODELAY (its
// Selector has no option for it); librdkafka leaves Nagle on. With Nagle a
// small request written while an earlier one is unacknowledged waits for
// the ACK, which the receiver may delay up to 40 ms: a stream thread's
// fetch and produce requests then sat in its socket for tens of ms, the
// order-mail app's p99 end-to-end latency was 5-10x the median
// (bench/streams/README.md, s18-hL).
constexpr std::pair<const char*, const char*> client_defaults[] = {{"socket.nagle.disable", "true"}};

template<class Range>
result<conf_ptr> conf_from(const Range& config) {
    conf_ptr conf(rd_kafka_conf_new());
    for (const auto& [key, value] : client_defaults) {
        if (auto s = set(conf.get(), key, value); !s) return s.error();
    }
    for (const auto& [key, value] : config) {
        if (auto s = set(conf.get(), key, value); !s) return s.error();
    }
    return conf;
}

}  // namespace

result<conf_ptr> make_conf(const properties& config) { return conf_from(config); }
result<conf_ptr> make_conf(const property_list& config) { return conf_from(config); }

result<handle_ptr> make_client(client_type type, conf_ptr conf) {
    char reason[512];
    rd_kafka_t* rk = rd_kafka_new(type == client_type::producer ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER, conf.get(),
                                  reason, sizeof reason);
    if (rk == nullptr) {
        return make_client_error(errc::invalid_argument, fmt::format("cannot create a Kafka client: {}", reason));
    }
    (void)conf.release();  // owned by rk now; rd_kafka_new only takes it on success
    return handle_ptr(rk);
}

namespace {

std::string trimmed(const std::string& s) {
    auto first = s.find_first_not_of(' ');
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(' ') - first + 1);
}

// librdkafka prints its table only to a FILE*: write it to memory.
std::string property_table_text() {
    char* buffer = nullptr;
    size_t size = 0;
    FILE* out = open_memstream(&buffer, &size);
    if (out == nullptr) return {};
    rd_kafka_conf_properties_show(out);
    std::fclose(out);
    std::string text(buffer, size);
    std::free(buffer);
    return text;
}

// Rows "name | C/P | range | default | importance | description"; the
// global and the topic table both, headers and rulers skipped.
std::map<std::string, property_scope> read_property_table() {
    std::map<std::string, property_scope> scopes;
    std::istringstream lines(property_table_text());
    for (std::string line; std::getline(lines, line);) {
        auto bar = line.find('|');
        if (bar == std::string::npos) continue;
        auto next = line.find('|', bar + 1);
        if (next == std::string::npos) continue;
        std::string name = trimmed(line.substr(0, bar));
        std::string column = trimmed(line.substr(bar + 1, next - bar - 1));
        property_scope scope;
        if (column == "*") {
            scope = property_scope::any_client;
        } else if (column == "P") {
            scope = property_scope::producer;
        } else if (column == "C") {
            scope = property_scope::consumer;
        } else {
            continue;  // the header row ("C/P") and the rulers
        }
        scopes.emplace(name, scope);
    }
    return scopes;
}

}  // namespace

std::optional<property_scope> librdkafka_property_scope(const std::string& name) {
    static const std::map<std::string, property_scope> table = read_property_table();
    auto it = table.find(name);
    if (it == table.end()) return std::nullopt;
    return it->second;
}

}  // namespace samsa::kafka
