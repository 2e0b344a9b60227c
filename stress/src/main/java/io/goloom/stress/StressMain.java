package io.goloom.stress;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import com.sun.management.HotSpotDiagnosticMXBean;

import io.goloom.channels.ChannelPanicException;
import io.goloom.channels.GoChannel;
import io.goloom.channels.Received;
import io.goloom.channels.Select;
import io.goloom.scheduler.GoScheduler;
import io.goloom.scheduler.GoSchedulerStats;

/**
 * Long stress runs of goloom's scheduler and channels, with faults injected, checked for lost wake-ups, lost or
 * duplicated values and leaked carrier threads. Not part of {@code mvn verify}: run it with
 * {@code mvn -pl jcstress-tests -am verify -Pstress -DskipTests} (options in {@code -Dstress.args="..."}; see
 * docs/correctness.md) or directly with {@code java --add-opens java.base/java.lang=ALL-UNNAMED}.
 *
 * <p>For each GOMAXPROCS in {@code --procs} (default 1,2,8), on a fresh {@link GoScheduler}:
 * <ol>
 *   <li><b>park/unpark hand-offs</b>: rings of virtual threads pass a token with {@code LockSupport.unpark}/
 *       {@code park} ({@code --handoffs}, default 10^7, in total per run); meanwhile CPU hogs (virtual threads
 *       that spin 15 ms, so sysmon retakes their P), sleepers (timer wake-ups from the JDK's unparker threads),
 *       {@code Thread.yield} in the rings and random {@code setMaxProcs} changes (1..2P) run alongside;</li>
 *   <li><b>channel values</b>: producers send {@code --values} (default 10^6) distinct values through a sequence of
 *       channels (unbuffered and buffered alternately) that a closer closes at random moments, while an
 *       interrupter interrupts producers and consumers at random. A send that panics (closed) or is interrupted
 *       is retried on the current channel; consumers drain each channel to its close, a quarter of them through
 *       a {@code select} with a timeout. Every value must be received exactly once;</li>
 *   <li><b>carrier leak</b>: after {@code close()} and {@code awaitTermination}, no thread whose name starts with
 *       the scheduler's name may be alive.</li>
 * </ol>
 * A watchdog fails the run (exit 2) after {@code --stall} seconds (default 30) without progress, after dumping
 * every thread (platform threads, this run's virtual threads, and the scheduler's {@code scheddetail}).
 *
 * <p>Sysmon's safety net (a spinner started because work waited across two sysmon ticks with an idle P and nobody
 * spinning) counts only when its wakep actually started an M, so {@code sysmonWakeups > 0} means a wake-up was
 * lost: the run asserts it is 0 (issue 13). {@code --lenient} turns that failure back into a WARNING.
 *
 * <p>Options: {@code --procs 1,2,8 --handoffs N --values N --stall S --no-maxprocs-changes --lenient} ({@code --strict},
 * the default, is accepted). Exit 0: all checks passed.
 */
public final class StressMain {
    private final int procs;
    private final long handoffTarget;
    private final int valueCount;
    private final int stallSeconds;
    private final boolean maxProcsChaos;
    private final boolean strict;
    private final AtomicLong progress = new AtomicLong();
    private final List<Thread> ourThreads = new CopyOnWriteArrayList<>();
    private volatile GoScheduler current;
    private volatile String phase = "start";

    // fault and operation counters
    private final LongAdder maxProcsChanges = new LongAdder();
    private final LongAdder hogs = new LongAdder();
    private final LongAdder sleeps = new LongAdder();
    private final LongAdder yields = new LongAdder();
    private final LongAdder interruptsIssued = new LongAdder();
    private final LongAdder interruptsCaught = new LongAdder();
    private final LongAdder closes = new LongAdder();
    private final LongAdder panics = new LongAdder();
    private final LongAdder selectTimeouts = new LongAdder();
    private final LongAdder selects = new LongAdder();

    private StressMain(int procs, long handoffTarget, int valueCount, int stallSeconds, boolean maxProcsChaos,
                       boolean strict) {
        this.maxProcsChaos = maxProcsChaos;
        this.strict = strict;
        this.procs = procs;
        this.handoffTarget = handoffTarget;
        this.valueCount = valueCount;
        this.stallSeconds = stallSeconds;
    }

    public static void main(String[] args) throws Exception {
        int[] procList = {1, 2, 8};
        long handoffs = 10_000_000L;
        int values = 1_000_000;
        int stall = 30;
        boolean maxProcsChaos = true;
        boolean strict = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i].strip();
            if (a.isEmpty()) {
                continue;
            }
            if (a.contains(" ")) { // one Maven property holding several options
                String[] more = a.split("\\s+");
                String[] rest = java.util.Arrays.copyOfRange(args, i + 1, args.length);
                args = concat(more, rest);
                i = -1;
                continue;
            }
            switch (a) {
                case "--procs" -> procList = java.util.Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--handoffs" -> handoffs = (long) Double.parseDouble(args[++i]);
                case "--values" -> values = (int) Double.parseDouble(args[++i]);
                case "--stall" -> stall = Integer.parseInt(args[++i]);
                case "--no-maxprocs-changes" -> maxProcsChaos = false;
                case "--strict" -> strict = true;
                case "--lenient" -> strict = false;
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        System.out.printf(Locale.ROOT, "goloom stress: procs=%s handoffs=%,d values=%,d setMaxProcs changes %s, on %d CPUs, %s%n",
                java.util.Arrays.toString(procList), handoffs, values, maxProcsChaos ? "on" : "OFF",
                Runtime.getRuntime().availableProcessors(), Runtime.version());
        boolean ok = true;
        List<String> table = new ArrayList<>();
        for (int p : procList) {
            StressMain run = new StressMain(p, handoffs, values, stall, maxProcsChaos, strict);
            ok &= run.runAll(table);
        }
        System.out.println();
        System.out.println("| P | hand-offs | time | values | time | interrupts (issued/caught) | closes | send panics | selects (timeouts) | setMaxProcs | hogs | hog retakes | sleeps | lost | dup | leaked carriers | sysmon rescues |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        table.forEach(System.out::println);
        System.out.println(ok ? "goloom stress: OK" : "goloom stress: FAILED");
        System.exit(ok ? 0 : 1);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private boolean runAll(List<String> table) throws Exception {
        String name = "stress-p" + procs;
        GoScheduler s = GoScheduler.builder().maxProcs(procs).name(name).build();
        current = s;
        Thread watchdog = Thread.ofPlatform().daemon().name("stress-watchdog").start(this::watch);

        long t0 = System.nanoTime();
        phase = "hand-offs";
        long handoffs = handoffs(s);
        long rescuesInHandoffs = s.stats().sysmonWakeups();
        long t1 = System.nanoTime();
        phase = "channels";
        long[] lostDup = channels(s);
        long t2 = System.nanoTime();

        phase = "termination";
        s.setMaxProcs(procs);
        GoSchedulerStats st = s.stats();
        s.close();
        boolean terminated = s.awaitTermination(Duration.ofSeconds(30));
        List<String> leaked = new ArrayList<>();
        for (int i = 0; i < 50 && !(leaked = liveThreads(name)).isEmpty(); i++) {
            Thread.sleep(100); // a carrier that decremented its count may take a moment to actually die
        }
        phase = "done";
        watchdog.interrupt();

        boolean ok = handoffs >= handoffTarget && lostDup[0] == 0 && lostDup[1] == 0 && terminated && leaked.isEmpty()
                && (!strict || st.sysmonWakeups() == 0);
        if (st.sysmonWakeups() > 0) {
            System.out.printf(Locale.ROOT, "WARNING P=%d: sysmon's safety net started a spinner %d times: work sat in the "
                    + "global queue across two sysmon ticks with an idle P and nobody spinning (a wake-up the protocol "
                    + "lost and sysmon rescued)%s%n", procs, st.sysmonWakeups(), strict ? "; failing (--lenient to only warn)" : "");
        }
        System.out.printf(Locale.ROOT, "P=%d: %,d hand-offs in %.1f s; %,d values in %.1f s: lost %d, duplicated %d; "
                        + "interrupts %d issued / %d caught, %d closes, %d send panics, %d selects (%d timed out), "
                        + "%d setMaxProcs, %d hogs (%d hog retakes, %d handoffs), %d sleeps, %d yields; "
                        + "terminated=%s leaked=%s; steals=%d Ms created=%d sysmon rescues=%d (%d in the hand-off phase) -> %s%n",
                procs, handoffs, (t1 - t0) / 1e9, (long) valueCount, (t2 - t1) / 1e9, lostDup[0], lostDup[1],
                interruptsIssued.sum(), interruptsCaught.sum(), closes.sum(), panics.sum(), selects.sum(),
                selectTimeouts.sum(), maxProcsChanges.sum(), hogs.sum(), st.hogRetakes(), st.handoffs(),
                sleeps.sum(), yields.sum(), terminated, leaked, st.steals(), st.machinesCreated(),
                st.sysmonWakeups(), rescuesInHandoffs, ok ? "OK" : "FAILED");
        table.add(String.format(Locale.ROOT, "| %d | %,d | %.1f s | %,d | %.1f s | %,d / %,d | %,d | %,d | %,d (%,d) | %,d | %,d | %,d | %,d | %d | %d | %d | %d |",
                procs, handoffs, (t1 - t0) / 1e9, (long) valueCount, (t2 - t1) / 1e9, interruptsIssued.sum(),
                interruptsCaught.sum(), closes.sum(), panics.sum(), selects.sum(), selectTimeouts.sum(),
                maxProcsChanges.sum(), hogs.sum(), st.hogRetakes(), sleeps.sum(), lostDup[0], lostDup[1],
                leaked.size(), st.sysmonWakeups()));
        return ok;
    }

    // ------------------------------------------------------------------------------------------------------
    // 1. park/unpark hand-offs with chaos alongside
    // ------------------------------------------------------------------------------------------------------

    private static final class Ring {
        final Thread[] members;
        volatile int turn;
        volatile boolean done;
        long count; // written only by the thread holding the turn
        final long target;

        Ring(int size, long target) {
            members = new Thread[size];
            this.target = target;
        }
    }

    private long handoffs(GoScheduler s) throws InterruptedException {
        int rings = Math.max(2, procs * 2);
        int ringSize = 4;
        long perRing = (handoffTarget + rings - 1) / rings;
        List<Ring> all = new ArrayList<>();
        List<Thread> members = new ArrayList<>();
        for (int r = 0; r < rings; r++) {
            Ring ring = new Ring(ringSize, perRing);
            all.add(ring);
            for (int i = 0; i < ringSize; i++) {
                final int me = i;
                ring.members[i] = s.threadBuilder().name("ring" + r + "-" + i).unstarted(() -> ringMember(ring, me));
                members.add(ring.members[i]);
                ourThreads.add(ring.members[i]);
            }
        }
        members.forEach(Thread::start);
        ChaosThreads chaos = startChaos(s);
        for (Thread t : members) {
            t.join();
        }
        chaos.stop();
        long total = 0;
        for (Ring ring : all) {
            total += ring.count;
        }
        return total;
    }

    private void ringMember(Ring ring, int me) {
        int n = ring.members.length;
        Thread next = ring.members[(me + 1) % n];
        for (;;) {
            while (ring.turn != me) {
                if (ring.done) {
                    return;
                }
                LockSupport.park(ring);
            }
            if (ring.done) {
                return;
            }
            long c = ++ring.count;
            if ((c & 1023) == 0) {
                progress.addAndGet(1024);
            }
            if (c >= ring.target) {
                ring.done = true;
                for (Thread t : ring.members) {
                    LockSupport.unpark(t);
                }
                return;
            }
            if ((c & 4095) == 0) {
                yields.increment();
                Thread.yield();
            }
            ring.turn = (me + 1) % n;
            LockSupport.unpark(next);
        }
    }

    private final class ChaosThreads {
        volatile boolean stop;
        final List<Thread> threads = new ArrayList<>();

        void stop() throws InterruptedException {
            stop = true;
            for (Thread t : threads) {
                LockSupport.unpark(t);
                t.join();
            }
        }
    }

    private ChaosThreads startChaos(GoScheduler s) {
        ChaosThreads c = new ChaosThreads();
        // setMaxProcs between 1 and 2P, every 2-20 ms (a platform thread, like an operator's call)
        c.threads.add(Thread.ofPlatform().daemon().name("stress-maxprocs").start(() -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (!c.stop && maxProcsChaos) {
                LockSupport.parkNanos(rnd.nextLong(2_000_000, 20_000_000));
                s.setMaxProcs(rnd.nextInt(1, 2 * procs + 1));
                maxProcsChanges.increment();
            }
            s.setMaxProcs(procs);
        }));
        // CPU hogs: spin 15 ms every ~50 ms, so sysmon retakes the P (Go's preemption/retake case)
        Thread hog = s.threadBuilder().name("stress-hog").unstarted(() -> {
            while (!c.stop) {
                long end = System.nanoTime() + 15_000_000;
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                hogs.increment();
                LockSupport.parkNanos(50_000_000);
            }
        });
        ourThreads.add(hog);
        c.threads.add(hog);
        hog.start();
        // sleepers: timer wake-ups arrive from the JDK's unparker threads (external submissions)
        for (int i = 0; i < 4; i++) {
            Thread sleeper = s.threadBuilder().name("stress-sleeper-" + i).unstarted(() -> {
                while (!c.stop) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                    sleeps.increment();
                }
            });
            ourThreads.add(sleeper);
            c.threads.add(sleeper);
            sleeper.start();
        }
        return c;
    }

    // ------------------------------------------------------------------------------------------------------
    // 2. channel values with random interrupts and closes
    // ------------------------------------------------------------------------------------------------------

    private long[] channels(GoScheduler s) throws InterruptedException {
        int producers = Math.max(2, procs * 2);
        int consumers = Math.max(2, procs * 2);
        AtomicIntegerArray received = new AtomicIntegerArray(valueCount);
        List<GoChannel<Integer>> epochs = new CopyOnWriteArrayList<>();
        epochs.add(GoChannel.unbuffered());
        AtomicLong receivedCount = new AtomicLong();
        List<Thread> prods = new ArrayList<>();
        List<Thread> cons = new ArrayList<>();
        Map<Thread, Boolean> targets = new ConcurrentHashMap<>();
        int per = (valueCount + producers - 1) / producers;
        for (int p = 0; p < producers; p++) {
            int from = p * per;
            int to = Math.min(valueCount, from + per);
            Thread t = s.threadBuilder().name("producer-" + p).unstarted(() -> produce(epochs, from, to));
            prods.add(t);
        }
        for (int k = 0; k < consumers; k++) {
            boolean viaSelect = k % 4 == 3;
            Thread t = s.threadBuilder().name("consumer-" + k).unstarted(
                    () -> consume(epochs, received, receivedCount, viaSelect));
            cons.add(t);
        }
        for (Thread t : prods) {
            targets.put(t, true);
            ourThreads.add(t);
        }
        for (Thread t : cons) {
            targets.put(t, true);
            ourThreads.add(t);
        }
        prods.forEach(Thread::start);
        cons.forEach(Thread::start);

        // the closer: every 0.2-2 ms, open the next channel (unbuffered or buffered) and close the current one
        boolean[] stop = new boolean[1];
        Thread closer = Thread.ofPlatform().daemon().name("stress-closer").start(() -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (!stop[0]) {
                LockSupport.parkNanos(rnd.nextLong(200_000, 2_000_000));
                synchronized (epochs) {
                    if (stop[0]) {
                        return;
                    }
                    GoChannel<Integer> old = epochs.getLast();
                    epochs.add(epochs.size() % 2 == 0 ? GoChannel.unbuffered() : GoChannel.buffered(16));
                    old.close();
                    closes.increment();
                }
            }
        });
        // the interrupter: every 5-100 µs, interrupt a random producer or consumer
        List<Thread> victims = new ArrayList<>(targets.keySet());
        Thread interrupter = Thread.ofPlatform().daemon().name("stress-interrupter").start(() -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (!stop[0]) {
                LockSupport.parkNanos(rnd.nextLong(5_000, 100_000));
                Thread v = victims.get(rnd.nextInt(victims.size()));
                if (v.isAlive()) {
                    v.interrupt();
                    interruptsIssued.increment();
                }
            }
        });
        for (Thread t : prods) {
            t.join();
        }
        // every value is sent (or, in a channel that got closed, buffered and drained below); close the last one
        synchronized (epochs) {
            stop[0] = true;
            epochs.getLast().close();
            closes.increment();
        }
        interrupter.join();
        closer.join();
        for (Thread t : cons) {
            t.join();
        }
        long lost = 0;
        long dup = 0;
        for (int i = 0; i < valueCount; i++) {
            int c = received.get(i);
            if (c == 0) {
                lost++;
            } else if (c > 1) {
                dup++;
            }
        }
        return new long[] {lost, dup};
    }

    private void produce(List<GoChannel<Integer>> epochs, int from, int to) {
        for (int v = from; v < to; v++) {
            for (;;) {
                GoChannel<Integer> ch = epochs.getLast();
                try {
                    ch.send(v);
                    break;
                } catch (ChannelPanicException closed) {
                    panics.increment(); // not delivered: retry on the channel that replaced it
                } catch (InterruptedException e) {
                    interruptsCaught.increment(); // not delivered: retry
                }
            }
        }
    }

    private void consume(List<GoChannel<Integer>> epochs, AtomicIntegerArray received, AtomicLong count,
                         boolean viaSelect) {
        int epoch = 0;
        for (;;) {
            GoChannel<Integer> ch = epochs.get(epoch);
            Received<Integer> r;
            try {
                if (viaSelect) {
                    @SuppressWarnings("unchecked")
                    Received<Integer>[] got = new Received[1];
                    selects.increment();
                    Select.selectIndex(Select.receiveOk(ch, x -> got[0] = x),
                            Select.timeout(Duration.ofMillis(5), () -> selectTimeouts.increment()));
                    r = got[0];
                    if (r == null) {
                        continue; // timed out
                    }
                } else {
                    r = ch.receiveOk();
                }
            } catch (InterruptedException e) {
                interruptsCaught.increment();
                continue;
            }
            if (r.ok()) {
                received.incrementAndGet(r.value());
                count.incrementAndGet();
                progress.incrementAndGet();
            } else if (epoch + 1 < epochs.size()) {
                epoch++; // drained and closed: on to the next channel
            } else {
                return; // the last channel is closed and drained
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // watchdog and leak check
    // ------------------------------------------------------------------------------------------------------

    private void watch() {
        long last = progress.get();
        long lastChange = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            long now = progress.get();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > stallSeconds * 1_000_000_000L && !phase.equals("termination")) {
                dumpAndFail();
            }
        }
    }

    private void dumpAndFail() {
        System.out.println("goloom stress: NO PROGRESS for " + stallSeconds + " s in phase '" + phase + "' (P=" + procs
                + "): a lost wake-up? Thread dump follows.");
        GoScheduler s = current;
        if (s != null) {
            System.out.println(s.schedtrace(true));
            System.out.println(s.stats());
        }
        for (Thread t : ourThreads) {
            if (t.isAlive()) {
                System.out.println("\"" + t.getName() + "\" virtual " + t.getState());
                for (StackTraceElement e : t.getStackTrace()) {
                    System.out.println("    at " + e);
                }
            }
        }
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            System.out.println("\"" + e.getKey().getName() + "\" " + e.getKey().getState());
            for (StackTraceElement el : e.getValue()) {
                System.out.println("    at " + el);
            }
        }
        try {
            File f = new File("stress-threaddump-" + ProcessHandle.current().pid() + ".json");
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(f.getAbsolutePath(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            System.out.println("full dump (virtual threads included): " + f.getAbsolutePath());
        } catch (Exception e) {
            System.out.println("dumpThreads failed: " + e);
        }
        System.out.println("goloom stress: FAILED (no progress)");
        System.exit(2);
    }

    /** Live threads whose name starts with {@code prefix}: the scheduler's carriers ({@code name-M3}) and sysmon. */
    private static List<String> liveThreads(String prefix) {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(prefix)) {
                names.add(t.getName());
            }
        }
        return names;
    }
}
