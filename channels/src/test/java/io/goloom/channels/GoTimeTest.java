package io.goloom.channels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.goloom.channels.Goroutines.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Go's time.After / NewTimer / NewTicker as channels. No test asserts an upper bound on timing. */
@Timeout(60)
class GoTimeTest {
    private static final Duration LONG = Duration.ofSeconds(10);

    @AfterAll
    static void closeScheduler() {
        ThreadKind.closeGoloom();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void afterDeliversOneValueNoSoonerThanTheDuration(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            long t0 = System.nanoTime();
            Instant before = Instant.now();
            ReceiveChannel<Instant> c = GoTime.after(Duration.ofMillis(30));
            assertEquals(1, c.cap(), "Go <= 1.22 semantics: a 1-buffered channel");
            Received<Instant> r = c.tryReceive(LONG);
            assertTrue(r.ok());
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(30));
            assertFalse(r.value().isBefore(before));
            assertTrue(c.tryReceive(Duration.ofMillis(30)).wouldBlock(), "fires once");
            assertTrue(GoTime.after(Duration.ZERO).tryReceive(LONG).ok(), "a non-positive duration fires at once");
        });
    }

    @Test
    void aStoppedTimerNeverDelivers() throws Exception {
        GoTime.Timer t = GoTime.newTimer(Duration.ofMillis(30));
        assertTrue(t.stop(), "stopped before firing");
        assertFalse(t.stop(), "already stopped");
        assertTrue(t.channel().tryReceive(Duration.ofMillis(80)).wouldBlock());
    }

    @Test
    void stopAfterFiringButBeforeReceivingDrainsTheStaleValue() throws Exception {
        GoTime.Timer t = GoTime.newTimer(Duration.ofMillis(1));
        await("timer fired", () -> t.channel().len() == 1);
        assertTrue(t.stop(), "Go 1.23+: the value was not received yet, so Stop reports true");
        assertTrue(t.channel().tryReceive().wouldBlock(), "no stale value after Stop");

        GoTime.Timer received = GoTime.newTimer(Duration.ofMillis(1));
        assertTrue(received.channel().tryReceive(LONG).ok());
        assertFalse(received.stop(), "already received: nothing to stop");
    }

    @Test
    void resetRestartsTheTimerAndDropsTheOldValue() throws Exception {
        GoTime.Timer t = GoTime.newTimer(Duration.ofHours(1));
        assertTrue(t.reset(Duration.ofMillis(10)), "was active");
        assertTrue(t.channel().tryReceive(LONG).ok());
        assertFalse(t.reset(Duration.ofMillis(10)), "had fired and been received");
        await("fired again", () -> t.channel().len() == 1);
        t.reset(Duration.ofHours(1));
        assertTrue(t.channel().tryReceive(Duration.ofMillis(30)).wouldBlock(), "the fired value was discarded");
        t.stop();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aTickerTicksRepeatedlyUntilStopped(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoTime.Ticker ticker = GoTime.newTicker(Duration.ofMillis(5));
            try {
                Instant last = Instant.MIN;
                for (int i = 0; i < 5; i++) {
                    Instant t = ticker.channel().tryReceive(LONG).orElseThrow();
                    assertTrue(t.isAfter(last));
                    last = t;
                }
            } finally {
                ticker.stop();
            }
            assertTrue(ticker.channel().tryReceive(Duration.ofMillis(40)).wouldBlock(), "no tick after stop");
        });
    }

    @Test
    void aTickerDropsTicksForASlowReader() throws Exception {
        GoTime.Ticker ticker = GoTime.newTicker(Duration.ofMillis(2));
        try {
            TimeUnit.MILLISECONDS.sleep(100); // ~50 periods without reading
            assertEquals(1, ticker.channel().len(), "only one tick is kept");
            assertTrue(ticker.channel().tryReceive().ok());
            assertTrue(ticker.channel().len() <= 1);
        } finally {
            ticker.stop();
        }
    }

    @Test
    void tickerResetChangesThePeriod() throws Exception {
        GoTime.Ticker ticker = GoTime.newTicker(Duration.ofHours(1));
        try {
            ticker.reset(Duration.ofMillis(5));
            assertTrue(ticker.channel().tryReceive(LONG).ok());
            assertThrows(IllegalArgumentException.class, () -> ticker.reset(Duration.ZERO));
        } finally {
            ticker.stop();
        }
    }

    @Test
    void invalidTickersAndTick() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GoTime.newTicker(Duration.ZERO));
        assertEquals("non-positive interval for NewTicker", e.getMessage());
        assertSame(GoChannel.nil(), GoTime.tick(Duration.ofMillis(-1)), "Go's time.Tick returns nil");
    }

    @Test
    void tickChannelAndTimerThread() throws Exception {
        ReceiveChannel<Instant> tick = GoTime.tick(Duration.ofMillis(3));
        AtomicReference<Thread> timerThread = new AtomicReference<>();
        GoTime.Timer probe = GoTime.newTimer(Duration.ZERO);
        assertNotNull(probe.channel().tryReceive(LONG).value());
        assertTrue(tick.tryReceive(LONG).ok());
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("goloom-timer")) {
                timerThread.set(t);
            }
        }
        assertNotNull(timerThread.get(), "one shared timer thread named goloom-timer");
        assertTrue(timerThread.get().isDaemon());
    }

    @Test
    void nullDurationsNameTheParameter() {
        Duration none = null;
        assertEquals("d", assertThrows(NullPointerException.class, () -> GoTime.after(none)).getMessage());
        assertEquals("d", assertThrows(NullPointerException.class, () -> GoTime.newTimer(none)).getMessage());
        assertEquals("interval", assertThrows(NullPointerException.class, () -> GoTime.newTicker(none)).getMessage());
        assertEquals("interval", assertThrows(NullPointerException.class, () -> GoTime.tick(none)).getMessage());
        GoTime.Timer t = GoTime.newTimer(Duration.ofHours(1));
        assertEquals("d", assertThrows(NullPointerException.class, () -> t.reset(none)).getMessage());
        t.stop();
        GoTime.Ticker k = GoTime.newTicker(Duration.ofHours(1));
        assertEquals("interval", assertThrows(NullPointerException.class, () -> k.reset(none)).getMessage());
        k.stop();
    }
}
