package io.goloom.scheduler;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What sysmon can learn about a carrier (M) that has kept one virtual thread mounted for a while: is it blocked
 * where goloom cannot see it, or burning CPU, or just not being run by the OS? Go needs none of this: its sysmon
 * preempts a running G after 10 ms whatever the reason, and a G blocked in the kernel is always inside a
 * syscall bracket. A mounted virtual thread can block its carrier without one (pinned by a native frame, in
 * native code), and a carrier that the OS did not run is no hog. See {@link Sysmon#retake}.
 *
 * <p>Three sources, cheapest first; sysmon reads the dearer ones only for mounts that have run 1 ms or more while
 * work waits:
 * <ul>
 *   <li>the carrier's Java thread state ({@link Thread#getState()}, a field read): a pinned virtual thread that
 *       parks, sleeps, waits or blocks on a monitor parks its carrier, which is then WAITING, TIMED_WAITING or
 *       BLOCKED ({@link #blockedInJava});</li>
 *   <li>the carrier's CPU time ({@link ThreadMXBean#getThreadCpuTime(long)}, one {@code clock_gettime} on the
 *       thread's CPU clock, about a microsecond) ({@link #cpuTimeNanos});</li>
 *   <li>on Linux, the OS's scheduling state of the carrier ({@code /proc/self/task/<tid>/stat}, a few
 *       microseconds): R means running or waiting for a CPU, S or D means blocked in the kernel
 *       ({@link #osState}).</li>
 * </ul>
 */
final class CarrierProbe {
    private CarrierProbe() {}

    /** {@link #osState}: blocked in the kernel (S, D). */
    static final int OS_BLOCKED = 1;
    /** {@link #osState}: running or runnable (R): if it uses no CPU, the OS is not running it. */
    static final int OS_RUNNABLE = 2;
    /** {@link #osState}: cannot tell (not Linux, no thread id, unreadable). */
    static final int OS_UNKNOWN = 0;

    private static final ThreadMXBean THREADS = threadMXBean();

    /** The three readings, replaceable by tests (which drive {@link Sysmon#retake} with a fake clock). */
    interface Source {
        Thread.State state(Machine m);

        long cpuTimeNanos(Machine m);

        int osState(Machine m);
    }

    /** The real readings. */
    static final Source REAL = new Source() {
        @Override
        public Thread.State state(Machine m) {
            return m.getState();
        }

        @Override
        public long cpuTimeNanos(Machine m) {
            return realCpuTimeNanos(m);
        }

        @Override
        public int osState(Machine m) {
            return realOsState(m);
        }
    };

    /** Tests only: where sysmon's readings come from. */
    static volatile Source source = REAL;

    private static ThreadMXBean threadMXBean() {
        try {
            ThreadMXBean t = ManagementFactory.getThreadMXBean();
            return t.isThreadCpuTimeSupported() && t.isThreadCpuTimeEnabled() ? t : null;
        } catch (RuntimeException | LinkageError e) {
            return null; // no java.management: sysmon falls back to wall-clock time
        }
    }

    /** Whether {@link #cpuTimeNanos} works on this JVM. */
    static boolean cpuTimeSupported() {
        return THREADS != null || source != REAL;
    }

    /**
     * The carrier's Java state says it is parked or blocked: with a virtual thread mounted, that thread is pinned
     * and blocked (pinned park, sleep, {@code Object.wait}, monitor enter). A carrier running Java or native code
     * is RUNNABLE.
     */
    static boolean blockedInJava(Machine m) {
        return switch (source.state(m)) {
            case WAITING, TIMED_WAITING, BLOCKED -> true;
            default -> false;
        };
    }

    /** CPU time the carrier has used, in nanoseconds; -1 if unknown. */
    static long cpuTimeNanos(Machine m) {
        return source.cpuTimeNanos(m);
    }

    private static long realCpuTimeNanos(Machine m) {
        ThreadMXBean t = THREADS;
        if (t == null) {
            return -1;
        }
        try {
            return t.getThreadCpuTime(m.threadId());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The OS thread id of the calling thread (Linux: {@code /proc/thread-self -> <pid>/task/<tid>}); -1 if unknown. */
    static int currentOsTid() {
        try {
            Path link = Files.readSymbolicLink(Path.of("/proc/thread-self"));
            return Integer.parseInt(link.getFileName().toString());
        } catch (Exception | LinkageError e) {
            return -1;
        }
    }

    /** The OS's scheduling state of the carrier: {@link #OS_BLOCKED}, {@link #OS_RUNNABLE} or {@link #OS_UNKNOWN}. */
    static int osState(Machine m) {
        return source.osState(m);
    }

    private static int realOsState(Machine m) {
        int tid = m.osTid;
        if (tid <= 0) {
            return OS_UNKNOWN;
        }
        try {
            // "<tid> (<comm>) <state> ...": comm (at most 15 bytes) may contain spaces and parentheses, the state
            // follows the last ')'; the first 64 bytes always hold it. One read, no Path/charset machinery.
            byte[] buf = new byte[64];
            int n;
            try (java.io.FileInputStream in = new java.io.FileInputStream("/proc/self/task/" + tid + "/stat")) {
                n = in.read(buf);
            }
            int close = -1;
            for (int i = 0; i < n; i++) {
                if (buf[i] == ')') {
                    close = i;
                }
            }
            if (close < 0 || close + 2 >= n) {
                return OS_UNKNOWN;
            }
            return switch ((char) buf[close + 2]) {
                case 'R' -> OS_RUNNABLE;
                case 'S', 'D' -> OS_BLOCKED;
                default -> OS_UNKNOWN;
            };
        } catch (Exception | LinkageError e) {
            return OS_UNKNOWN;
        }
    }
}
