package io.goloom.jmh.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * The cost of goloom's preemption points on compute kernels. This class is application code to the agent: run
 * with {@code -jvmArgsAppend -javaagent:goloom-scheduler.jar=preempt=true} and {@code =preempt=false} and compare
 * (jmh/run-preemption.sh does both). The kernels run on JMH's platform threads: the request word stays down, so
 * what is measured is the fast path of every point (one load, one branch) and what it does to the JIT's loop
 * optimisations.
 *
 * <ul>
 *   <li>{@code vector}: {@code c[i] = a[i] * k + b[i]}, a counted loop without calls (no point: it stays
 *       vectorised);</li>
 *   <li>{@code nested}: 64x64 matrix multiply (the inner counted loop has no point, the outer two do);</li>
 *   <li>{@code recursive}: fib(20) (a point at each entry);</li>
 *   <li>{@code collections}: ArrayList iteration and HashMap look-ups (a point per iteration, in a loop full of
 *       calls);</li>
 *   <li>{@code linkedList}: a pointer-chasing {@code while} loop without calls (a point per iteration: the
 *       worst case).</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PreemptionBenchmark {
    static final int N = 4096;
    static final int M = 64;

    int[] a = new int[N];
    int[] b = new int[N];
    int[] c = new int[N];
    double[][] x = new double[M][M];
    double[][] y = new double[M][M];
    double[][] z = new double[M][M];
    List<Integer> list = new ArrayList<>();
    Map<Integer, Integer> map = new HashMap<>();
    Node head;

    static final class Node {
        final int v;
        final Node next;

        Node(int v, Node next) {
            this.v = v;
            this.next = next;
        }
    }

    @Setup
    public void setup() {
        for (int i = 0; i < N; i++) {
            a[i] = i * 7;
            b[i] = i ^ 0x55;
            list.add(i);
            map.put(i, i * 3);
            head = new Node(i, head);
        }
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < M; j++) {
                x[i][j] = i + j;
                y[i][j] = i - j;
            }
        }
    }

    @Benchmark
    public int[] vector() {
        int[] a = this.a, b = this.b, c = this.c;
        for (int i = 0; i < c.length; i++) {
            c[i] = a[i] * 31 + b[i];
        }
        return c;
    }

    @Benchmark
    public double[][] nested() {
        for (int i = 0; i < M; i++) {
            double[] xi = x[i];
            double[] zi = z[i];
            for (int j = 0; j < M; j++) {
                zi[j] = 0;
            }
            for (int k = 0; k < M; k++) {
                double xik = xi[k];
                double[] yk = y[k];
                for (int j = 0; j < M; j++) {
                    zi[j] += xik * yk[j];
                }
            }
        }
        return z;
    }

    @Benchmark
    public int recursive() {
        return fib(20);
    }

    static int fib(int n) {
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
    }

    @Benchmark
    public long collections() {
        long s = 0;
        for (Integer v : list) {
            s += map.get(v);
        }
        return s;
    }

    @Benchmark
    public long linkedList() {
        long s = 0;
        Node n = head;
        while (n != null) {
            s += n.v;
            n = n.next;
        }
        return s;
    }
}
