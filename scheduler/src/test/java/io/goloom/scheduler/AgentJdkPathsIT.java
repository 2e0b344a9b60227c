package io.goloom.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
        AgentIT.Result r = AgentIT.run(dir, List.of(AgentIT.agent(null),
                        "--add-opens", "java.base/java.util.concurrent=ALL-UNNAMED"),
                Map.of("GOMAXPROCS", String.valueOf(procs)), JdkPathPrograms.class);
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
