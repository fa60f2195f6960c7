// Records test vectors from Kafka Streams 3.8's TopologyTestDriver with record
// caches OFF (statestore.cache.max.bytes = 0): windowed aggregations,
// suppress, emit-on-window-close, stream-stream joins, cogroup and
// foreign-key table joins on seeded random inputs with out-of-order
// timestamps, records late past grace, null keys and null values. Not part of
// the build; run by hand with the tool in ../shared/tools/kafka-java:
//   . /tmp/kafka-java/env.sh && KAFKA_JAVA_SLF4J=/usr/share/java/slf4j-nop.jar \
//     java UncachedVectors.java > ../uncached.txt
// Output format (tab separated, "<null>" for a null key or value), read by
// tests/streams/ops/uncached_vectors_test.cc:
//   case <name>
//   in <topic> <key> <value> <timestamp>   one input record
//   out <key> <value> <timestamp>          the records on "out" piped after it
//   end
import java.time.Duration;
import java.util.*;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.*;
import org.apache.kafka.streams.kstream.*;
import org.apache.kafka.streams.state.*;

public class UncachedVectors {
    record In(String topic, String key, String value, long ts) {}

    static String letters(Random rng) {
        StringBuilder v = new StringBuilder();
        for (int k = 1 + rng.nextInt(3); k > 0; k--) v.append((char) ('a' + rng.nextInt(3)));
        return v.toString();
    }

    // Drifting time with jitter back (late records past grace when the jitter
    // exceeds it), 3 keys, one of the topics, a null key or value at the
    // given per-mille rates.
    static List<In> randomInput(long seed, int n, int jitter, String[] topics, int nullKeys, int nullValues) {
        Random rng = new Random(seed);
        List<In> out = new ArrayList<>();
        long time = 0;
        for (int i = 0; i < n; i++) {
            time += rng.nextInt(6);
            long ts = Math.max(0, time - rng.nextInt(jitter));
            String topic = topics[rng.nextInt(topics.length)];
            String key = rng.nextInt(1000) < nullKeys ? null : String.valueOf((char) ('x' + rng.nextInt(3)));
            String value = rng.nextInt(1000) < nullValues ? null : letters(rng);
            out.add(new In(topic, key, value, ts));
        }
        return out;
    }

    static final String[] IN = {"in"};
    static final String[] LEFT_RIGHT = {"left", "right"};

    // Left table "left": key w..z, value "<fk>|<payload>" with fk a..c, or
    // "-|<payload>" for a null foreign key; right table "right": keys a..c.
    // Tombstones on both sides.
    static List<In> fkInput(long seed, int n) {
        Random rng = new Random(seed);
        List<In> out = new ArrayList<>();
        long time = 0;
        for (int i = 0; i < n; i++) {
            time += rng.nextInt(4);
            long ts = Math.max(0, time - rng.nextInt(6));
            boolean left = rng.nextInt(5) < 3;
            boolean tombstone = rng.nextInt(10) == 0;
            if (left) {
                String key = String.valueOf((char) ('w' + rng.nextInt(4)));
                int f = rng.nextInt(7);
                String fk = f == 6 ? "-" : String.valueOf((char) ('a' + f % 3));
                out.add(new In("left", key, tombstone ? null : fk + "|" + letters(rng), ts));
            } else {
                String key = String.valueOf((char) ('a' + rng.nextInt(3)));
                out.add(new In("right", key, tombstone ? null : letters(rng), ts));
            }
        }
        return out;
    }

    static KStream<String, String> in(StreamsBuilder b, String topic) {
        return b.stream(topic, Consumed.with(Serdes.String(), Serdes.String()));
    }

    static void out(KStream<String, String> s) { s.to("out", Produced.with(Serdes.String(), Serdes.String())); }

    static <V> void windowedOut(KTable<Windowed<String>, V> t) {
        out(t.toStream().map((wk, v) -> KeyValue.pair(wk.toString(), v == null ? null : v.toString())));
    }

    static <V> void tableOut(KTable<String, V> t) {
        out(t.toStream().mapValues(v -> v == null ? null : v.toString()));
    }

    static Materialized<String, Long, WindowStore<Bytes, byte[]>> windowCounts() {
        return Materialized.<String, Long, WindowStore<Bytes, byte[]>>as("counts")
            .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long());
    }

    static Materialized<String, String, WindowStore<Bytes, byte[]>> windowStrings() {
        return Materialized.<String, String, WindowStore<Bytes, byte[]>>as("aggs")
            .withKeySerde(Serdes.String()).withValueSerde(Serdes.String());
    }

    static Materialized<String, Long, SessionStore<Bytes, byte[]>> sessionCounts() {
        return Materialized.<String, Long, SessionStore<Bytes, byte[]>>as("counts")
            .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long());
    }

    static Materialized<String, String, SessionStore<Bytes, byte[]>> sessionStrings() {
        return Materialized.<String, String, SessionStore<Bytes, byte[]>>as("aggs")
            .withKeySerde(Serdes.String()).withValueSerde(Serdes.String());
    }

    static Materialized<String, String, KeyValueStore<Bytes, byte[]>> tableStrings(String name) {
        return Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as(name)
            .withKeySerde(Serdes.String()).withValueSerde(Serdes.String());
    }

    static String show(String s) { return s == null ? "<null>" : s; }

    static void run(String name, Consumer<StreamsBuilder> program, List<In> input) {
        StreamsBuilder b = new StreamsBuilder();
        program.accept(b);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "test-app");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:1234");
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
        System.out.println("case\t" + name);
        try (TopologyTestDriver d = new TopologyTestDriver(b.build(), p)) {
            Map<String, TestInputTopic<String, String>> ins = new HashMap<>();
            TestOutputTopic<String, String> out = d.createOutputTopic("out", Serdes.String().deserializer(), Serdes.String().deserializer());
            for (In r : input) {
                ins.computeIfAbsent(r.topic(), t -> d.createInputTopic(t, Serdes.String().serializer(), Serdes.String().serializer()))
                    .pipeInput(r.key(), r.value(), r.ts());
                System.out.println("in\t" + r.topic() + "\t" + show(r.key()) + "\t" + show(r.value()) + "\t" + r.ts());
                for (var o : out.readRecordsToList())
                    System.out.println("out\t" + show(o.key()) + "\t" + show(o.value()) + "\t" + o.timestamp());
            }
        }
        System.out.println("end");
    }

    public static void main(String[] args) {
        TimeWindows tumbling = TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5));
        TimeWindows hopping = TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5)).advanceBy(Duration.ofMillis(5));
        SlidingWindows sliding = SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(5));
        SessionWindows sessions = SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(5), Duration.ofMillis(3));
        JoinWindows joinWindows = JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(5), Duration.ofMillis(3));
        JoinWindows asymmetric = JoinWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(5), Duration.ofMillis(4))
                                     .before(Duration.ofMillis(2)).after(Duration.ofMillis(7));
        Initializer<String> empty = () -> "";
        Aggregator<String, String, String> append = (k, v, agg) -> agg + v;
        // Windowed cogroup hands null values to the aggregator ("NULL" here).
        Aggregator<String, String, String> appendUpper = (k, v, agg) -> agg + String.valueOf(v).toUpperCase();
        Merger<String, String> merge = (k, a, c) -> a + "&" + c;
        ValueJoiner<String, String, String> join = (a, c) -> a + "+" + c;
        StreamJoined<String, String, String> joined = StreamJoined.with(Serdes.String(), Serdes.String(), Serdes.String());

        run("tumbling_count", b -> windowedOut(in(b, "in").groupByKey().windowedBy(tumbling).count(windowCounts())),
            randomInput(101, 120, 12, IN, 60, 60));
        run("hopping_count", b -> windowedOut(in(b, "in").groupByKey().windowedBy(hopping).count(windowCounts())),
            randomInput(102, 120, 12, IN, 60, 60));
        run("tumbling_aggregate", b -> windowedOut(in(b, "in").groupByKey().windowedBy(tumbling).aggregate(empty, append, windowStrings())),
            randomInput(103, 120, 12, IN, 60, 60));
        run("hopping_aggregate", b -> windowedOut(in(b, "in").groupByKey().windowedBy(hopping).aggregate(empty, append, windowStrings())),
            randomInput(104, 120, 12, IN, 60, 60));
        run("sliding_count", b -> windowedOut(in(b, "in").groupByKey().windowedBy(sliding).count(windowCounts())),
            randomInput(105, 120, 12, IN, 60, 60));
        run("sliding_aggregate", b -> windowedOut(in(b, "in").groupByKey().windowedBy(sliding).aggregate(empty, append, windowStrings())),
            randomInput(106, 120, 12, IN, 60, 60));
        run("session_count", b -> windowedOut(in(b, "in").groupByKey().windowedBy(sessions).count(sessionCounts())),
            randomInput(107, 120, 12, IN, 60, 60));
        run("session_aggregate", b -> windowedOut(in(b, "in").groupByKey().windowedBy(sessions).aggregate(empty, append, merge, sessionStrings())),
            randomInput(108, 120, 12, IN, 60, 60));
        run("tumbling_count_on_window_close",
            b -> windowedOut(in(b, "in").groupByKey().windowedBy(tumbling).emitStrategy(EmitStrategy.onWindowClose()).count(windowCounts())),
            randomInput(109, 120, 12, IN, 60, 60));
        run("hopping_aggregate_on_window_close",
            b -> windowedOut(in(b, "in").groupByKey().windowedBy(hopping).emitStrategy(EmitStrategy.onWindowClose())
                                 .aggregate(empty, append, windowStrings())),
            randomInput(110, 120, 12, IN, 60, 60));
        run("sliding_count_on_window_close",
            b -> windowedOut(in(b, "in").groupByKey().windowedBy(sliding).emitStrategy(EmitStrategy.onWindowClose()).count(windowCounts())),
            randomInput(111, 120, 12, IN, 60, 60));
        run("session_aggregate_on_window_close",
            b -> windowedOut(in(b, "in").groupByKey().windowedBy(sessions).emitStrategy(EmitStrategy.onWindowClose())
                                 .aggregate(empty, append, merge, sessionStrings())),
            randomInput(112, 120, 12, IN, 60, 60));
        run("tumbling_count_suppressed",
            b -> windowedOut(in(b, "in").groupByKey().windowedBy(tumbling).count(windowCounts())
                                 .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))),
            randomInput(113, 120, 12, IN, 60, 60));
        run("session_count_suppressed",
            b -> windowedOut(in(b, "in").groupByKey().windowedBy(sessions).count(sessionCounts())
                                 .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))),
            randomInput(114, 120, 12, IN, 60, 60));
        run("table_suppressed_time_limit",
            b -> tableOut(b.table("in", Consumed.with(Serdes.String(), Serdes.String()), tableStrings("t"))
                              .suppress(Suppressed.untilTimeLimit(Duration.ofMillis(7), Suppressed.BufferConfig.unbounded()))),
            randomInput(115, 120, 12, IN, 60, 100));
        run("stream_stream_inner_join",
            b -> out(in(b, "left").join(in(b, "right"), join, joinWindows, joined)),
            randomInput(116, 120, 10, LEFT_RIGHT, 60, 60));
        run("stream_stream_left_join",
            b -> out(in(b, "left").leftJoin(in(b, "right"), join, joinWindows, joined)),
            randomInput(117, 120, 10, LEFT_RIGHT, 60, 60));
        run("stream_stream_outer_join",
            b -> out(in(b, "left").outerJoin(in(b, "right"), join, joinWindows, joined)),
            randomInput(118, 120, 10, LEFT_RIGHT, 60, 60));
        run("stream_stream_inner_join_asymmetric",
            b -> out(in(b, "left").join(in(b, "right"), join, asymmetric, joined)),
            randomInput(119, 120, 10, LEFT_RIGHT, 60, 60));
        run("stream_stream_left_join_asymmetric",
            b -> out(in(b, "left").leftJoin(in(b, "right"), join, asymmetric, joined)),
            randomInput(120, 120, 10, LEFT_RIGHT, 60, 60));
        run("stream_stream_outer_join_asymmetric",
            b -> out(in(b, "left").outerJoin(in(b, "right"), join, asymmetric, joined)),
            randomInput(121, 120, 10, LEFT_RIGHT, 60, 60));
        run("cogroup_aggregate",
            b -> {
                KGroupedStream<String, String> left = in(b, "left").groupByKey();
                KGroupedStream<String, String> right = in(b, "right").groupByKey();
                tableOut(left.cogroup(append).cogroup(right, appendUpper).aggregate(empty, tableStrings("cogrouped")));
            },
            randomInput(122, 120, 10, LEFT_RIGHT, 60, 60));
        run("cogroup_tumbling_aggregate",
            b -> {
                KGroupedStream<String, String> left = in(b, "left").groupByKey();
                KGroupedStream<String, String> right = in(b, "right").groupByKey();
                windowedOut(left.cogroup(append).cogroup(right, appendUpper).windowedBy(tumbling).aggregate(empty, windowStrings()));
            },
            randomInput(123, 120, 12, LEFT_RIGHT, 60, 60));
        run("fk_join",
            b -> {
                KTable<String, String> left = b.table("left", Consumed.with(Serdes.String(), Serdes.String()), tableStrings("l"));
                KTable<String, String> right = b.table("right", Consumed.with(Serdes.String(), Serdes.String()), tableStrings("r"));
                tableOut(left.join(right, v -> v.startsWith("-") ? null : v.substring(0, 1), join));
            },
            fkInput(124, 120));
        run("fk_left_join",
            b -> {
                KTable<String, String> left = b.table("left", Consumed.with(Serdes.String(), Serdes.String()), tableStrings("l"));
                KTable<String, String> right = b.table("right", Consumed.with(Serdes.String(), Serdes.String()), tableStrings("r"));
                tableOut(left.leftJoin(right, v -> v.startsWith("-") ? null : v.substring(0, 1), join));
            },
            fkInput(125, 120));
    }
}
