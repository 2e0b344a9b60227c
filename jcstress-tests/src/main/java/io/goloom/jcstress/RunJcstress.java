package io.goloom.jcstress;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;

import org.openjdk.jcstress.JCStress;
import org.openjdk.jcstress.Options;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.infra.Status;
import org.openjdk.jcstress.infra.collectors.DiskReadCollector;
import org.openjdk.jcstress.infra.collectors.InProcessCollector;
import org.openjdk.jcstress.infra.collectors.TestResult;
import org.openjdk.jcstress.infra.grading.GradingResult;
import org.openjdk.jcstress.infra.grading.TestGrading;
import org.openjdk.jcstress.infra.runners.TestList;

/**
 * Runs jcstress and turns its verdict into an exit code the build can trust, with a one-line summary per test.
 *
 * <pre>
 * RunJcstress pass|fail-each REPORT_DIR PRESET JVM_ARGS [EXTRA] [more jcstress options...]
 * </pre>
 * <ul>
 *   <li>{@code pass}: exit 0 iff every selected test ran and passed in every configuration (no FORBIDDEN or
 *       unknown outcome, no test error). {@code fail-each} (the broken twins): exit 0 iff every selected test
 *       showed at least one FORBIDDEN outcome; a twin that jcstress cannot fail proves its test proves nothing.</li>
 *   <li>Tests with more actors than CPUs cannot be scheduled by jcstress; they are reported SKIPPED, not failed.</li>
 *   <li>{@code PRESET}: {@code ci} is the short run for {@code mvn verify}: one JVM configuration (C2, the flags in
 *       JVM_ARGS), one fork, one 1-second iteration per test ({@code -jvmArgs JVM_ARGS -sc false -f 1 -iters 1
 *       -time 1000}); {@code ci-long} is the same with 3-second iterations (the broken twins). Any jcstress mode
 *       name ({@code sanity, quick, default, tough, stress}) runs that mode over jcstress's auto-detected JVM
 *       configurations with JVM_ARGS prepended ({@code -m PRESET -jvmArgsPrepend JVM_ARGS}).</li>
 *   <li>{@code EXTRA}: whitespace-separated jcstress options (a Maven property), e.g. {@code "-t Runq.* -v"}.</li>
 * </ul>
 * jcstress 0.16 itself fails a run with FORBIDDEN outcomes or errors only by throwing from its report printer,
 * and says nothing when a test did not run (not enough CPUs, empty test list); hence this wrapper. The summary is
 * also written to {@code REPORT_DIR/summary.txt}.
 */
public final class RunJcstress {
    private RunJcstress() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: RunJcstress pass|fail-each REPORT_DIR PRESET JVM_ARGS [EXTRA] [jcstress options]");
            System.exit(2);
        }
        boolean expectFailures = switch (args[0]) {
            case "pass" -> false;
            case "fail-each" -> true;
            default -> throw new IllegalArgumentException("expected pass or fail-each, got " + args[0]);
        };
        File reportDir = new File(args[1]);
        String preset = args[2].strip();
        String jvmArgs = args[3].strip();
        List<String> jcArgs = new ArrayList<>();
        switch (preset) {
            case "ci", "ci-long" -> jcArgs.addAll(List.of("-jvmArgs", jvmArgs, "-sc", "false", "-f", "1", "-iters", "1",
                    "-time", preset.equals("ci") ? "1000" : "3000"));
            default -> jcArgs.addAll(List.of("-m", preset, "-jvmArgsPrepend", jvmArgs));
        }
        jcArgs.addAll(List.of("-r", reportDir.getPath()));
        for (String a : Arrays.asList(args).subList(4, args.length)) {
            for (String w : a.strip().split("\\s+")) {
                if (!w.isEmpty()) {
                    jcArgs.add(w);
                }
            }
        }
        System.out.println("jcstress " + String.join(" ", jcArgs));
        Options opts = new Options(jcArgs.toArray(new String[0]));
        if (!opts.parse()) {
            System.exit(2);
        }
        JCStress jcstress = new JCStress(opts);
        SortedSet<String> tests = jcstress.getTests();
        if (tests.isEmpty()) {
            System.err.println("FAILED: no jcstress test matches " + jcArgs
                    + " (was the annotation processor run? see annotationProcessorPaths)");
            System.exit(1);
        }
        long start = System.nanoTime();
        try {
            jcstress.run();
        } catch (AssertionError e) {
            // jcstress's own verdict ("TEST FAILURES: ..."); the summary below says the same per test
            System.out.println("jcstress: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (!new File(opts.getResultFile()).exists()) {
            System.err.println("FAILED: jcstress ran no test (see its output above)");
            System.exit(1);
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;

        InProcessCollector collector = new InProcessCollector();
        DiskReadCollector reader = new DiskReadCollector(opts.getResultFile(), collector);
        reader.dump();
        reader.close();

        // Per test: how many configurations ran, how many failed, which forbidden outcomes were seen.
        Map<String, Summary> byTest = new TreeMap<>();
        for (String t : tests) {
            Summary s = new Summary();
            s.actors = TestList.getInfo(t).threads();
            byTest.put(t, s);
        }
        for (TestResult r : collector.getTestResults()) {
            Summary s = byTest.computeIfAbsent(r.getName(), k -> new Summary());
            s.configs++;
            s.samples += r.getTotalCount();
            if (r.status() != Status.NORMAL) {
                s.errors++;
                s.notes.add(r.status() + (r.getMessages().isEmpty() ? "" : ": " + r.getMessages().get(0)));
                continue;
            }
            TestGrading g = r.grading();
            if (!g.isPassed) {
                s.failed++;
            }
            for (Map.Entry<String, GradingResult> e : g.gradingResults.entrySet()) {
                GradingResult gr = e.getValue();
                if (gr.count > 0 && gr.expect == Expect.FORBIDDEN) {
                    s.forbidden.merge(e.getKey(), gr.count, Long::sum);
                }
                if (gr.count > 0) {
                    s.outcomes.merge(e.getKey(), gr.count, Long::sum);
                }
            }
        }

        StringBuilder out = new StringBuilder();
        out.append(String.format("jcstress: %d tests, %s mode, %d s, expecting %s%n", tests.size(),
                preset, seconds, expectFailures ? "every test to be flagged" : "every test to pass"));
        int bad = 0;
        int skipped = 0;
        for (Map.Entry<String, Summary> e : byTest.entrySet()) {
            Summary s = e.getValue();
            boolean ok;
            String state;
            if (s.configs == 0 && s.actors > opts.getCPUCount()) {
                // jcstress cannot schedule more actors than CPUs; such tests run on bigger machines only
                ok = true;
                state = "SKIPPED";
                s.notes.add(s.actors + " actors need " + s.actors + " CPUs, this run has " + opts.getCPUCount());
                skipped++;
            } else if (s.configs == 0) {
                ok = false;
                state = "DID NOT RUN";
            } else if (expectFailures) {
                ok = !s.forbidden.isEmpty();
                state = ok ? "FLAGGED" : (s.errors > 0 ? "ERROR ONLY (no forbidden outcome)" : "NOT FLAGGED");
            } else {
                ok = s.failed == 0 && s.errors == 0;
                state = ok ? "PASSED" : "FAILED";
            }
            if (!ok) {
                bad++;
            }
            out.append(String.format("  %-11s %-60s configs=%d failed=%d errors=%d samples=%d%n", state,
                    e.getKey(), s.configs, s.failed, s.errors, s.samples));
            out.append("              outcomes: ").append(s.outcomes).append(System.lineSeparator());
            if (!s.forbidden.isEmpty()) {
                out.append("              forbidden: ").append(s.forbidden).append(System.lineSeparator());
            }
            for (String n : s.notes.subList(0, Math.min(3, s.notes.size()))) {
                out.append("              ").append(n).append(System.lineSeparator());
            }
        }
        out.append(bad == 0 ? "jcstress: OK" : "jcstress: " + bad + " test(s) not as expected")
                .append(skipped > 0 ? " (" + skipped + " skipped for lack of CPUs)" : "").append(System.lineSeparator());
        System.out.print(out);
        reportDir.mkdirs();
        java.nio.file.Files.writeString(new File(reportDir, "summary.txt").toPath(), out);
        System.exit(bad == 0 ? 0 : 1);
    }

    private static final class Summary {
        int actors;
        int configs;
        int failed;
        int errors;
        long samples;
        final Map<String, Long> forbidden = new TreeMap<>();
        final Map<String, Long> outcomes = new TreeMap<>();
        final List<String> notes = new ArrayList<>();
    }
}
