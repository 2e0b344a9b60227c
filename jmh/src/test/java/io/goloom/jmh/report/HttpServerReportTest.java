package io.goloom.jmh.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server section's renderer: medians, verdicts against issue 10's targets, and splicing into the page. */
class HttpServerReportTest {
    private static final List<String> HTTP = List.of(
            "# httpbench quick 2026-12-01T00:00:00Z: Helidon SE 4.5.0 WebServer, wrk over loopback",
            "round=1 P=1 route=plain sched=jdk conns=64 seconds=3 requests=30000 rps=10000.0 p50_ms=3.000 p99_ms=9.000 "
                    + "cpu_us_per_req=40.00 cs_per_req=0.100 errors=0 goloom_m=0 fjp_workers=2 threads=20",
            "round=1 P=1 route=plain sched=goloom conns=64 seconds=3 requests=39000 rps=13000.0 p50_ms=2.000 p99_ms=8.000 "
                    + "cpu_us_per_req=30.00 cs_per_req=0.200 errors=0 goloom_m=3 fjp_workers=1 threads=24",
            // a second round: the medians of {10000, 12000} and {13000, 11000}
            "round=2 P=1 route=plain sched=jdk conns=64 seconds=3 requests=36000 rps=12000.0 p50_ms=3.000 p99_ms=9.000 "
                    + "cpu_us_per_req=40.00 cs_per_req=0.100 errors=0 goloom_m=0 fjp_workers=2 threads=20",
            "round=2 P=1 route=plain sched=goloom conns=64 seconds=3 requests=33000 rps=11000.0 p50_ms=2.000 p99_ms=8.000 "
                    + "cpu_us_per_req=30.00 cs_per_req=0.200 errors=0 goloom_m=5 fjp_workers=1 threads=24",
            "round=1 P=1 route=sleep sched=jdk conns=64 seconds=3 requests=30000 rps=10000.0 p50_ms=5.500 p99_ms=7.000 "
                    + "cpu_us_per_req=20.00 cs_per_req=1.000 errors=0 goloom_m=0 fjp_workers=1 threads=20",
            "round=1 P=1 route=sleep sched=goloom conns=64 seconds=3 requests=30000 rps=10000.0 p50_ms=5.500 p99_ms=7.500 "
                    + "cpu_us_per_req=18.00 cs_per_req=1.000 errors=0 goloom_m=2 fjp_workers=1 threads=22",
            "round=1 P=2 route=ring sched=jdk conns=64 error=server-did-not-start");
    private static final List<String> LATENESS = List.of(
            "# timer lateness quick",
            "round=1 P=1 lateness sched=jdk busy=1 sleepers=4 seconds=3.0 samples=100 p50_us=84000.0 p99_us=99000.0 "
                    + "max_us=120000.0 early=0 busy_slices=9",
            "round=1 P=1 lateness sched=goloom kind=pingpong busy=1 sleepers=4 seconds=3.0 samples=9000 p50_us=80.0 p99_us=400.0 "
                    + "max_us=900.0 early=0 busy_slices=9");

    private static String render(Path dir) throws Exception {
        HttpServerReport r = new HttpServerReport();
        r.readHttp(HTTP);
        r.readLateness(LATENESS);
        return r.render("quick", "httpbench/run-httpbench.sh quick", "2026-12-01", dir.resolve("benchmarks.md"),
                dir.resolve("plots"));
    }

    @Test
    void mediansAndVerdicts(@TempDir Path dir) throws Exception {
        HttpServerReport r = new HttpServerReport();
        r.readHttp(HTTP);
        HttpServerReport.Cell j = r.cell("plain", 1, "jdk");
        HttpServerReport.Cell g = r.cell("plain", 1, "goloom");
        assertEquals(11000, j.rps(), 1e-9);
        assertEquals(12000, g.rps(), 1e-9);
        assertEquals(5, g.carriers()); // the most seen over the rounds
        assertEquals(1, g.otherCarriers());
        assertEquals(2, g.rounds());

        String s = render(dir);
        // plain at P=1: 12000/11000 = 1.09x < 1.2x; p99 8 <= 9; carriers 5 > P+2
        assertTrue(s.contains("| plain text | 1 | **missed** 1.09x | met 8.00 vs 9.00 ms | 0.75x (no target) | **missed** 5 |"), s);
        // sleep: req/s equal (missed), p99 higher (missed), CPU 18/20 = 0.90x > 0.85x (missed), carriers 2 <= 3 (met)
        assertTrue(s.contains("| 5 ms sleep | 1 | **missed** 1.00x | **missed** 7.50 vs 7.00 ms | **missed** 0.90x | met 2 |"), s);
        assertTrue(s.contains("| 1 | 1 ping-pong pairs | **goloom agent** | 0.08 | 0.40 | 0.90 | 9000 | 750 | 0 | met p50 ≤ 1 ms |"), s);
        assertTrue(s.contains("| 1 | 1 yielding | JDK default | 84.0 | 99.0 | 120 | 100 | 8.33 | 0 |  |"), s);
        assertTrue(s.contains("error=server-did-not-start"), s);
        assertTrue(Files.readString(dir.resolve("plots/http-server-rps.svg")).contains("higher is better"));
        assertTrue(Files.readString(dir.resolve("plots/http-server-p99.svg")).contains("lower is better"));
        assertTrue(s.contains("](plots/http-server-rps.svg)"), s);
    }

    @Test
    void spliceReplacesInPlaceAndReportKeepsTheSection(@TempDir Path dir) throws Exception {
        String page = "# Benchmarks\n\nintro\n\n## Reading these numbers\n\nnotes\n";
        String s1 = render(dir);
        String once = HttpServerReport.splice(page, s1);
        assertTrue(once.indexOf(HttpServerReport.BEGIN) < once.indexOf("## Reading these numbers"), once);
        String twice = HttpServerReport.splice(once, s1);
        assertEquals(once, twice, "splicing the same section again changes nothing");
        assertEquals(s1, HttpServerReport.section(once));
        // the section moves along when the rest of the page is regenerated (what Report.main does)
        String regenerated = "# Benchmarks\n\nnew intro\n\n## Reading these numbers\n\nnew notes\n";
        String kept = HttpServerReport.splice(regenerated, HttpServerReport.section(once));
        assertTrue(kept.contains("new intro") && kept.contains(s1), kept);
        assertFalse(HttpServerReport.splice("", s1).isBlank());
    }
}
