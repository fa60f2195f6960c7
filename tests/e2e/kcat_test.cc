// kcat (librdkafka's command-line client) against the real broker: metadata,
// keyed produce with acks=all, reading from the beginning and from an offset,
// headers, and offsets for times (-Q).

#include <nlohmann/json.hpp>

#include <set>
#include <sstream>
#include <thread>

#include "tests/e2e/broker_test.h"
#include "tests/support/rdkafka_client.h"
#include "tests/e2e/record_checks.h"

namespace samsa::e2e {
namespace {

// One record per line, tab-separated: partition, offset, key, value, headers, timestamp.
const std::string record_format = "%p\t%o\t%k\t%s\t%h\t%T\n";

std::vector<record> parse_records(const std::string& out) {
    std::vector<record> records;
    std::istringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) {
        std::vector<std::string> f;
        std::istringstream fields(line);
        std::string field;
        while (std::getline(fields, field, '\t')) f.push_back(field);
        if (f.size() < 6) continue;
        record r;
        r.partition = std::stoi(f[0]);
        r.offset = std::stoll(f[1]);
        r.key = f[2];
        r.value = f[3];
        std::istringstream hs(f[4]);
        std::string h;
        while (std::getline(hs, h, ',')) {
            auto eq = h.find('=');
            if (eq != std::string::npos) r.headers.emplace_back(h.substr(0, eq), h.substr(eq + 1));
        }
        r.timestamp = std::stoll(f[5]);
        records.push_back(std::move(r));
    }
    return records;
}

class kcat_test : public broker_test {
protected:
    // kcat -C ... -e with the tab format; the records it printed.
    std::vector<record> consume(std::vector<std::string> args) {
        args.insert(args.begin(), {"-C", "-e", "-q", "-f", record_format});
        auto r = run_kcat(args);
        EXPECT_COMMAND_OK(r);
        return parse_records(r.out);
    }
    void create(const std::string& topic, int partitions) {
        auto st = create_topic(bootstrap(), topic, partitions);
        ASSERT_TRUE(st) << st.error().message;
    }
};

TEST_F(kcat_test, metadata_lists_broker_and_topic) {
    create("kcat-meta", 3);
    auto r = run_kcat({"-L", "-J"});
    ASSERT_COMMAND_OK(r);
    auto md = nlohmann::json::parse(r.out, nullptr, false);
    ASSERT_FALSE(md.is_discarded()) << r.describe();
    ASSERT_EQ(md["brokers"].size(), 1u) << r.out;
    EXPECT_EQ(md["brokers"][0]["name"].get<std::string>().rfind(bootstrap(), 0), 0u)
        << "the broker must advertise the listener it was given: " << r.out;
    int broker_id = md["brokers"][0]["id"];
    bool found = false;
    for (const auto& t : md["topics"]) {
        if (t["topic"] != "kcat-meta") continue;
        found = true;
        ASSERT_EQ(t["partitions"].size(), 3u) << t.dump();
        for (const auto& p : t["partitions"]) {
            EXPECT_EQ(p["leader"].get<int>(), broker_id) << p.dump();
            EXPECT_FALSE(p.contains("error")) << p.dump();
        }
    }
    EXPECT_TRUE(found) << "topic kcat-meta not listed: " << r.out;

    // One topic asked by name; plain text output as a person would read it.
    auto one = run_kcat({"-L", "-t", "kcat-meta"});
    ASSERT_COMMAND_OK(one);
    EXPECT_NE(one.out.find("topic \"kcat-meta\" with 3 partitions"), std::string::npos) << one.out;
}

TEST_F(kcat_test, keyed_produce_acks_all_then_consume_from_beginning) {
    create("kcat-keyed", 3);
    std::string input;
    const int count = 60;
    for (int i = 0; i < count; ++i) input += "user-" + std::to_string(i % 7) + ":event-" + std::to_string(i) + "\n";
    auto produced = run_kcat({"-P", "-t", "kcat-keyed", "-K:", "-X", "acks=all"}, input);
    ASSERT_COMMAND_OK(produced);
    EXPECT_EQ(produced.err.find("ERROR"), std::string::npos) << produced.describe();

    auto records = consume({"-t", "kcat-keyed", "-o", "beginning"});
    ASSERT_EQ(records.size(), static_cast<size_t>(count));
    EXPECT_TRUE(keys_stay_in_one_partition(records));
    EXPECT_TRUE(offsets_dense_from(records, 0));
    // Per partition, values come back in the order they were produced.
    std::map<int32_t, int> last_index;
    std::set<std::string> values;
    for (const auto& r : records) {
        int index = std::stoi(r.value.substr(r.value.find('-') + 1));
        auto [it, fresh] = last_index.emplace(r.partition, index);
        if (!fresh) {
            EXPECT_GT(index, it->second) << "partition " << r.partition << " out of order at offset " << r.offset;
            it->second = index;
        }
        EXPECT_EQ(r.key, "user-" + std::to_string(index % 7));
        values.insert(r.value);
    }
    EXPECT_EQ(values.size(), static_cast<size_t>(count));
}

TEST_F(kcat_test, consume_from_an_offset) {
    create("kcat-offsets", 1);
    std::string input;
    for (int i = 0; i < 10; ++i) input += "v" + std::to_string(i) + "\n";
    ASSERT_COMMAND_OK(run_kcat({"-P", "-t", "kcat-offsets", "-p", "0", "-X", "acks=all"}, input));

    auto from4 = consume({"-t", "kcat-offsets", "-p", "0", "-o", "4"});
    ASSERT_EQ(from4.size(), 6u);
    for (size_t i = 0; i < from4.size(); ++i) {
        EXPECT_EQ(from4[i].offset, static_cast<int64_t>(4 + i));
        EXPECT_EQ(from4[i].value, "v" + std::to_string(4 + i));
    }
    // Relative to the end: the last three.
    auto last3 = consume({"-t", "kcat-offsets", "-p", "0", "-o", "-3"});
    ASSERT_EQ(last3.size(), 3u);
    EXPECT_EQ(last3.front().value, "v7");
    // A count limit stops early.
    auto two = run_kcat({"-C", "-t", "kcat-offsets", "-p", "0", "-o", "beginning", "-c", "2", "-q", "-f", "%s\n"});
    ASSERT_COMMAND_OK(two);
    EXPECT_EQ(two.out, "v0\nv1\n");
    // At the end: nothing, and kcat still exits cleanly with -e.
    EXPECT_TRUE(consume({"-t", "kcat-offsets", "-p", "0", "-o", "end"}).empty());
}

TEST_F(kcat_test, headers_round_trip) {
    create("kcat-headers", 1);
    ASSERT_COMMAND_OK(run_kcat({"-P", "-t", "kcat-headers", "-K:", "-H", "trace=abc123", "-H", "origin=e2e", "-X",
                                "acks=all"},
                               "k1:first\nk2:second\n"));
    auto records = consume({"-t", "kcat-headers", "-o", "beginning"});
    ASSERT_EQ(records.size(), 2u);
    header_list expected{{"trace", "abc123"}, {"origin", "e2e"}};
    for (const auto& r : records) EXPECT_EQ(r.headers, expected) << "record at offset " << r.offset;
    EXPECT_EQ(records[0].key, "k1");
    EXPECT_EQ(records[1].value, "second");
}

TEST_F(kcat_test, offsets_for_times) {
    create("kcat-times", 1);
    ASSERT_COMMAND_OK(run_kcat({"-P", "-t", "kcat-times", "-p", "0", "-X", "acks=all"}, "a0\na1\na2\n"));
    // kcat stamps records when it produces them: everything after `middle` is later.
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    int64_t middle = now_ms();
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    ASSERT_COMMAND_OK(run_kcat({"-P", "-t", "kcat-times", "-p", "0", "-X", "acks=all"}, "b0\nb1\n"));

    auto records = consume({"-t", "kcat-times", "-o", "beginning"});
    ASSERT_EQ(records.size(), 5u);
    for (const auto& r : records) {
        if (r.value[0] == 'a') EXPECT_LT(r.timestamp, middle) << r.value;
        else EXPECT_GT(r.timestamp, middle) << r.value;
    }

    auto query = [&](int64_t ts) {
        auto r = run_kcat({"-Q", "-t", "kcat-times:0:" + std::to_string(ts)});
        EXPECT_COMMAND_OK(r);
        return r.out;
    };
    EXPECT_NE(query(middle).find("kcat-times [0] offset 3"), std::string::npos);
    EXPECT_NE(query(records[0].timestamp).find("kcat-times [0] offset 0"), std::string::npos);
    EXPECT_NE(query(-1).find("kcat-times [0] offset 5"), std::string::npos) << "-1 asks for the end offset";
    EXPECT_NE(query(-2).find("kcat-times [0] offset 0"), std::string::npos) << "-2 asks for the start offset";
    EXPECT_NE(query(records.back().timestamp + 60000).find("kcat-times [0] offset -1"), std::string::npos)
        << "no record that late: Kafka answers offset -1";
}

TEST_F(kcat_test, produce_auto_creates_topic) {
    // auto.create.topics.enable defaults to true; num.partitions to 1.
    ASSERT_COMMAND_OK(run_kcat({"-P", "-t", "kcat-auto", "-X", "acks=all"}, "hello\n"));
    auto records = consume({"-t", "kcat-auto", "-o", "beginning"});
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].value, "hello");
    auto partitions = partition_count(bootstrap(), "kcat-auto");
    ASSERT_TRUE(partitions) << partitions.error().message;
    EXPECT_EQ(*partitions, 1);
}

}  // namespace
}  // namespace samsa::e2e
