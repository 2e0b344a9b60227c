package io.goloom.scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * goloom's side of the timer and poller hooks that {@code java.lang.GoloomHooks} ({@link JdkHooks}) calls from the
 * rewritten {@code VirtualThread.schedule} and {@code Poller$Pollers.start}, for the JVM-wide scheduler: timeouts
 * go into the per-P timer heaps ({@link Sched#addTimer}), and the JDK's I/O pollers are polled by goloom's Ms
 * ({@link NetPoller}).
 */
final class IoHooks implements BiFunction<Runnable, Long, Future<?>>, Predicate<Object[]> {
    private final Sched sched;
    /** Whether {@code Poller$Pollers.start} has called us (false: the JDK's pollers started before the agent). */
    volatile boolean pollersOffered;

    IoHooks(Sched sched) {
        this.sched = sched;
    }

    /** {@code VirtualThread.schedule(task, delay, NANOSECONDS)}. */
    @Override
    public Future<?> apply(Runnable task, Long delayNanos) {
        return sched.addTimer(task, delayNanos);
    }

    /** {@code Poller$Pollers.start()}: {master, Poller[] read, Poller[] write}. */
    @Override
    public boolean test(Object[] masterReadWrite) {
        pollersOffered = true;
        List<Object> all = new ArrayList<>();
        all.add(masterReadWrite[0]);
        for (int i = 1; i <= 2; i++) {
            if (masterReadWrite[i] instanceof Object[] arr) {
                all.addAll(List.of(arr));
            }
        }
        return sched.adoptPollers(all.toArray());
    }
}
