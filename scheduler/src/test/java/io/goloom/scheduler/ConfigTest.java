package io.goloom.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The agent's configuration: Go's environment, goloom.* properties, agent options, precedence, errors. */
class ConfigTest {
    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    private static AgentConfig resolve(String options, Properties props, Map<String, String> env) {
        return AgentConfig.resolve(options, props, env);
    }

    @Test
    void defaults() {
        AgentConfig c = resolve(null, props(), Map.of());
        assertEquals(Math.min(GoScheduler.MAX_PROCS, Runtime.getRuntime().availableProcessors()), c.maxProcs);
        assertEquals(0, c.schedtraceMillis);
        assertFalse(c.scheddetail);
        assertEquals(GoScheduler.DEFAULT_MAX_THREADS, c.maxThreads);
        assertEquals("goloom", c.name);
        assertTrue(c.syscalls);
        assertTrue(c.jfr);
        assertTrue(c.jmx);
        assertFalse(c.verbose);
        assertTrue(c.jdkCheck);
        assertTrue(c.sources.isEmpty());
    }

    @Test
    void goEnvironment() {
        AgentConfig c = resolve("", props(), Map.of("GOMAXPROCS", "3",
                "GODEBUG", "madvdontneed=1,schedtrace=1000,gctrace=1,scheddetail=1,junk"));
        assertEquals(3, c.maxProcs);
        assertEquals(1000, c.schedtraceMillis);
        assertTrue(c.scheddetail);
        assertEquals("environment variable GOMAXPROCS=3", c.sources.get(AgentConfig.Key.MAXPROCS));
    }

    @Test
    void goEnvironmentLastGodebugKeyWinsAsInGo() {
        AgentConfig c = resolve(null, props(), Map.of("GODEBUG", "schedtrace=10,schedtrace=20"));
        assertEquals(20, c.schedtraceMillis);
    }

    @Test
    void precedenceAgentOptionThenPropertyThenEnvironment() {
        Map<String, String> env = Map.of("GOMAXPROCS", "3", "GODEBUG", "schedtrace=1000");
        AgentConfig envOnly = resolve(null, props(), env);
        assertEquals(3, envOnly.maxProcs);
        AgentConfig prop = resolve(null, props("goloom.maxprocs", "5", "goloom.schedtrace", "500"), env);
        assertEquals(5, prop.maxProcs);
        assertEquals(500, prop.schedtraceMillis);
        AgentConfig option = resolve("maxprocs=7,schedtrace=0",
                props("goloom.maxprocs", "5", "goloom.schedtrace", "500"), env);
        assertEquals(7, option.maxProcs);
        assertEquals(0, option.schedtraceMillis, "schedtrace=0 turns it off, whatever GODEBUG says");
        assertEquals("agent option maxprocs=7", option.sources.get(AgentConfig.Key.MAXPROCS));
    }

    @Test
    void everyKeyAsOptionAndProperty() {
        AgentConfig o = resolve("maxprocs=2,schedtrace=250,scheddetail=1,maxthreads=64,name=web-1,syscalls=false,"
                + "jfr=false,jmx=false,verbose=true,jdkcheck=false", props(), Map.of());
        assertEquals(2, o.maxProcs);
        assertEquals(250, o.schedtraceMillis);
        assertTrue(o.scheddetail);
        assertEquals(64, o.maxThreads);
        assertEquals("web-1", o.name);
        assertFalse(o.syscalls);
        assertFalse(o.jfr);
        assertFalse(o.jmx);
        assertTrue(o.verbose);
        assertFalse(o.jdkCheck);
        AgentConfig p = resolve(null, props("goloom.maxprocs", "2", "goloom.schedtrace", "250", "goloom.scheddetail",
                "true", "goloom.maxthreads", "64", "goloom.name", "web-1", "goloom.syscalls", "off", "goloom.jfr", "0",
                "goloom.jmx", "no", "goloom.verbose", "yes", "goloom.jdkcheck", "false"), Map.of());
        assertEquals(o.toString(), p.toString());
        assertEquals(o.verbose, p.verbose);
        assertEquals(o.jdkCheck, p.jdkCheck);
    }

    @Test
    void optionKeysAreCaseInsensitiveAndBlankItemsIgnored() {
        AgentConfig c = resolve(" MaxProcs = 2 ,, ", props(), Map.of());
        assertEquals(2, c.maxProcs);
    }

    @Test
    void builderCarriesTheConfiguration() {
        AgentConfig c = resolve("maxprocs=2,schedtrace=100,scheddetail=1,maxthreads=8,name=cfg-test", props(), Map.of());
        try (GoScheduler s = c.builder().build()) {
            assertEquals(2, s.maxProcs());
            assertEquals("cfg-test", s.name());
        }
    }

    private static String error(String options, Properties props, Map<String, String> env) {
        return assertThrows(IllegalArgumentException.class, () -> resolve(options, props, env)).getMessage();
    }

    @Test
    void unknownOptionNamesItAndListsTheValidOnes() {
        String m = error("maxprocs=2,gomaxprocs=3", props(), Map.of());
        assertTrue(m.contains("unknown agent option 'gomaxprocs'"), m);
        assertTrue(m.contains("valid options are maxprocs, schedtrace, scheddetail"), m);
    }

    @Test
    void optionWithoutValue() {
        String m = error("verbose", props(), Map.of());
        assertTrue(m.contains("agent option 'verbose' has no value"), m);
    }

    @Test
    void wrongValuesNameWhereTheyCameFrom() {
        assertTrue(error(null, props("goloom.maxprocs", "two"), Map.of()).startsWith(
                "system property goloom.maxprocs=two: 'two' is not a number"));
        assertTrue(error("maxprocs=0", props(), Map.of()).contains("0 is out of range; expected GOMAXPROCS"));
        assertTrue(error(null, props("goloom.schedtrace", "1s"), Map.of()).contains("'1s' is not a number"));
        assertTrue(error(null, props("goloom.schedtrace", "-1"), Map.of()).startsWith(
                "system property goloom.schedtrace=-1: -1 is out of range"));
        assertTrue(error(null, props("goloom.maxthreads", "0"), Map.of()).contains("goloom.maxthreads"));
        assertTrue(error("jfr=maybe", props(), Map.of()).startsWith("agent option jfr=maybe: 'maybe' is not a boolean"));
        assertTrue(error("name=a b", props(), Map.of()).contains("is not a valid scheduler name"));
        assertTrue(error("maxprocs=99999999999", props(), Map.of()).contains("out of range"));
    }

    @Test
    void aBadLowerPrecedenceValueIsStillAnErrorOnlyIfUsed() {
        // GOMAXPROCS is overridden by the agent option, so its bad value never matters
        AgentConfig c = resolve("maxprocs=2", props(), Map.of("GOMAXPROCS", "abc"));
        assertEquals(2, c.maxProcs);
    }

    /** Go ignores a GOMAXPROCS or GODEBUG value it cannot use; goloom warns once per value and uses the default. */
    @Test
    void invalidEnvironmentValuesWarnAndFallBackToTheDefault() {
        int cpus = Math.min(GoScheduler.MAX_PROCS, Runtime.getRuntime().availableProcessors());
        record Case(Map<String, String> env, String warning) {}
        for (Case c : java.util.List.of(
                new Case(Map.of("GOMAXPROCS", "two"), "environment variable GOMAXPROCS=two: 'two' is not a number"),
                new Case(Map.of("GOMAXPROCS", "0"), "environment variable GOMAXPROCS=0: 0 is out of range"),
                new Case(Map.of("GOMAXPROCS", "5000"), "environment variable GOMAXPROCS=5000: 5000 is out of range"),
                new Case(Map.of("GODEBUG", "schedtrace=1s"), "environment variable GODEBUG (schedtrace=1s): '1s' is not a number"),
                new Case(Map.of("GODEBUG", "gctrace=1,scheddetail=yes"), "environment variable GODEBUG (scheddetail=yes)"))) {
            AgentConfig cfg = resolve(null, props(), c.env());
            assertEquals(1, cfg.warnings.size(), c + ": " + cfg.warnings);
            String w = cfg.warnings.getFirst();
            assertTrue(w.startsWith(c.warning()), c + ": " + w);
            assertTrue(w.contains("ignored") && w.contains("using the default"), w);
            assertEquals(cpus, cfg.maxProcs, c.toString());
            assertEquals(0, cfg.schedtraceMillis, c.toString());
            assertFalse(cfg.scheddetail, c.toString());
            assertTrue(cfg.sources.isEmpty(), "an ignored value is not a source: " + cfg.sources);
        }
        // both bad: one line each
        assertEquals(2, resolve(null, props(), Map.of("GOMAXPROCS", "x", "GODEBUG", "schedtrace=y")).warnings.size());
        // valid values: no warning
        assertTrue(resolve(null, props(), Map.of("GOMAXPROCS", "2", "GODEBUG", "schedtrace=5")).warnings.isEmpty());
    }

    @Test
    void aBadGodebugItemLeavesAnEarlierValidOneInForceAsInGo() {
        AgentConfig c = resolve(null, props(), Map.of("GODEBUG", "schedtrace=10,schedtrace=oops"));
        assertEquals(10, c.schedtraceMillis);
        assertEquals(1, c.warnings.size());
        assertTrue(c.warnings.getFirst().contains("using environment variable GODEBUG (schedtrace=10)"), c.warnings.getFirst());
        assertTrue(resolve(null, props(), Map.of("GODEBUG", "schedtrace=oops,schedtrace=10")).warnings.isEmpty(),
                "a later valid item wins and nothing is ignored in the end");
    }

    @Test
    void anOverriddenBadEnvironmentValueIsNotWarnedAbout() {
        AgentConfig c = resolve("maxprocs=2", props("goloom.schedtrace", "0"),
                Map.of("GOMAXPROCS", "abc", "GODEBUG", "schedtrace=x"));
        assertEquals(2, c.maxProcs);
        assertTrue(c.warnings.isEmpty(), c.warnings.toString());
    }

    @Test
    void propertiesAndOptionsStayStrict() {
        assertTrue(error(null, props("goloom.maxprocs", "0"), Map.of()).contains("system property goloom.maxprocs=0"));
        assertTrue(error("schedtrace=fast", props(), Map.of()).contains("agent option schedtrace=fast"));
    }
}
