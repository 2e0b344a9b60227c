package io.goloom.jmh;

import io.goloom.jmh.bench.ParkPingPongBenchmark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.Collection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One real JMH run (1 fork, no warm-up, one 100 ms iteration): proves the BenchmarkList exists and forks work. */
class JmhRunnerSmokeTest {

    @Test
    @Timeout(120)
    void oneCheapBenchmarkRunsInAFork() throws Exception {
        Options opt = new OptionsBuilder()
                .include(ParkPingPongBenchmark.class.getSimpleName())
                .param("impl", "goloom")
                .param("procs", "1")
                .forks(1)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .shouldFailOnError(true)
                .build();
        Collection<RunResult> results = new Runner(opt).run();
        assertEquals(1, results.size());
        double score = results.iterator().next().getPrimaryResult().getScore();
        assertTrue(score > 0 && Double.isFinite(score), "a finite time per operation: " + score);
    }
}
