package io.goloom.jmh.bench;

import io.goloom.jmh.workloads.*;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/** buffered: 4 producers, 4 consumers, one channel of capacity 128; ns per message. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class BufferedBenchmark {
    @Param({"goloom", "jdk", "jdk-queue", "jdk-jox", "goloom-queue", "goloom-jox"})
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
    @OperationsPerInvocation(Buffered.MESSAGES)
    public long run() {
        return Buffered.run(sched.factory(), im.chan(), 4, 4, 128, Buffered.MESSAGES / 4);
    }
}
