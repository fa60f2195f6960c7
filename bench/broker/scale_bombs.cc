// The bombs measure: how much a stream of compressed "bombs" (a batch whose
// few KiB of zstd expand to `bomb_mib` MiB of zeros, refused as
// INVALID_RECORD) slows other clients. One connection sends them
// pipelined, `in_flight` at a time, for as long as the measure runs;
// another times 1-record Produce round trips (acks=1) before and while they
// arrive. The broker decompresses as it validates, 64 KiB at a time, and
// stops at the first record (record/record_stream_check.h), so a bomb costs
// one chunk, not its declared size.

#include <atomic>
#include <thread>

#include "bench/broker/scale_single.h"
#include "samsa/bytes/big_endian.h"
#include "samsa/protocol/messages/produce.h"
#include "samsa/record/compression.h"
#include "samsa/record/record_batch.h"
#include "samsa/record/records.h"

namespace samsa::bench::scale {
namespace {

using namespace std::chrono_literals;
constexpr const char* topic = "scale-bombs";

bytes produce_frame(bytes records, int32_t correlation_id) {
    protocol::produce_request p;
    p.acks = 1;
    p.timeout_ms = 30000;
    p.topic_data.push_back({topic, {{partition_id(0), protocol::raw_records(std::move(records))}}});
    protocol::request_header h;
    h.api_version = 9;
    h.correlation_id = correlation_id;
    h.client_id = "samsa-bench-scale";
    return protocol::encode_request_frame(h, p);
}

// A v2 zstd batch that claims 1,000 records and whose records section is
// `zeros` bytes of zeros once decompressed.
bytes zstd_bomb(size_t zeros) {
    using record::compression_codec;
    bytes batch = record::record_batch_builder(compression_codec::zstd).add("k", "v", timestamp_ms(0)).build();
    batch.resize(record::record_batch_header::size);
    bytes packed = record::compress(compression_codec::zstd, bytes(zeros, 0));
    batch.insert(batch.end(), packed.begin(), packed.end());
    put_be32(batch.data() + 8, static_cast<uint32_t>(batch.size() - 12));  // batch length
    put_be32(batch.data() + 23, 999);                                       // last offset delta
    put_be32(batch.data() + 57, 1000);                                      // records
    put_be32(batch.data() + 17, record::compute_batch_crc(batch));
    return batch;
}

// Sends `in_flight` bombs, reads their answers, again, until `stop`; counts
// the answers and those that said INVALID_RECORD.
void send_bombs(uint16_t port, bytes_view frame, int in_flight, const std::atomic<bool>& stop, bombs_result& r) {
    ts::raw_client c(port, 60s);
    if (!c.connected()) {
        r.error = "bomb connection: " + c.connect_error();
        return;
    }
    const auto deadline = clock::now() + 600s;
    while (!stop.load() && clock::now() < deadline) {
        for (int i = 0; i < in_flight; ++i) {
            if (!c.send(frame)) {
                r.error = "sending a bomb failed";
                return;
            }
        }
        for (int i = 0; i < in_flight; ++i) {
            auto answer = c.read_frame();
            if (!answer) {
                r.error = "a bomb was not answered: " + answer.error().message;
                return;
            }
            int32_t correlation = 0;
            auto decoded = protocol::decode_response_frame<protocol::produce_response>(*answer, 9, correlation);
            ++r.answered;
            if (decoded && decoded->responses.size() == 1 && decoded->responses[0].partition_responses.size() == 1 &&
                decoded->responses[0].partition_responses[0].error_code == protocol::error_code::invalid_record) {
                ++r.refused;
            }
        }
    }
}

}  // namespace

bombs_result measure_bombs(const broker_settings& settings, int in_flight, int bomb_mib) {
    bombs_result r;
    auto broker = make_broker(settings);
    r.error = start_with_topic(*broker, topic);
    if (!r.error.empty()) return r;
    const bytes bomb = produce_frame(zstd_bomb(static_cast<size_t>(bomb_mib) << 20), 7);
    r.bomb_bytes = bomb.size();
    const bytes small = produce_frame(record::record_batch_builder().add("k", "v", timestamp_ms(1000)).build(), 9);

    ts::raw_client producer(broker->port(), 30s);
    r.produce_idle = time_round_trips(producer, small, 2000, 20s);
    std::atomic<bool> stop{false};
    std::thread bomber([&] { send_bombs(broker->port(), bomb, in_flight, stop, r); });
    std::this_thread::sleep_for(200ms);  // the bombs flowing before the clock starts
    auto t0 = clock::now();
    r.produce_bombed = time_round_trips(producer, small, 2000, 60s);
    stop = true;
    bomber.join();
    r.seconds = ms_since(t0) / 1000;
    broker->stop();
    return r;
}

}  // namespace samsa::bench::scale
