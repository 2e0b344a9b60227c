package io.goloom.jmh;

import io.goloom.jmh.workloads.JdkPrograms;
import io.goloom.jmh.workloads.BenchScheduler;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each unmodified JDK program of {@code JdkProgramsBenchmark} once on the JDK default scheduler and on a library
 * GoScheduler at P=2 (library P=1 would spend seconds in the JDK's spinning queues, see docs/agent.md): it
 * completes and reports its operation count. Never asserts a speed.
 */
@Timeout(120)
class JdkProgramsSmokeTest {
    @ParameterizedTest
    @ValueSource(strings = {"synchronousQueue", "linkedTransferQueue", "sieve", "exchanger", "reentrantLock",
            "synchronized", "completableFuture", "cachedThreadPool", "yield", "parkPingPong", "spawn"})
    void programRunsOnBothSchedulers(String program) {
        long expected = switch (program) {
            case "sieve" -> 1;
            case "completableFuture" -> JdkPrograms.CF_STAGES;
            case "yield", "spawn" -> JdkPrograms.opsOf(program);
            case "reentrantLock", "synchronized" -> JdkPrograms.OPS / JdkPrograms.LOCKERS * JdkPrograms.LOCKERS;
            default -> JdkPrograms.OPS;
        };
        assertEquals(expected, JdkPrograms.run(program, BenchScheduler.jdkAsIs().factory()), "JDK default");
        try (BenchScheduler goloom = BenchScheduler.open(true, 2)) {
            assertEquals(expected, JdkPrograms.run(program, goloom.factory()), "library GoScheduler");
        }
    }
}
