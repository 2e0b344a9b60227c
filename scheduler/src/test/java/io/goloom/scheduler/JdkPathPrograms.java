package io.goloom.scheduler;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Exchanger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.Phaser;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Unmodified JDK programs that take the JDK's special paths for its own carriers (spinning guided by
 * {@code ForkJoinWorkerThread.hasKnownQueuedWork}, {@code ForkJoinPool.managedBlock}, the yield's external
 * submit, ...), run in a child JVM under the agent by {@link AgentJdkPathsIT}. Each program runs on virtual
 * threads with a bounded wait and prints {@code path.<name>=ok} (or what went wrong), and the spin decision the
 * JDK's spinners see from a goloom carrier ({@code spin.*}).
 */
final class JdkPathPrograms {
    private JdkPathPrograms() {}

    static final int ROUNDS = 2_000;

    public static void main(String[] args) throws Exception {
        GoScheduler s = AgentPrograms.jvmWide();
        System.out.println("maxprocs=" + s.maxProcs());
        spinDecision(s);
        Map<String, Callable<Object>> programs = new LinkedHashMap<>();
        programs.put("synchronousQueue", JdkPathPrograms::synchronousQueuePingPong);
        programs.put("synchronousQueueTimed", JdkPathPrograms::synchronousQueueTimed);
        programs.put("linkedTransferQueue", JdkPathPrograms::linkedTransferQueuePingPong);
        programs.put("exchanger", JdkPathPrograms::exchanger);
        programs.put("reentrantLockCondition", JdkPathPrograms::reentrantLockCondition);
        programs.put("synchronizedWaitNotify", JdkPathPrograms::synchronizedWaitNotify);
        programs.put("completableFuture", JdkPathPrograms::completableFutureChain);
        programs.put("completableFutureCommonPool", JdkPathPrograms::completableFutureCommonPool);
        programs.put("cachedThreadPool", JdkPathPrograms::cachedThreadPool);
        programs.put("phaser", JdkPathPrograms::phaser);
        programs.put("yield", JdkPathPrograms::yields);
        programs.put("parkUnpark", JdkPathPrograms::parkUnpark);
        for (var e : programs.entrySet()) {
            Object[] result = new Object[1];
            boolean[] onGoloom = new boolean[1];
            Thread t = Thread.ofVirtual().name("program-" + e.getKey()).start(() -> {
                onGoloom[0] = s.runsCurrentThread();
                try {
                    result[0] = e.getValue().call();
                } catch (Throwable x) {
                    result[0] = x;
                }
            });
            String outcome;
            if (!t.join(java.time.Duration.ofSeconds(20))) {
                outcome = "timeout";
            } else if (!onGoloom[0]) {
                outcome = "not-on-goloom";
            } else if (result[0] instanceof Throwable x) {
                outcome = "threw " + x;
            } else {
                outcome = "ok";
            }
            System.out.println("path." + e.getKey() + "=" + outcome);
        }
    }

    /**
     * What {@code ForkJoinWorkerThread.hasKnownQueuedWork()} (the JDK's "don't spin" signal, rewritten by the
     * agent) answers on a goloom carrier: alone, and with a G queued in our runnext. Needs
     * {@code --add-opens java.base/java.util.concurrent=ALL-UNNAMED} (a test-only flag: the method is private to
     * the package).
     */
    static void spinDecision(GoScheduler s) throws Exception {
        Method m = Class.forName("java.util.concurrent.ForkJoinWorkerThread").getDeclaredMethod("hasKnownQueuedWork");
        m.setAccessible(true);
        System.out.println("spin.platformThread.hasKnownQueuedWork=" + m.invoke(null));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean hogRunning = new AtomicBoolean();
        Thread hog = null;
        if (s.maxProcs() > 1) {
            // keep the other P running, so that Go's "another P is running" holds
            hog = Thread.ofVirtual().start(() -> {
                hogRunning.set(true);
                while (!stop.get()) {
                    Thread.onSpinWait();
                }
            });
        }
        boolean[] r = new boolean[2];
        boolean needHog = hog != null;
        Thread probe = Thread.ofVirtual().start(() -> {
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (needHog && !hogRunning.get() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                r[0] = (boolean) m.invoke(null);
                // at GOMAXPROCS>1 a spinning M may be counted for a moment: ask until it settles
                while (needHog && r[0] && System.nanoTime() < deadline) {
                    r[0] = (boolean) m.invoke(null);
                }
                Thread child = Thread.ofVirtual().start(() -> { }); // to our runnext
                r[1] = (boolean) m.invoke(null);
                stop.set(true);
                child.join();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        boolean done = probe.join(java.time.Duration.ofSeconds(20));
        stop.set(true);
        if (hog != null) {
            hog.join(10_000);
        }
        System.out.println("spin.done=" + done);
        System.out.println("spin.alone.hasKnownQueuedWork=" + r[0]);
        System.out.println("spin.withRunnext.hasKnownQueuedWork=" + r[1]);
    }

    static Object synchronousQueuePingPong() throws Exception {
        SynchronousQueue<Integer> ping = new SynchronousQueue<>();
        SynchronousQueue<Integer> pong = new SynchronousQueue<>();
        Thread peer = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < ROUNDS; i++) {
                    pong.put(ping.take() + 1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < ROUNDS; i++) {
            ping.put(i);
            if (pong.take() != i + 1) {
                throw new AssertionError("wrong value");
            }
        }
        peer.join();
        return null;
    }

    /** The timed path of LinkedTransferQueue.await (spins below 1 µs left, parkNanos otherwise). */
    static Object synchronousQueueTimed() throws Exception {
        SynchronousQueue<Integer> q = new SynchronousQueue<>();
        if (q.poll(5, TimeUnit.MILLISECONDS) != null) {
            throw new AssertionError("nothing was offered");
        }
        Thread peer = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < ROUNDS; i++) {
                    while (!q.offer(i, 1, TimeUnit.SECONDS)) {
                        Thread.onSpinWait();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < ROUNDS; i++) {
            Integer v = q.poll(10, TimeUnit.SECONDS);
            if (v == null || v != i) {
                throw new AssertionError("got " + v + ", expected " + i);
            }
        }
        peer.join();
        return null;
    }

    static Object linkedTransferQueuePingPong() throws Exception {
        LinkedTransferQueue<Integer> ping = new LinkedTransferQueue<>();
        LinkedTransferQueue<Integer> pong = new LinkedTransferQueue<>();
        Thread peer = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < ROUNDS; i++) {
                    pong.transfer(ping.take() + 1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < ROUNDS; i++) {
            ping.transfer(i);
            if (pong.take() != i + 1) {
                throw new AssertionError("wrong value");
            }
        }
        peer.join();
        return null;
    }

    static Object exchanger() throws Exception {
        Exchanger<Integer> x = new Exchanger<>();
        Thread peer = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < ROUNDS; i++) {
                    x.exchange(-i);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < ROUNDS; i++) {
            if (x.exchange(i) != -i) {
                throw new AssertionError("wrong value");
            }
        }
        peer.join();
        return null;
    }

    /** Contended lock plus Condition.await, whose AQS code goes through ForkJoinPool.managedBlock. */
    static Object reentrantLockCondition() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        Condition turn = lock.newCondition();
        long[] counter = new long[1];
        int threads = 4;
        List<Thread> ts = new ArrayList<>();
        for (int k = 0; k < threads; k++) {
            int me = k;
            ts.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 200; i++) {
                    lock.lock();
                    try {
                        while (counter[0] % threads != me) {
                            turn.awaitUninterruptibly();
                        }
                        counter[0]++;
                        turn.signalAll();
                    } finally {
                        lock.unlock();
                    }
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        if (counter[0] != threads * 200L) {
            throw new AssertionError("counter " + counter[0]);
        }
        return null;
    }

    static Object synchronizedWaitNotify() throws Exception {
        Object monitor = new Object();
        long[] counter = new long[1];
        int threads = 4;
        List<Thread> ts = new ArrayList<>();
        for (int k = 0; k < threads; k++) {
            int me = k;
            ts.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 200; i++) {
                    synchronized (monitor) {
                        while (counter[0] % threads != me) {
                            try {
                                monitor.wait();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                        }
                        counter[0]++;
                        monitor.notifyAll();
                    }
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        if (counter[0] != threads * 200L) {
            throw new AssertionError("counter " + counter[0]);
        }
        return null;
    }

    /** A chain of async stages on virtual threads, joined from a virtual thread (waitingGet: managedBlock). */
    static Object completableFutureChain() throws Exception {
        try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<Integer> f = CompletableFuture.supplyAsync(() -> 0, vts);
            for (int i = 0; i < 500; i++) {
                f = f.thenApplyAsync(v -> v + 1, vts);
            }
            if (f.get(10, TimeUnit.SECONDS) != 500) {
                throw new AssertionError("chain");
            }
        }
        return null;
    }

    /** Work handed from a virtual thread to the common pool (a real ForkJoinPool) and joined back. */
    static Object completableFutureCommonPool() {
        int sum = 0;
        for (int i = 0; i < 200; i++) {
            int k = i;
            sum += CompletableFuture.supplyAsync(() -> k).join();
        }
        if (sum != 199 * 200 / 2) {
            throw new AssertionError("sum " + sum);
        }
        return null;
    }

    /** newCachedThreadPool on a virtual-thread factory: tasks handed over through a SynchronousQueue. */
    static Object cachedThreadPool() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool(Thread.ofVirtual().factory());
        try {
            AtomicLong sum = new AtomicLong();
            for (int i = 0; i < ROUNDS; i++) {
                int k = i;
                Future<?> f = pool.submit(() -> sum.addAndGet(k));
                f.get(10, TimeUnit.SECONDS);
            }
            if (sum.get() != (long) (ROUNDS - 1) * ROUNDS / 2) {
                throw new AssertionError("sum " + sum);
            }
        } finally {
            pool.shutdown();
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new AssertionError("pool did not terminate");
            }
        }
        return null;
    }

    static Object phaser() throws Exception {
        int parties = 4;
        Phaser ph = new Phaser(parties);
        List<Thread> ts = new ArrayList<>();
        for (int k = 0; k < parties; k++) {
            ts.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 100; i++) {
                    ph.arriveAndAwaitAdvance();
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        if (ph.getPhase() != 100) {
            throw new AssertionError("phase " + ph.getPhase());
        }
        return null;
    }

    /** Thread.yield (the JDK's external submit for its own carriers; Gosched on goloom's). */
    static Object yields() throws Exception {
        CountDownLatch done = new CountDownLatch(3);
        AtomicLong total = new AtomicLong();
        for (int k = 0; k < 3; k++) {
            Thread.ofVirtual().start(() -> {
                for (int i = 0; i < ROUNDS; i++) {
                    total.incrementAndGet();
                    Thread.yield();
                }
                done.countDown();
            });
        }
        if (!done.await(10, TimeUnit.SECONDS) || total.get() != 3L * ROUNDS) {
            throw new AssertionError("yields " + total);
        }
        return null;
    }

    /** park/unpark ping-pong (the JDK's lazy submit for its own carriers). */
    static Object parkUnpark() throws Exception {
        AtomicLong turn = new AtomicLong();
        Thread[] peers = new Thread[2];
        for (int k = 0; k < 2; k++) {
            int me = k;
            peers[k] = Thread.ofVirtual().unstarted(() -> {
                for (int i = 0; i < ROUNDS; i++) {
                    while (turn.get() % 2 != me) {
                        LockSupport.park();
                    }
                    turn.incrementAndGet();
                    LockSupport.unpark(peers[1 - me]);
                }
            });
        }
        peers[0].start();
        peers[1].start();
        peers[0].join();
        peers[1].join();
        if (turn.get() != 2L * ROUNDS) {
            throw new AssertionError("turn " + turn);
        }
        return null;
    }
}
