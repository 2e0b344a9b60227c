package io.goloom.scheduler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Programs run in child JVMs under the agent by {@link NetpollIT}: goloom's netpoller and per-P timers with
 * unmodified JDK code. Each prints {@code key=value} lines.
 */
final class NetpollPrograms {
    private NetpollPrograms() {}

    /** Whether the JVM-wide scheduler polls the network itself, and how many timers its Ps hold now. */
    static void printNetpollState() {
        GoScheduler s = AgentPrograms.jvmWide();
        System.out.println("netpoller=" + (s.sched().netpoller != null));
        System.out.println("timersOnP=" + s.sched().timersOnP);
        System.out.println("timerslen=" + timersLen(s));
        List<String> pollers = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.contains("Poller") || n.contains("unparker")).sorted().toList();
        System.out.println("jdkPollerOrTimerThreads=" + pollers);
    }

    static int timersLen(GoScheduler s) {
        int n = 0;
        for (Processor p : s.sched().procs.all()) {
            n += p.timers.size();
        }
        return n;
    }

    /** An echo server: one virtual thread per connection; prints its port, serves until stdin closes. */
    static final class EchoServer {
        public static void main(String[] args) throws Exception {
            ServerSocket ss = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
            AtomicLong echoed = new AtomicLong();
            AtomicInteger accepted = new AtomicInteger();
            Thread.ofVirtual().name("acceptor").start(() -> {
                try {
                    for (;;) {
                        Socket s = ss.accept();
                        accepted.incrementAndGet();
                        Thread.ofVirtual().start(() -> {
                            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                                byte[] buf = new byte[1024];
                                int n;
                                while ((n = in.read(buf)) > 0) {
                                    out.write(buf, 0, n);
                                    echoed.addAndGet(n);
                                }
                            } catch (IOException ignored) {
                                // the client went away
                            }
                        });
                    }
                } catch (IOException e) {
                    // closed at the end
                }
            });
            System.out.println("port=" + ss.getLocalPort());
            System.out.flush();
            System.in.read(); // until the test closes our stdin
            ss.close();
            System.out.println("accepted=" + accepted.get());
            System.out.println("echoedBytes=" + echoed.get());
            printNetpollState();
        }
    }

    /**
     * {@code conns} clients, each sending {@code msgs} 8-byte messages (connection id and sequence number) in
     * bursts of {@code burst} and checking every echoed byte. Connects are throttled to stay within the server's
     * backlog.
     */
    static final class EchoClients {
        public static void main(String[] args) throws Exception {
            int port = Integer.parseInt(args[0]);
            int conns = Integer.parseInt(args[1]);
            int msgs = Integer.parseInt(args[2]);
            int burst = Integer.parseInt(args[3]);
            AtomicLong received = new AtomicLong();
            AtomicLong mismatches = new AtomicLong();
            AtomicInteger failures = new AtomicInteger();
            Semaphore connecting = new Semaphore(512);
            CountDownLatch allConnected = new CountDownLatch(conns);
            List<Thread> threads = new ArrayList<>(conns);
            for (int c = 0; c < conns; c++) {
                final int id = c;
                threads.add(Thread.ofVirtual().start(() -> {
                    Socket s;
                    try {
                        connecting.acquire();
                        try {
                            s = new Socket();
                            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 30_000);
                        } finally {
                            connecting.release();
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        allConnected.countDown();
                        System.err.println("connect " + id + ": " + e);
                        return;
                    }
                    allConnected.countDown();
                    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                        // every connection open at once before the traffic starts: 10^4 sockets in the poller
                        allConnected.await();
                        ByteBuffer wb = ByteBuffer.allocate(8 * burst);
                        byte[] rb = new byte[8 * burst];
                        for (int i = 0; i < msgs; i += burst) {
                            int k = Math.min(burst, msgs - i);
                            wb.clear();
                            for (int j = 0; j < k; j++) {
                                wb.putInt(id).putInt(i + j);
                            }
                            out.write(wb.array(), 0, 8 * k);
                            in.readNBytes(rb, 0, 8 * k);
                            ByteBuffer r = ByteBuffer.wrap(rb, 0, 8 * k);
                            for (int j = 0; j < k; j++) {
                                if (r.getInt() != id || r.getInt() != i + j) {
                                    mismatches.incrementAndGet();
                                }
                                received.incrementAndGet();
                            }
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        System.err.println("conn " + id + ": " + e);
                    }
                }));
            }
            for (Thread t : threads) {
                if (!t.join(java.time.Duration.ofSeconds(80))) {
                    System.out.println("stuck=" + t);
                    break;
                }
            }
            System.out.println("received=" + received.get());
            System.out.println("mismatches=" + mismatches.get());
            System.out.println("failures=" + failures.get());
            printNetpollState();
        }
    }

    /**
     * The JDK's socket semantics on goloom's netpoller: SO_TIMEOUT, interrupt and close of threads blocked in
     * read and accept, a platform thread doing I/O beside virtual ones, and NIO channels.
     */
    static final class SocketSemantics {
        public static void main(String[] args) throws Exception {
            try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                // 1. SO_TIMEOUT: a read with no data times out, not early, not much late.
                try (Socket c = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort());
                     Socket a = ss.accept()) {
                    AtomicLong took = new AtomicLong(-1);
                    AtomicInteger timedOut = new AtomicInteger();
                    Thread vt = Thread.ofVirtual().start(() -> {
                        long t0 = System.nanoTime();
                        try {
                            c.setSoTimeout(200);
                            c.getInputStream().read();
                        } catch (SocketTimeoutException e) {
                            timedOut.incrementAndGet();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        took.set(System.nanoTime() - t0);
                    });
                    vt.join();
                    System.out.println("soTimeout.timedOut=" + timedOut.get());
                    System.out.println("soTimeout.tookMs=" + took.get() / 1_000_000);
                    // and data that arrives before the timeout is read
                    Thread reader = Thread.ofVirtual().start(() -> {
                        try {
                            c.setSoTimeout(5_000);
                            System.out.println("soTimeout.readBeforeTimeout=" + c.getInputStream().read());
                        } catch (IOException e) {
                            System.out.println("soTimeout.readBeforeTimeout=" + e);
                        }
                    });
                    Thread.sleep(50);
                    a.getOutputStream().write(42);
                    reader.join();
                }
                // 2. interrupt of a virtual thread blocked in read: SocketException, the socket closed.
                try (Socket c = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort());
                     Socket a = ss.accept()) {
                    blockThenWake("interruptRead", () -> c.getInputStream().read(), Thread::interrupt);
                    System.out.println("interruptRead.socketClosed=" + c.isClosed());
                }
                // 3. close of a socket another virtual thread is blocked reading.
                try (Socket c = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort());
                     Socket a = ss.accept()) {
                    blockThenWake("closeRead", () -> c.getInputStream().read(), vt -> closeQuietly(c));
                }
            }
            // 4. interrupt and close of a virtual thread blocked in accept.
            try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                blockThenWake("interruptAccept", ss::accept, Thread::interrupt);
            }
            try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                blockThenWake("closeAccept", ss::accept, vt -> closeQuietly(ss));
            }
            // 5. a platform thread serving a virtual client, and NIO channels (blocking mode) on virtual threads.
            try (ServerSocketChannel ssc = ServerSocketChannel.open()) {
                ssc.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                Thread platform = Thread.ofPlatform().start(() -> {
                    try (SocketChannel ch = ssc.accept()) {
                        ByteBuffer b = ByteBuffer.allocate(4);
                        for (int i = 0; i < 1000; i++) {
                            b.clear();
                            while (b.hasRemaining()) {
                                if (ch.read(b) < 0) {
                                    return;
                                }
                            }
                            b.flip();
                            while (b.hasRemaining()) {
                                ch.write(b);
                            }
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                AtomicInteger ok = new AtomicInteger();
                Thread vt = Thread.ofVirtual().start(() -> {
                    try (SocketChannel ch = SocketChannel.open(ssc.getLocalAddress())) {
                        ByteBuffer b = ByteBuffer.allocate(4);
                        for (int i = 0; i < 1000; i++) {
                            b.clear();
                            b.putInt(i).flip();
                            while (b.hasRemaining()) {
                                ch.write(b);
                            }
                            b.clear();
                            while (b.hasRemaining()) {
                                ch.read(b);
                            }
                            if (b.flip().getInt() == i) {
                                ok.incrementAndGet();
                            }
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                System.out.println("platformPeer.joined=" + vt.join(java.time.Duration.ofSeconds(30))
                        + platform.join(java.time.Duration.ofSeconds(30)));
                System.out.println("platformPeer.ok=" + ok.get());
            }
            printNetpollState();
        }

        /** A blocking socket operation. */
        interface Blocking {
            Object run() throws IOException;
        }

        /**
         * Runs {@code blocking} on a virtual thread, waits until it is parked in the poller, wakes it with {@code wake}
         * and prints {@code name.joined}, {@code name.outcome} (1: returned, 2: SocketException, 3: another
         * IOException) and {@code name.interrupted} (the thread's interrupt status when it caught the exception).
         */
        static void blockThenWake(String name, Blocking blocking, java.util.function.Consumer<Thread> wake)
                throws InterruptedException {
            AtomicLong outcome = new AtomicLong();
            java.util.concurrent.atomic.AtomicBoolean interrupted = new java.util.concurrent.atomic.AtomicBoolean();
            Thread vt = Thread.ofVirtual().start(() -> {
                try {
                    blocking.run();
                    outcome.set(1);
                } catch (SocketException e) {
                    interrupted.set(Thread.currentThread().isInterrupted());
                    outcome.set(2);
                } catch (IOException e) {
                    outcome.set(3);
                }
            });
            awaitBlocked(vt);
            wake.accept(vt);
            System.out.println(name + ".joined=" + vt.join(java.time.Duration.ofSeconds(10)));
            System.out.println(name + ".outcome=" + outcome.get());
            System.out.println(name + ".interrupted=" + interrupted.get());
        }

        static void closeQuietly(java.io.Closeable c) {
            try {
                c.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Until {@code t} is parked (in the poller), bounded. */
        static void awaitBlocked(Thread t) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(t + " did not block: " + t.getState());
                }
                Thread.sleep(1);
            }
            Thread.sleep(20);
        }
    }

    /**
     * {@code n} virtual threads each sleeping once for a random 0..{@code maxMs} ms: each wakes exactly once and
     * never early. Prints the counts and the lateness percentiles.
     */
    static final class Sleepers {
        public static void main(String[] args) throws Exception {
            int n = Integer.parseInt(args[0]);
            int maxMs = Integer.parseInt(args[1]);
            AtomicInteger woke = new AtomicInteger();
            AtomicInteger early = new AtomicInteger();
            long[] late = new long[n];
            List<Thread> threads = new ArrayList<>(n);
            Runtime rt = Runtime.getRuntime();
            System.gc();
            long before = rt.totalMemory() - rt.freeMemory();
            CountDownLatch allAsleep = new CountDownLatch(n);
            for (int i = 0; i < n; i++) {
                final int k = i;
                long nanos = ThreadLocalRandom.current().nextLong(TimeUnit.MILLISECONDS.toNanos(maxMs) + 1);
                threads.add(Thread.ofVirtual().start(() -> {
                    allAsleep.countDown();
                    long t0 = System.nanoTime();
                    try {
                        Thread.sleep(java.time.Duration.ofNanos(nanos));
                    } catch (InterruptedException e) {
                        return;
                    }
                    long slept = System.nanoTime() - t0;
                    if (slept < nanos) {
                        early.incrementAndGet();
                    }
                    late[k] = slept - nanos;
                    woke.incrementAndGet();
                }));
            }
            allAsleep.await();
            GoScheduler s = AgentPrograms.jvmWide();
            System.out.println("timersAtPeak=" + timersLen(s));
            System.gc();
            System.out.println("heapPerSleeperBytes=" + Math.max(0, (rt.totalMemory() - rt.freeMemory() - before) / n));
            for (Thread t : threads) {
                if (!t.join(java.time.Duration.ofSeconds(60))) {
                    System.out.println("stuck=" + t);
                    break;
                }
            }
            java.util.Arrays.sort(late);
            System.out.println("woke=" + woke.get());
            System.out.println("early=" + early.get());
            System.out.println("lateP50Us=" + late[n / 2] / 1000);
            System.out.println("lateP99Us=" + late[(int) (n * 0.99)] / 1000);
            printNetpollState();
        }
    }

    /**
     * Timers cancelled by an unpark before the deadline and by an interrupt of a sleep leave no entry in any
     * heap; timed Object.wait wakes by notify and by timeout.
     */
    static final class Cancelled {
        public static void main(String[] args) throws Exception {
            int n = Integer.parseInt(args[0]);
            GoScheduler s = AgentPrograms.jvmWide();
            ConcurrentHashMap<Thread, Boolean> parked = new ConcurrentHashMap<>();
            AtomicInteger done = new AtomicInteger();
            List<Thread> parkers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                parkers.add(Thread.ofVirtual().start(() -> {
                    parked.put(Thread.currentThread(), true);
                    long t0 = System.nanoTime();
                    // a spurious return is allowed by LockSupport: park again until unparked for real
                    while (parked.containsKey(Thread.currentThread())
                            && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(50)) {
                        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(60));
                    }
                    done.incrementAndGet();
                }));
            }
            awaitTimers(s, n);
            System.out.println("timersWhileParked=" + timersLen(s));
            for (Thread t : parkers) {
                parked.remove(t);
                LockSupport.unpark(t);
            }
            for (Thread t : parkers) {
                t.join(java.time.Duration.ofSeconds(30));
            }
            System.out.println("unparked=" + done.get());
            System.out.println("timersAfterUnpark=" + timersLen(s));

            AtomicInteger interrupted = new AtomicInteger();
            List<Thread> sleepers = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                sleepers.add(Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                    }
                }));
            }
            awaitTimers(s, n);
            sleepers.forEach(Thread::interrupt);
            for (Thread t : sleepers) {
                t.join(java.time.Duration.ofSeconds(30));
            }
            System.out.println("interrupted=" + interrupted.get());
            System.out.println("timersAfterInterrupt=" + timersLen(s));

            // timed Object.wait: one woken by notify, one by its timeout
            Object lock = new Object();
            AtomicLong waitedMs = new AtomicLong();
            Thread notified = Thread.ofVirtual().start(() -> {
                synchronized (lock) {
                    try {
                        lock.wait(60_000);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            Thread timedOut = Thread.ofVirtual().start(() -> {
                Object other = new Object();
                long t0 = System.nanoTime();
                synchronized (other) {
                    try {
                        other.wait(100);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
                waitedMs.set((System.nanoTime() - t0) / 1_000_000);
            });
            while (notified.getState() != Thread.State.TIMED_WAITING) {
                Thread.sleep(1);
            }
            synchronized (lock) {
                lock.notifyAll();
            }
            System.out.println("waitNotified=" + notified.join(java.time.Duration.ofSeconds(10)));
            System.out.println("waitTimedOut=" + timedOut.join(java.time.Duration.ofSeconds(10)));
            System.out.println("waitTimeoutMs=" + waitedMs.get());
            Thread.sleep(50);
            System.out.println("timersAtEnd=" + timersLen(s));
            printNetpollState();
        }

        private static void awaitTimers(GoScheduler s, int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (timersLen(s) < n && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
    }
}
