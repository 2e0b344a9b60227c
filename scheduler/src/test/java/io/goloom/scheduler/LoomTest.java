package io.goloom.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** The JDK internals goloom reads on the submission path ({@link Loom}). */
class LoomTest {
    private static Runnable runContinuation(Thread vt) throws ReflectiveOperationException {
        Field f = vt.getClass().getDeclaredField("runContinuation");
        f.setAccessible(true);
        return (Runnable) f.get(vt);
    }

    @Test
    void stateOfReadsTheContinuationsThreadState() throws Exception {
        Thread vt = Thread.ofVirtual().unstarted(() -> { });
        Runnable task = runContinuation(vt);
        assertSame(vt, Loom.threadOf(task));
        assertSame(task.getClass(), Loom.continuationTaskClass(), "the constant fast path recognises the task");
        assertEquals(0, Loom.stateOf(task), "NEW");
        assertEquals(-1, Loom.stateOf(() -> { }), "not a continuation");
    }

    /** What execute sees: STARTED for a start, YIELDED when the carrier resubmits after Thread.yield. */
    @Test
    void stateOfTellsAStartFromAYield() throws Exception {
        ConcurrentLinkedQueue<Integer> seen = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        Executor recording = task -> {
            seen.add(Loom.stateOf(task));
            tasks.add(task);
        };
        Thread vt = Loom.newVirtualThreadBuilder(recording).unstarted(Thread::yield);
        vt.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (vt.isAlive() && System.nanoTime() < deadline) {
            Runnable r = tasks.poll();
            if (r != null) {
                r.run(); // this platform thread is the carrier
            } else {
                Thread.onSpinWait();
            }
        }
        assertTrue(vt.join(Duration.ofSeconds(10)));
        assertEquals(Loom.STATE_STARTED, seen.poll());
        assertEquals(Loom.STATE_YIELDED, seen.poll());
    }
}
