#include "bench/broker/raw_load.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/tcp.h>  // tcp_info with tcpi_segs_in (glibc's is older)
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include "samsa/protocol/codec.h"
#include "samsa/protocol/messages/fetch.h"
#include "samsa/protocol/messages/produce.h"
#include "samsa/record/records.h"

namespace samsa::bench {
namespace {

using clock = std::chrono::steady_clock;
constexpr int16_t produce_version = 9;
constexpr int16_t fetch_version = 11;

// One blocking loopback connection; every read waits at most 30 s, so a
// broker that stops answering ends the run with an error instead of a hang.
class connection {
public:
    explicit connection(uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) {
            error_ = std::string("socket: ") + std::strerror(errno);
            return;
        }
        int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        timeval tv{30, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            error_ = std::string("connect: ") + std::strerror(errno);
            ::close(fd_);
            fd_ = -1;
        }
    }
    ~connection() {
        if (fd_ >= 0) ::close(fd_);
    }
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    const std::string& error() const { return error_; }
    // TCP segments received on this connection so far (0 when unknown).
    uint64_t segments_in() const {
        ::tcp_info info{};
        socklen_t len = sizeof info;
        if (::getsockopt(fd_, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) return 0;
        return info.tcpi_segs_in;
    }
    bool ok() const { return fd_ >= 0 && error_.empty(); }

    bool send(bytes_view data) {
        size_t sent = 0;
        while (sent < data.size()) {
            ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return fail("send");
            sent += static_cast<size_t>(n);
        }
        return true;
    }

    // The next frame's bytes after its size, in a buffer reused across calls;
    // `first_byte` (if given) is when its size arrived.
    std::optional<bytes_view> read_frame(clock::time_point* first_byte = nullptr) {
        uint8_t size_bytes[4];
        if (!read_exact(size_bytes, 4)) return std::nullopt;
        if (first_byte) *first_byte = clock::now();
        uint32_t size = (uint32_t(size_bytes[0]) << 24) | (uint32_t(size_bytes[1]) << 16) |
                        (uint32_t(size_bytes[2]) << 8) | uint32_t(size_bytes[3]);
        if (size > (256u << 20)) {
            fail("frame size");
            return std::nullopt;
        }
        frame_.resize(size);
        if (!read_exact(frame_.data(), size)) return std::nullopt;
        return bytes_view(frame_);
    }

private:
    bool read_exact(uint8_t* out, size_t n) {
        size_t got = 0;
        while (got < n) {
            ssize_t r = ::recv(fd_, out + got, n - got, 0);
            if (r < 0 && errno == EINTR) continue;
            if (r == 0) return fail("recv: closed by the broker");
            if (r < 0) return fail("recv");
            got += static_cast<size_t>(r);
        }
        return true;
    }
    bool fail(const char* what) {
        if (error_.empty()) error_ = std::string(what) + (errno ? std::string(": ") + std::strerror(errno) : "");
        return false;
    }

    int fd_ = -1;
    std::string error_;
    bytes frame_;
};

// One partition a load works on.
struct target {
    const std::string* topic;
    int partition;
};

// Every partition of `topics` (or of `topic` alone), topic by topic.
std::vector<target> targets_of(const std::string& topic, const std::vector<std::string>& topics, int partitions) {
    std::vector<target> out;
    auto add = [&](const std::string& t) {
        for (int p = 0; p < partitions; ++p) out.push_back({&t, p});
    };
    if (topics.empty()) add(topic);
    for (const auto& t : topics) add(t);
    return out;
}

// The targets (indexes) connection `c` of `connections` works on: every
// connections-th one, or one shared target when there are fewer targets
// than connections (produce only: fetch never shares).
std::vector<size_t> targets_of_connection(int c, int connections, size_t targets) {
    std::vector<size_t> out;
    if (targets < static_cast<size_t>(connections)) {
        out.push_back(static_cast<size_t>(c) % targets);
        return out;
    }
    for (size_t t = static_cast<size_t>(c); t < targets; t += static_cast<size_t>(connections)) out.push_back(t);
    return out;
}

// What the connection threads report back, under one mutex at the end.
struct shared_result {
    std::mutex mutex;
    load_result total;
    clock::time_point last_answer{};

    void add(uint64_t records, uint64_t errors, const std::string& first_error, clock::time_point last,
             uint64_t answers = 0, uint64_t segments_in = 0, double waiting_seconds = 0) {
        std::lock_guard lock(mutex);
        total.answers += answers;
        total.waiting_seconds += waiting_seconds;
        total.segments_in += segments_in;
        total.records += records;
        total.errors += errors;
        if (total.first_error.empty()) total.first_error = first_error;
        last_answer = std::max(last_answer, last);
    }
};

// Runs `body(c)` on `n` threads, calling `tick` about every 100 ms until all
// have finished.
template<class Body>
void run_connections(int n, const std::function<void()>& tick, Body body) {
    std::atomic<int> running{n};
    std::vector<std::thread> threads;
    for (int c = 0; c < n; ++c) {
        threads.emplace_back([&, c] {
            body(c);
            running.fetch_sub(1);
        });
    }
    while (running.load() > 0) {
        tick();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    for (auto& t : threads) t.join();
}

bytes produce_frame(const raw_produce_spec& spec, const target& to, size_t records_per_batch) {
    std::string value(spec.record_size, 'x');
    // Now, not 0: a segment whose records are from 1970 rolls at once and is
    // past retention.ms, so the broker (as Kafka) deletes it under the load.
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch()).count();
    record::record_batch_builder batch;
    for (size_t i = 0; i < records_per_batch; ++i) batch.add(std::nullopt, value, timestamp_ms(now));
    bytes built = batch.build();
    protocol::produce_request request;
    request.acks = spec.acks;
    request.timeout_ms = 30000;
    request.topic_data.push_back({*to.topic, {{partition_id(to.partition), protocol::raw_records(built)}}});
    protocol::request_header header;
    header.api_version = produce_version;
    header.correlation_id = to.partition;
    header.client_id = "samsa-bench-raw";
    return protocol::encode_request_frame(header, request);
}

void produce_on_connection(uint16_t port, const raw_produce_spec& spec, int c, clock::time_point end,
                           shared_result& result) {
    size_t per_batch = std::max<size_t>(1, spec.batch_bytes / std::max<size_t>(1, spec.record_size));
    auto targets = targets_of(spec.topic, spec.topics, spec.partitions);
    std::vector<bytes> frames;
    for (size_t t : targets_of_connection(c, spec.connections, targets.size()))
        frames.push_back(produce_frame(spec, targets[t], per_batch));
    uint64_t records = 0, errors = 0;
    std::string first_error;
    auto last = clock::now();
    connection conn(port);
    auto note_error = [&](const std::string& e) {
        ++errors;
        if (first_error.empty()) first_error = e;
    };
    if (!conn.ok()) {
        note_error(conn.error());
        result.add(0, errors, first_error, last);
        return;
    }
    size_t next = 0;
    int outstanding = 0;
    auto send_next = [&] {
        if (!conn.send(frames[next])) return false;
        next = (next + 1) % frames.size();
        ++outstanding;
        return true;
    };
    bool ok = true;
    for (int i = 0; i < spec.in_flight && ok; ++i) ok = send_next();
    while (ok && outstanding > 0) {
        auto frame = conn.read_frame();
        if (!frame) {
            ok = false;
            break;
        }
        --outstanding;
        last = clock::now();
        int32_t cid = 0;
        auto response = protocol::decode_response_frame<protocol::produce_response>(*frame, produce_version, cid);
        if (!response) {
            note_error("undecodable Produce response");
        } else {
            for (const auto& t : response->responses) {
                for (const auto& p : t.partition_responses) {
                    if (p.error_code == protocol::error_code::none) records += per_batch;
                    else note_error(std::string(protocol::name(p.error_code)));
                }
            }
        }
        if (last < end) ok = send_next();
    }
    if (!ok) note_error(conn.error());
    result.add(records, errors, first_error, last);
}

// Records in a fetched record set, and the offset after its last whole batch
// (a fetch may end in a partial batch, which the next fetch returns whole).
struct batch_walk {
    uint64_t records = 0;
    std::optional<int64_t> next_offset;
};

int64_t read_be(bytes_view b, size_t at, size_t n) {
    int64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | b[at + i];
    return v;
}

batch_walk walk_batches(bytes_view records) {
    // Batch header fields (v2): baseOffset int64 @0, batchLength int32 @8,
    // lastOffsetDelta int32 @23, records count int32 @57; 61 bytes in all.
    batch_walk w;
    size_t at = 0;
    while (records.size() - at >= 61) {
        auto length = static_cast<int32_t>(read_be(records, at + 8, 4));
        if (length < 49 || records.size() - at < 12 + static_cast<size_t>(length)) break;
        int64_t base = read_be(records, at, 8);
        auto last_delta = static_cast<int32_t>(read_be(records, at + 23, 4));
        w.records += static_cast<uint64_t>(read_be(records, at + 57, 4));
        w.next_offset = base + last_delta + 1;
        at += 12 + static_cast<size_t>(length);
    }
    return w;
}

void fetch_on_connection(uint16_t port, const raw_fetch_spec& spec, int c, int connections, clock::time_point deadline,
                         std::atomic<uint64_t>& received, shared_result& result) {
    auto targets = targets_of(spec.topic, spec.topics, spec.partitions);
    std::vector<size_t> mine = targets_of_connection(c, connections, targets.size());
    std::vector<int64_t> offsets(mine.size(), 0);
    // Where each (topic, partition) of an answer is in `mine`.
    std::map<std::pair<std::string_view, int>, size_t> index;
    for (size_t i = 0; i < mine.size(); ++i) index[{*targets[mine[i]].topic, targets[mine[i]].partition}] = i;
    uint64_t records = 0, errors = 0, answers = 0;
    // Time from sending a Fetch to its answer's first bytes: the round trip
    // in which, with one request in flight, the connection carries nothing.
    clock::duration waiting{};
    std::string first_error;
    auto last = clock::now();
    connection conn(port);
    if (!conn.ok()) {
        result.add(0, 1, conn.error(), last);
        return;
    }
    const uint64_t segments_before = conn.segments_in();
    while (received.load() < spec.expected_records && clock::now() < deadline) {
        protocol::fetch_request request;
        request.max_wait_ms = 100;
        request.min_bytes = 1;
        request.max_bytes = spec.max_bytes;
        for (size_t i = 0; i < mine.size(); ++i) {
            const target& t = targets[mine[i]];
            if (request.topics.empty() || request.topics.back().topic != *t.topic) {
                request.topics.emplace_back();
                request.topics.back().topic = *t.topic;
            }
            protocol::fetch_partition fp;
            fp.partition = partition_id(t.partition);
            fp.fetch_offset = offset(offsets[i]);
            fp.partition_max_bytes = spec.partition_max_bytes;
            request.topics.back().partitions.push_back(fp);
        }
        protocol::request_header header;
        header.api_version = fetch_version;
        header.correlation_id = c;
        header.client_id = "samsa-bench-raw";
        std::optional<bytes_view> frame;
        const auto sent = clock::now();
        clock::time_point first_byte;
        if (!conn.send(protocol::encode_request_frame(header, request)) || !(frame = conn.read_frame(&first_byte))) {
            ++errors;
            first_error = conn.error();
            break;
        }
        int32_t cid = 0;
        auto response = protocol::decode_response_frame<protocol::fetch_response>(*frame, fetch_version, cid);
        if (!response) {
            ++errors;
            first_error = "undecodable Fetch response";
            break;
        }
        ++answers;
        waiting += first_byte - sent;
        for (const auto& t : response->responses) {
            for (const auto& p : t.partitions) {
                if (p.error_code != protocol::error_code::none) {
                    ++errors;
                    if (first_error.empty()) first_error = protocol::name(p.error_code);
                    continue;
                }
                if (!p.records.data) continue;
                auto w = walk_batches(*p.records.data);
                if (w.records == 0) continue;
                auto i = index.find({t.topic, static_cast<int>(p.partition_index.value())});
                if (i != index.end() && w.next_offset) offsets[i->second] = *w.next_offset;
                records += w.records;
                received.fetch_add(w.records);
                last = clock::now();
            }
        }
        if (errors) break;
    }
    result.add(records, errors, first_error, last, answers, conn.segments_in() - segments_before,
               std::chrono::duration<double>(waiting).count());
}

}  // namespace

load_result raw_produce_load(uint16_t port, const raw_produce_spec& spec, const std::function<void()>& tick) {
    shared_result result;
    auto start = clock::now();
    auto end = start + spec.duration;
    run_connections(spec.connections, tick, [&](int c) { produce_on_connection(port, spec, c, end, result); });
    load_result r = result.total;
    r.bytes = r.records * spec.record_size;
    r.seconds = std::chrono::duration<double>(result.last_answer - start).count();
    return r;
}

load_result raw_fetch_load(uint16_t port, const raw_fetch_spec& spec, const std::function<void()>& tick) {
    shared_result result;
    std::atomic<uint64_t> received{0};
    auto targets = static_cast<int>(targets_of(spec.topic, spec.topics, spec.partitions).size());
    int connections = std::max(1, std::min(spec.connections, targets));
    auto start = clock::now();
    auto deadline = start + spec.timeout;
    run_connections(connections, tick, [&](int c) {
        fetch_on_connection(port, spec, c, connections, deadline, received, result);
    });
    load_result r = result.total;
    r.bytes = r.records * spec.record_size;
    r.seconds = std::chrono::duration<double>(result.last_answer - start).count();
    return r;
}

}  // namespace samsa::bench
