package io.goloom.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent in child JVMs started with {@code -javaagent:goloom-scheduler-<version>.jar} and nothing else (no
 * {@code --add-opens}). Runs in {@code integration-test} (failsafe), after the jar is packaged.
 */
class AgentIT {
    /** Go's summary line, 1.21-1.25 form: per-P counts without inner spaces, no schedticks. */
    static final Pattern SCHED_LINE = Pattern.compile("SCHED (\\d+)ms: gomaxprocs=(\\d+) idleprocs=\\d+ threads=\\d+ "
            + "spinningthreads=\\d+ needspinning=[01] idlethreads=\\d+ runqueue=\\d+ \\[(\\d+(?: \\d+)*)]");
    static final Pattern DETAIL_HEAD = Pattern.compile("SCHED \\d+ms: gomaxprocs=\\d+ idleprocs=\\d+ threads=\\d+ "
            + "spinningthreads=\\d+ needspinning=[01] idlethreads=\\d+ runqueue=\\d+ gcwaiting=false nmidlelocked=0 "
            + "stopwait=0 sysmonwait=(true|false)");
    static final Pattern DETAIL_P = Pattern.compile("  P\\d+: status=[014] schedtick=\\d+ syscalltick=\\d+ "
            + "m=(\\d+|nil) runqsize=\\d+ gfreecnt=0 timerslen=\\d+");
    static final Pattern DETAIL_M = Pattern.compile("  M\\d+: p=(\\d+|nil) curg=(\\d+|nil) mallocing=0 throwing=0 "
            + "preemptoff= locks=0 dying=0 spinning=(true|false) blocked=(true|false) lockedg=nil");
    static final Pattern DETAIL_G = Pattern.compile("  G\\d+: status=[23]\\(\\) m=\\d+ lockedm=nil name=\"(.*)\"");

    /** The bound the issue sets for a 1 ms ticker beside a carrier-blocking thread on one P. */
    static final double MAX_GAP_MS = 50;

    record Result(int exit, String out, String err) {
        Map<String, String> values() {
            Map<String, String> m = new HashMap<>();
            for (String line : out.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    m.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
            return m;
        }

        String describe() {
            return "exit=" + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    static String java() {
        return ProcessHandle.current().info().command().orElseThrow();
    }

    private static volatile String builtJar;

    /**
     * The agent jar: the packaged one under failsafe ({@code goloom.agent.jar}); run from surefire or an IDE,
     * where nothing is packaged yet, a jar built here from the compiled classes with the same manifest.
     */
    static synchronized String agentJar() {
        String jar = System.getProperty("goloom.agent.jar");
        if (jar != null) {
            if (!Files.isRegularFile(Path.of(jar))) {
                throw new IllegalStateException("goloom.agent.jar=" + jar + " does not exist: run `mvn verify`");
            }
            return jar;
        }
        if (builtJar == null) {
            builtJar = buildAgentJar().toString();
        }
        return builtJar;
    }

    private static Path buildAgentJar() {
        try {
            Path classes = Path.of(GoScheduler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isDirectory(classes)) {
                return classes; // already a jar
            }
            Manifest mf = new Manifest();
            Attributes a = mf.getMainAttributes();
            a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
            a.putValue("Premain-Class", GoloomAgent.class.getName());
            a.putValue("Agent-Class", GoloomAgent.class.getName());
            a.putValue("Can-Retransform-Classes", "true");
            a.putValue("Can-Redefine-Classes", "true");
            Path jar = Files.createTempFile("goloom-agent-test", ".jar");
            jar.toFile().deleteOnExit();
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), mf);
                 var files = Files.walk(classes)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                    out.write(Files.readAllBytes(f));
                    out.closeEntry();
                }
            }
            return jar;
        } catch (Exception e) {
            throw new IllegalStateException("cannot build an agent jar for the test: " + e, e);
        }
    }

    /** The test classes only: goloom itself must come from the agent jar, as for an application. */
    static String testClasses() {
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (e.endsWith("test-classes") || e.endsWith("test-classes/")) {
                return e;
            }
        }
        throw new IllegalStateException("no test-classes on " + System.getProperty("java.class.path"));
    }

    static ProcessBuilder command(List<String> jvmArgs, Map<String, String> env, Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(testClasses());
        cmd.add(main.getName());
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("GOMAXPROCS");
        pb.environment().remove("GODEBUG");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().putAll(env);
        return pb;
    }

    static Result run(Path dir, List<String> jvmArgs, Map<String, String> env, Class<?> main, String... args)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = command(jvmArgs, env, main, args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("child JVM did not finish in 90 s:\n" + Files.readString(out) + "\n" + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    static String agent(String options) {
        return "-javaagent:" + agentJar() + (options == null ? "" : "=" + options);
    }

    // ----------------------------------------------------------------------------------------------------------

    @Test
    void everyVirtualThreadRunsOnGoloomWithGoEnvironmentAndSchedtrace(@TempDir Path dir) throws Exception {
        Result r = run(dir, List.of(agent(null)), Map.of("GOMAXPROCS", "3", "GODEBUG", "madvdontneed=1,schedtrace=100"),
                AgentPrograms.Carriers.class);
        assertEquals(0, r.exit(), r.describe());
        Map<String, String> v = r.values();
        assertEquals("3", v.get("maxprocs"), r.describe());
        for (String path : List.of("ofVirtual", "startVirtualThread", "factory", "newVirtualThreadPerTaskExecutor",
                "childOfVirtual", "platformThreadNot")) {
            assertEquals("true", v.get("path." + path), path + "\n" + r.describe());
        }
        assertTrue(Long.parseLong(v.get("fileChannelSyscalls")) >= 1,
                "a Blocker.begin(false) bracket, which the JDK skips, is a syscall under goloom: " + r.describe());
        assertEquals("3", v.get("setMaxProcs.old"));
        assertEquals("2", v.get("setMaxProcs.new"));
        assertEquals("true", v.get("mxbean.registered"), r.describe());
        assertEquals("2", v.get("mxbean.MaxProcs"));
        assertTrue(Long.parseLong(v.get("machinesCreated")) >= 1);

        List<String> sched = r.err().lines().filter(l -> l.startsWith("SCHED ")).toList();
        assertTrue(sched.size() >= 2, "expected schedtrace lines every 100 ms:\n" + r.describe());
        int withThree = 0;
        for (String line : sched) {
            Matcher m = SCHED_LINE.matcher(line);
            assertTrue(m.matches(), "not Go's schedtrace format: '" + line + "'");
            int procs = Integer.parseInt(m.group(2));
            assertEquals(procs, m.group(3).split(" ").length, "one queue length per P: " + line);
            if (procs == 3) {
                withThree++;
            }
        }
        assertTrue(withThree >= 2, "schedtrace shows GOMAXPROCS=3:\n" + String.join("\n", sched));
        assertTrue(sched.getFirst().startsWith("SCHED 0ms:"), "the first line is at 0ms, as in Go: " + sched.getFirst());
        assertFalse(r.err().contains("WARNING"), "no JVM warnings under the agent:\n" + r.err());
    }

    @Test
    void scheddetailFromAgentOptionsOverridesGodebug(@TempDir Path dir) throws Exception {
        Result r = run(dir, List.of(agent("schedtrace=100,scheddetail=1,maxprocs=2")),
                Map.of("GODEBUG", "schedtrace=0", "GOMAXPROCS", "4"), AgentPrograms.Carriers.class);
        assertEquals(0, r.exit(), r.describe());
        assertEquals("2", r.values().get("maxprocs"), "the agent option wins over GOMAXPROCS");
        List<String> lines = r.err().lines().toList();
        long heads = lines.stream().filter(l -> l.startsWith("SCHED ")).peek(l ->
                assertTrue(DETAIL_HEAD.matcher(l).matches(), "detailed head line: '" + l + "'")).count();
        assertTrue(heads >= 2, r.describe());
        long ps = lines.stream().filter(l -> l.startsWith("  P")).peek(l ->
                assertTrue(DETAIL_P.matcher(l).matches(), "P line: '" + l + "'")).count();
        long ms = lines.stream().filter(l -> l.startsWith("  M")).peek(l ->
                assertTrue(DETAIL_M.matcher(l).matches(), "M line: '" + l + "'")).count();
        List<String> gNames = lines.stream().filter(l -> l.startsWith("  G")).map(l -> {
            Matcher m = DETAIL_G.matcher(l);
            assertTrue(m.matches(), "G line: '" + l + "'");
            return m.group(1);
        }).toList();
        assertTrue(ps >= 2 * heads, "a line per P");
        assertTrue(ms >= heads, "a line per M");
        assertTrue(gNames.stream().anyMatch(n -> n.startsWith("busy-worker-")),
                "running virtual threads listed by name: " + gNames + "\n" + r.describe());
    }

    @Test
    void cpuHogDoesNotStopTickerOnOneP(@TempDir Path dir) throws Exception {
        // the hand-off itself: with preemption points (on by default) the hog would yield instead (AgentPreemptIT)
        Map<String, String> v = ticker(dir, "hog", "preempt=false");
        assertTrue(Long.parseLong(v.get("hogRetakes")) >= 1, "sysmon retook the hog's P: " + v);
    }

    @Test
    void processPipeReadIsASyscallHandOff(@TempDir Path dir) throws Exception {
        Map<String, String> v = ticker(dir, "process");
        assertTrue(Long.parseLong(v.get("syscalls")) >= 1, "Blocker bracket became entersyscall: " + v);
        assertTrue(Long.parseLong(v.get("syscallRetakes")) >= 1, "sysmon retook the P by the syscall rule: " + v);
    }

    @Test
    void unbracketedFifoReadIsCoveredByTheHogRule(@TempDir Path dir) throws Exception {
        Map<String, String> v = ticker(dir, "fifo");
        assertTrue(Long.parseLong(v.get("hogRetakes")) >= 1, "sysmon retook the blocked carrier's P: " + v);
    }

    private Map<String, String> ticker(Path dir, String mode) throws Exception {
        return ticker(dir, mode, null);
    }

    private Map<String, String> ticker(Path dir, String mode, String agentOptions) throws Exception {
        Result r = run(dir, List.of(agent(agentOptions)), Map.of("GOMAXPROCS", "1"), AgentPrograms.Ticker.class, mode);
        assertEquals(0, r.exit(), r.describe());
        Map<String, String> v = r.values();
        assertEquals("1", v.get("gomaxprocs"));
        double gap = Double.parseDouble(v.get("maxGapMs"));
        System.out.println("[AgentIT] " + mode + ": largest ticker gap " + gap + " ms; " + v);
        assertTrue(gap <= MAX_GAP_MS, mode + ": a 1 ms ticker waited " + gap + " ms (bound " + MAX_GAP_MS
                + " ms)\n" + r.describe());
        return v;
    }

    @Test
    void jfrEventsAppearInARecording(@TempDir Path dir) throws Exception {
        Path jfr = dir.resolve("goloom.jfr");
        String events = "+io.goloom.Steal#enabled=true,+io.goloom.Retake#enabled=true,"
                + "+io.goloom.LongRunning#enabled=true,+io.goloom.MachineCreated#enabled=true,"
                + "+io.goloom.MachineParked#enabled=true,+io.goloom.SchedulerStatistics#enabled=true,"
                + "+io.goloom.SchedulerStatistics#period=100ms";
        // preempt=false: the hog must keep its carrier for sysmon's hand-off (the Retake event under test)
        Result r = run(dir, List.of(agent("preempt=false"), "-XX:StartFlightRecording:settings=none,dumponexit=true,filename="
                + jfr + "," + events), Map.of("GOMAXPROCS", "2"), AgentPrograms.JfrWorkload.class);
        assertEquals(0, r.exit(), r.describe());
        assertTrue(Files.size(jfr) > 0, "recording written");
        Map<String, List<RecordedEvent>> byType = RecordingFile.readAllEvents(jfr).stream()
                .collect(Collectors.groupingBy(e -> e.getEventType().getName()));
        String seen = byType.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().size())
                .collect(Collectors.joining(", "));
        System.out.println("[AgentIT] JFR events: " + seen + "; " + r.values());
        assertFalse(byType.getOrDefault("io.goloom.MachineCreated", List.of()).isEmpty(), seen);
        assertFalse(byType.getOrDefault("io.goloom.MachineParked", List.of()).isEmpty(), seen);
        assertFalse(byType.getOrDefault("io.goloom.SchedulerStatistics", List.of()).isEmpty(), seen);
        List<RecordedEvent> retakes = byType.getOrDefault("io.goloom.Retake", List.of());
        assertTrue(retakes.stream().anyMatch(e -> "hog".equals(e.getString("reason"))
                && e.getDuration("ran").toMillis() >= 10), "a hog retake after >= 10 ms: " + retakes);
        List<RecordedEvent> longRunning = byType.getOrDefault("io.goloom.LongRunning", List.of());
        assertTrue(longRunning.stream().anyMatch(e -> String.valueOf(e.getString("virtualThreadName")).startsWith("jfr-hog-")
                        && e.getString("virtualThreadStack").contains("hogLoop")),
                "long-running event with the hog's name and stack: " + longRunning);
        if (Long.parseLong(r.values().get("steals")) > 0) {
            List<RecordedEvent> steals = byType.getOrDefault("io.goloom.Steal", List.of());
            assertFalse(steals.isEmpty(), seen);
            assertTrue(steals.stream().allMatch(e -> e.getInt("count") >= 1 && e.getInt("thief") != e.getInt("victim")));
        }
    }

    @Test
    void badConfigurationStopsTheJvmWithAMessageNamingTheOption(@TempDir Path dir) throws Exception {
        record Case(List<String> jvmArgs, Map<String, String> env, String mustName) {}
        List<Case> cases = List.of(
                new Case(List.of(agent("maxprocs=2,bogus=1")), Map.of(), "unknown agent option 'bogus'"),
                new Case(List.of(agent("schedtrace=fast")), Map.of(), "agent option schedtrace=fast"),
                new Case(List.of("-Dgoloom.maxthreads=0", agent(null)), Map.of(), "system property goloom.maxthreads"));
        for (Case c : cases) {
            Result r = run(dir, c.jvmArgs(), c.env(), AgentPrograms.Carriers.class);
            assertEquals(1, r.exit(), c + "\n" + r.describe());
            assertTrue(r.err().contains("goloom agent: error: invalid configuration: "), r.describe());
            assertTrue(r.err().contains(c.mustName()), "message names " + c.mustName() + "\n" + r.describe());
            assertEquals("", r.out(), "main never ran");
        }
    }

    @Test
    void lateLoadWithJcmdAppliesToThreadsCreatedAfterwards(@TempDir Path dir) throws Exception {
        Path err = dir.resolve("err.txt");
        Process p = command(List.of("-XX:+EnableDynamicAgentLoading"), Map.of(), AgentPrograms.LateAttach.class)
                .redirectError(err.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String ready = readLineWithin(out, p, 30);
            assertNotNull(ready, "child said nothing: " + Files.readString(err));
            assertTrue(ready.startsWith("ready pid="), ready);
            String pid = ready.substring("ready pid=".length());
            Path jcmd = Path.of(java()).resolveSibling("jcmd");
            Process j = new ProcessBuilder(jcmd.toString(), pid, "JVMTI.agent_load", agentJar(), "\"maxprocs=1\"")
                    .redirectErrorStream(true).start();
            String jout = new String(j.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(j.waitFor(60, TimeUnit.SECONDS), "jcmd finished");
            assertEquals(0, j.exitValue(), jout);
            Writer w = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
            w.write("go\n");
            w.flush();
            Map<String, String> v = new HashMap<>();
            String line;
            while ((line = readLineWithin(out, p, 30)) != null) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    v.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            String desc = v + "\njcmd: " + jout + "\nstderr: " + Files.readString(err);
            assertEquals(0, p.exitValue(), desc);
            assertEquals("1", v.get("maxprocs"), desc);
            assertEquals("true", v.get("newThreadOnGoloom"), desc);
            assertEquals("false", v.get("childOfEarlyOnGoloom"), "a virtual thread started before keeps the JDK's "
                    + "scheduler for its children: " + desc);
        } finally {
            p.destroyForcibly();
        }
    }

    private static String readLineWithin(BufferedReader in, Process p, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!in.ready()) {
            if (!p.isAlive()) {
                return in.readLine(); // whatever is left, or null at the end
            }
            if (System.nanoTime() > deadline) {
                fail("child JVM printed nothing for " + seconds + " s");
            }
            Thread.sleep(5);
        }
        return in.readLine();
    }
}
