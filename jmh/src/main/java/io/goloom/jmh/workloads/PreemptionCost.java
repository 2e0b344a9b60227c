package io.goloom.jmh.workloads;

import io.goloom.jmh.bench.PreemptionBenchmark;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * {@link PreemptionBenchmark}'s kernels timed in thread CPU time, for a shared machine where JMH's wall-clock
 * scores swing with other people's load: a batch of calls is timed with
 * {@link ThreadMXBean#getCurrentThreadCpuTime()}, and the best batch of many is kept (the OS can only add to a
 * batch's time: migrations and cache pollution, never take away). Not a replacement for JMH on a quiet machine.
 *
 * <pre>
 * java -javaagent:scheduler/target/goloom-scheduler-0.1.0-SNAPSHOT.jar=preempt=true -cp jmh/target/benchmarks.jar \
 *     io.goloom.jmh.workloads.PreemptionCost
 * </pre>
 * Prints one line per kernel: {@code preemption-cost kernel=vector nsPerOp=312.4}.
 */
public final class PreemptionCost {
    private PreemptionCost() {}

    static volatile long sink;

    public static void main(String[] args) {
        long warmupMs = args.length > 0 ? Long.parseLong(args[0]) : 2000;
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        PreemptionBenchmark b = new PreemptionBenchmark();
        b.setup();
        kernel("vector", b, x -> x.vector()[7], warmupMs, batches);
        kernel("nested", b, x -> (long) x.nested()[3][5], warmupMs, batches);
        kernel("recursive", b, PreemptionBenchmark::recursive, warmupMs, batches);
        kernel("collections", b, PreemptionBenchmark::collections, warmupMs, batches);
        kernel("linkedList", b, PreemptionBenchmark::linkedList, warmupMs, batches);
    }

    static void kernel(String name, PreemptionBenchmark b, ToLongFunction<PreemptionBenchmark> k, long warmupMs,
                       int batches) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long s = 0;
        long end = System.nanoTime() + warmupMs * 1_000_000;
        int calls = 0;
        while (System.nanoTime() < end) {
            s += k.applyAsLong(b);
            calls++;
        }
        int perBatch = Math.max(1, (int) (calls / (warmupMs / 10.0))); // ~10 ms of wall time per batch
        double best = Double.MAX_VALUE;
        for (int i = 0; i < batches; i++) {
            long t0 = mx.getCurrentThreadCpuTime();
            for (int j = 0; j < perBatch; j++) {
                s += k.applyAsLong(b);
            }
            long t = mx.getCurrentThreadCpuTime() - t0;
            best = Math.min(best, (double) t / perBatch);
        }
        sink = s;
        System.out.println(String.format(Locale.ROOT, "preemption-cost kernel=%s nsPerOp=%.1f", name, best));
    }
}
