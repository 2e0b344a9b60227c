package io.goloom.jmh.bench;

import io.goloom.jmh.workloads.*;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/** skynet: 1,000,000 leaves; ms per run. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class SkynetBenchmark {
    @Param({"goloom", "jdk", "jdk-queue", "jdk-jox"})
    public String impl;

    @Param({"1", "2"})
    public int procs;

    private Impl im;
    private BenchScheduler sched;

    @Setup(Level.Trial)
    public void setup() {
        im = Impl.parse(impl);
        sched = BenchScheduler.open(im, procs);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sched.close();
    }

    @Benchmark
    @OperationsPerInvocation(1)
    public long run() {
        return Skynet.run(sched.factory(), im.chan(), 1_000_000);
    }
}
