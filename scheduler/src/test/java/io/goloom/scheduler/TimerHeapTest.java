package io.goloom.scheduler;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TimerHeap} and {@link Timer} single-threaded, against a reference model (the races are jcstress's:
 * TimerFireCancelTest, TimerMoveCancelTest): time.go's {@code addHeap}/{@code deleteMin}/{@code timer.stop} and
 * {@code timers.take}, a 4-ary heap ({@code timerHeapN}) whose {@code minWhenHeap} ({@code when0}) is kept exact.
 */
class TimerHeapTest {
    static final Runnable NOTHING = () -> { };

    /** The model: live timers by deadline (a deadline may repeat). */
    static final class Model {
        final TreeMap<Long, Set<Timer>> byWhen = new TreeMap<>();
        int size;

        void add(Timer t) {
            byWhen.computeIfAbsent(t.when, w -> new HashSet<>()).add(t);
            size++;
        }

        boolean remove(Timer t) {
            Set<Timer> s = byWhen.get(t.when);
            if (s == null || !s.remove(t)) {
                return false;
            }
            if (s.isEmpty()) {
                byWhen.remove(t.when);
            }
            size--;
            return true;
        }

        long when0() {
            return byWhen.isEmpty() ? Long.MAX_VALUE : byWhen.firstKey();
        }
    }

    @Test
    void randomAddCancelPollDueMatchesTheModel() throws Exception {
        for (long seed = 1; seed <= 20; seed++) {
            Random rnd = new Random(seed);
            TimerHeap h = new TimerHeap();
            Model model = new Model();
            List<Timer> all = new ArrayList<>();
            Set<Timer> fired = new HashSet<>();
            Set<Timer> cancelled = new HashSet<>();
            for (int op = 0; op < 5_000; op++) {
                int k = rnd.nextInt(10);
                if (k < 5) {
                    long when = rnd.nextInt(2_000) - 1_000; // negative deadlines too: nanoTime may be negative
                    Timer t = new Timer(when, NOTHING);
                    long before = model.when0();
                    int r = h.add(t);
                    model.add(t);
                    all.add(t);
                    assertEquals(when < before ? 1 : 0, r, "add reports a new earliest exactly when it is one");
                } else if (k < 7 && !all.isEmpty()) {
                    Timer t = all.get(rnd.nextInt(all.size()));
                    boolean live = model.remove(t);
                    assertEquals(live, t.cancel(false), "cancel succeeds only on a waiting timer: " + t);
                    if (live) {
                        cancelled.add(t);
                    }
                    assertTrue(t.isDone());
                    assertNull(t.heap, "a cancelled timer leaves its heap at once");
                } else {
                    long now = rnd.nextInt(2_400) - 1_200;
                    Timer t = h.pollDue(now);
                    long w0 = model.when0();
                    if (w0 > now) {
                        assertNull(t, "nothing due at " + now + ", earliest " + w0);
                    } else {
                        assertNotNull(t, "a timer is due at " + now);
                        assertEquals(w0, t.when, "pollDue takes the earliest");
                        assertTrue(model.remove(t));
                        assertTrue(fired.add(t), "fired twice: " + t);
                        assertTrue(t.isDone());
                        assertFalse(t.isCancelled());
                        assertNull(t.heap);
                        assertFalse(t.cancel(false), "cancel after fire");
                    }
                }
                checkHeap(h, model);
            }
            // Drain: every live timer comes out once, in deadline order.
            long last = Long.MIN_VALUE;
            Timer t;
            while ((t = h.pollDue(Long.MAX_VALUE)) != null) {
                assertTrue(t.when >= last, "out of order");
                last = t.when;
                assertTrue(model.remove(t));
                assertTrue(fired.add(t));
            }
            assertEquals(0, model.size, "timers lost in the heap");
            assertEquals(0, h.size());
            assertEquals(Long.MAX_VALUE, h.when0());
            for (Timer x : all) {
                assertTrue(fired.contains(x) ^ cancelled.contains(x), "fired xor cancelled: " + x);
            }
        }
    }

    /** 4-ary heap order, index fields, when0 and size, read through the private array. */
    static void checkHeap(TimerHeap h, Model model) throws ReflectiveOperationException {
        Field heapField = TimerHeap.class.getDeclaredField("heap");
        Field sizeField = TimerHeap.class.getDeclaredField("size");
        heapField.setAccessible(true);
        sizeField.setAccessible(true);
        Timer[] a = (Timer[]) heapField.get(h);
        int n = sizeField.getInt(h);
        assertEquals(model.size, n, "size");
        assertEquals(model.when0(), h.when0(), "when0 is the earliest deadline");
        for (int i = 0; i < n; i++) {
            assertSame(h, a[i].heap, "t.heap");
            assertEquals(i, a[i].index, "t.index");
            assertFalse(a[i].isDone(), "a done timer left in the heap");
            if (i > 0) {
                assertTrue(a[(i - 1) / 4].when <= a[i].when, "4-ary heap order at " + i);
            }
        }
        for (int i = n; i < a.length; i++) {
            assertNull(a[i], "a stale reference past size");
        }
    }

    @Test
    void cancelAfterFireAndTwiceReturnsFalse() {
        TimerHeap h = new TimerHeap();
        Timer a = new Timer(5, NOTHING);
        Timer b = new Timer(6, NOTHING);
        h.add(a);
        h.add(b);
        assertSame(a, h.pollDue(5));
        assertNull(h.pollDue(5), "b is not due at 5");
        assertFalse(a.cancel(true), "already fired");
        assertFalse(a.isCancelled());
        assertTrue(b.cancel(false));
        assertTrue(b.isCancelled());
        assertFalse(b.cancel(false), "already cancelled");
        assertNull(h.pollDue(Long.MAX_VALUE), "a cancelled timer never fires");
        assertEquals(Long.MAX_VALUE, h.when0());
    }

    @Test
    void cancelledBeforeItsRemovalIsSkippedByPollDue() throws Exception {
        // The window pollDue guards: the cancel's state CAS done, its heap removal not yet (it waits for the lock).
        TimerHeap h = new TimerHeap();
        Timer a = new Timer(1, NOTHING);
        Timer b = new Timer(2, NOTHING);
        h.add(a);
        h.add(b);
        boolean[] cancelled = new boolean[1];
        Thread canceller;
        synchronized (h) {
            canceller = Thread.ofPlatform().start(() -> cancelled[0] = a.cancel(false));
            Waits.until(() -> a.isCancelled() && canceller.getState() == Thread.State.BLOCKED, Duration.ofSeconds(10),
                    "the canceller CASed and blocked on the heap's lock");
            assertSame(b, h.pollDue(10), "the cancelled head is dropped, the next due one fired");
            assertNull(h.pollDue(10));
        }
        Waits.join(canceller, Duration.ofSeconds(10));
        assertTrue(cancelled[0], "the cancel won the CAS, so it reports success");
        assertNull(a.heap);
        assertEquals(0, h.size());
        assertEquals(Long.MAX_VALUE, h.when0());
    }

    @Test
    void getRefuses() {
        Timer t = new Timer(1, NOTHING);
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, t::get);
        assertTrue(e.getMessage().contains("no result"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> t.get(1, TimeUnit.SECONDS));
        assertFalse(t.isDone());
    }

    @Test
    void moveAllToRetiresAndReviveUndoes() throws Exception {
        TimerHeap from = new TimerHeap();
        TimerHeap to = new TimerHeap();
        Model model = new Model();
        Timer late = new Timer(100, NOTHING);
        to.add(late);
        model.add(late);
        List<Timer> moving = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Timer t = new Timer(200 + (i * 37) % 50, NOTHING);
            from.add(t);
            moving.add(t);
        }
        Timer gone = moving.get(7);
        assertTrue(gone.cancel(false));
        assertFalse(from.moveAllTo(to), "nothing earlier than 100 moved");
        for (Timer t : moving) {
            if (t != gone) {
                model.add(t);
                assertSame(to, t.heap);
            }
        }
        assertNull(gone.heap);
        checkHeap(to, model);
        assertEquals(0, from.size());
        assertEquals(Long.MAX_VALUE, from.when0());

        Timer refused = new Timer(1, NOTHING);
        assertEquals(-1, from.add(refused), "a retired heap takes no timer");
        assertNull(refused.heap);
        assertEquals(0, from.size());

        from.revive();
        Timer early = new Timer(50, NOTHING);
        assertEquals(1, from.add(early), "revived: takes timers again");
        assertTrue(from.moveAllTo(to), "50 is earlier than 100");
        model.add(early);
        checkHeap(to, model);
        assertEquals(50, to.when0());

        // the moved timers still cancel from their new heap
        assertTrue(early.cancel(false));
        model.remove(early);
        checkHeap(to, model);
    }
}
