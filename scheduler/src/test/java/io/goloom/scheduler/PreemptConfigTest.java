package io.goloom.scheduler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The preemption switch: on by default, off by agent option, property or Go's {@code asyncpreemptoff=1}. */
class PreemptConfigTest {
    private static AgentConfig resolve(String options, Properties props, Map<String, String> env) {
        return AgentConfig.resolve(options, props, env);
    }

    @Test
    void onByDefaultAndOffByEachSwitch() {
        assertTrue(resolve(null, new Properties(), Map.of()).preempt);
        assertFalse(resolve("preempt=false", new Properties(), Map.of()).preempt);
        Properties p = new Properties();
        p.setProperty("goloom.preempt", "off");
        assertFalse(resolve(null, p, Map.of()).preempt);
        assertFalse(resolve(null, new Properties(), Map.of("GODEBUG", "asyncpreemptoff=1")).preempt);
        assertTrue(resolve(null, new Properties(), Map.of("GODEBUG", "asyncpreemptoff=0")).preempt);
        // precedence: the agent option wins over GODEBUG, as for every key
        assertTrue(resolve("preempt=true", new Properties(), Map.of("GODEBUG", "asyncpreemptoff=1")).preempt);
        assertTrue(resolve(null, new Properties(), Map.of("GODEBUG", "asyncpreemptoff=1,asyncpreemptoff=0")).preempt,
                "the last GODEBUG key wins, as in Go");
    }

    @Test
    void aBadValueNamesWhereItCameFrom() {
        // Go ignores an invalid GODEBUG value; goloom warns once, naming it, and keeps the default (on)
        AgentConfig lenient = resolve(null, new Properties(), Map.of("GODEBUG", "asyncpreemptoff=yes"));
        assertTrue(lenient.preempt);
        assertTrue(lenient.warnings.size() == 1 && lenient.warnings.getFirst().contains("GODEBUG (asyncpreemptoff=yes)"),
                lenient.warnings.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> resolve("preempt=maybe", new Properties(), Map.of()));
        assertTrue(e.getMessage().contains("agent option preempt=maybe"), e.getMessage());
    }
}
