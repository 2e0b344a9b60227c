package io.goloom.jmh.bench;

import io.goloom.jmh.workloads.Floor;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/** The floor: one virtual thread yielding alone on a minimal single-carrier executor; ns per yield. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class FloorBenchmark {
    private Floor.OneCarrier carrier;

    @Setup(Level.Trial)
    public void setup() {
        carrier = new Floor.OneCarrier();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        carrier.close();
    }

    @Benchmark
    @OperationsPerInvocation(Floor.YIELDS)
    public long run() {
        return Floor.run(carrier, Floor.YIELDS);
    }
}
