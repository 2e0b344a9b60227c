package io.goloom.jmh;

import io.goloom.jmh.workloads.*;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every workload once, small, on every implementation, and checks the answer it computes. Never asserts a
 * speed: this proves the benchmarks run and are right, nothing more.
 */
@Timeout(60)
class WorkloadSmokeTest {
    private static BenchScheduler goloom1;
    private static BenchScheduler goloom2;
    private static BenchScheduler jdk;

    @BeforeAll
    static void open() {
        goloom1 = BenchScheduler.open(true, 1);
        goloom2 = BenchScheduler.open(true, 2);
        jdk = BenchScheduler.jdkAsIs();
    }

    @AfterAll
    static void close() {
        goloom1.close();
        goloom2.close();
    }

    record Case(String name, ThreadFactory tf, ChanKind chan) {
        @Override
        public String toString() {
            return name + "/" + chan;
        }
    }

    static Stream<Arguments> impls() {
        List<Arguments> out = new ArrayList<>();
        for (ChanKind k : ChanKind.values()) {
            out.add(Arguments.of(new Case("goloom-p1", goloom1.factory(), k)));
            out.add(Arguments.of(new Case("goloom-p2", goloom2.factory(), k)));
            out.add(Arguments.of(new Case("jdk", jdk.factory(), k)));
        }
        return out.stream();
    }

    static Stream<Arguments> schedulers() {
        return Stream.of(Arguments.of(new Case("goloom-p1", goloom1.factory(), ChanKind.GO)),
                Arguments.of(new Case("goloom-p2", goloom2.factory(), ChanKind.GO)),
                Arguments.of(new Case("jdk", jdk.factory(), ChanKind.GO)));
    }

    @ParameterizedTest
    @MethodSource("impls")
    void pingPong(Case c) {
        assertEquals(1000, PingPong.run(c.tf(), c.chan(), 1000));
    }

    @ParameterizedTest
    @MethodSource("impls")
    void skynetSmall(Case c) {
        assertEquals(49_995_000L, Skynet.run(c.tf(), c.chan(), 10_000));
    }

    @Test
    void skynetFullSizeOnGoloom() {
        assertEquals(Skynet.ANSWER_1M, Skynet.run(goloom2.factory(), ChanKind.GO, 1_000_000));
    }

    @ParameterizedTest
    @MethodSource("impls")
    void sieve(Case c) {
        // SynchronousQueue and Jox spin before they park, which makes a 2,000-thread chain slow (tens of seconds
        // on 2 cores): the full size runs on GoChannel only
        if (c.chan() == ChanKind.GO) {
            assertEquals(Sieve.LAST_OF_2000, Sieve.run(c.tf(), c.chan(), 2000));
        } else {
            assertEquals(1223, Sieve.run(c.tf(), c.chan(), 200));
        }
    }

    @ParameterizedTest
    @MethodSource("impls")
    void buffered(Case c) {
        assertEquals(Buffered.expected(4, 2500), Buffered.run(c.tf(), c.chan(), 4, 4, 128, 2500));
    }

    @ParameterizedTest
    @MethodSource("impls")
    void select(Case c) {
        assertEquals(2000, SelectPingPong.run(c.tf(), c.chan(), 1000));
    }

    @ParameterizedTest
    @MethodSource("impls")
    void threadRing(Case c) {
        assertEquals(10_000 % ThreadRing.RING, ThreadRing.run(c.tf(), c.chan(), ThreadRing.RING, 10_000));
    }

    @ParameterizedTest
    @MethodSource("schedulers")
    void spawn(Case c) {
        assertEquals(10_000, Spawn.run(c.tf(), 10_000));
    }

    @ParameterizedTest
    @MethodSource("schedulers")
    void yieldWorkload(Case c) {
        assertEquals(100 * 100, Yield.run(c.tf(), 100, 100));
    }

    @ParameterizedTest
    @MethodSource("schedulers")
    void parkPingPong(Case c) {
        assertEquals(1000, ParkPingPong.run(c.tf(), 1000));
    }

    @Test
    void floor() {
        try (Floor.OneCarrier carrier = new Floor.OneCarrier()) {
            assertEquals(10_000, Floor.run(carrier, 10_000));
        }
    }

    @Test
    void starvationTicks() {
        Starvation.Result r = Starvation.run(goloom1.factory(), 1, 50);
        assertTrue(r.ticks() > 0, "the ticker ticked");
        assertTrue(r.maxDelayNanos() >= 0);
    }

    @Test
    void implNames() {
        assertEquals(new Impl(true, ChanKind.GO), Impl.parse("goloom"));
        assertEquals(new Impl(false, ChanKind.QUEUE), Impl.parse("jdk-queue"));
        assertEquals(new Impl(true, ChanKind.JOX), Impl.parse("goloom-jox"));
    }
}
