package io.goloom.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flag never breaks an application (issues 13 and 15): where goloom cannot schedule, or a Go environment value
 * is meant for someone else, the agent warns in one line and the program runs to completion. Child JVMs, with
 * {@link AgentIT}'s helpers.
 */
class AgentStepAsideIT {

    /** A small program: 200 virtual threads sum their numbers; prints whether goloom scheduled them. */
    static final class SmallProgram {
        public static void main(String[] args) throws Exception {
            AtomicLong sum = new AtomicLong();
            Thread[] ts = new Thread[200];
            for (int i = 0; i < ts.length; i++) {
                int n = i + 1;
                ts[i] = Thread.ofVirtual().start(() -> sum.addAndGet(n));
            }
            for (Thread t : ts) {
                if (!t.join(java.time.Duration.ofSeconds(30))) {
                    throw new AssertionError(t + " did not finish");
                }
            }
            System.out.println("sum=" + sum.get());
            System.out.println("goloom=" + GoScheduler.jvmWide().isPresent());
            System.out.println("maxprocs=" + GoScheduler.jvmWide().map(GoScheduler::maxProcs).orElse(-1));
            System.out.println("virtualClass=" + Thread.ofVirtual().unstarted(() -> { }).getClass().getName());
        }
    }

    private static List<String> agentLines(String err) {
        return err.lines().filter(l -> l.startsWith("goloom agent:")).toList();
    }

    @Test
    void withoutContinuationsTheAgentStepsAsideAndTheProgramRuns(@TempDir Path dir) throws Exception {
        AgentIT.Result r = AgentIT.run(dir, List.of("-XX:+UnlockExperimentalVMOptions", "-XX:-VMContinuations",
                AgentIT.agent(null)), Map.of(), SmallProgram.class);
        assertEquals(0, r.exit(), r.describe());
        Map<String, String> v = r.values();
        assertEquals("20100", v.get("sum"), r.describe());
        assertEquals("false", v.get("goloom"), "goloom is not installed: " + r.describe());
        assertTrue(!"java.lang.VirtualThread".equals(v.get("virtualClass")), "the JVM really has no continuations: "
                + r.describe());
        List<String> lines = agentLines(r.err());
        assertEquals(1, lines.size(), "one line from the agent:\n" + r.describe());
        assertTrue(lines.getFirst().startsWith("goloom agent: warning: goloom is inactive"), lines.getFirst());
        assertTrue(lines.getFirst().contains("no continuation support"), "it says why: " + lines.getFirst());
    }

    @Test
    void anExplicitImpossibleRequestStillRefuses(@TempDir Path dir) throws Exception {
        AgentIT.Result r = AgentIT.run(dir, List.of("-XX:+UnlockExperimentalVMOptions", "-XX:-VMContinuations",
                AgentIT.agent("maxprocs=0")), Map.of(), SmallProgram.class);
        assertEquals(1, r.exit(), r.describe());
        assertTrue(r.err().contains("agent option maxprocs=0"), r.describe());
        assertEquals("", r.out(), "main never ran");
    }

    @Test
    void invalidGoEnvironmentValuesWarnAndTheProgramRunsOnGoloom(@TempDir Path dir) throws Exception {
        AgentIT.Result r = AgentIT.run(dir, List.of(AgentIT.agent(null)),
                Map.of("GOMAXPROCS", "lots", "GODEBUG", "schedtrace=fast"), SmallProgram.class);
        assertEquals(0, r.exit(), r.describe());
        Map<String, String> v = r.values();
        assertEquals("20100", v.get("sum"));
        assertEquals("true", v.get("goloom"), r.describe());
        assertEquals(String.valueOf(Math.min(GoScheduler.MAX_PROCS, Runtime.getRuntime().availableProcessors())),
                v.get("maxprocs"), "the default GOMAXPROCS: " + r.describe());
        List<String> lines = agentLines(r.err());
        assertEquals(2, lines.size(), "one warning per ignored value:\n" + r.describe());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("goloom agent: warning: environment variable GOMAXPROCS=lots")),
                r.describe());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith(
                "goloom agent: warning: environment variable GODEBUG (schedtrace=fast)")), r.describe());
        assertTrue(r.err().lines().noneMatch(l -> l.startsWith("SCHED ")), "schedtrace stays off: " + r.describe());
    }

    /** A library scheduler with no maxProcs(n): its default GOMAXPROCS, twice (one warning per JVM). */
    static final class LibraryDefault {
        public static void main(String[] args) throws Exception {
            for (int i = 0; i < 2; i++) {
                try (GoScheduler s = GoScheduler.create()) {
                    System.out.println("maxprocs" + i + "=" + s.maxProcs());
                }
            }
        }
    }

    @Test
    void aLibrarySchedulerIgnoresAnInvalidGomaxprocsWithOneWarning(@TempDir Path dir) throws Exception {
        // not AgentIT.run: the child needs goloom on its class path (no agent), with the test classes
        Path out = dir.resolve("lib-out.txt");
        Path err = dir.resolve("lib-err.txt");
        ProcessBuilder pb = new ProcessBuilder(AgentIT.java(), "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), LibraryDefault.class.getName());
        pb.environment().remove("GODEBUG");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().put("GOMAXPROCS", "lots");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM did not finish in 90 s");
        }
        AgentIT.Result r = new AgentIT.Result(p.exitValue(), java.nio.file.Files.readString(out),
                java.nio.file.Files.readString(err));
        assertEquals(0, r.exit(), r.describe());
        String cpus = String.valueOf(Math.min(GoScheduler.MAX_PROCS, Runtime.getRuntime().availableProcessors()));
        assertEquals(cpus, r.values().get("maxprocs0"), r.describe());
        assertEquals(cpus, r.values().get("maxprocs1"), r.describe());
        List<String> warnings = r.err().lines().filter(l -> l.startsWith("goloom: warning: ")).toList();
        assertEquals(1, warnings.size(), r.describe());
        assertTrue(warnings.getFirst().contains("environment variable GOMAXPROCS=lots"), warnings.getFirst());
    }
}
