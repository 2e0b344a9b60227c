package io.goloom.channels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.goloom.channels.Goroutines.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Go's channel semantics (spec §8.3-8.6), each on platform, virtual and goloom threads. */
@Timeout(60)
class ChannelSemanticsTest {

    @AfterAll
    static void closeScheduler() {
        ThreadKind.closeGoloom();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void unbufferedSendCompletesOnlyWhenAReceiverTakesTheValue(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<String> ch = GoChannel.unbuffered();
            AtomicBoolean sent = new AtomicBoolean();
            try (Goroutines g = new Goroutines(kind)) {
                g.go(() -> {
                    ch.send("v");
                    sent.set(true);
                });
                await("sender blocked", () -> ch.waitingSenders() == 1);
                TimeUnit.MILLISECONDS.sleep(20);
                assertFalse(sent.get(), "an unbuffered send must not complete without a receiver");
                assertEquals(0, ch.len());
                assertEquals("v", ch.receive());
                g.join();
                assertTrue(sent.get());
            }
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void waitingReceiverGetsTheValueDirectlyNotThroughTheBuffer(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            for (GoChannel<Integer> ch : List.of(GoChannel.<Integer>unbuffered(), GoChannel.<Integer>buffered(4))) {
                AtomicReference<Integer> got = new AtomicReference<>();
                try (Goroutines g = new Goroutines(kind)) {
                    g.go(() -> got.set(ch.receive()));
                    await("receiver blocked", () -> ch.waitingReceivers() == 1);
                    assertTrue(ch.trySend(42), "a waiting receiver makes a send ready");
                    assertEquals(0, ch.len(), "the value went to the receiver, not into the buffer");
                    g.join();
                }
                assertEquals(42, got.get());
                assertEquals(0, ch.waitingReceivers());
            }
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void bufferedChannelIsFifoAndReportsLenAndCap(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> ch = GoChannel.buffered(5);
            assertEquals(5, ch.cap());
            for (int i = 0; i < 5; i++) {
                ch.send(i);
                assertEquals(i + 1, ch.len());
            }
            assertFalse(ch.trySend(99), "full");
            for (int i = 0; i < 5; i++) {
                assertEquals(i, ch.receive());
            }
            assertEquals(0, ch.len());
            // wrap around the ring several times
            for (int round = 0; round < 7; round++) {
                for (int i = 0; i < 3; i++) {
                    ch.send(round * 10 + i);
                }
                for (int i = 0; i < 3; i++) {
                    assertEquals(round * 10 + i, ch.receive());
                }
            }
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void receiveFromFullBufferRotatesTheWaitingSendersValueIn(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> ch = GoChannel.buffered(3);
            for (int i = 1; i <= 3; i++) {
                ch.send(i);
            }
            try (Goroutines g = new Goroutines(kind)) {
                // three blocked senders, queued in a known order
                for (int v = 4; v <= 6; v++) {
                    int value = v;
                    int queued = v - 3;
                    g.go(() -> ch.send(value));
                    await("sender " + value + " queued", () -> ch.waitingSenders() == queued);
                }
                assertEquals(1, ch.receive(), "the oldest buffered value");
                assertEquals(3, ch.len(), "sender 4's value moved into the freed slot; still full");
                assertEquals(2, ch.waitingSenders());
                List<Integer> rest = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    rest.add(ch.receive());
                }
                assertEquals(List.of(2, 3, 4, 5, 6), rest, "FIFO preserved across the rotation");
                g.join();
            }
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void blockedReceiversAreServedFifo(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> ch = GoChannel.unbuffered();
            int n = 5;
            Integer[] got = new Integer[n];
            try (Goroutines g = new Goroutines(kind)) {
                for (int i = 0; i < n; i++) {
                    int idx = i;
                    g.go(() -> got[idx] = ch.receive());
                    await("receiver " + i + " queued", () -> ch.waitingReceivers() == idx + 1);
                }
                for (int i = 0; i < n; i++) {
                    ch.send(100 + i);
                }
                g.join();
            }
            for (int i = 0; i < n; i++) {
                assertEquals(100 + i, got[i], "receiver " + i);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void blockedSendersAreServedFifo(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            for (GoChannel<Integer> ch : List.of(GoChannel.<Integer>unbuffered(), GoChannel.<Integer>buffered(1))) {
                int pre = ch.cap();
                if (pre == 1) {
                    ch.send(-1);
                }
                try (Goroutines g = new Goroutines(kind)) {
                    for (int i = 0; i < 5; i++) {
                        int v = i;
                        g.go(() -> ch.send(v));
                        await("sender " + i + " queued", () -> ch.waitingSenders() == v + 1);
                    }
                    if (pre == 1) {
                        assertEquals(-1, ch.receive());
                    }
                    for (int i = 0; i < 5; i++) {
                        assertEquals(i, ch.receive());
                    }
                    g.join();
                }
            }
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void closeWakesEveryBlockedReceiverWhoSeesClosed(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<String> ch = GoChannel.buffered(2);
            List<Received<String>> results = new CopyOnWriteArrayList<>();
            AtomicInteger nulls = new AtomicInteger();
            try (Goroutines g = new Goroutines(kind)) {
                for (int i = 0; i < 3; i++) {
                    g.go(() -> results.add(ch.receiveOk()));
                }
                for (int i = 0; i < 2; i++) {
                    g.go(() -> {
                        if (ch.receive() == null) {
                            nulls.incrementAndGet();
                        }
                    });
                }
                await("5 receivers blocked", () -> ch.waitingReceivers() == 5);
                ch.close();
                g.join();
            }
            assertEquals(3, results.size());
            for (Received<String> r : results) {
                assertTrue(r.closed());
                assertFalse(r.ok());
                assertNull(r.value());
            }
            assertEquals(2, nulls.get(), "receive() returns null (Go's zero value) when closed");
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void closeWakesEveryBlockedSenderWhoThrows(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> ch = GoChannel.buffered(1);
            ch.send(0);
            AtomicInteger panics = new AtomicInteger();
            try (Goroutines g = new Goroutines(kind)) {
                for (int i = 1; i <= 3; i++) {
                    int v = i;
                    g.go(() -> {
                        ChannelPanicException e = assertThrows(ChannelPanicException.class, () -> ch.send(v));
                        assertEquals("send on closed channel", e.getMessage());
                        panics.incrementAndGet();
                    });
                }
                await("3 senders blocked", () -> ch.waitingSenders() == 3);
                ch.close();
                g.join();
            }
            assertEquals(3, panics.get());
            assertEquals(Received.of(0), ch.receiveOk(), "the buffered value survives close");
            assertTrue(ch.receiveOk().closed());
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void bufferedValuesAreStillReceivedAfterClose(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> ch = GoChannel.buffered(3);
            ch.send(1);
            ch.send(2);
            ch.close();
            assertEquals(2, ch.len());
            assertEquals(Received.of(1), ch.receiveOk());
            assertEquals(2, ch.receive());
            assertEquals(0, ch.len());
            assertTrue(ch.receiveOk().closed());
            assertNull(ch.receive());
            assertTrue(ch.tryReceive().closed());
            assertTrue(ch.tryReceive(Duration.ofSeconds(5)).closed(), "a closed channel never blocks");
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void rangeReceivesEverythingAndEndsAtClose(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            for (int cap : new int[] {0, 1, 16}) {
                GoChannel<Integer> ch = GoChannel.buffered(cap);
                List<Integer> got = new ArrayList<>();
                try (Goroutines g = new Goroutines(kind)) {
                    g.go(() -> {
                        for (int i = 0; i < 1000; i++) {
                            ch.send(i);
                        }
                        ch.close();
                    });
                    for (int v : ch) { // for v := range ch
                        got.add(v);
                    }
                    g.join();
                }
                assertEquals(1000, got.size());
                for (int i = 0; i < 1000; i++) {
                    assertEquals(i, got.get(i));
                }
            }
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void rangeThrowsUncheckedInterruptedExceptionAndKeepsTheFlag(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> ch = GoChannel.unbuffered();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicBoolean flag = new AtomicBoolean();
            try (Goroutines g = new Goroutines(kind)) {
                Thread t = g.go(() -> {
                    try {
                        for (int ignored : ch) {
                            // nothing is sent
                        }
                    } catch (UncheckedInterruptedException e) {
                        thrown.set(e);
                        flag.set(Thread.currentThread().isInterrupted());
                    }
                });
                await("ranging receiver blocked", () -> ch.waitingReceivers() == 1);
                t.interrupt();
                g.join();
            }
            assertTrue(thrown.get() instanceof UncheckedInterruptedException);
            assertTrue(thrown.get().getCause() instanceof InterruptedException);
            assertTrue(flag.get(), "interrupt status re-set");
            assertEquals(0, ch.waitingReceivers());
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void nonBlockingOperationsReportWouldBlockValueAndClosed(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<String> un = GoChannel.unbuffered();
            assertFalse(un.trySend("x"), "no receiver waiting");
            assertTrue(un.tryReceive().wouldBlock());
            assertEquals(Received.Status.WOULD_BLOCK, un.tryReceive().status());

            GoChannel<String> buf = GoChannel.buffered(1);
            assertTrue(buf.trySend("a"));
            assertFalse(buf.trySend("b"), "full");
            Received<String> r = buf.tryReceive();
            assertTrue(r.ok());
            assertEquals("a", r.value());
            assertEquals(Received.Status.VALUE, r.status());
            assertTrue(buf.tryReceive().wouldBlock());
            buf.close();
            assertTrue(buf.tryReceive().closed());
            assertEquals(Received.Status.CLOSED, buf.tryReceive().status());
            ChannelPanicException e = assertThrows(ChannelPanicException.class, () -> buf.trySend("c"));
            assertEquals("send on closed channel", e.getMessage());
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void timedOperationsTimeOutAndWithdraw(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<String> ch = GoChannel.unbuffered();
            long t0 = System.nanoTime();
            assertFalse(ch.trySend("x", Duration.ofMillis(30)));
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(30), "waited the timeout");
            assertEquals(0, ch.waitingSenders(), "the timed-out sender withdrew");
            assertTrue(ch.tryReceive(Duration.ofMillis(30)).wouldBlock());
            assertEquals(0, ch.waitingReceivers(), "the timed-out receiver withdrew");
            assertFalse(ch.trySend("x", Duration.ZERO));
            assertTrue(ch.tryReceive(Duration.ofMillis(-5)).wouldBlock());

            // a timed receive that is served before its timeout
            try (Goroutines g = new Goroutines(kind)) {
                g.go(() -> {
                    await("receiver waiting", () -> ch.waitingReceivers() == 1);
                    ch.send("late");
                });
                assertEquals(Received.of("late"), ch.tryReceive(Duration.ofSeconds(20)));
                g.join();
            }
            // a timed send that is served before its timeout
            try (Goroutines g = new Goroutines(kind)) {
                g.go(() -> {
                    await("sender waiting", () -> ch.waitingSenders() == 1);
                    assertEquals("early", ch.receive());
                });
                assertTrue(ch.trySend("early", Duration.ofSeconds(20)));
                g.join();
            }
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void nilChannelIsNeverReady(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<String> nil = GoChannel.nil();
            assertTrue(nil.isNil());
            assertEquals(0, nil.len());
            assertEquals(0, nil.cap());
            assertFalse(nil.trySend("x"));
            assertTrue(nil.tryReceive().wouldBlock());
            assertFalse(nil.trySend("x", Duration.ofMillis(10)));
            assertTrue(nil.tryReceive(Duration.ofMillis(10)).wouldBlock());
            ChannelPanicException e = assertThrows(ChannelPanicException.class, nil::close);
            assertEquals("close of nil channel", e.getMessage());

            // send and receive block "forever": until interrupted
            AtomicInteger interrupted = new AtomicInteger();
            try (Goroutines g = new Goroutines(kind)) {
                Thread s = g.go(() -> assertThrows(InterruptedException.class, () -> nil.send("x")));
                Thread r = g.go(() -> assertThrows(InterruptedException.class, nil::receive));
                Goroutines.awaitBlocked(s);
                Goroutines.awaitBlocked(r);
                TimeUnit.MILLISECONDS.sleep(20);
                assertTrue(s.isAlive() && r.isAlive());
                s.interrupt();
                r.interrupt();
                g.join();
                interrupted.incrementAndGet();
            }
            assertEquals(1, interrupted.get());
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void goPanicsBecomeExceptionsWithGosMessages(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> ch = GoChannel.buffered(1);
            ch.close();
            ChannelPanicException twice = assertThrows(ChannelPanicException.class, ch::close);
            assertEquals("close of closed channel", twice.getMessage());
            ChannelPanicException send = assertThrows(ChannelPanicException.class, () -> ch.send(1));
            assertEquals("send on closed channel", send.getMessage());
            assertThrows(ChannelPanicException.class, () -> ch.trySend(1, Duration.ofSeconds(1)));
            assertTrue(twice instanceof IllegalStateException, "unchecked, a programming error as in Go");
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void nullElementsAreRejected(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<String> ch = GoChannel.buffered(1);
            assertThrows(NullPointerException.class, () -> ch.send(null));
            assertThrows(NullPointerException.class, () -> ch.trySend(null));
            assertThrows(NullPointerException.class, () -> ch.trySend(null, Duration.ofMillis(1)));
            assertThrows(NullPointerException.class, () -> Select.send(ch, null));
            assertEquals(0, ch.len());
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void lenAndCap(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> un = GoChannel.unbuffered();
            assertEquals(0, un.len());
            assertEquals(0, un.cap());
            assertEquals(0, GoChannel.buffered(0).cap());
            GoChannel<Integer> b = GoChannel.buffered(10);
            b.send(1);
            b.send(2);
            assertEquals(2, b.len());
            assertEquals(10, b.cap());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoChannel.buffered(-1));
            assertEquals("makechan: size out of range", e.getMessage());
        });
    }

    /** Received is sealed: a switch over the three outcomes needs no default, and records deconstruct. */
    @Test
    void receivedIsASealedTypeForPatternMatching() throws Exception {
        GoChannel<String> ch = GoChannel.buffered(1);
        assertEquals("nothing", describe(ch.tryReceive()));
        ch.send("v");
        ch.close();
        Received<String> r = ch.tryReceive();
        assertEquals("value v", describe(r));
        assertEquals(new Received.Value<>("v"), r);
        assertEquals("v", r.value());
        assertEquals("closed", describe(ch.receiveOk()));
        assertSame(Received.closedChannel(), ch.receiveOk(), "one shared instance");
        assertEquals(Received.Status.CLOSED, ch.receiveOk().status());
        assertNull(ch.receiveOk().value());
        assertEquals("fallback", ch.receiveOk().orElse("fallback"));
        assertThrows(NullPointerException.class, () -> Received.of(null));
    }

    /** Every panic is thrown after the channel lock is released (lock in finally, throw after unlock). */
    @Test
    void panicsAndBlockedOperationsLeaveTheChannelUnlocked() throws Exception {
        GoChannel<Integer> ch = GoChannel.unbuffered();
        assertEquals(Received.wouldBlockResult(), ch.tryReceive(Duration.ofMillis(5)), "timed out and withdrawn");
        assertFalse(ch.trySend(1, Duration.ofMillis(5)), "timed out and withdrawn");
        assertEquals(0, ch.waitingReceivers() + ch.waitingSenders());
        ch.close();
        assertThrows(ChannelPanicException.class, () -> ch.send(1));
        assertFalse(ch.lock.isLocked(), "after send on closed channel");
        assertThrows(ChannelPanicException.class, ch::close);
        assertFalse(ch.lock.isLocked(), "after close of closed channel");
        assertThrows(ChannelPanicException.class, () -> Select.selectIndex(Select.send(ch, 1)));
        assertFalse(ch.lock.isLocked(), "after a select's send on closed channel");
        assertTrue(ch.receiveOk().closed());
        assertFalse(ch.lock.isLocked());
    }

    private static String describe(Received<String> r) {
        return switch (r) {
            case Received.Value<String>(String v) -> "value " + v;
            case Received.Closed<String> c -> "closed";
            case Received.WouldBlock<String> w -> "nothing";
        };
    }
}
