package io.goloom.jmh.bench;

import io.goloom.jmh.workloads.*;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/** select: a two-case select server and two ping-pong clients; ns per round trip. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class SelectBenchmark {
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
    @OperationsPerInvocation(SelectPingPong.ROUNDS)
    public long run() {
        return SelectPingPong.run(sched.factory(), im.chan(), SelectPingPong.ROUNDS / 2);
    }
}
