// Records test vectors from Kafka Streams 3.8's TopologyTestDriver with record
// caches ON (the default): windowed aggregations whose input records each
// update a window several times (flatMapValues into letters), so the cache's
// per-commit deduplication shows. Not part of the build; run by hand with the
// tool in ../shared/tools/kafka-java:
//   . /tmp/kafka-java/env.sh && KAFKA_JAVA_SLF4J=/usr/share/java/slf4j-nop.jar \
//     java WindowedCachingVectors.java > ../windowed_caching.txt
// Output format (tab separated, "<null>" for a null value), read by
// tests/streams/ops/windowed_caching_vectors_test.cc:
//   case <name>
//   in <key> <value> <timestamp>      one input record
//   out <key> <value> <timestamp>     the output records piped after it
//   end
import java.time.Duration;
import java.util.*;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.*;
import org.apache.kafka.streams.kstream.*;

public class WindowedCachingVectors {
    record In(String key, String value, long ts) {}

    static List<String> letters(String v) {
        List<String> out = new ArrayList<>();
        for (char c : v.toCharArray()) out.add(String.valueOf(c));
        return out;
    }

    // Same generator idea as the C++ random tests: drifting time, jitter, 3 keys.
    static List<In> randomInput(long seed, int n, int jitter) {
        Random rng = new Random(seed);
        List<In> out = new ArrayList<>();
        long time = 0;
        for (int i = 0; i < n; i++) {
            StringBuilder v = new StringBuilder();
            for (int k = 1 + rng.nextInt(4); k > 0; k--) v.append((char) ('a' + rng.nextInt(3)));
            time += rng.nextInt(7);
            long ts = Math.max(0, time - rng.nextInt(jitter));
            out.add(new In(String.valueOf((char) ('x' + rng.nextInt(3))), v.toString(), ts));
        }
        return out;
    }

    static KStream<String, String> lettersOf(StreamsBuilder b) {
        return b.stream("in", Consumed.with(Serdes.String(), Serdes.String())).flatMapValues(WindowedCachingVectors::letters);
    }

    static <V> void toOut(KTable<Windowed<String>, V> t) {
        t.toStream()
            .map((wk, v) -> KeyValue.pair(wk.toString(), v == null ? null : v.toString()))
            .to("out", Produced.with(Serdes.String(), Serdes.String()));
    }

    static Materialized<String, Long, org.apache.kafka.streams.state.WindowStore<org.apache.kafka.common.utils.Bytes, byte[]>> windowCounts() {
        return Materialized.<String, Long, org.apache.kafka.streams.state.WindowStore<org.apache.kafka.common.utils.Bytes, byte[]>>as("counts")
            .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long());
    }

    static Materialized<String, String, org.apache.kafka.streams.state.WindowStore<org.apache.kafka.common.utils.Bytes, byte[]>> windowStrings() {
        return Materialized.<String, String, org.apache.kafka.streams.state.WindowStore<org.apache.kafka.common.utils.Bytes, byte[]>>as("aggs")
            .withKeySerde(Serdes.String()).withValueSerde(Serdes.String());
    }

    static Materialized<String, Long, org.apache.kafka.streams.state.SessionStore<org.apache.kafka.common.utils.Bytes, byte[]>> sessionCounts() {
        return Materialized.<String, Long, org.apache.kafka.streams.state.SessionStore<org.apache.kafka.common.utils.Bytes, byte[]>>as("counts")
            .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long());
    }

    static Materialized<String, String, org.apache.kafka.streams.state.SessionStore<org.apache.kafka.common.utils.Bytes, byte[]>> sessionStrings() {
        return Materialized.<String, String, org.apache.kafka.streams.state.SessionStore<org.apache.kafka.common.utils.Bytes, byte[]>>as("aggs")
            .withKeySerde(Serdes.String()).withValueSerde(Serdes.String());
    }

    static String show(String s) { return s == null ? "<null>" : s; }

    static void run(String name, Consumer<StreamsBuilder> program, List<In> input) {
        StreamsBuilder b = new StreamsBuilder();
        program.accept(b);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "test-app");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "dummy:1234");
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 10L * 1024 * 1024);
        System.out.println("case\t" + name);
        try (TopologyTestDriver d = new TopologyTestDriver(b.build(), p)) {
            TestInputTopic<String, String> in = d.createInputTopic("in", Serdes.String().serializer(), Serdes.String().serializer());
            TestOutputTopic<String, String> out = d.createOutputTopic("out", Serdes.String().deserializer(), Serdes.String().deserializer());
            for (In r : input) {
                in.pipeInput(r.key(), r.value(), r.ts());
                System.out.println("in\t" + r.key() + "\t" + show(r.value()) + "\t" + r.ts());
                for (var o : out.readRecordsToList())
                    System.out.println("out\t" + o.key() + "\t" + show(o.value()) + "\t" + o.timestamp());
            }
        }
        System.out.println("end");
    }

    public static void main(String[] args) {
        TimeWindows tumbling = TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5));
        TimeWindows hopping = TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5)).advanceBy(Duration.ofMillis(5));
        SlidingWindows sliding = SlidingWindows.ofTimeDifferenceAndGrace(Duration.ofMillis(10), Duration.ofMillis(5));
        SessionWindows sessions = SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(5), Duration.ofMillis(3));
        Initializer<String> empty = () -> "";
        Aggregator<String, String, String> append = (k, v, agg) -> agg + v;
        Merger<String, String> merge = (k, a, c) -> a + "&" + c;

        run("tumbling_count", b -> toOut(lettersOf(b).groupByKey().windowedBy(tumbling).count(windowCounts())),
            randomInput(1, 80, 12));
        run("hopping_aggregate", b -> toOut(lettersOf(b).groupByKey().windowedBy(hopping).aggregate(empty, append, windowStrings())),
            randomInput(2, 80, 12));
        run("sliding_count", b -> toOut(lettersOf(b).groupByKey().windowedBy(sliding).count(windowCounts())),
            randomInput(3, 80, 12));
        run("sliding_aggregate", b -> toOut(lettersOf(b).groupByKey().windowedBy(sliding).aggregate(empty, append, windowStrings())),
            randomInput(4, 80, 12));
        run("session_count", b -> toOut(lettersOf(b).groupByKey().windowedBy(sessions).count(sessionCounts())),
            randomInput(5, 80, 12));
        run("session_aggregate", b -> toOut(lettersOf(b).groupByKey().windowedBy(sessions).aggregate(empty, append, merge, sessionStrings())),
            randomInput(6, 80, 12));
        run("tumbling_count_on_window_close",
            b -> toOut(lettersOf(b).groupByKey().windowedBy(tumbling).emitStrategy(EmitStrategy.onWindowClose()).count(windowCounts())),
            randomInput(7, 80, 12));
        run("hopping_count_on_window_close",
            b -> toOut(lettersOf(b).groupByKey().windowedBy(hopping).emitStrategy(EmitStrategy.onWindowClose()).count(windowCounts())),
            randomInput(8, 80, 12));
        // The same with caching off: windows the time-ordered store's
        // retention dropped before the record that closes them are lost.
        run("hopping_count_on_window_close_uncached",
            b -> toOut(lettersOf(b).groupByKey().windowedBy(hopping).emitStrategy(EmitStrategy.onWindowClose())
                           .count(windowCounts().withCachingDisabled())),
            randomInput(8, 80, 12));
        run("sliding_count_on_window_close",
            b -> toOut(lettersOf(b).groupByKey().windowedBy(sliding).emitStrategy(EmitStrategy.onWindowClose()).count(windowCounts())),
            randomInput(9, 80, 12));
        run("session_count_on_window_close",
            b -> toOut(lettersOf(b).groupByKey().windowedBy(sessions).emitStrategy(EmitStrategy.onWindowClose()).count(sessionCounts())),
            randomInput(10, 80, 12));
        run("tumbling_count_suppressed",
            b -> toOut(lettersOf(b).groupByKey().windowedBy(tumbling).count(windowCounts())
                           .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))),
            randomInput(11, 80, 12));
        // Session [0,0] of x is clean in the cache after its commit; y moves
        // stream time to 8, so the store's retention (gap 5 + grace 3) no
        // longer returns sessions ending at 0; x at 5 is not late (5 >= 8 - 3)
        // and looks for sessions ending at 0 or later.
        run("session_past_retention_with_clean_cache_entry",
            b -> toOut(lettersOf(b).groupByKey().windowedBy(sessions).aggregate(empty, append, merge, sessionStrings())),
            List.of(new In("x", "a", 0), new In("y", "b", 8), new In("x", "c", 5), new In("x", "d", 1)));
        // Sliding windows fetch up to 2 * timeDifference back: windows of x
        // that the store's retention (10 + 5) has dropped but the cache holds.
        run("sliding_past_retention_with_clean_cache_entry",
            b -> toOut(lettersOf(b).groupByKey().windowedBy(sliding).aggregate(empty, append, windowStrings())),
            List.of(new In("x", "a", 0), new In("x", "b", 4), new In("y", "c", 16), new In("x", "d", 11),
                    new In("y", "e", 20), new In("x", "f", 15), new In("x", "g", 9)));
    }
}
