package io.goloom.scheduler;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * goloom's side of the preemption points (Go before 1.14: the stack check in every function prologue, which
 * {@code preemptone} trips by setting {@code gp.stackguard0 = stackPreempt}).
 *
 * <ul>
 *   <li>{@link PreemptionTransformer} (the agent as the compiler) puts a call to
 *       {@code java.lang.GoloomHooks.preemptPoint()} ({@link JdkHooks}) at loop back-edges and at the entry of
 *       recursive methods of application classes; it reads one JVM-wide word.</li>
 *   <li>sysmon ({@link Sysmon#retake}) raises that word with {@link #request} while a P's time slice has run
 *       10 ms and its G has not been asked yet (Go's {@code preemptone}); it is cleared by the G that honours
 *       the request, or by sysmon when no request is outstanding.</li>
 *   <li>The word being up, every preemption point runs {@link #run} (the slow path, Go's {@code morestack} ->
 *       {@code gopreempt_m}): if the current thread is a virtual thread on a carrier of a scheduler with
 *       preemption on, and sysmon asked for its P's current slice, it calls {@code Thread.yield()}, which goloom
 *       treats as {@code Gosched}: to the global queue, and the P runs something else on the same carrier.</li>
 * </ul>
 * Only the JVM-wide scheduler of the agent has preemption; a library-mode {@link GoScheduler} keeps sysmon's
 * hand-off (it has no preemption points to use).
 */
final class Preemption implements Runnable {
    static final Preemption INSTANCE = new Preemption();

    /** {@code GoloomHooks.preemptRequest(boolean)}, or null while no hooks class is installed (library mode). */
    private static volatile MethodHandle requestHandle;
    private static volatile MethodHandle requestedHandle;

    private Preemption() {}

    /** Points {@code java.lang.GoloomHooks} (defined by the agent) at {@link #INSTANCE}. */
    static void install(Class<?> hooks) throws ReflectiveOperationException {
        MethodHandles.Lookup pub = MethodHandles.publicLookup();
        requestHandle = pub.findStatic(hooks, "preemptRequest", MethodType.methodType(void.class, boolean.class));
        requestedHandle = pub.findStatic(hooks, "preemptRequested", MethodType.methodType(boolean.class));
        hooks.getMethod("preemptInstall", Runnable.class).invoke(null, INSTANCE);
    }

    /** Raises or clears the JVM-wide request word (a no-op without the agent). */
    static void request(boolean on) {
        MethodHandle h = requestHandle;
        if (h != null) {
            try {
                h.invokeExact(on);
            } catch (Throwable ignored) {
                // a static setter of a volatile int does not throw
            }
        }
    }

    /** Whether the request word is up. */
    static boolean requested() {
        MethodHandle h = requestedHandle;
        if (h == null) {
            return false;
        }
        try {
            return (boolean) h.invokeExact();
        } catch (Throwable t) {
            return false;
        }
    }

    /** The slow path of a preemption point; runs on whatever thread reached the point while the word was up. */
    @Override
    public void run() {
        if (!Thread.currentThread().isVirtual()) {
            return; // platform threads are the OS's business
        }
        if (Loom.currentCarrierThread() instanceof Machine m && m.sched.preempt) {
            m.sched.preemptPoint(m);
        }
    }
}
