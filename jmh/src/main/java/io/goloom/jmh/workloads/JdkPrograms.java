package io.goloom.jmh.workloads;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Exchanger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Unmodified JDK programs (issue 12): only {@code java.util.concurrent} and {@code Thread}, no goloom API. They run on
 * whatever {@code tf} makes: {@code Thread.ofVirtual().factory()} (the JDK default, or goloom under the agent) or a
 * library {@code GoScheduler}'s factory. Each returns the number of operations it made (the benchmark's unit).
 */
public final class JdkPrograms {
    private JdkPrograms() {}

    /** Round trips / hand-offs / lock acquisitions per benchmark operation. */
    public static final int OPS = 20_000;
    /** Primes of the sieve over SynchronousQueues (one operation = one whole sieve). */
    public static final int SIEVE_PRIMES = 500;
    /** Stages of the CompletableFuture chain. */
    public static final int CF_STAGES = 2_000;
    /** Threads of the contended lock programs. */
    public static final int LOCKERS = 4;

    /** Operations per invocation of {@code program} (JMH's {@code OperationsPerInvocation} is per method). */
    public static int opsOf(String program) {
        return switch (program) {
            case "sieve" -> 1;
            case "completableFuture" -> CF_STAGES;
            case "spawn" -> OPS * 5;
            case "yield" -> OPS * 5;
            default -> OPS;
        };
    }

    public static long run(String program, ThreadFactory tf) {
        return switch (program) {
            case "synchronousQueue" -> pingPong(tf, new SynchronousQueue<>(), new SynchronousQueue<>(), false);
            case "linkedTransferQueue" -> pingPong(tf, new LinkedTransferQueue<>(), new LinkedTransferQueue<>(), true);
            case "sieve" -> Sieve.run(tf, ChanKind.QUEUE, SIEVE_PRIMES) > 0 ? 1 : 0;
            case "exchanger" -> exchanger(tf, OPS);
            case "reentrantLock" -> reentrantLock(tf, OPS);
            case "synchronized" -> synchronizedLock(tf, OPS);
            case "completableFuture" -> completableFuture(tf, CF_STAGES);
            case "cachedThreadPool" -> cachedThreadPool(tf, OPS);
            case "yield" -> Yield.run(tf, 1, OPS * 5);
            case "parkPingPong" -> ParkPingPong.run(tf, OPS);
            case "spawn" -> Spawn.run(tf, OPS * 5);
            default -> throw new IllegalArgumentException("unknown program " + program);
        };
    }

    static long pingPong(ThreadFactory tf, java.util.concurrent.BlockingQueue<Integer> ping,
                         java.util.concurrent.BlockingQueue<Integer> pong, boolean transfer) {
        return Threads.runMain(tf, () -> {
            Thread peer = Threads.start(tf, () -> {
                for (int i = 0; i < OPS; i++) {
                    Integer v = ping.take();
                    if (transfer) {
                        ((LinkedTransferQueue<Integer>) pong).transfer(v);
                    } else {
                        pong.put(v);
                    }
                }
            });
            for (int i = 0; i < OPS; i++) {
                if (transfer) {
                    ((LinkedTransferQueue<Integer>) ping).transfer(i);
                } else {
                    ping.put(i);
                }
                pong.take();
            }
            peer.join();
            return (long) OPS;
        });
    }

    static long exchanger(ThreadFactory tf, int n) {
        return Threads.runMain(tf, () -> {
            Exchanger<Integer> x = new Exchanger<>();
            Thread peer = Threads.start(tf, () -> {
                for (int i = 0; i < n; i++) {
                    x.exchange(i);
                }
            });
            for (int i = 0; i < n; i++) {
                x.exchange(i);
            }
            peer.join();
            return (long) n;
        });
    }

    /** {@link #LOCKERS} threads take one ReentrantLock {@code n} times in all, doing a little work inside. */
    static long reentrantLock(ThreadFactory tf, int n) {
        return Threads.runMain(tf, () -> {
            ReentrantLock lock = new ReentrantLock();
            long[] counter = new long[1];
            Thread[] ts = new Thread[LOCKERS];
            for (int k = 0; k < LOCKERS; k++) {
                ts[k] = Threads.start(tf, () -> {
                    for (int i = 0; i < n / LOCKERS; i++) {
                        lock.lock();
                        try {
                            counter[0]++;
                        } finally {
                            lock.unlock();
                        }
                    }
                });
            }
            Threads.joinAll(ts);
            return counter[0];
        });
    }

    static long synchronizedLock(ThreadFactory tf, int n) {
        return Threads.runMain(tf, () -> {
            Object monitor = new Object();
            long[] counter = new long[1];
            Thread[] ts = new Thread[LOCKERS];
            for (int k = 0; k < LOCKERS; k++) {
                ts[k] = Threads.start(tf, () -> {
                    for (int i = 0; i < n / LOCKERS; i++) {
                        synchronized (monitor) {
                            counter[0]++;
                        }
                    }
                });
            }
            Threads.joinAll(ts);
            return counter[0];
        });
    }

    /** A chain of {@code n} async stages, each on a new virtual thread of {@code tf}, joined by main. */
    static long completableFuture(ThreadFactory tf, int n) {
        return Threads.runMain(tf, () -> {
            try (ExecutorService vts = Executors.newThreadPerTaskExecutor(tf)) {
                CompletableFuture<Integer> f = CompletableFuture.supplyAsync(() -> 0, vts);
                for (int i = 0; i < n; i++) {
                    f = f.thenApplyAsync(v -> v + 1, vts);
                }
                return (long) f.join();
            }
        });
    }

    /** {@code Executors.newCachedThreadPool} on {@code tf}: {@code n} tasks handed over one at a time. */
    static long cachedThreadPool(ThreadFactory tf, int n) {
        return Threads.runMain(tf, () -> {
            ExecutorService pool = Executors.newCachedThreadPool(tf);
            try {
                AtomicLong sum = new AtomicLong();
                for (int i = 0; i < n; i++) {
                    Future<?> f = pool.submit(sum::incrementAndGet);
                    f.get();
                }
                return sum.get();
            } finally {
                pool.shutdown();
            }
        });
    }
}
