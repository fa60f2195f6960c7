// partition_log::append with the Produce handler's validated list (issue 16,
// one-pass produce): the log takes the headers from the list instead of
// reading them, stamps the list as it stamps the bytes, and refuses a list
// that does not cover the record set.
#include <gtest/gtest.h>

#include "samsa/record/record_batch.h"
#include "samsa/storage/partition_log.h"
#include "storage_test_util.h"

namespace samsa::storage {
namespace {

using testing::concat;
using testing::headers_of;
using testing::make_batch;
using testing::temp_dir;

// What the handler's validation hands over: each batch's header and position.
std::vector<record::validated_batch> validated_list(bytes_view set) {
    std::vector<record::validated_batch> out;
    size_t at = 0;
    for (const auto& h : headers_of(set)) {
        out.push_back({h, at});
        at += h.total_size();
    }
    return out;
}

class partition_log_validated_append_test : public ::testing::Test {
protected:
    std::unique_ptr<partition_log> open_log(const log_config& cfg = {}) {
        auto log = partition_log::open(dir_.path() / "orders-0", cfg);
        EXPECT_TRUE(log.has_value()) << (log ? "" : log.error().message);
        return log ? std::move(*log) : nullptr;
    }
    temp_dir dir_;
};

TEST_F(partition_log_validated_append_test, reads_no_header_and_stamps_the_list_like_the_bytes) {
    log_config cfg;
    cfg.message_timestamp_type = timestamp_type::log_append_time;
    auto log = open_log(cfg);
    ASSERT_TRUE(log);
    bytes first = make_batch(2);
    ASSERT_TRUE(log->append(first, timestamp_ms(500)));  // offsets 0-1
    bytes set = concat({make_batch(3), make_batch(1), make_batch(5)});
    auto list = validated_list(set);

    const uint64_t before = record::batch_header_parses();
    auto r = log->append(set, list, timestamp_ms(777));
    EXPECT_EQ(record::batch_header_parses(), before);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->base_offset, offset(2));
    EXPECT_EQ(r->last_offset, offset(10));

    // The list now says what the bytes say, field for field.
    auto stored = headers_of(set);
    ASSERT_EQ(stored.size(), list.size());
    for (size_t i = 0; i < list.size(); ++i) {
        const auto& h = list[i].header;
        EXPECT_EQ(h.base_offset, stored[i].base_offset);
        EXPECT_EQ(h.partition_leader_epoch, stored[i].partition_leader_epoch);
        EXPECT_EQ(h.attributes, stored[i].attributes);
        EXPECT_EQ(h.max_timestamp, stored[i].max_timestamp);
        EXPECT_EQ(h.crc, stored[i].crc);
        EXPECT_TRUE(h.log_append_time());
        EXPECT_EQ(h.max_timestamp, 777);
        EXPECT_TRUE(record::validate_batch(bytes_view(set).subspan(list[i].position, list[i].size())));
    }
    EXPECT_EQ(list[0].header.base_offset, 2);
    EXPECT_EQ(list[1].header.base_offset, 5);
    EXPECT_EQ(list[2].header.base_offset, 6);
}

TEST_F(partition_log_validated_append_test, a_list_that_does_not_cover_the_set_is_refused_and_nothing_is_written) {
    auto log = open_log();
    ASSERT_TRUE(log);
    bytes set = concat({make_batch(3), make_batch(1)});
    auto list = validated_list(set);

    auto first_only = std::span<record::validated_batch>(list).first(1);
    auto short_list = log->append(set, first_only, timestamp_ms(1));
    ASSERT_FALSE(short_list);
    EXPECT_EQ(short_list.error().code, errc::invalid_argument);

    auto shifted = list;
    shifted[1].position += 1;
    EXPECT_FALSE(log->append(set, shifted, timestamp_ms(1)));
    EXPECT_FALSE(log->append(set, std::span<record::validated_batch>(), timestamp_ms(1)));
    EXPECT_EQ(log->log_end_offset(), offset(0));

    EXPECT_TRUE(log->append(set, list, timestamp_ms(1)));
    EXPECT_EQ(log->log_end_offset(), offset(4));
}

}  // namespace
}  // namespace samsa::storage
