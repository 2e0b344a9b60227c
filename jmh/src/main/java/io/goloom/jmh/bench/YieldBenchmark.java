package io.goloom.jmh.bench;

import io.goloom.jmh.workloads.*;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/** yield: 10^7 yields per run by 100 threads (the workload) or by 1 thread alone (to compare with the floor); ns per yield. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class YieldBenchmark {
    @Param({"goloom", "jdk"})
    public String impl;

    @Param({"1", "2"})
    public int procs;

    @Param({"100", "1"})
    public int threads;

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
    @OperationsPerInvocation(Yield.TOTAL)
    public long run() {
        return Yield.run(sched.factory(), threads, Yield.TOTAL / threads);
    }
}
