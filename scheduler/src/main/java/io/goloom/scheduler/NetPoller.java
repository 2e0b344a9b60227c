package io.goloom.scheduler;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Go's netpoller (netpoll.go, netpoll_epoll.go), built over the JDK's own I/O pollers.
 *
 * <h2>What the JDK does, and what we take over</h2>
 * A virtual thread that would block in a socket read, write, accept or connect registers its file descriptor,
 * one-shot, with one of the JDK's {@code sun.nio.ch.Poller}s (an epoll instance each) and parks. The JDK runs a
 * loop per poller on threads of its own ({@code SubPoller-N} virtual threads on its ForkJoinPool plus a
 * {@code MasterPoller} platform thread, or {@code Read-Poller}/{@code Write-Poller} platform threads) that waits
 * in {@code epoll_wait} and unparks the thread of each ready descriptor. Under goloom those unparks came from
 * outside every P: global queue, {@code wakep}, a futex wake of an M, for every I/O event.
 *
 * <p>Under the agent the JDK's {@code Poller$Pollers.start()} hands its pollers to goloom instead of starting
 * those threads ({@link JdkHooks#startPollers}). goloom adds each poller's epoll descriptor, level-triggered, to
 * an epoll instance of its own, together with an eventfd for {@link #breakPoll} ({@code netpollBreak}). One
 * {@code epoll_wait} on it then says which JDK pollers have ready descriptors; for each, goloom runs that poller's
 * own non-blocking {@code poll(0)}, which unparks the ready threads exactly as the JDK's loop would: the same
 * one-shot registration and the same map removal, so every wake-up still happens exactly once, and timeouts,
 * interrupts and close keep the JDK's code. Only the thread that calls {@code poll} changes: it is one of our Ms,
 * so {@link Sched#submit} sees the wake-ups come from the scheduler itself and queues them like Go's
 * {@code netpoll} result ({@code injectglist}).
 *
 * <p>Who polls (proc.go): an M in {@code findRunnable} with nothing local or global polls without blocking; the
 * last M to find nothing at all blocks here until the next timer ({@code sched.lastpoll == 0} while it does);
 * sysmon polls if nobody has for 10 ms. {@link #poll} takes a buffer that its caller holds exclusively
 * ({@link #BLOCKING} for the one blocked poller, {@link #NONBLOCKING} under {@code sched.pollingNet}).
 *
 * <h2>One poller at a time per JDK poller</h2>
 * A JDK poller's {@code poll} keeps its events in one native array of its own, so two threads must never run it
 * at once (its own loop never did). Each source has a try-lock; a caller that finds it held skips that source:
 * the holder is handling its events, and a level-triggered source still ready afterwards is reported again.
 */
final class NetPoller {
    /** Which of the two event arrays a caller holds. */
    static final int BLOCKING = 0;
    static final int NONBLOCKING = 1;

    /** One JDK poller: its epoll descriptor, the object, and the try-lock around its {@code poll(0)}. */
    private record Source(int fd, Object poller, AtomicBoolean busy) {}

    private final int epfd;
    private final Object eventFd;
    private final int efd;
    private final Source[] sources;
    private final long[] eventArrays = new long[2];
    private final int maxEvents;
    /** Go's {@code netpollWakeSig}: 1 while a break is in flight, so a burst of breaks writes the eventfd once. */
    private final AtomicInteger wakeSig = new AtomicInteger();
    /**
     * {@code epoll_pwait2} (a nanosecond timeout), or null: then {@code epoll_wait}'s milliseconds, as Go uses. Set
     * by the agent before the pollers start ({@link JdkHooks#epollPwait2}). Not in Go: Java's timed parks are
     * nanosecond-precise on the JDK's timer threads, and a blocked poller rounding a 5 ms sleep to milliseconds
     * woke its sleeper 0.5 ms late on average (a server whose requests sleep lost a tenth of its throughput).
     */
    static volatile MethodHandle preciseWait;
    /** The {@code timespec} that the one blocked poller passes to {@link #preciseWait}. */
    private final java.lang.foreign.MemorySegment timespec = java.lang.foreign.Arena.global().allocate(16, 8);
    private volatile boolean reportedFailure;

    private NetPoller(int epfd, Object eventFd, int efd, Source[] sources) {
        this.epfd = epfd;
        this.eventFd = eventFd;
        this.efd = efd;
        this.sources = sources;
        this.maxEvents = sources.length + 1;
        for (int i = 0; i < eventArrays.length; i++) {
            eventArrays[i] = Jdk.allocatePollArray(maxEvents);
        }
    }

    /**
     * Mirrors {@code netpollinit}: an epoll instance with the eventfd and every JDK poller's descriptor in it.
     *
     * @param pollers the JDK's pollers (master, read, write; nulls skipped)
     * @throws IllegalStateException if the JDK's poller internals are not what goloom expects
     */
    static NetPoller create(Object... pollers) {
        try {
            int epfd = Jdk.epollCreate();
            Object eventFd = Jdk.newEventFd();
            int efd = Jdk.efd(eventFd);
            int n = 0;
            Source[] sources = new Source[pollers.length];
            for (Object p : pollers) {
                if (p == null) {
                    continue;
                }
                int fd = Jdk.fdVal(p);
                sources[n++] = new Source(fd, p, new AtomicBoolean());
            }
            sources = java.util.Arrays.copyOf(sources, n);
            for (Source s : sources) {
                ctlAdd(epfd, s.fd);
            }
            ctlAdd(epfd, efd);
            return new NetPoller(epfd, eventFd, efd, sources);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot set up goloom's netpoller over the JDK's I/O pollers: " + t, t);
        }
    }

    private static void ctlAdd(int epfd, int fd) throws Throwable {
        int err = Jdk.epollCtl(epfd, Jdk.EPOLL_CTL_ADD, fd, Jdk.EPOLLIN);
        if (err != 0) {
            throw new IllegalStateException("epoll_ctl(ADD, " + fd + ") failed: errno " + err);
        }
    }

    int sources() {
        return sources.length;
    }

    /**
     * Mirrors {@code netpollAnyWaiters}: whether any virtual thread is registered with a JDK poller (each keeps a
     * map from descriptor to parked thread; a {@code ConcurrentHashMap} size read is a few loads).
     */
    boolean anyWaiters() {
        for (Source s : sources) {
            if (Jdk.registered(s.poller) > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Mirrors {@code netpoll(delay)}: wait up to {@code delayNanos} (negative: until ready or broken; 0: do not
     * block) for ready descriptors and unpark their threads (through the JDK pollers' own {@code poll}, on the
     * calling thread). Go rounds the wait to milliseconds the same way ({@code epoll_wait}'s unit).
     *
     * @param array {@link #BLOCKING} or {@link #NONBLOCKING}: the caller holds that array exclusively
     * @return how many JDK poller sources were polled (0 after a timeout or a break)
     */
    int poll(long delayNanos, int array) {
        int waitms;
        if (delayNanos < 0) {
            waitms = -1;
        } else if (delayNanos == 0) {
            waitms = 0;
        } else if (delayNanos < 1_000_000) {
            waitms = 1;
        } else if (delayNanos < 1_000_000_000_000_000L) {
            waitms = (int) Math.min(Integer.MAX_VALUE, delayNanos / 1_000_000);
        } else {
            waitms = 1_000_000_000;
        }
        long address = eventArrays[array];
        int n;
        try {
            MethodHandle precise = preciseWait;
            if (delayNanos > 0 && array == BLOCKING && precise != null) {
                // only the one blocked poller (sched.lastpoll == 0) uses the BLOCKING array and the timespec
                timespec.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, delayNanos / 1_000_000_000L);
                timespec.set(java.lang.foreign.ValueLayout.JAVA_LONG, 8, delayNanos % 1_000_000_000L);
                n = Math.max(0, (int) precise.invokeExact(epfd, java.lang.foreign.MemorySegment.ofAddress(address),
                        maxEvents, timespec, java.lang.foreign.MemorySegment.NULL));
            } else {
                n = Jdk.epollWait(epfd, address, maxEvents, waitms);
            }
        } catch (Throwable t) {
            report(t);
            return 0;
        }
        int polled = 0;
        for (int i = 0; i < n; i++) {
            int fd = Jdk.getDescriptor(Jdk.getEvent(address, i));
            if (fd == efd) {
                // Only a blocking poll consumes a break: a non-blocking one leaves it for the poller it was meant
                // for (Go: "if delay != 0").
                if (delayNanos != 0) {
                    try {
                        Jdk.reset(eventFd);
                    } catch (Throwable t) {
                        report(t);
                    }
                    wakeSig.set(0);
                }
                continue;
            }
            Source s = sourceOf(fd);
            if (s != null && s.busy.compareAndSet(false, true)) {
                try {
                    Jdk.pollerPoll(s.poller, 0);
                    polled++;
                } catch (Throwable t) {
                    report(t);
                } finally {
                    s.busy.set(false);
                }
            }
        }
        return polled;
    }

    /** Mirrors {@code netpollBreak}: wake the M blocked in {@link #poll}, once per burst. */
    void breakPoll() {
        if (!wakeSig.compareAndSet(0, 1)) {
            return; // a wake-up is already in flight
        }
        try {
            Jdk.set(eventFd);
        } catch (Throwable t) {
            wakeSig.set(0);
            report(t);
        }
    }

    private Source sourceOf(int fd) {
        for (Source s : sources) {
            if (s.fd == fd) {
                return s;
            }
        }
        return null;
    }

    private void report(Throwable t) {
        if (!reportedFailure) {
            reportedFailure = true;
            System.err.println("goloom: netpoller: " + t);
        }
    }

    /**
     * The JDK internals the netpoller calls ({@code sun.nio.ch.EPoll}, {@code EventFD}, {@code Poller}), resolved
     * on first use; the agent opens {@code sun.nio.ch} to goloom before that.
     */
    private static final class Jdk {
        static final int EPOLL_CTL_ADD = 1;
        static final int EPOLLIN = 0x1;

        private static final MethodHandle CREATE, CTL, WAIT, ALLOC, GET_EVENT, GET_FD;
        private static final MethodHandle EVENTFD_NEW, EVENTFD_FD, EVENTFD_SET, EVENTFD_RESET;
        private static final MethodHandle POLLER_FD, POLLER_POLL, POLLER_REGISTERED;

        static {
            try {
                Class<?> epoll = Class.forName("sun.nio.ch.EPoll");
                Class<?> eventFd = Class.forName("sun.nio.ch.EventFD");
                Class<?> poller = Class.forName("sun.nio.ch.Poller");
                MethodHandles.Lookup l = MethodHandles.privateLookupIn(epoll, MethodHandles.lookup());
                CREATE = l.findStatic(epoll, "create", MethodType.methodType(int.class));
                CTL = l.findStatic(epoll, "ctl", MethodType.methodType(int.class, int.class, int.class, int.class,
                        int.class));
                WAIT = l.findStatic(epoll, "wait", MethodType.methodType(int.class, int.class, long.class, int.class,
                        int.class));
                ALLOC = l.findStatic(epoll, "allocatePollArray", MethodType.methodType(long.class, int.class));
                GET_EVENT = l.findStatic(epoll, "getEvent", MethodType.methodType(long.class, long.class, int.class));
                GET_FD = l.findStatic(epoll, "getDescriptor", MethodType.methodType(int.class, long.class));
                EVENTFD_NEW = l.findConstructor(eventFd, MethodType.methodType(void.class))
                        .asType(MethodType.methodType(Object.class));
                EVENTFD_FD = l.findVirtual(eventFd, "efd", MethodType.methodType(int.class))
                        .asType(MethodType.methodType(int.class, Object.class));
                EVENTFD_SET = l.findVirtual(eventFd, "set", MethodType.methodType(void.class))
                        .asType(MethodType.methodType(void.class, Object.class));
                EVENTFD_RESET = l.findVirtual(eventFd, "reset", MethodType.methodType(void.class))
                        .asType(MethodType.methodType(void.class, Object.class));
                POLLER_FD = l.findVirtual(poller, "fdVal", MethodType.methodType(int.class))
                        .asType(MethodType.methodType(int.class, Object.class));
                POLLER_POLL = l.findVirtual(poller, "poll", MethodType.methodType(int.class, int.class))
                        .asType(MethodType.methodType(int.class, Object.class, int.class));
                POLLER_REGISTERED = l.findVirtual(poller, "registered", MethodType.methodType(int.class))
                        .asType(MethodType.methodType(int.class, Object.class));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        static int epollCreate() throws Throwable {
            return (int) CREATE.invokeExact();
        }

        static int epollCtl(int epfd, int op, int fd, int events) throws Throwable {
            return (int) CTL.invokeExact(epfd, op, fd, events);
        }

        static int epollWait(int epfd, long address, int n, int timeout) throws Throwable {
            int r = (int) WAIT.invokeExact(epfd, address, n, timeout);
            return Math.max(r, 0); // IOS_INTERRUPTED (EINTR): no events
        }

        static long allocatePollArray(int n) {
            try {
                return (long) ALLOC.invokeExact(n);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        static long getEvent(long address, int i) {
            try {
                return (long) GET_EVENT.invokeExact(address, i);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        static int getDescriptor(long eventAddress) {
            try {
                return (int) GET_FD.invokeExact(eventAddress);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        static Object newEventFd() throws Throwable {
            return (Object) EVENTFD_NEW.invokeExact();
        }

        static int efd(Object eventFd) throws Throwable {
            return (int) EVENTFD_FD.invokeExact(eventFd);
        }

        static void set(Object eventFd) throws Throwable {
            EVENTFD_SET.invokeExact(eventFd);
        }

        static void reset(Object eventFd) throws Throwable {
            EVENTFD_RESET.invokeExact(eventFd);
        }

        static int fdVal(Object poller) throws Throwable {
            return (int) POLLER_FD.invokeExact(poller);
        }

        static int pollerPoll(Object poller, int timeout) throws Throwable {
            return (int) POLLER_POLL.invokeExact(poller, timeout);
        }

        static int registered(Object poller) {
            try {
                return (int) POLLER_REGISTERED.invokeExact(poller);
            } catch (Throwable t) {
                return 1; // cannot tell: assume someone waits, so the poller is not skipped
            }
        }
    }
}
