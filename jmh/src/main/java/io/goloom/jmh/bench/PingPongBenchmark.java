package io.goloom.jmh.bench;

import io.goloom.jmh.workloads.*;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/** ping-pong: ns per round trip over two unbuffered channels. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class PingPongBenchmark {
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
    @OperationsPerInvocation(PingPong.ROUNDS)
    public long run() {
        return PingPong.run(sched.factory(), im.chan(), PingPong.ROUNDS);
    }
}
