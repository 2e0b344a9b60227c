package io.goloom.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A stand-in G for the run-queue tests: only its identity matters. The queues never run what they hold, so a
 * fixed pool of distinct tokens is shared by all test states; each state checks "exactly once" by counting ids.
 */
final class G implements Runnable {
    static final G[] ALL = new G[LocalRunQueue.SIZE + 8];

    static {
        for (int i = 0; i < ALL.length; i++) {
            ALL[i] = new G(i);
        }
    }

    final int id;

    private G(int id) {
        this.id = id;
    }

    @Override
    public void run() {
        throw new AssertionError("a test G is never run");
    }

    @Override
    public String toString() {
        return "G" + id;
    }

    // --- verdicts shared by the run-queue tests ---

    /** Every G taken exactly once (and, where checked, in FIFO order). */
    static final String OK = "ok";
    /** A G disappeared: it is in no queue and nobody took it. */
    static final String LOST = "LOST";
    /** A G was taken twice, or taken and still queued. */
    static final String DUPLICATED = "DUPLICATED";
    /** Consumers of one queue saw its Gs out of FIFO order. */
    static final String REORDERED = "REORDERED";

    /** Counts ids; {@link #verdict} tells whether {@code 0..n-1} were each seen exactly once. */
    static final class Tally {
        private final int[] seen;

        Tally(int n) {
            seen = new int[n];
        }

        void add(Runnable g) {
            if (g != null) {
                seen[((G) g).id]++;
            }
        }

        /** Drains a queue that nobody uses any more (the arbiter runs after all actors). */
        void drain(LocalRunQueue q) {
            add(q.takeRunnext());
            Runnable g;
            while ((g = q.poll()) != null) {
                add(g);
            }
        }

        void drain(GlobalRunQueue q) {
            Runnable g;
            while ((g = q.poll()) != null) {
                add(g);
            }
        }

        String verdict() {
            for (int c : seen) {
                if (c > 1) {
                    return DUPLICATED;
                }
            }
            for (int c : seen) {
                if (c == 0) {
                    return LOST;
                }
            }
            return OK;
        }
    }

    /** Moves a fresh queue's free-running indices (head = tail = start) to exercise wrap-around. */
    static void startAt(LocalRunQueue q, int start) {
        HEAD.setVolatile(q, start);
        TAIL.setVolatile(q, start);
    }

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            // Same package, same class loader: the private fields are reachable without touching the class.
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(LocalRunQueue.class, MethodHandles.lookup());
            HEAD = l.findVarHandle(LocalRunQueue.class, "head", int.class);
            TAIL = l.findVarHandle(LocalRunQueue.class, "tail", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
