package io.goloom.jmh.bench;

import io.goloom.jmh.workloads.JdkPrograms;
import io.goloom.jmh.workloads.BenchScheduler;
import io.goloom.scheduler.GoScheduler;
import org.openjdk.jmh.annotations.*;

import java.lang.management.ManagementFactory;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Unmodified JDK programs ({@link JdkPrograms}) on the JDK default scheduler, under the goloom agent (the flag),
 * and on a library GoScheduler (issue 12); ns per operation (round trip, hand-off, lock, stage, thread; ms-scale
 * for a whole sieve). {@code mode} says which, and must match how the fork was started, which the annotation
 * cannot vary per parameter; {@code jmh/run-jdk-programs.sh} runs one JMH per mode:
 * <ul>
 *   <li>{@code jdk}: no extra flag;</li>
 *   <li>{@code flag}: {@code -jvmArgsAppend -javaagent:<scheduler jar>};</li>
 *   <li>{@code flag-nt}: the same plus {@code -XX:+UnlockExperimentalVMOptions -XX:-DoJVMTIVirtualThreadTransitions}
 *       (the agent without HotSpot's JVMTI mount/unmount tracking, see docs/agent.md);</li>
 *   <li>{@code library}: {@code GoScheduler.threadBuilder().factory()}, no agent.</li>
 * </ul>
 * Setup refuses a mode that does not match the fork's JVM (agent present or not), so a mislabelled row cannot be
 * published.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-opens", "java.base/java.lang=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class JdkProgramsBenchmark {
    @Param({"synchronousQueue", "linkedTransferQueue", "sieve", "exchanger", "reentrantLock", "synchronized",
            "completableFuture", "cachedThreadPool", "yield", "parkPingPong", "spawn"})
    public String program;

    @Param({"1", "2"})
    public int procs;

    @Param({"jdk"})
    public String mode;

    private BenchScheduler library;
    private ThreadFactory factory;

    @Setup(Level.Trial)
    public void setup() {
        boolean agent = GoScheduler.jvmWide().isPresent();
        boolean noTransitions = ManagementFactory.getRuntimeMXBean().getInputArguments()
                .contains("-XX:-DoJVMTIVirtualThreadTransitions");
        switch (mode) {
            case "jdk" -> {
                require(!agent, "mode=jdk runs without -javaagent");
                BenchScheduler.requireJdkParallelism(procs);
                factory = Thread.ofVirtual().factory();
            }
            case "flag", "flag-nt" -> {
                require(agent, "mode=" + mode + " needs -jvmArgsAppend -javaagent:<goloom-scheduler jar>");
                require(noTransitions == mode.equals("flag-nt"), "mode=flag-nt needs -XX:-DoJVMTIVirtualThreadTransitions, "
                        + "mode=flag must not have it");
                GoScheduler.jvmWide().get().setMaxProcs(procs);
                factory = Thread.ofVirtual().factory();
            }
            case "library" -> {
                require(!agent, "mode=library runs without -javaagent");
                library = BenchScheduler.open(true, procs);
                factory = library.factory();
            }
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (library != null) {
            library.close();
        }
    }

    /** One invocation; the per-operation time is this divided by {@link JdkPrograms#opsOf} (done by the script). */
    @Benchmark
    public long run() {
        return JdkPrograms.run(program, factory);
    }
}
