package io.goloom.jmh.workloads;

import java.lang.reflect.Constructor;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;

/**
 * The floor: one virtual thread yielding alone on the most minimal scheduler there is, one carrier thread running
 * continuations from a lock-free queue. Each {@link Thread#yield()} is one unmount, one {@code execute} (an
 * enqueue by the carrier itself), one dequeue and one remount: the least any Java scheduler can spend on a
 * hand-off. Needs {@code --add-opens java.base/java.lang=ALL-UNNAMED} (the JDK has no public API to plug a
 * scheduler in).
 */
public final class Floor {
    private Floor() {}

    /** Yields per benchmark operation. */
    public static final int YIELDS = 1_000_000;

    /** A single-carrier executor: an unbounded MPSC queue and one platform thread draining it. */
    public static final class OneCarrier implements Executor, AutoCloseable {
        private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
        private final Thread carrier;
        private volatile boolean closed;

        public OneCarrier() {
            carrier = Thread.ofPlatform().daemon().name("floor-carrier").unstarted(this::loop);
            carrier.start();
        }

        private void loop() {
            while (!closed) {
                Runnable r = queue.poll();
                if (r != null) {
                    r.run();
                } else {
                    LockSupport.park(this);
                }
            }
        }

        @Override
        public void execute(Runnable task) {
            queue.offer(task);
            if (Thread.currentThread() != carrier) {
                LockSupport.unpark(carrier);
            }
        }

        @Override
        public void close() {
            closed = true;
            LockSupport.unpark(carrier);
        }

        /** A builder of virtual threads scheduled by this executor (reflection on the JDK's builder). */
        public Thread.Builder.OfVirtual threadBuilder() {
            try {
                Class<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
                Constructor<?> ctor = c.getDeclaredConstructor(Executor.class);
                ctor.setAccessible(true);
                return (Thread.Builder.OfVirtual) ctor.newInstance(this);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("the floor needs --add-opens java.base/java.lang=ALL-UNNAMED", e);
            }
        }
    }

    /** One virtual thread yields {@code yields} times on {@code carrier}; returns the yields made. */
    public static long run(OneCarrier carrier, int yields) {
        return Threads.runMain(carrier.threadBuilder().factory(), () -> {
            for (int i = 0; i < yields; i++) {
                Thread.yield();
            }
            return (long) yields;
        });
    }
}
