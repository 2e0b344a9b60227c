package io.goloom.scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The agent's configuration, read from (highest precedence first) the agent options
 * ({@code -javaagent:goloom-scheduler.jar=maxprocs=4,schedtrace=1000}), the {@code goloom.*} system properties,
 * and Go's environment variables {@code GOMAXPROCS} and {@code GODEBUG} (keys {@code schedtrace} and
 * {@code scheddetail}; other GODEBUG keys are Go's business and are ignored, as Go ignores keys it does not know).
 *
 * <p>Agent options and {@code goloom.*} properties are strict: a value that does not parse is an error whose
 * message names where it came from; so is an unknown agent option. They were written for goloom.
 *
 * <p>The environment variables follow Go instead: Go ignores a {@code GOMAXPROCS} or {@code GODEBUG} value it
 * cannot use, and such a value may be meant for Go programs sharing the environment, so it must not stop a Java
 * service. An invalid one becomes one warning line ({@link #warnings}: names the variable and the value) and the
 * default is used. (Go is silent; a warning is kinder to whoever set it for goloom.) A GODEBUG item that does not
 * parse leaves an earlier valid item of the same key in force, as in Go's {@code parsedebugvars}.
 */
final class AgentConfig {
    /** The keys, in the order of the documentation table. */
    enum Key {
        MAXPROCS("maxprocs", "GOMAXPROCS"),
        SCHEDTRACE("schedtrace", "GODEBUG"),
        SCHEDDETAIL("scheddetail", "GODEBUG"),
        MAXTHREADS("maxthreads", null),
        NAME("name", null),
        SYSCALLS("syscalls", null),
        NETPOLL("netpoll", null),
        PREEMPT("preempt", "GODEBUG"),
        JFR("jfr", null),
        JMX("jmx", null),
        VERBOSE("verbose", null),
        JDKCHECK("jdkcheck", null);

        final String option;
        final String env;

        Key(String option, String env) {
            this.option = option;
            this.env = env;
        }

        String property() {
            return "goloom." + option;
        }
    }

    static final String DEFAULT_NAME = "goloom";

    final int maxProcs;
    final long schedtraceMillis;
    final boolean scheddetail;
    final int maxThreads;
    final String name;
    final boolean syscalls;
    /** Timers on the Ps and the netpoller (Go's timers and netpoll in findRunnable) instead of the JDK's threads. */
    final boolean netpoll;
    /** Preemption points in application classes (Go's {@code asyncpreemptoff=1} turns them off). */
    final boolean preempt;
    final boolean jfr;
    final boolean jmx;
    final boolean verbose;
    final boolean jdkCheck;
    /** For each key that was set, where its value came from ("agent option maxprocs=2", ...). */
    final Map<Key, String> sources;
    /** One line per invalid environment value that was ignored (to print as a warning); empty if none. */
    final List<String> warnings;

    private AgentConfig(Map<Key, Value> v, int defaultProcs, List<String> warnings) {
        this.warnings = List.copyOf(warnings);
        Map<Key, String> src = new LinkedHashMap<>();
        v.forEach((k, val) -> src.put(k, val.what()));
        this.sources = Map.copyOf(src);
        this.maxProcs = v.containsKey(Key.MAXPROCS) ? parseProcs(v.get(Key.MAXPROCS)) : defaultProcs;
        this.schedtraceMillis = v.containsKey(Key.SCHEDTRACE) ? parseMillis(v.get(Key.SCHEDTRACE)) : 0;
        this.scheddetail = v.containsKey(Key.SCHEDDETAIL) && parseDetail(v.get(Key.SCHEDDETAIL));
        this.maxThreads = v.containsKey(Key.MAXTHREADS)
                ? parseInt(v.get(Key.MAXTHREADS), 1, Integer.MAX_VALUE, "a thread count of at least 1")
                : GoScheduler.DEFAULT_MAX_THREADS;
        this.name = v.containsKey(Key.NAME) ? parseName(v.get(Key.NAME)) : DEFAULT_NAME;
        this.syscalls = !v.containsKey(Key.SYSCALLS) || parseBool(v.get(Key.SYSCALLS));
        this.netpoll = !v.containsKey(Key.NETPOLL) || parseBool(v.get(Key.NETPOLL));
        this.preempt = !v.containsKey(Key.PREEMPT) || parseBool(v.get(Key.PREEMPT));
        this.jfr = !v.containsKey(Key.JFR) || parseBool(v.get(Key.JFR));
        this.jmx = !v.containsKey(Key.JMX) || parseBool(v.get(Key.JMX));
        this.verbose = v.containsKey(Key.VERBOSE) && parseBool(v.get(Key.VERBOSE));
        this.jdkCheck = !v.containsKey(Key.JDKCHECK) || parseBool(v.get(Key.JDKCHECK));
    }

    /** A raw value and a description of where it came from, for error messages. */
    private record Value(String what, String text) {}

    /**
     * Resolves the configuration.
     *
     * @param agentArgs the agent's option string (may be null or empty)
     * @throws IllegalArgumentException naming the offending option, property or variable
     */
    static AgentConfig resolve(String agentArgs, Properties props, Map<String, String> env) {
        Map<Key, Value> values = new LinkedHashMap<>();
        Map<Key, String> envProblems = new LinkedHashMap<>();
        // Lowest precedence first; later sources overwrite.
        String maxprocsEnv = env.get("GOMAXPROCS");
        if (maxprocsEnv != null && !maxprocsEnv.isBlank()) {
            putFromEnvironment(values, envProblems, Key.MAXPROCS,
                    new Value("environment variable GOMAXPROCS=" + maxprocsEnv, maxprocsEnv));
        }
        String godebug = env.get("GODEBUG");
        if (godebug != null) {
            for (String item : godebug.split(",")) {
                int eq = item.indexOf('=');
                if (eq < 0) {
                    continue; // Go ignores malformed GODEBUG items
                }
                String k = item.substring(0, eq).trim();
                String val = item.substring(eq + 1).trim();
                if (k.equals("schedtrace")) {
                    putFromEnvironment(values, envProblems, Key.SCHEDTRACE,
                            new Value("environment variable GODEBUG (schedtrace=" + val + ")", val));
                } else if (k.equals("asyncpreemptoff")) {
                    // Go: asyncpreemptoff=1 turns preemption off; any other integer leaves it on
                    String what = "environment variable GODEBUG (asyncpreemptoff=" + val + ")";
                    putFromEnvironment(values, envProblems, Key.PREEMPT, new Value(what, val));
                } else if (k.equals("scheddetail")) {
                    putFromEnvironment(values, envProblems, Key.SCHEDDETAIL,
                            new Value("environment variable GODEBUG (scheddetail=" + val + ")", val));
                }
            }
        }
        for (Key k : Key.values()) {
            String p = props.getProperty(k.property());
            if (p != null) {
                values.put(k, new Value("system property " + k.property() + "=" + p, p));
            }
        }
        if (agentArgs != null && !agentArgs.isBlank()) {
            for (String item : agentArgs.split(",")) {
                if (item.isBlank()) {
                    continue;
                }
                int eq = item.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("agent option '" + item.trim() + "' has no value: write "
                            + item.trim() + "=VALUE; " + validOptions());
                }
                String k = item.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                String val = item.substring(eq + 1).trim();
                Key key = null;
                for (Key c : Key.values()) {
                    if (c.option.equals(k)) {
                        key = c;
                    }
                }
                if (key == null) {
                    throw new IllegalArgumentException("unknown agent option '" + item.substring(0, eq).trim()
                            + "' (in '" + agentArgs + "'); " + validOptions());
                }
                values.put(key, new Value("agent option " + key.option + "=" + val, val));
            }
        }
        // Warn only about environment values that would have been used: an option or property overrides them.
        List<String> warnings = new ArrayList<>();
        envProblems.forEach((k, problem) -> {
            Value used = values.get(k);
            if (used == null || used.what().startsWith("environment variable")) {
                warnings.add(problem + "; ignored, as Go ignores it: " + (used == null ? "using the default"
                        : "using " + used.what()) + " (goloom.* properties and agent options are not lenient)");
            }
        });
        return new AgentConfig(values, Math.min(GoScheduler.MAX_PROCS, Runtime.getRuntime().availableProcessors()),
                warnings);
    }

    /** An environment value is used only if it is valid (Go's rule); otherwise its problem is remembered. */
    private static void putFromEnvironment(Map<Key, Value> values, Map<Key, String> problems, Key k, Value v) {
        try {
            switch (k) {
                case MAXPROCS -> parseProcs(v);
                case SCHEDTRACE -> parseMillis(v);
                case SCHEDDETAIL -> parseDetail(v);
                case PREEMPT -> {
                    int off = parseInt(v, Integer.MIN_VALUE, Integer.MAX_VALUE, "0 or 1");
                    v = new Value(v.what(), off == 1 ? "false" : "true");
                }
                default -> throw new AssertionError(k);
            }
        } catch (IllegalArgumentException e) {
            problems.put(k, e.getMessage());
            return;
        }
        problems.remove(k); // a later valid GODEBUG item of the same key wins, as in Go
        values.put(k, v);
    }

    private static int parseProcs(Value v) {
        return parseInt(v, 1, GoScheduler.MAX_PROCS, "GOMAXPROCS, an integer in 1.." + GoScheduler.MAX_PROCS);
    }

    private static String validOptions() {
        StringBuilder sb = new StringBuilder("valid options are ");
        for (Key k : Key.values()) {
            if (k.ordinal() > 0) {
                sb.append(", ");
            }
            sb.append(k.option);
        }
        return sb.append(" (see docs/agent.md)").toString();
    }

    private static long parseMillis(Value v) {
        return parseInt(v, 0, Integer.MAX_VALUE, "a period in milliseconds (0 turns schedtrace off)");
    }

    private static boolean parseDetail(Value v) {
        String t = v.text().trim();
        if (t.equalsIgnoreCase("true")) {
            return true;
        }
        if (t.equalsIgnoreCase("false")) {
            return false;
        }
        return parseInt(v, 0, Integer.MAX_VALUE, "0 or 1") > 0; // Go: scheddetail > 0
    }

    private static int parseInt(Value v, int min, int max, String expected) {
        long n;
        try {
            n = Long.parseLong(v.text().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(v.what() + ": '" + v.text() + "' is not a number; expected "
                    + expected);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(v.what() + ": " + n + " is out of range; expected " + expected);
        }
        return (int) n;
    }

    private static boolean parseBool(Value v) {
        String t = v.text().trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException(v.what() + ": '" + v.text()
                    + "' is not a boolean; expected true or false");
        };
    }

    private static String parseName(Value v) {
        String t = v.text().trim();
        if (t.isEmpty() || !t.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException(v.what() + ": '" + v.text() + "' is not a valid scheduler name; "
                    + "use letters, digits, '.', '_' and '-'");
        }
        return t;
    }

    /** The builder for the JVM-wide scheduler. */
    GoScheduler.Builder builder() {
        GoScheduler.Builder b = GoScheduler.builder().maxProcs(maxProcs).maxThreads(maxThreads).name(name)
                .scheddetail(scheddetail);
        if (schedtraceMillis > 0) {
            b.schedtrace(Duration.ofMillis(schedtraceMillis));
        }
        return b;
    }

    @Override
    public String toString() {
        return "maxprocs=" + maxProcs + " schedtrace=" + schedtraceMillis + " scheddetail=" + (scheddetail ? 1 : 0)
                + " maxthreads=" + maxThreads + " name=" + name + " syscalls=" + syscalls + " netpoll=" + netpoll
                + " preempt=" + preempt
                + " jfr=" + jfr
                + " jmx=" + jmx;
    }
}
