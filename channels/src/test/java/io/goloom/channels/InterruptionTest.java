package io.goloom.channels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static io.goloom.channels.Goroutines.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Java's interruption, which Go lacks: a blocked send, receive or select throws InterruptedException,
 * and a value is delivered exactly once or not at all.
 */
@Timeout(120)
class InterruptionTest {

    /** Marker for "the operation threw InterruptedException". */
    private static final Integer THREW = Integer.MIN_VALUE;

    @AfterAll
    static void closeScheduler() {
        ThreadKind.closeGoloom();
    }

    /** Waits for {@code flag} without touching the interrupt status (yield never consumes it). */
    private static void awaitNonInterruptibly(AtomicBoolean flag) {
        while (!flag.get()) {
            Thread.yield();
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void interruptingABlockedSendThrowsAndTheValueIsNotDelivered(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            for (GoChannel<Integer> ch : List.of(GoChannel.<Integer>unbuffered(), GoChannel.<Integer>buffered(1))) {
                if (ch.cap() == 1) {
                    ch.send(0);
                }
                AtomicBoolean threw = new AtomicBoolean();
                try (Goroutines g = new Goroutines(kind)) {
                    Thread s = g.go(() -> {
                        assertThrows(InterruptedException.class, () -> ch.send(7));
                        threw.set(true);
                        assertFalse(Thread.currentThread().isInterrupted(), "the exception consumed the interrupt");
                    });
                    await("sender blocked", () -> ch.waitingSenders() == 1);
                    s.interrupt();
                    g.join();
                }
                assertTrue(threw.get());
                assertEquals(0, ch.waitingSenders(), "withdrawn from the send queue");
                if (ch.cap() == 1) {
                    assertEquals(0, ch.receive());
                }
                assertTrue(ch.tryReceive().wouldBlock(), "7 was never delivered");
            }
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void interruptingABlockedReceiveThrowsAndWithdraws(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> ch = GoChannel.unbuffered();
            try (Goroutines g = new Goroutines(kind)) {
                Thread r = g.go(() -> assertThrows(InterruptedException.class, ch::receiveOk));
                await("receiver blocked", () -> ch.waitingReceivers() == 1);
                r.interrupt();
                g.join();
            }
            assertEquals(0, ch.waitingReceivers());
            assertFalse(ch.trySend(1), "no receiver is left to take a value");
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aBlockingOperationOnAnInterruptedThreadThrowsEvenIfReady(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> ch = GoChannel.buffered(2);
            ch.send(1);
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> ch.send(2));
            assertEquals(1, ch.len(), "not sent");
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, ch::receive);
            assertEquals(1, ch.len(), "not received");
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> Select.selectIndex(Select.receive(ch)));
            assertEquals(1, ch.len());
            // non-blocking operations ignore the interrupt status and leave it set
            Thread.currentThread().interrupt();
            assertTrue(ch.trySend(2));
            assertEquals(Received.of(1), ch.tryReceive());
            assertTrue(Thread.interrupted());
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aReceiveCompletedBeforeTheInterruptIsHandledReturnsTheValueWithTheFlagSet(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            for (int i = 0; i < 50; i++) {
                GoChannel<Integer> ch = GoChannel.unbuffered();
                AtomicReference<Object> got = new AtomicReference<>();
                AtomicBoolean flagAfter = new AtomicBoolean();
                AtomicBoolean interruptedByMain = new AtomicBoolean();
                try (Goroutines g = new Goroutines(kind)) {
                    Thread r = g.go(() -> {
                        try {
                            got.set(ch.receive());
                        } catch (InterruptedException e) {
                            got.set(e);
                        }
                        awaitNonInterruptibly(interruptedByMain);
                        flagAfter.set(Thread.interrupted());
                    });
                    await("receiver blocked", () -> ch.waitingReceivers() == 1);
                    assertTrue(ch.trySend(i), "hand-off to the waiting receiver");
                    r.interrupt(); // the receiver has been completed; maybe it has not run yet
                    interruptedByMain.set(true);
                    g.join();
                }
                assertEquals(i, got.get(), "the value handed over is never lost");
                assertTrue(flagAfter.get(), "interrupt status preserved");
            }
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aSendCompletedBeforeTheInterruptIsHandledReturnsNormallyWithTheFlagSet(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            for (int i = 0; i < 50; i++) {
                GoChannel<Integer> ch = GoChannel.unbuffered();
                AtomicReference<Object> outcome = new AtomicReference<>();
                AtomicBoolean flagAfter = new AtomicBoolean();
                AtomicBoolean interruptedByMain = new AtomicBoolean();
                int v = i;
                try (Goroutines g = new Goroutines(kind)) {
                    Thread s = g.go(() -> {
                        try {
                            ch.send(v);
                            outcome.set("sent");
                        } catch (InterruptedException e) {
                            outcome.set(e);
                        }
                        awaitNonInterruptibly(interruptedByMain);
                        flagAfter.set(Thread.interrupted());
                    });
                    await("sender blocked", () -> ch.waitingSenders() == 1);
                    assertEquals(Received.of(i), ch.tryReceive());
                    s.interrupt();
                    interruptedByMain.set(true);
                    g.join();
                }
                assertEquals("sent", outcome.get(), "the receiver got the value, so the send succeeded");
                assertTrue(flagAfter.get());
            }
        });
    }

    /**
     * Races an interrupt against a hand-off many times: the receiver returns the value if and only if
     * the sender's send succeeded.
     */
    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void receiveVersusInterruptRaceIsExactlyOnce(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            int delivered = 0;
            int interrupted = 0;
            for (int i = 0; i < 1000; i++) {
                GoChannel<Integer> ch = GoChannel.unbuffered();
                AtomicReference<Integer> got = new AtomicReference<>();
                AtomicBoolean sent = new AtomicBoolean();
                int v = i;
                try (Goroutines g = new Goroutines(kind)) {
                    Thread r = g.go(() -> {
                        try {
                            got.set(ch.receive());
                        } catch (InterruptedException e) {
                            got.set(THREW);
                        }
                    });
                    await("receiver blocked", () -> ch.waitingReceivers() == 1);
                    g.go(() -> sent.set(ch.trySend(v, Duration.ofMillis(1))));
                    g.go(r::interrupt);
                    g.join();
                }
                if (sent.get()) {
                    assertEquals(v, got.get(), "a successful send's value reached the receiver");
                    delivered++;
                } else {
                    assertEquals(THREW, got.get(), "no send succeeded, so the receiver was interrupted");
                    interrupted++;
                }
            }
            assertEquals(1000, delivered + interrupted);
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void sendVersusInterruptRaceIsExactlyOnce(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            for (int i = 0; i < 1000; i++) {
                GoChannel<Integer> ch = GoChannel.unbuffered();
                AtomicBoolean sent = new AtomicBoolean();
                AtomicReference<Received<Integer>> got = new AtomicReference<>();
                int v = i;
                try (Goroutines g = new Goroutines(kind)) {
                    Thread s = g.go(() -> {
                        try {
                            ch.send(v);
                            sent.set(true);
                        } catch (InterruptedException e) {
                            sent.set(false);
                        }
                    });
                    await("sender blocked", () -> ch.waitingSenders() == 1);
                    g.go(() -> got.set(ch.tryReceive(Duration.ofMillis(1))));
                    g.go(s::interrupt);
                    g.join();
                }
                assertEquals(sent.get(), got.get().ok(), "send succeeded iff the value was received");
                if (sent.get()) {
                    assertEquals(v, got.get().value());
                }
                assertEquals(0, ch.waitingSenders());
            }
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void selectVersusInterruptRaceIsExactlyOnce(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            for (int i = 0; i < 500; i++) {
                GoChannel<Integer> a = GoChannel.unbuffered();
                GoChannel<Integer> b = GoChannel.unbuffered();
                AtomicReference<Integer> got = new AtomicReference<>();
                AtomicBoolean sentA = new AtomicBoolean();
                AtomicBoolean sentB = new AtomicBoolean();
                int v = i;
                try (Goroutines g = new Goroutines(kind)) {
                    Thread sel = g.go(() -> {
                        try {
                            Select.selectIndex(Select.receive(a, got::set), Select.receive(b, got::set));
                        } catch (InterruptedException e) {
                            got.set(THREW);
                        }
                    });
                    await("select blocked", () -> a.waitingReceivers() == 1 && b.waitingReceivers() == 1);
                    g.go(() -> sentA.set(a.trySend(v, Duration.ofMillis(1))));
                    g.go(() -> sentB.set(b.trySend(-v - 1, Duration.ofMillis(1))));
                    g.go(sel::interrupt);
                    g.join();
                }
                assertFalse(sentA.get() && sentB.get(), "one select took two values");
                if (sentA.get()) {
                    assertEquals(v, got.get());
                } else if (sentB.get()) {
                    assertEquals(-v - 1, got.get());
                } else {
                    assertEquals(THREW, got.get());
                }
                assertEquals(0, a.waitingReceivers() + b.waitingReceivers(), "withdrawn everywhere");
            }
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void selectTimeoutVersusSendRaceIsExactlyOnce(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            int timeouts = 0;
            for (int i = 0; i < 500; i++) {
                GoChannel<Integer> a = GoChannel.unbuffered();
                AtomicReference<Integer> got = new AtomicReference<>();
                AtomicBoolean sent = new AtomicBoolean();
                int v = i;
                try (Goroutines g = new Goroutines(kind)) {
                    g.go(() -> Select.selectIndex(
                            Select.receive(a, got::set),
                            Select.timeout(Duration.ofNanos(200_000), () -> got.set(THREW))));
                    g.go(() -> sent.set(a.trySend(v, Duration.ofNanos(200_000))));
                    g.join();
                }
                if (sent.get()) {
                    assertEquals(v, got.get());
                } else {
                    assertEquals(THREW, got.get());
                    timeouts++;
                }
                assertEquals(0, a.waitingReceivers() + a.waitingSenders());
            }
            assertTrue(timeouts <= 500);
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void interruptingABlockedSelectThrowsAndWithdrawsFromEveryChannel(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> a = GoChannel.unbuffered();
            GoChannel<Integer> b = GoChannel.buffered(1);
            b.send(0); // b full, so the send case blocks too
            try (Goroutines g = new Goroutines(kind)) {
                Thread t = g.go(() -> assertThrows(InterruptedException.class,
                        () -> Select.selectIndex(Select.receive(a), Select.send(b, 5), Select.receive(GoChannel.nil()))));
                await("select blocked", () -> a.waitingReceivers() == 1 && b.waitingSenders() == 1);
                t.interrupt();
                g.join();
            }
            assertEquals(0, a.waitingReceivers());
            assertEquals(0, b.waitingSenders());
            assertEquals(0, b.receive());
            assertTrue(b.tryReceive().wouldBlock(), "5 was not sent");
        });
    }
}
