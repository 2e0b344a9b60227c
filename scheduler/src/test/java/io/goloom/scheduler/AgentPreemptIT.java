package io.goloom.scheduler;

import static io.goloom.scheduler.AgentIT.agent;
import static io.goloom.scheduler.AgentIT.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Preemption points under the agent, in child JVMs ({@link PreemptPrograms}). Bounds are loose on purpose: the
 * machine may be busy, and no speed is asserted, only that the ticker is served and that the hogs do not spread
 * over more carriers than GOMAXPROCS (+1 for a carrier caught mid-hand-over).
 */
class AgentPreemptIT {
    /**
     * A ticker beside hogs: Go gets ~10-20 ms. This only shows the ticker is not starved for the 600 ms the hogs run
     * (a 2-CPU machine shared with other builds has shown 155 ms); the targets are in docs/benchmarks.md.
     */
    static final double MAX_GAP_MS = 400;

    @ParameterizedTest(name = "{0} hogs at GOMAXPROCS={1}")
    @CsvSource({"loop,1", "loop,2", "calls,1", "calls,2", "recursive,1", "recursive,2"})
    void hogsYieldAtPreemptionPointsAndStayOnGomaxprocsCarriers(String kind, int procs, @TempDir Path dir)
            throws Exception {
        int hogs = procs + 2;
        AgentIT.Result r = run(dir, List.of(agent(null)), Map.of("GOMAXPROCS", String.valueOf(procs)),
                PreemptPrograms.Hogs.class, kind, String.valueOf(hogs), "600");
        assertEquals(0, r.exit(), r.describe());
        Map<String, String> v = r.values();
        System.out.println("[AgentPreemptIT] " + kind + " GOMAXPROCS=" + procs + ": " + v);
        assertEquals(String.valueOf(procs), v.get("gomaxprocs"));
        assertEquals("0", v.get("transformFailures"), r.describe());
        assertTrue(Long.parseLong(v.get("preemptYields")) >= 1, "the hogs yielded at preemption points: " + v);
        assertTrue(Long.parseLong(v.get("ticks")) >= 10, "the ticker was served: " + v);
        assertTrue(Double.parseDouble(v.get("maxGapMs")) <= MAX_GAP_MS, "ticker gap: " + v);
        assertTrue(Integer.parseInt(v.get("burningCarriers")) <= procs + 1,
                "at most GOMAXPROCS+1 carriers burned CPU together: " + v + "\n" + r.describe());
    }

    @Test
    void aPinnedHogFallsBackToTheHandOff(@TempDir Path dir) throws Exception {
        AgentIT.Result r = run(dir, List.of(agent(null)), Map.of("GOMAXPROCS", "1"), PreemptPrograms.Hogs.class,
                "pinned", "1", "600");
        assertEquals(0, r.exit(), r.describe());
        Map<String, String> v = r.values();
        System.out.println("[AgentPreemptIT] pinned: " + v);
        assertTrue(Long.parseLong(v.get("pinned")) >= 1, "the yield inside <clinit> did not unmount: " + v);
        assertTrue(Long.parseLong(v.get("hogRetakes")) >= 1, "sysmon handed the P off: " + v);
        assertTrue(Long.parseLong(v.get("ticks")) >= 10, "the ticker was served: " + v);
    }

    @Test
    void withPreemptionOffTheHogsAreHandedOffInstead(@TempDir Path dir) throws Exception {
        AgentIT.Result r = run(dir, List.of(agent(null)), Map.of("GOMAXPROCS", "1", "GODEBUG", "asyncpreemptoff=1"),
                PreemptPrograms.Hogs.class, "loop", "3", "600");
        assertEquals(0, r.exit(), r.describe());
        Map<String, String> v = r.values();
        System.out.println("[AgentPreemptIT] asyncpreemptoff=1: " + v);
        assertEquals("0", v.get("preemptYields"), v.toString());
        assertEquals("-1", v.get("transformFailures"), "no transformer without preemption: " + v);
        assertTrue(Long.parseLong(v.get("hogRetakes")) >= 1, "sysmon's hand-off is what serves the ticker: " + v);
    }

    @Test
    void resultsAreTheSameWithPreemptionOnAndOff(@TempDir Path dir) throws Exception {
        AgentIT.Result on = run(dir, List.of(agent(null)), Map.of("GOMAXPROCS", "2"), PreemptPrograms.Workloads.class);
        AgentIT.Result off = run(dir, List.of(agent("preempt=false")), Map.of("GOMAXPROCS", "2"),
                PreemptPrograms.Workloads.class);
        assertEquals(0, on.exit(), on.describe());
        assertEquals(0, off.exit(), off.describe());
        Map<String, String> a = on.values();
        Map<String, String> b = off.values();
        System.out.println("[AgentPreemptIT] workloads: on " + a + " off " + b);
        assertEquals(b.get("compute"), a.get("compute"));
        assertEquals("24", a.get("synchronized"), "no lost update under synchronized: " + a);
        assertEquals("24", a.get("reentrantLock"), "no lost update under a ReentrantLock: " + a);
        assertEquals("24", b.get("synchronized"));
        assertEquals("24", b.get("reentrantLock"));
        assertTrue(Long.parseLong(a.get("preemptYields")) >= 1, "critical sections were preempted: " + a);
        assertEquals("0", b.get("preemptYields"));
    }
}
