package io.goloom.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.ValueDescriptor;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one table of metrics (Metrics) feeds every view: GoSchedulerStats, GoScheduler.metrics(), the MXBean, the JFR
 * statistics event and schedtrace agree on a quiescent scheduler, and no counter of Sched or Processor is left out.
 */
class MetricsTest {
    private static final List<String> NAMES = GoSchedulerMetrics.descriptions().stream()
            .map(GoSchedulerMetrics.Description::name).toList();

    @Test
    void statsMetricsMXBeanJfrAndSchedtraceAgree(@TempDir Path dir) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try (GoScheduler s = GoScheduler.builder().maxProcs(2).name("metrics-test").build()) {
            ObjectName bean = s.registerMXBean();
            FlightRecorder.getFlightRecorder(); // initialises JFR: install() then builds the statistics event at once
            JfrSchedEvents.install(s);
            work(s);
            Waits.until(() -> quiescent(s.metrics()), Duration.ofSeconds(20), "the scheduler goes idle: " + s.metrics());

            // Read all four views between two snapshots of the table; if anything moved in between, read again.
            for (int attempt = 1; ; attempt++) {
                GoSchedulerMetrics before = s.metrics();
                GoSchedulerStats stats = s.stats();
                Map<String, Long> mxMetrics = tabular(server.getAttribute(bean, "Metrics"));
                Map<String, Object> mxAttributes = new LinkedHashMap<>();
                for (MBeanAttributeInfo a : server.getMBeanInfo(bean).getAttributes()) {
                    mxAttributes.put(a.getName(), server.getAttribute(bean, a.getName()));
                }
                Map<String, Object> jfr = lastStatistics(dir.resolve("m" + attempt + ".jfr"));
                String trace = s.schedtrace(false);
                GoSchedulerMetrics after = s.metrics();
                if (!before.asMap().equals(after.asMap())) {
                    assertTrue(attempt < 5, "never quiescent: " + before + " / " + after);
                    continue;
                }
                Map<String, Long> m = after.asMap();
                assertEquals(NAMES, List.copyOf(m.keySet()), "metrics() has every entry, in table order");
                for (String n : List.of("gomaxprocs", "threads", "machinesCreated", "localSubmits", "externalSubmits",
                        "yields", "syscalls")) {
                    assertTrue(m.get(n) > 0, "the work made " + n + " non-zero: " + m);
                }

                // GoSchedulerStats: every numeric component is the entry of the same name.
                for (RecordComponent c : GoSchedulerStats.class.getRecordComponents()) {
                    Object v = c.getAccessor().invoke(stats);
                    if (c.getName().equals("localRunQueues")) {
                        assertEquals(m.get("localRunQueues"), (long) java.util.Arrays.stream((int[]) v).sum());
                    } else if (v instanceof Number num) {
                        String n = c.getName().equals("globalRunQueue") ? "runQueue" : c.getName();
                        assertEquals(m.get(n), num.longValue(), "stats." + c.getName());
                    }
                }
                assertEquals("metrics-test", stats.name());

                // MXBean: the Metrics map is metrics(), and every numeric attribute is the entry of its name.
                assertEquals(m, mxMetrics, "MXBean Metrics attribute");
                int numeric = 0;
                for (Map.Entry<String, Object> a : mxAttributes.entrySet()) {
                    if (a.getValue() instanceof Number num) {
                        String n = a.getKey().equals("MaxProcs") ? "gomaxprocs"
                                : Character.toLowerCase(a.getKey().charAt(0)) + a.getKey().substring(1);
                        assertTrue(m.containsKey(n), "MXBean attribute " + a.getKey() + " is a table entry");
                        assertEquals(m.get(n), num.longValue(), "MXBean " + a.getKey());
                        numeric++;
                    }
                }
                assertEquals(24, numeric, "every numeric MXBean attribute was compared: " + mxAttributes.keySet());
                Map<String, Object> descriptions = tabularObjects(server.getAttribute(bean, "MetricDescriptions"));
                assertEquals(NAMES, List.copyOf(descriptions.keySet()), "MXBean MetricDescriptions");

                // JFR: one field per entry, same values.
                assertEquals("metrics-test", jfr.get("scheduler"));
                for (String n : NAMES) {
                    assertTrue(jfr.containsKey(n), "JFR SchedulerStatistics has a field " + n + ": " + jfr.keySet());
                    assertEquals(m.get(n), ((Number) jfr.get(n)).longValue(), "JFR field " + n);
                }

                // schedtrace: every gauge of the SCHED line is the entry whose lower-cased name is its key.
                Matcher kv = Pattern.compile(" (\\w+)=(\\d+)").matcher(trace);
                int keys = 0;
                while (kv.find()) {
                    String key = kv.group(1);
                    String n = NAMES.stream().filter(x -> x.toLowerCase(Locale.ROOT).equals(key)).findFirst()
                            .orElseThrow(() -> new AssertionError("schedtrace key " + key + " is no entry: " + trace));
                    assertEquals(m.get(n), Long.parseLong(kv.group(2)), "schedtrace " + key + " in " + trace);
                    keys++;
                }
                assertEquals(7, keys, trace);
                Matcher list = Pattern.compile("\\[([\\d ]*)]$").matcher(trace);
                assertTrue(list.find(), trace);
                long sum = 0;
                for (String q : list.group(1).split(" ")) {
                    sum += Long.parseLong(q);
                }
                assertEquals(m.get("localRunQueues"), sum, trace);
                return;
            }
        }
    }

    /** Fan-out with steals, yields, syscall brackets and submits from outside. */
    private static void work(GoScheduler s) throws InterruptedException {
        Thread root = s.go(() -> {
            List<Thread> kids = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                kids.add(Thread.ofVirtual().start(() -> {
                    AgentPrograms.JfrWorkload.fib(12);
                    Thread.yield();
                }));
            }
            try (GoScheduler.Syscall sc = s.syscall()) {
                assertTrue(sc.entered());
            }
            kids.forEach(AgentPrograms::join);
        });
        Waits.join(root, Duration.ofSeconds(30));
    }

    private static boolean quiescent(GoSchedulerMetrics m) {
        return m.get("runQueue") == 0 && m.get("localRunQueues") == 0 && m.get("spinningThreads") == 0
                && m.get("idleProcs") == m.get("gomaxprocs");
    }

    /** The last io.goloom.SchedulerStatistics event of this scheduler in a short recording, field by field. */
    private static Map<String, Object> lastStatistics(Path file) throws Exception {
        try (Recording r = new Recording()) { // a fresh one per attempt: a stopped Recording cannot start again
            r.enable("io.goloom.SchedulerStatistics").withPeriod(Duration.ofMillis(20));
            r.start();
            Thread.sleep(100);
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals("io.goloom.SchedulerStatistics"))
                .filter(e -> "metrics-test".equals(e.getString("scheduler"))).toList();
        assertFalse(events.isEmpty(), "a periodic statistics event was recorded");
        RecordedEvent e = events.getLast();
        Map<String, Object> fields = new LinkedHashMap<>();
        for (ValueDescriptor d : e.getFields()) {
            fields.put(d.getName(), e.getValue(d.getName()));
        }
        return fields;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Long> tabular(Object o) {
        return (Map<String, Long>) (Map<?, ?>) tabularObjects(o);
    }

    /** An MXBean Map attribute as jconsole sees it: TabularData of key/value rows. */
    private static Map<String, Object> tabularObjects(Object o) {
        assertTrue(o instanceof TabularData, "an MXBean Map is TabularData: " + o);
        Map<String, Object> m = new LinkedHashMap<>();
        for (Object row : ((TabularData) o).values()) {
            CompositeData c = (CompositeData) row;
            m.put((String) c.get("key"), c.get("value"));
        }
        return m;
    }

    /**
     * Adding a counter is one edit: each LongAdder of Sched and each long counter of Processor, bumped by a
     * recognisable amount on a closed (so silent) scheduler, moves exactly one entry of the table by that amount.
     */
    @Test
    void everyCounterOfSchedAndProcessorIsInTheTable() throws Exception {
        GoScheduler s = GoScheduler.builder().maxProcs(2).name("metrics-fields").build();
        s.close();
        assertTrue(s.awaitTermination(Duration.ofSeconds(20)));
        Sched sched = s.sched();
        List<String> checked = new ArrayList<>();
        long delta = 1_000_003;
        for (Field f : Sched.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers()) && f.getType() == LongAdder.class) {
                f.setAccessible(true);
                long[] before = Metrics.readAll(sched);
                ((LongAdder) f.get(sched)).add(delta);
                assertOneEntryMoved(before, Metrics.readAll(sched), delta, "Sched." + f.getName());
                checked.add(f.getName());
            }
        }
        Processor p = sched.procs.all()[1];
        for (Field f : Processor.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers()) && f.getType() == long.class
                    && !Modifier.isVolatile(f.getModifiers())) {
                f.setAccessible(true);
                long[] before = Metrics.readAll(sched);
                f.setLong(p, f.getLong(p) + delta);
                assertOneEntryMoved(before, Metrics.readAll(sched), delta, "Processor." + f.getName());
                checked.add(f.getName());
            }
        }
        assertTrue(checked.containsAll(List.of("handoffs", "timersFired", "netpollReady", "preemptMissed",
                "exitsyscallSlow", "steals", "localSubmits")), "the reflection found the counters: " + checked);
    }

    private static void assertOneEntryMoved(long[] before, long[] after, long delta, String field) {
        List<String> moved = new ArrayList<>();
        for (int i = 0; i < before.length; i++) {
            if (after[i] != before[i]) {
                assertEquals(delta, after[i] - before[i], NAMES.get(i) + " moved by the bump of " + field);
                moved.add(NAMES.get(i));
            }
        }
        if (moved.size() != 1) {
            fail(field + " must be read by exactly one entry of Metrics.TABLE (add one there), but moved " + moved);
        }
    }

    @Test
    void namesDescriptionsAndUnknownNames() {
        try (GoScheduler s = GoScheduler.builder().maxProcs(1).name("metrics-names").build()) {
            GoSchedulerMetrics m = s.metrics();
            assertEquals("metrics-names", m.scheduler());
            assertEquals(1, m.get("gomaxprocs"));
            assertEquals(NAMES.size(), Metrics.TABLE.size());
            for (GoSchedulerMetrics.Description d : GoSchedulerMetrics.descriptions()) {
                assertTrue(d.name().matches("[a-z][A-Za-z]*"), "a Java identifier (a JFR field name): " + d.name());
                assertFalse(d.description().isBlank(), d.name());
                assertNotNull(d.kind(), d.name());
                assertFalse(d.unit().isBlank(), d.name());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.get("stealz"));
            assertTrue(e.getMessage().contains("stealz") && e.getMessage().contains("steals"), e.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> m.asMap().put("x", 1L));
            assertTrue(m.toString().contains(" gomaxprocs=1 "), m.toString());
        }
    }
}
