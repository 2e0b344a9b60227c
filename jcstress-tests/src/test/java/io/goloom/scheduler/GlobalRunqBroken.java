package io.goloom.scheduler;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.ConcurrentLinkedDeque;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLLL_Result;

/**
 * Broken twin of {@link GlobalRunqTest}: a copy of {@link GlobalRunQueue} whose take is "peek the head, then
 * remove it" instead of the deque's atomic {@code pollFirst}: two grabbers can both take the same G.
 */
@JCStressTest
@Description("BROKEN TWIN of GlobalRunqTest: globrunqget as peek-then-remove instead of an atomic poll")
@Outcome(id = "[0-5], [0-5], [0-5], ok", expect = ACCEPTABLE, desc = "every G exactly once, batches in FIFO order")
@Outcome(expect = FORBIDDEN, desc = "a G lost, taken twice, or a batch out of order")
@State
public class GlobalRunqBroken {
    /** GlobalRunQueue with the breakage; the rest is copied as is. */
    static final class BrokenGlobalRunQueue {
        final ConcurrentLinkedDeque<Runnable> q = new ConcurrentLinkedDeque<>();
        final java.util.concurrent.atomic.AtomicInteger size = new java.util.concurrent.atomic.AtomicInteger();

        void put(Runnable g) {
            q.offerLast(g);
            size.incrementAndGet();
        }

        void putBatch(Runnable[] batch, int n) {
            for (int i = 0; i < n; i++) {
                q.offerLast(batch[i]);
            }
            size.addAndGet(n);
        }

        Runnable take() {
            Runnable g = q.peekFirst();
            if (g != null) {
                q.remove(g); // BROKEN: may fail because another M took g meanwhile; we take it anyway
            }
            return g;
        }

        Runnable poll() {
            Runnable g = take();
            if (g != null) {
                size.decrementAndGet();
            }
            return g;
        }

        Runnable pollBatch(int max, int gomaxprocs, LocalRunQueue into) {
            int sz = Math.max(0, size.get());
            int n = Math.min(max, Math.min(Math.max(sz, 1), sz / gomaxprocs + 1));
            Runnable first = poll();
            if (first == null) {
                return null;
            }
            for (int i = 1; i < n; i++) {
                Runnable g = take();
                if (g == null) {
                    break;
                }
                size.decrementAndGet();
                if (!into.offerTail(g)) {
                    q.offerFirst(g);
                    break;
                }
            }
            return first;
        }
    }

    final BrokenGlobalRunQueue global = new BrokenGlobalRunQueue();
    final LocalRunQueue ring1 = new LocalRunQueue();
    final LocalRunQueue ring2 = new LocalRunQueue();
    Runnable first1;
    Runnable first2;

    public GlobalRunqBroken() {
        global.put(G.ALL[0]);
        global.put(G.ALL[1]);
    }

    @Actor
    public void spillThenGrab() {
        global.putBatch(new Runnable[] {G.ALL[2], G.ALL[3]}, 2);
        global.put(G.ALL[4]);
        first1 = global.pollBatch(Sched.GLOBAL_BATCH_MAX, 1, ring1);
    }

    @Actor
    public void grab2() {
        first2 = global.pollBatch(Sched.GLOBAL_BATCH_MAX, 1, ring2);
    }

    @Arbiter
    public void check(LLLL_Result r) {
        G.Tally t = new G.Tally(5);
        int[] got = new int[3];
        Runnable[] firsts = {first1, first2};
        LocalRunQueue[] rings = {ring1, ring2};
        for (int k = 0; k < 2; k++) {
            if (firsts[k] != null) {
                t.add(firsts[k]);
                got[k]++;
            }
            Runnable g;
            while ((g = rings[k].poll()) != null) {
                t.add(g);
                got[k]++;
            }
        }
        Runnable g;
        while ((g = global.q.pollFirst()) != null) {
            t.add(g);
            got[2]++;
        }
        r.r1 = got[0];
        r.r2 = got[1];
        r.r3 = got[2];
        r.r4 = t.verdict();
    }
}
