package io.goloom.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** goloom's JFR events, recorded in this JVM from a library scheduler and read back from the file. */
class JfrTest {
    static final List<String> EVENTS = List.of("io.goloom.Steal", "io.goloom.Retake", "io.goloom.LongRunning",
            "io.goloom.MachineCreated", "io.goloom.MachineParked", "io.goloom.SchedulerStatistics");

    @Test
    void eventsAreRecordedAndReadBack(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("jfr-test.jfr");
        GoScheduler s = GoScheduler.builder().maxProcs(2).name("jfr-test").build();
        try (Recording r = new Recording()) {
            JfrSchedEvents.install(s); // JFR is initialised by now: the events are registered at once
            for (String e : EVENTS) {
                r.enable(e);
            }
            r.enable("io.goloom.SchedulerStatistics").withPeriod(Duration.ofMillis(50));
            r.start();
            // fan-out from one virtual thread: the other P steals
            s.go(() -> {
                List<Thread> kids = new ArrayList<>();
                for (int i = 0; i < 2000; i++) {
                    kids.add(Thread.ofVirtual().start(() -> AgentPrograms.JfrWorkload.fib(15)));
                }
                kids.forEach(AgentPrograms::join);
            }).join(30_000);
            // two hogs on two Ps while a ticker waits: retakes and long-running threads
            AtomicBoolean stop = new AtomicBoolean();
            Thread ticker = s.go(() -> {
                while (!stop.get()) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            Thread h1 = s.threadBuilder().name("jfr-hog-1").start(() -> AgentPrograms.JfrWorkload.hogLoop(120));
            Thread h2 = s.threadBuilder().name("jfr-hog-2").start(() -> AgentPrograms.JfrWorkload.hogLoop(120));
            h1.join(10_000);
            h2.join(10_000);
            stop.set(true);
            ticker.join(10_000);
            Thread.sleep(120); // a statistics period or two
            r.stop();
            r.dump(file);
        } finally {
            s.close();
        }
        GoSchedulerStats st = s.stats();
        Map<String, List<RecordedEvent>> byType = RecordingFile.readAllEvents(file).stream()
                .filter(e -> "jfr-test".equals(e.getString("scheduler")))
                .collect(Collectors.groupingBy(e -> e.getEventType().getName()));
        String seen = byType.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().size())
                .collect(Collectors.joining(", "));
        System.out.println("[JfrTest] " + seen + "; " + st);

        assertEquals(st.machinesCreated(), byType.getOrDefault("io.goloom.MachineCreated", List.of()).size(),
                "one event per M created: " + seen);
        assertFalse(byType.getOrDefault("io.goloom.MachineParked", List.of()).isEmpty(), seen);
        List<RecordedEvent> steals = byType.getOrDefault("io.goloom.Steal", List.of());
        assertEquals(st.steals(), steals.size(), "one event per steal: " + seen);
        assertEquals(st.stolenThreads(), steals.stream().mapToLong(e -> e.getInt("count")).sum());
        assertTrue(steals.stream().allMatch(e -> e.getInt("thief") != e.getInt("victim")));
        List<RecordedEvent> retakes = byType.getOrDefault("io.goloom.Retake", List.of());
        assertEquals(st.hogRetakes() + st.syscallRetakes(), retakes.size(), seen);
        assertTrue(st.hogRetakes() >= 1, "two hogs on two Ps with a waiting ticker: " + st);
        assertTrue(retakes.stream().anyMatch(e -> e.getString("reason").equals("hog")
                && e.getDuration("ran").toMillis() >= 10 && e.getInt("processor") >= 0 && e.getInt("machine") >= 0));
        List<RecordedEvent> longRunning = byType.getOrDefault("io.goloom.LongRunning", List.of());
        assertTrue(longRunning.stream().anyMatch(e -> String.valueOf(e.getString("virtualThreadName")).startsWith("jfr-hog-")
                && e.getLong("virtualThreadId") > 0 && e.getDuration("ran").toMillis() >= 10
                && e.getString("virtualThreadStack").contains("AgentPrograms$JfrWorkload.hogLoop")),
                "long-running hog with its stack: " + longRunning);
        List<RecordedEvent> stats = byType.getOrDefault("io.goloom.SchedulerStatistics", List.of());
        assertFalse(stats.isEmpty(), seen);
        assertEquals(2, stats.getLast().getInt("gomaxprocs"));
    }

    @Test
    void eventsAreOffByDefault() {
        for (EventType t : FlightRecorder.getFlightRecorder().getEventTypes()) {
            if (t.getName().startsWith("io.goloom.")) {
                assertFalse(t.isEnabled(), t.getName() + " must be off unless a recording enables it");
            }
        }
        assertFalse(new JfrSchedEvents.StealEvent().isEnabled());
        assertFalse(new JfrSchedEvents.LongRunningEvent().isEnabled());
    }
}
