// Zero-copy fetch end to end (issue 16): record sets of 4 KiB and more go from
// the segment files to the socket with sendfile. Every byte a client reads
// must be what was produced, also when the segment a response is sending
// from is deleted under it.

#include <sys/socket.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

// The e2e headers first: they name test_support::record before samsa::record
// (a namespace) is declared.
#include "tests/e2e/broker_test.h"
#include "tests/e2e/record_checks.h"
#include "tests/support/raw_client.h"
#include "samsa/protocol/messages/delete_records.h"
#include "samsa/protocol/messages/fetch.h"
#include "samsa/record/record_batch.h"
#include "samsa/record/records.h"

namespace samsa::e2e {
namespace {

// Values that differ in every byte position from record to record, so a
// range sent from a wrong offset cannot pass the comparison.
std::string value_of(int i, size_t size) {
    std::string v(size, '\0');
    uint32_t x = 2654435761u * static_cast<uint32_t>(i + 1);
    for (auto& c : v) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        c = static_cast<char>('!' + x % 90);
    }
    return v;
}

std::vector<test_support::record> patterned(int count, size_t value_size, int partitions) {
    std::vector<test_support::record> out;
    out.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
        test_support::record r;
        r.key = "k" + std::to_string(i);
        r.value = value_of(i, value_size);
        r.partition = i % partitions;
        out.push_back(std::move(r));
    }
    return out;
}

const config_map plain_producer{{"acks", "all"}, {"compression.codec", "none"}, {"batch.size", "65536"},
                                {"linger.ms", "5"}};

class zero_copy_fetch_test : public broker_test {};

TEST_F(zero_copy_fetch_test, a_consumer_reads_many_mebibytes_byte_for_byte) {
    ASSERT_TRUE(create_topic(bootstrap(), "zc-many", 3));
    // 24 MiB over three partitions, in ~64 KiB batches: fetches answered
    // from file ranges cut at index boundaries, several per segment.
    auto produced = produce(bootstrap(), "zc-many", patterned(3072, 8192, 3), plain_producer, 120s);
    ASSERT_TRUE(produced) << produced.error().message;
    auto read = read_all(bootstrap(), "zc-many", 3, produced->size(), 120s);
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_TRUE(same_records(*produced, *read));
}

TEST_F(zero_copy_fetch_test, a_segment_deleted_while_a_response_sends_from_it_still_sends_its_bytes) {
    // Two segments of 8 MiB; one fetch asks for all of the first.
    ASSERT_TRUE(create_topic(bootstrap(), "zc-deleted", 1, {{"segment.bytes", std::to_string(8 << 20)}}));
    auto produced = produce(bootstrap(), "zc-deleted", patterned(1536, 8192, 1), plain_producer, 120s);
    ASSERT_TRUE(produced) << produced.error().message;

    raw_client consumer(broker().port(), 60s);
    ASSERT_TRUE(consumer.connected()) << consumer.connect_error();
    // A small receive buffer and no reading: the broker's sendfile stops
    // part way (EAGAIN) and waits for the socket.
    int small = 16 * 1024;
    ASSERT_EQ(::setsockopt(consumer.native_handle(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small), 0);
    protocol::fetch_request fetch;
    fetch.max_wait_ms = 0;
    fetch.min_bytes = 1;
    fetch.max_bytes = 16 << 20;
    protocol::fetch_topic t;
    t.topic = "zc-deleted";
    t.partitions.push_back({partition_id(0), leader_epoch(-1), offset(0), leader_epoch(-1), offset(-1), 16 << 20});
    fetch.topics.push_back(t);
    ASSERT_TRUE(consumer.send_request(fetch, 12, 1));
    std::this_thread::sleep_for(300ms);  // the broker is now blocked on the full socket

    // DeleteRecords past the first segment: it is removed (unlinked) now.
    // Near the end: well inside the second segment, so the first is dropped whole.
    const auto& second_start = produced->at(produced->size() - 100);
    raw_client admin(broker().port());
    protocol::delete_records_request del;
    del.topics.push_back({"zc-deleted", {{partition_id(0), offset(second_start.offset)}}});
    del.timeout_ms = 10000;
    auto deleted = admin.call<protocol::delete_records_response>(del, 2);
    ASSERT_TRUE(deleted) << deleted.error().message;
    ASSERT_EQ(deleted->topics.at(0).partitions.at(0).error_code, protocol::error_code::none);
    const auto dir = broker().data_dir() / "data" / "zc-deleted-0";
    std::string files;
    for (const auto& e : std::filesystem::directory_iterator(dir)) files += e.path().filename().string() + " ";
    EXPECT_FALSE(std::filesystem::exists(dir / "00000000000000000000.log")) << files;

    // Decoded from a frame kept here: the records are views into it.
    auto frame = consumer.read_frame(60s);
    ASSERT_TRUE(frame) << frame.error().message;
    int32_t correlation = 0;
    auto answer = protocol::decode_response_frame<protocol::fetch_response>(*frame, 12, correlation);
    ASSERT_TRUE(answer) << answer.error().message;
    ASSERT_EQ(correlation, 1);
    const auto& pd = answer->responses.at(0).partitions.at(0);
    ASSERT_EQ(pd.error_code, protocol::error_code::none);
    bytes_view records = pd.records.view();
    EXPECT_GT(records.size(), size_t{4} << 20);
    samsa::record::batch_splitter splitter(records);
    int64_t next = 0;
    size_t checked = 0;
    while (auto batch = splitter.next()) {
        ASSERT_TRUE(samsa::record::validate_batch(*batch)) << "batch at offset " << next;
        auto decoded = samsa::record::batch_records::decode(*batch, 64 << 20);
        ASSERT_TRUE(decoded) << decoded.error().message;
        for (const auto& r : decoded->records()) {
            const int64_t o = decoded->offset_of(r)();
            ASSERT_EQ(o, next);
            const std::string& expected = produced->at(static_cast<size_t>(o)).value;
            ASSERT_TRUE(r.value.has_value());
            ASSERT_EQ(std::string(r.value->begin(), r.value->end()), expected) << "offset " << o;
            ++next;
            ++checked;
        }
    }
    EXPECT_FALSE(splitter.truncated());
    EXPECT_GT(checked, 512u);
}

}  // namespace
}  // namespace samsa::e2e
