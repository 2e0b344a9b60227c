package io.goloom.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK paths that special-case the default scheduler's carriers (docs/agent.md, "The JDK's paths for its own
 * carriers"), run unmodified in a child JVM under the agent at GOMAXPROCS=1 and 2: every program completes, on
 * goloom, and the JDK's spinners get Go's {@code sync_runtime_canSpin} answer. Helpers from {@link AgentIT}.
 */
class AgentJdkPathsIT {
    static final List<String> PROGRAMS = List.of("synchronousQueue", "synchronousQueueTimed", "linkedTransferQueue",
            "exchanger", "reentrantLockCondition", "synchronizedWaitNotify", "completableFuture",
            "completableFutureCommonPool", "cachedThreadPool", "phaser", "yield", "parkUnpark");

    @ParameterizedTest(name = "GOMAXPROCS={0}")
    @ValueSource(ints = {1, 2})
    void jdkProgramsRunAndSpinByGoRules(int procs, @TempDir Path dir) throws Exception {
        check(procs, dir, List.of());
    }

    /**
     * The same with the agent tax taken off ({@code -XX:-DoJVMTIVirtualThreadTransitions}, the
     * {@code goloom.args} argument file, docs/agent.md): the agent's retransformation needs no JVMTI
     * virtual-thread transitions.
     */
    @ParameterizedTest(name = "GOMAXPROCS={0}")
    @ValueSource(ints = {1, 2})
    void jdkProgramsRunWithoutJvmtiVirtualThreadTransitions(int procs, @TempDir Path dir) throws Exception {
        check(procs, dir, List.of("-XX:+UnlockExperimentalVMOptions", "-XX:-DoJVMTIVirtualThreadTransitions"));
    }

    /**
     * {@code java -jar goloom-scheduler.jar > goloom.args} then {@code java @goloom.args ...}: the one "flag"
     * that loads the agent and takes the JVMTI transition tracking off.
     */
    @Test
    void argFilePrintedByTheJarLoadsTheAgentWithoutTransitions(@TempDir Path dir) throws Exception {
        Path argFile = dir.resolve("goloom.args");
        Process p = new ProcessBuilder(AgentIT.java(), "-cp", AgentIT.agentJar(), GoloomAgent.class.getName(),
                "maxprocs=2").redirectOutput(argFile.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "printing the argument file took over 60 s");
        assertEquals(0, p.exitValue());
        String text = Files.readString(argFile);
        assertTrue(text.contains("-javaagent:" + Path.of(AgentIT.agentJar()).toAbsolutePath() + "=maxprocs=2\n"), text);
        AgentIT.Result r = AgentIT.run(dir, List.of("@" + argFile, "-XX:+PrintFlagsFinal"), Map.of(),
                AgentPrograms.Carriers.class);
        assertEquals(0, r.exit(), r.describe());
        assertEquals("2", r.values().get("maxprocs"), "the agent options in the file: " + r.describe());
        assertEquals("true", r.values().get("path.ofVirtual"), r.describe());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s*bool DoJVMTIVirtualThreadTransitions\\s+= false.*")),
                "the file turns JVMTI transitions off:\n" + r.describe());
    }

    private static void check(int procs, Path dir, List<String> more) throws Exception {
        List<String> args = new java.util.ArrayList<>(more);
        args.add(AgentIT.agent(null));
        args.add("--add-opens");
        args.add("java.base/java.util.concurrent=ALL-UNNAMED");
        AgentIT.Result r = AgentIT.run(dir, args, Map.of("GOMAXPROCS", String.valueOf(procs)), JdkPathPrograms.class);
        assertEquals(0, r.exit(), r.describe());
        Map<String, String> v = r.values();
        assertEquals(String.valueOf(procs), v.get("maxprocs"), r.describe());
        for (String p : PROGRAMS) {
            assertEquals("ok", v.get("path." + p), p + "\n" + r.describe());
        }
        assertEquals("true", v.get("spin.done"), r.describe());
        assertEquals("false", v.get("spin.platformThread.hasKnownQueuedWork"),
                "a platform thread gets the JDK's own answer\n" + r.describe());
        // hasKnownQueuedWork() == true means "do not spin"
        assertEquals(procs == 1 ? "true" : "false", v.get("spin.alone.hasKnownQueuedWork"),
                (procs == 1 ? "GOMAXPROCS=1: never spin" : "another P running, our queue empty: may spin")
                        + "\n" + r.describe());
        assertEquals("true", v.get("spin.withRunnext.hasKnownQueuedWork"),
                "a G queued on our P: do not spin\n" + r.describe());
        assertFalse(r.err().contains("goloom agent: error"), r.describe());
    }
}
