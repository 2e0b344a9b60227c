package io.goloom.channels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.goloom.channels.Goroutines.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Go's select (spec §8.7), each on platform, virtual and goloom threads. */
@Timeout(60)
class SelectTest {

    @AfterAll
    static void closeScheduler() {
        ThreadKind.closeGoloom();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void theReadyCaseProceedsAndTheCallerLearnsWhich(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<String> a = GoChannel.buffered(1);
            GoChannel<String> b = GoChannel.buffered(1);
            GoChannel<String> c = GoChannel.buffered(1);
            c.send("full");
            b.send("hello");
            AtomicReference<String> got = new AtomicReference<>();
            int chosen = Select.selectIndex(
                    Select.receive(a, v -> got.set("a:" + v)),
                    Select.receive(b, v -> got.set("b:" + v)),
                    Select.send(c, "x", () -> got.set("c")));
            assertEquals(1, chosen);
            assertEquals("b:hello", got.get());
            assertEquals(0, b.len());

            // a send case is ready when there is buffer space
            chosen = Select.selectIndex(Select.receive(a), Select.send(b, "y", () -> got.set("sent")));
            assertEquals(1, chosen);
            assertEquals("sent", got.get());
            assertEquals("y", b.receive());
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void defaultRunsWhenNothingIsReadyAndConsumesNothing(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> a = GoChannel.unbuffered();
            GoChannel<Integer> full = GoChannel.buffered(1);
            full.send(1);
            AtomicBoolean ranDefault = new AtomicBoolean();
            int chosen = Select.selectIndex(Select.receive(a), Select.send(full, 2),
                    Select.defaultCase(() -> ranDefault.set(true)));
            assertEquals(2, chosen, "the default case's index");
            assertTrue(ranDefault.get());
            assertEquals(1, full.len());
            assertEquals(0, a.waitingReceivers(), "a non-blocking select never enqueues");
            assertEquals(-1, Select.trySelect(Select.receive(a), Select.send(full, 2)));
            assertEquals(0, Select.trySelect(Select.receive(full)));
            assertEquals(0, full.len());
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void timeoutCaseRunsAfterTheTimeoutAndTheSelectWithdraws(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> a = GoChannel.unbuffered();
            GoChannel<Integer> b = GoChannel.buffered(1);
            b.send(0);
            AtomicBoolean timedOut = new AtomicBoolean();
            long t0 = System.nanoTime();
            int chosen = Select.selectIndex(Select.receive(a), Select.send(b, 1),
                    Select.timeout(Duration.ofMillis(40), () -> timedOut.set(true)));
            long waited = System.nanoTime() - t0;
            assertEquals(2, chosen);
            assertTrue(timedOut.get());
            assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(40), "not before the timeout");
            assertEquals(0, a.waitingReceivers());
            assertEquals(0, b.waitingSenders());
            // a zero timeout is a default
            assertEquals(1, Select.selectIndex(Select.receive(a), Select.timeout(Duration.ZERO)));
            // a timeout with only nil cases just waits
            assertEquals(1, Select.selectIndex(Select.receive(GoChannel.nil()), Select.timeout(Duration.ofMillis(5))));
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aBlockedSelectIsWokenByOneChannelAndWithdrawnFromTheOthers(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<String> a = GoChannel.unbuffered();
            GoChannel<String> b = GoChannel.unbuffered();
            GoChannel<String> c = GoChannel.buffered(1);
            c.send("c0"); // c full: its send case waits too
            AtomicReference<String> got = new AtomicReference<>();
            AtomicInteger chosen = new AtomicInteger(-1);
            try (Goroutines g = new Goroutines(kind)) {
                g.go(() -> chosen.set(Select.selectIndex(
                        Select.receive(a, got::set), Select.receive(b, got::set), Select.send(c, "c1"))));
                await("select queued on all three",
                        () -> a.waitingReceivers() == 1 && b.waitingReceivers() == 1 && c.waitingSenders() == 1);
                b.send("via b");
                g.join();
            }
            assertEquals(1, chosen.get());
            assertEquals("via b", got.get());
            assertEquals(0, a.waitingReceivers(), "withdrawn from a");
            assertEquals(0, c.waitingSenders(), "withdrawn from c");
            assertFalse(a.trySend("nobody"), "no stale receiver left on a");
            assertEquals("c0", c.receive());
            assertTrue(c.tryReceive().wouldBlock(), "c1 was not sent");
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aSelectNeverTakesTwoValues(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            for (int i = 0; i < 300; i++) {
                GoChannel<Integer> a = GoChannel.unbuffered();
                GoChannel<Integer> b = GoChannel.unbuffered();
                AtomicInteger handled = new AtomicInteger();
                AtomicBoolean sentA = new AtomicBoolean();
                AtomicBoolean sentB = new AtomicBoolean();
                try (Goroutines g = new Goroutines(kind)) {
                    g.go(() -> Select.selectIndex(Select.receive(a, v -> handled.incrementAndGet()),
                            Select.receive(b, v -> handled.incrementAndGet())));
                    await("select blocked", () -> a.waitingReceivers() == 1 && b.waitingReceivers() == 1);
                    g.go(() -> sentA.set(a.trySend(1, Duration.ofMillis(2))));
                    g.go(() -> sentB.set(b.trySend(2, Duration.ofMillis(2))));
                    g.join();
                }
                assertEquals(1, handled.get());
                assertTrue(sentA.get() ^ sentB.get(), "exactly one sender delivered");
                assertEquals(0, a.waitingReceivers() + b.waitingReceivers()
                        + a.waitingSenders() + b.waitingSenders());
            }
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void twoBlockingSelectsRendezvousWithEachOther(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> a = GoChannel.unbuffered();
            GoChannel<Integer> b = GoChannel.unbuffered();
            GoChannel<Integer> unused = GoChannel.unbuffered();
            AtomicLong sum = new AtomicLong();
            int n = 2000;
            try (Goroutines g = new Goroutines(kind)) {
                g.go(() -> {
                    for (int i = 0; i < n; i++) {
                        int v = i;
                        Select.selectIndex(Select.send(a, v), Select.send(b, v), Select.receive(unused));
                    }
                });
                g.go(() -> {
                    for (int i = 0; i < n; i++) {
                        Select.selectIndex(Select.receive(b, v -> sum.addAndGet(v)), Select.receive(unused), Select.receive(a, v -> sum.addAndGet(v)));
                    }
                });
                g.join();
            }
            assertEquals((long) n * (n - 1) / 2, sum.get());
            assertEquals(0, a.waitingReceivers() + a.waitingSenders() + b.waitingReceivers() + b.waitingSenders()
                    + unused.waitingReceivers());
        });
    }

    /** Selects that list the same channels in opposite orders must not deadlock (global lock order). */
    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void selectsOverTheSameChannelsInOppositeOrderNeverDeadlock(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            List<GoChannel<Integer>> chans = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                chans.add(GoChannel.buffered(i % 2)); // unbuffered and buffered
            }
            int perThread = 3000;
            AtomicLong sent = new AtomicLong();
            AtomicLong received = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            try (Goroutines g = new Goroutines(kind)) {
                for (int t = 0; t < 4; t++) {
                    boolean reverse = t % 2 == 1;
                    boolean sender = t < 2;
                    g.go(() -> {
                        for (int i = 0; i < perThread; i++) {
                            List<Select.Case<?>> cases = new ArrayList<>();
                            for (int k = 0; k < chans.size(); k++) {
                                GoChannel<Integer> ch = chans.get(reverse ? chans.size() - 1 - k : k);
                                cases.add(sender ? Select.send(ch, 1, sent::incrementAndGet)
                                        : Select.receive(ch, v -> received.incrementAndGet()));
                            }
                            cases.add(Select.timeout(Duration.ofMillis(50)));
                            Select.selectIndex(cases);
                        }
                    });
                }
                g.join(Duration.ofSeconds(50));
                stop.set(true);
            }
            // drain what is left in buffers; every sent value was received exactly once
            for (GoChannel<Integer> ch : chans) {
                while (ch.tryReceive().ok()) {
                    received.incrementAndGet();
                }
            }
            assertEquals(sent.get(), received.get());
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void receiveCaseOnAClosedChannelIsReadyAndYieldsClosed(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<String> closed = GoChannel.unbuffered();
            closed.close();
            AtomicReference<String> v = new AtomicReference<>("unset");
            AtomicReference<Received<String>> r = new AtomicReference<>();
            assertEquals(0, Select.selectIndex(Select.receive(closed, v::set), Select.receive(GoChannel.<String>unbuffered())));
            assertNull(v.get(), "Go's zero value");
            assertEquals(0, Select.selectIndex(Select.receiveOk(closed, r::set)));
            assertSame(Received.closedChannel(), r.get());
            assertFalse(r.get().ok());
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void closeWakesABlockedSelect(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<String> a = GoChannel.unbuffered();
            GoChannel<String> other = GoChannel.unbuffered();
            AtomicReference<Received<String>> r = new AtomicReference<>();
            try (Goroutines g = new Goroutines(kind)) {
                g.go(() -> assertEquals(0, Select.selectIndex(Select.receiveOk(a, r::set), Select.receive(other))));
                await("select blocked", () -> a.waitingReceivers() == 1);
                a.close();
                g.join();
            }
            assertTrue(r.get().closed());
            assertEquals(0, other.waitingReceivers());
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void sendCaseOnAClosedChannelPanics(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<String> closed = GoChannel.buffered(1);
            closed.close();
            ChannelPanicException e = assertThrows(ChannelPanicException.class,
                    () -> Select.selectIndex(Select.send(closed, "x"), Select.defaultCase()));
            assertEquals("send on closed channel", e.getMessage());

            // closed while the select waits on the send case
            GoChannel<String> a = GoChannel.unbuffered();
            GoChannel<String> other = GoChannel.unbuffered();
            try (Goroutines g = new Goroutines(kind)) {
                g.go(() -> {
                    ChannelPanicException p = assertThrows(ChannelPanicException.class,
                            () -> Select.selectIndex(Select.send(a, "x"), Select.receive(other)));
                    assertEquals("send on closed channel", p.getMessage());
                });
                await("select blocked", () -> a.waitingSenders() == 1);
                a.close();
                g.join();
            }
            assertEquals(0, other.waitingReceivers());
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void nilChannelCasesAreNeverReady(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> in = GoChannel.buffered(1);
            in.send(1);
            GoChannel<Integer> nil = GoChannel.nil();
            assertEquals(1, Select.selectIndex(Select.receive(nil), Select.receive(in), Select.send(nil, 5)));
            assertEquals(2, Select.selectIndex(Select.receive(nil), Select.send(nil, 1), Select.defaultCase()));

            // Go's idiom: merge two channels, setting each to nil once it is closed
            GoChannel<Integer> x = GoChannel.buffered(3);
            GoChannel<Integer> y = GoChannel.buffered(3);
            for (int i = 0; i < 3; i++) {
                x.send(i);
                y.send(10 + i);
            }
            x.close();
            y.close();
            List<Integer> merged = new ArrayList<>();
            List<GoChannel<Integer>> live = new ArrayList<>(List.of(x, y));
            while (!live.get(0).isNil() || !live.get(1).isNil()) {
                Select.selectIndex(
                        Select.receiveOk(live.get(0), r -> {
                            if (r.ok()) {
                                merged.add(r.value());
                            } else {
                                live.set(0, GoChannel.nil()); // x = nil
                            }
                        }),
                        Select.receiveOk(live.get(1), r -> {
                            if (r.ok()) {
                                merged.add(r.value());
                            } else {
                                live.set(1, GoChannel.nil()); // y = nil
                            }
                        }));
            }
            merged.sort(null);
            assertEquals(List.of(0, 1, 2, 10, 11, 12), merged);

            // select {} and a select over only nil channels block until interrupted
            try (Goroutines g = new Goroutines(kind)) {
                Thread t1 = g.go(() -> assertThrows(InterruptedException.class, () -> Select.selectIndex()));
                Thread t2 = g.go(() -> assertThrows(InterruptedException.class,
                        () -> Select.selectIndex(Select.receive(nil), Select.send(nil, 1))));
                Goroutines.awaitBlocked(t1);
                Goroutines.awaitBlocked(t2);
                TimeUnit.MILLISECONDS.sleep(10);
                t1.interrupt();
                t2.interrupt();
                g.join();
            }
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void theSameChannelMayAppearInSeveralCases(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> a = GoChannel.buffered(1);
            a.send(1);
            int chosen = Select.selectIndex(Select.receive(a), Select.receive(a), Select.send(a, 2));
            assertTrue(chosen == 0 || chosen == 1, "the buffer is full, so only receives are ready");
            // now empty: only the send case is ready
            assertEquals(2, Select.selectIndex(Select.receive(a), Select.receive(a), Select.send(a, 2)));
            assertEquals(2, a.receive());

            // blocked on duplicates, woken once
            GoChannel<Integer> u = GoChannel.unbuffered();
            AtomicInteger handled = new AtomicInteger();
            try (Goroutines g = new Goroutines(kind)) {
                g.go(() -> Select.selectIndex(Select.receive(u, v -> handled.incrementAndGet()),
                        Select.receive(u, v -> handled.incrementAndGet())));
                await("select queued twice on u", () -> u.waitingReceivers() == 2);
                u.send(7);
                g.join();
            }
            assertEquals(1, handled.get());
            assertEquals(0, u.waitingReceivers());
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aSelectMaySendAndReceiveOnOneUnbufferedChannel(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<String> u = GoChannel.unbuffered();
            for (int i = 0; i < 100; i++) {
                AtomicReference<String> got = new AtomicReference<>();
                AtomicReference<String> partner = new AtomicReference<>();
                try (Goroutines g = new Goroutines(kind)) {
                    g.go(() -> Select.selectIndex(Select.send(u, "from-select", () -> got.set("sent")),
                            Select.receive(u, v -> got.set("received " + v))));
                    g.go(() -> Select.selectIndex(Select.send(u, "from-partner", () -> partner.set("sent")),
                            Select.receive(u, v -> partner.set("received " + v))));
                    g.join();
                }
                // the two selects paired up: one sent, the other received
                assertTrue((got.get().equals("sent") && partner.get().equals("received from-select"))
                        || (partner.get().equals("sent") && got.get().equals("received from-partner")),
                        got.get() + " / " + partner.get());
                assertEquals(0, u.waitingReceivers() + u.waitingSenders());
            }
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void bufferedReceiveCaseWithAWaitingSenderRotates(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> ch = GoChannel.buffered(2);
            ch.send(1);
            ch.send(2);
            try (Goroutines g = new Goroutines(kind)) {
                g.go(() -> ch.send(3));
                await("sender blocked", () -> ch.waitingSenders() == 1);
                AtomicInteger got = new AtomicInteger();
                Select.selectIndex(Select.receive(ch, got::set));
                assertEquals(1, got.get());
                g.join();
            }
            assertEquals(2, ch.len());
            assertEquals(2, ch.receive());
            assertEquals(3, ch.receive());
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void timeAfterAsASelectCase(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<String> never = GoChannel.unbuffered();
            AtomicBoolean fired = new AtomicBoolean();
            int chosen = Select.selectIndex(Select.receive(never), Select.receive(GoTime.after(Duration.ofMillis(20)),
                    t -> fired.set(t != null)));
            assertEquals(1, chosen);
            assertTrue(fired.get());
            assertEquals(0, never.waitingReceivers());
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void handlersRunWithNoChannelLockHeld(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> a = GoChannel.buffered(1);
            GoChannel<Integer> b = GoChannel.unbuffered();
            List<GoChannel<Integer>> all = List.of(a, b);
            AtomicInteger checked = new AtomicInteger();
            Runnable noLockHeld = () -> {
                for (GoChannel<Integer> ch : all) {
                    assertFalse(ch.lock.isHeldByCurrentThread(), "handler runs after selunlock");
                }
                checked.incrementAndGet();
            };
            a.send(1);
            Select.selectIndex(Select.receive(a, v -> noLockHeld.run()), Select.receive(b, v -> noLockHeld.run())); // pass 1
            Select.selectIndex(Select.receive(a), Select.receive(b), Select.defaultCase(noLockHeld));                // default
            Select.selectIndex(Select.receive(a), Select.receive(b), Select.timeout(Duration.ofMillis(1), noLockHeld)); // timeout
            try (Goroutines g = new Goroutines(kind)) {                                                   // pass 3
                g.go(() -> {
                    await("select blocked", () -> b.waitingReceivers() == 1);
                    b.send(2);
                });
                Select.selectIndex(Select.receive(a, v -> noLockHeld.run()), Select.receive(b, v -> noLockHeld.run()));
                g.join();
            }
            assertEquals(4, checked.get());
        });
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void manyCasesWithDuplicatesInRandomOrder(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            java.util.Random random = new java.util.Random(42);
            List<GoChannel<Integer>> chans = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                chans.add(GoChannel.unbuffered());
            }
            for (int round = 0; round < 20; round++) {
                // 100 receive cases over the 40 channels, shuffled, with duplicates
                List<Select.Case<?>> cases = new ArrayList<>();
                List<GoChannel<Integer>> caseChannel = new ArrayList<>();
                AtomicInteger got = new AtomicInteger(-1);
                for (int i = 0; i < 100; i++) {
                    GoChannel<Integer> ch = chans.get(random.nextInt(chans.size()));
                    caseChannel.add(ch);
                    cases.add(Select.receive(ch, got::set));
                }
                GoChannel<Integer> target = caseChannel.get(random.nextInt(caseChannel.size()));
                AtomicInteger chosen = new AtomicInteger(-1);
                try (Goroutines g = new Goroutines(kind)) {
                    g.go(() -> chosen.set(Select.selectIndex(cases)));
                    long expectedWaiters = caseChannel.stream().filter(c -> c == target).count();
                    await("select queued", () -> target.waitingReceivers() == expectedWaiters);
                    target.send(round);
                    g.join();
                }
                assertEquals(round, got.get());
                assertSame(target, caseChannel.get(chosen.get()), "the index names a case on the channel that was sent to");
                for (GoChannel<Integer> ch : chans) {
                    assertEquals(0, ch.waitingReceivers(), "withdrawn from every channel");
                }
            }
        });
    }

    @Test
    void handlerExceptionsPropagateAfterTheCommunication() throws Exception {
        GoChannel<Integer> a = GoChannel.buffered(1);
        a.send(1);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Select.selectIndex(Select.receive(a, v -> {
                    throw new IllegalStateException("boom " + v);
                })));
        assertEquals("boom 1", e.getMessage());
        assertEquals(0, a.len(), "the value was taken before the handler ran");
    }

    @Test
    void builderAndListFormsAndIndexes() throws Exception {
        GoChannel<String> a = GoChannel.buffered(1);
        GoChannel<String> b = GoChannel.buffered(1);
        AtomicReference<String> got = new AtomicReference<>();
        Select.Builder builder = Select.builder()
                .receive(a, v -> got.set("a " + v))
                .receiveOk(b, r -> got.set("b " + r))
                .defaultCase(() -> got.set("default"));
        assertEquals(2, builder.selectIndex());
        assertEquals("default", got.get());
        b.send("x");
        assertEquals(1, builder.selectIndex(), "a builder is reusable");
        assertEquals("b Received[x]", got.get());
        assertEquals(-1, Select.builder().receive(a, v -> { }).trySelect());
        assertEquals(0, Select.builder().send(a, "y", () -> got.set("sent")).timeout(Duration.ofSeconds(5), () -> { })
                .selectIndex());
        assertEquals("sent", got.get());
        assertEquals(1, Select.builder().add(Select.receive(b)).add(Select.receive(a)).selectIndex());
        assertEquals(1, Select.selectIndex(List.of(Select.receive(b), Select.timeout(Duration.ofMillis(1)))));
    }

    @Test
    void invalidCaseCombinationsAreRejected() {
        GoChannel<String> a = GoChannel.unbuffered();
        assertThrows(IllegalArgumentException.class,
                () -> Select.selectIndex(Select.defaultCase(), Select.receive(a), Select.defaultCase()));
        assertThrows(IllegalArgumentException.class,
                () -> Select.selectIndex(Select.timeout(Duration.ofSeconds(1)), Select.timeout(Duration.ofSeconds(1))));
        assertThrows(IllegalArgumentException.class,
                () -> Select.selectIndex(Select.defaultCase(), Select.timeout(Duration.ofSeconds(1))));
        assertThrows(IllegalArgumentException.class, () -> Select.trySelect(Select.timeout(Duration.ofSeconds(1))));
        assertThrows(NullPointerException.class, () -> Select.selectIndex(Select.receive(a), null));
        assertThrows(NullPointerException.class, () -> Select.receive(null));
        assertThrows(NullPointerException.class, () -> Select.receive(a, null));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void selectReturnsTheChosenCasesValue(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> ints = GoChannel.buffered(1);
            GoChannel<String> strs = GoChannel.buffered(1);
            GoChannel<String> out = GoChannel.buffered(1);
            ints.send(41);
            // only the ints case is ready (strs empty, out's buffer is taken below)
            out.send("full");
            String got = Select.select(
                    Select.receive(ints).map(v -> "int " + (v + 1)),
                    Select.receive(strs).map(v -> "str " + v),
                    Select.send(out, "x").map(s -> "sent"));
            assertEquals("int 42", got);

            strs.send("s");
            Integer plain = Select.select(Select.receive(ints), Select.defaultCase().map(d -> -1));
            assertEquals(-1, plain, "the default case's value");
            assertEquals("s", Select.select(Select.receive(strs), Select.timeout(Duration.ofSeconds(20)).map(t -> "timeout")));
            assertEquals("timeout", Select.select(Select.receive(strs), Select.timeout(Duration.ofMillis(5)).map(t -> "timeout")));

            // a blocked select returns the value of the case that woke it
            try (Goroutines g = new Goroutines(kind)) {
                g.go(() -> {
                    await("the select is queued", () -> strs.waitingReceivers() == 1);
                    strs.send("late");
                });
                assertEquals("late!", Select.select(Select.receive(ints).map(v -> "int"),
                        Select.receive(strs).map(v -> v + "!")));
                g.join();
            }

            // on a closed channel: receive yields null, receiveOk a Closed
            strs.close();
            assertNull(Select.select(Select.receive(strs)));
            Received<String> r = Select.select(Select.receiveOk(strs));
            String what = switch (r) {
                case Received.Value<String>(String v) -> "value " + v;
                case Received.Closed<String> c -> "closed";
                case Received.WouldBlock<String> w -> "would block";
            };
            assertEquals("closed", what);

            // handlers run before maps, and the handler form yields the value too
            AtomicReference<String> seen = new AtomicReference<>();
            ints.send(7);
            int doubled = Select.select(Select.receive(ints, v -> seen.set("handler " + v)).map(v -> v * 2));
            assertEquals(14, doubled);
            assertEquals("handler 7", seen.get());
            assertEquals(List.of(1, 2), Select.select(List.of(Select.defaultCase().map(d -> List.of(1, 2)))));
        });
    }

    @Test
    void anErrorInAMapLeavesEveryChannelUnlockedAndTheValueTaken() throws Exception {
        GoChannel<Integer> a = GoChannel.buffered(1);
        GoChannel<Integer> b = GoChannel.buffered(1);
        a.send(1);
        Select.Case<Integer> boom = Select.receive(a).map(v -> {
            throw new OutOfMemoryError("simulated, value " + v);
        });
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> Select.select(boom, Select.receive(b)));
        assertEquals("simulated, value 1", e.getMessage());
        assertFalse(a.lock.isLocked());
        assertFalse(b.lock.isLocked());
        assertEquals(0, a.len(), "the value was taken before the map ran");
        b.send(2); // both channels still work
        assertEquals(2, Select.select(Select.receive(a), Select.receive(b)));
    }

    @Test
    void mapReturnsANewCaseAndLeavesTheOriginalAlone() throws Exception {
        GoChannel<Integer> a = GoChannel.buffered(2);
        a.send(1);
        a.send(2);
        Select.Case<Integer> plain = Select.receive(a);
        Select.Case<String> mapped = plain.map(v -> "m" + v);
        assertEquals("m1", Select.select(mapped));
        assertEquals(2, Select.select(plain));
        assertEquals(1, Select.selectIndex(mapped, Select.defaultCase()), "nothing left: the default");
        assertThrows(NullPointerException.class, () -> plain.map(null));
    }
}
