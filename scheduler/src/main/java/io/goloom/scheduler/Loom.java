package io.goloom.scheduler;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.util.concurrent.Executor;

/**
 * Everything goloom needs from the JDK's virtual-thread internals, in one place.
 *
 * <p>JDK 25 has no public scheduler API. What it has, and what we use:
 * <ul>
 *   <li>{@code java.lang.ThreadBuilders$VirtualThreadBuilder(Executor)}: a package-private constructor giving a
 *       {@link Thread.Builder.OfVirtual} whose threads are scheduled by our {@link Executor}.</li>
 *   <li>{@code Thread.currentCarrierThread()}: which platform thread (which M) a virtual thread is mounted on.
 *       Used by {@code execute} to tell "a G on one of our Ms" from "anyone else".</li>
 *   <li>The task handed to {@code execute} is {@code VirtualThread::runContinuation}, a bound method reference:
 *       its one captured field is the virtual thread, and {@code VirtualThread.state} tells a start
 *       ({@code STARTED}) from a {@code Thread.yield} ({@code YIELDED}) from a wake-up.</li>
 * </ul>
 * All of it needs {@code --add-opens java.base/java.lang=ALL-UNNAMED} (or the goloom agent, which opens the
 * package itself). Without it the first use fails with {@link IllegalStateException} naming that flag.
 */
final class Loom {
    private Loom() {}

    /** The command-line flag a user needs when goloom is used as a library. */
    static final String ADD_OPENS = "--add-opens java.base/java.lang=ALL-UNNAMED";

    // VirtualThread.state values (JDK 25, java/lang/VirtualThread.java); only the ones we act on.
    static final int STATE_STARTED = 1;
    static final int STATE_YIELDED = 11;

    private static volatile Access access;

    /** Resolved handles; built once, on first use. */
    private record Access(Constructor<?> builderCtor, MethodHandle currentCarrier, VarHandle vtState,
                          ClassValue<MethodHandle> threadOfTask) {}

    private static Access access() {
        Access a = access;
        if (a == null) {
            synchronized (Loom.class) {
                a = access;
                if (a == null) {
                    access = a = resolve();
                }
            }
        }
        return a;
    }

    private static Access resolve() {
        try {
            Class<?> builder = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            Constructor<?> ctor = builder.getDeclaredConstructor(Executor.class);
            ctor.setAccessible(true);
            MethodHandles.Lookup threadLookup = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            MethodHandle carrier = threadLookup.findStatic(Thread.class, "currentCarrierThread",
                    MethodType.methodType(Thread.class));
            Class<?> vtClass = Class.forName("java.lang.VirtualThread");
            VarHandle state = MethodHandles.privateLookupIn(vtClass, MethodHandles.lookup())
                    .findVarHandle(vtClass, "state", int.class);
            ClassValue<MethodHandle> threadOfTask = new ClassValue<>() {
                @Override
                protected MethodHandle computeValue(Class<?> type) {
                    return capturedThreadGetter(type, vtClass);
                }
            };
            return new Access(ctor, carrier, state, threadOfTask);
        } catch (InaccessibleObjectException | IllegalAccessException e) {
            throw new IllegalStateException("goloom needs access to java.lang internals to schedule virtual threads: "
                    + "add the JVM option '" + ADD_OPENS + "' (or start the JVM with the goloom agent, "
                    + "-javaagent:goloom-scheduler.jar)", e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("goloom " + GoScheduler.VERSION + " does not recognise this JDK ("
                    + Runtime.version() + "): the virtual-thread internals it relies on are missing. "
                    + "goloom supports JDK 25.", e);
        }
    }

    /** A getter for the {@code VirtualThread} captured by the {@code this::runContinuation} lambda class. */
    private static MethodHandle capturedThreadGetter(Class<?> type, Class<?> vtClass) {
        for (Field f : type.getDeclaredFields()) {
            if (f.getType() == vtClass) {
                try {
                    f.setAccessible(true);
                    return MethodHandles.lookup().unreflectGetter(f).asType(MethodType.methodType(Thread.class, Object.class));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /** Fails fast, with the message naming the missing flag, if the internals are not reachable. */
    static void ensureAccess() {
        access();
    }

    static Thread.Builder.OfVirtual newVirtualThreadBuilder(Executor scheduler) {
        try {
            return (Thread.Builder.OfVirtual) access().builderCtor().newInstance(scheduler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create a virtual-thread builder for " + scheduler, e);
        }
    }

    /**
     * Constant handles for the submission path, where {@code execute} is called for every start and wake-up:
     * a {@code static final} MethodHandle is inlined by the JIT (about the cost of {@code Thread.currentThread()}),
     * one read from a record field is not. Initialised on first use, which comes after {@link #ensureAccess}.
     */
    private static final class Fast {
        static final MethodHandle CURRENT_CARRIER = access().currentCarrier();
        static final VarHandle STATE = access().vtState();
    }

    /** The platform thread the current virtual thread is mounted on (the current thread if it is a platform one). */
    static Thread currentCarrierThread() {
        try {
            return (Thread) Fast.CURRENT_CARRIER.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * The class of {@code VirtualThread.runContinuation} (the {@code this::runContinuation} lambda: one class for
     * every virtual thread) and its thread getter, as constants, so that {@link #stateOf} on the yield path is a
     * class compare, an inlined field read and a volatile read instead of a {@code ClassValue} lookup and a call
     * through a non-constant handle. Read from an unstarted virtual thread's field: no scheduler ever sees it.
     * If anything differs in this JDK, {@code CLASS} matches nothing and {@link #stateOf} takes the general path.
     */
    private static final class ContinuationTask {
        static final Class<?> CLASS;
        static final MethodHandle THREAD;
        static {
            Class<?> c = Void.class;
            MethodHandle h = null;
            try {
                Thread vt = Thread.ofVirtual().unstarted(() -> { });
                Field f = vt.getClass().getDeclaredField("runContinuation");
                f.setAccessible(true);
                Object task = f.get(vt);
                if (task != null && (h = access().threadOfTask().get(task.getClass())) != null) {
                    c = task.getClass();
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                h = null;
            }
            CLASS = c;
            THREAD = h != null ? h
                    : MethodHandles.dropArguments(MethodHandles.constant(Thread.class, null), 0, Object.class);
        }
    }

    /** For tests: the task class {@link #stateOf} reads through constants ({@code Void.class} if none). */
    static Class<?> continuationTaskClass() {
        return ContinuationTask.CLASS;
    }

    /** The virtual thread whose {@code runContinuation} this task is, or null if it is some other Runnable. */
    static Thread threadOf(Runnable task) {
        MethodHandle getter = access().threadOfTask().get(task.getClass());
        if (getter == null) {
            return null;
        }
        try {
            return (Thread) getter.invokeExact((Object) task);
        } catch (Throwable t) {
            return null;
        }
    }

    /** {@code VirtualThread.state} of the task's thread, or -1 if the task is not a virtual thread's continuation. */
    static int stateOf(Runnable task) {
        if (task.getClass() == ContinuationTask.CLASS) {
            try {
                return (int) Fast.STATE.getVolatile((Object) (Thread) ContinuationTask.THREAD.invokeExact((Object) task));
            } catch (Throwable t) {
                return -1;
            }
        }
        Thread vt = threadOf(task);
        return vt == null ? -1 : (int) Fast.STATE.getVolatile((Object) vt);
    }

    /**
     * The JDK starts its I/O poller threads (virtual threads on Linux) the first time NIO needs them, with the
     * scheduler of whoever gets there first. If that were a virtual thread of a GoScheduler that is later
     * closed, every later socket read in the JVM would hang. So we initialise the pollers first, from a platform
     * thread, which gives them the JDK's default scheduler.
     */
    static void initPollersOffScheduler() {
        Thread t = Thread.ofPlatform().daemon().name("goloom-poller-init").unstarted(() -> {
            try {
                Class.forName("sun.nio.ch.Poller", true, null);
            } catch (Throwable ignored) {
                // No poller on this platform, or already initialised: nothing to protect.
            }
        });
        t.start();
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
