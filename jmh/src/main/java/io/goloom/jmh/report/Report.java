package io.goloom.jmh.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders {@code docs/benchmarks.md} and one SVG plot per workload from JMH's JSON, the Go twins' output and the
 * starvation lines. Run by {@code jmh/run-benchmarks.sh}; by hand:
 *
 * <pre>
 * java -cp jmh/target/benchmarks.jar io.goloom.jmh.report.Report --mode quick \
 *     --jmh jmh/results/jmh-quick.json --go jmh/results/go-quick.txt \
 *     --starvation jmh/results/starvation-quick.txt --out docs/benchmarks.md --plots docs/plots \
 *     --notes jmh/report/notes.md --command "jmh/run-benchmarks.sh quick"
 * </pre>
 */
public final class Report {

    /** A workload: its key, title, what it measures, whether it is hand-off bound, and its JDK-queue flavour. */
    record Workload(String key, String title, String what, String unit, boolean handoff, String queue) {}

    static final List<Workload> WORKLOADS = List.of(
            new Workload("pingpong", "ping-pong", "two threads bounce a token over two unbuffered channels; "
                    + "time per round trip", "ns", true, "SynchronousQueue"),
            new Workload("skynet", "skynet", "10-ary tree of 1,000,000 leaves (1,111,111 threads), each node sums "
                    + "its children through an unbuffered channel; time per run", "ms", true, "SynchronousQueue"),
            new Workload("sieve", "prime sieve", "Go's chain of filter threads over unbuffered channels, first 2,000 "
                    + "primes; time per run", "ms", true, "SynchronousQueue"),
            new Workload("spawn", "spawn", "start 1,000,000 threads that count down one latch and wait for all; "
                    + "time per thread", "ns", false, null),
            new Workload("buffered", "buffered", "4 producers, 4 consumers, one channel of capacity 128; time per "
                    + "message", "ns", false, "ArrayBlockingQueue(128)"),
            new Workload("yield", "yield", "100 threads each yielding 10^5 times; time per yield", "ns", false, null),
            new Workload("yield1", "yield alone", "1 thread yielding 10^7 times (same work as the floor, on the real "
                    + "scheduler); time per yield", "ns", false, null),
            new Workload("select", "select", "a server in a two-case select serving two ping-pong clients; time per "
                    + "round trip", "ns", true, "one shared SynchronousQueue (the JDK has no select)"),
            new Workload("ring", "thread ring", "503 threads passing a token around over unbuffered channels; time "
                    + "per pass", "ns", true, "SynchronousQueue"),
            new Workload("park", "park/unpark ping-pong", "two threads taking turns with LockSupport.park/unpark, "
                    + "no channel; time per round trip", "ns", false, null));

    static final List<String> IMPLS = List.of("goloom", "jdk", "jdk-queue", "jdk-jox", "goloom-queue", "goloom-jox",
            "go", "floor");

    static String label(String impl, Workload w) {
        boolean chans = w.queue() != null;
        return switch (impl) {
            case "goloom" -> chans ? "goloom: GoScheduler + GoChannel" : "goloom: GoScheduler";
            case "jdk" -> chans ? "JDK default + GoChannel" : "JDK default scheduler";
            case "jdk-queue" -> "JDK default + " + w.queue();
            case "jdk-jox" -> "JDK default + Jox";
            case "goloom-queue" -> "GoScheduler + " + w.queue();
            case "goloom-jox" -> "GoScheduler + Jox";
            case "go" -> "Go twin";
            case "floor" -> "the floor (1 VT, minimal executor)";
            default -> impl;
        };
    }

    /** workload -> impl -> procs -> score. */
    private final Map<String, Map<String, TreeMap<Integer, Double>>> data = new HashMap<>();
    /** impl -> procs -> max delay ms; plus hog ms. */
    private final Map<String, TreeMap<Integer, Double>> starvation = new LinkedHashMap<>();
    private long hogMs = -1;
    private final TreeSet<Integer> procsSeen = new TreeSet<>();
    private String goVersion;
    private String jmhJvm;
    private final List<String> problems = new ArrayList<>();

    public static void main(String[] args) throws IOException {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Report r = new Report();
        String mode = a.getOrDefault("mode", "quick");
        Path jmh = Path.of(a.getOrDefault("jmh", "jmh/results/jmh-" + mode + ".json"));
        Path go = Path.of(a.getOrDefault("go", "jmh/results/go-" + mode + ".txt"));
        Path starv = Path.of(a.getOrDefault("starvation", "jmh/results/starvation-" + mode + ".txt"));
        Path out = Path.of(a.getOrDefault("out", "docs/benchmarks.md"));
        Path plots = Path.of(a.getOrDefault("plots", "docs/plots"));
        Path notes = Path.of(a.getOrDefault("notes", "jmh/report/notes.md"));
        Path http = Path.of(a.getOrDefault("http", "jmh/results/http-" + mode + ".txt"));
        if (Files.exists(http)) {
            r.readHttp(Files.readAllLines(http));
        }
        if (Files.exists(jmh)) {
            r.readJmh(Files.readString(jmh));
        } else {
            r.problems.add("no JMH results at " + jmh);
        }
        if (Files.exists(go)) {
            r.readLines(Files.readAllLines(go));
        }
        if (Files.exists(starv)) {
            r.readLines(Files.readAllLines(starv));
        }
        String md = r.render(mode, a.getOrDefault("command", "jmh/run-benchmarks.sh " + mode),
                a.getOrDefault("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)),
                Files.exists(notes) ? Files.readString(notes) : "", out, plots);
        // the server benchmark's section belongs to httpbench/run-httpbench.sh (HttpServerReport): keep it
        String server = Files.exists(out) ? HttpServerReport.section(Files.readString(out)) : null;
        if (server != null) {
            md = HttpServerReport.splice(md, server);
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md);
        System.out.println("wrote " + out + " and plots under " + plots);
    }

    // ---------------------------------------------------------------------------------------------- reading

    @SuppressWarnings("unchecked")
    void readJmh(String json) {
        for (Object o : (List<Object>) Json.parse(json)) {
            Map<String, Object> m = (Map<String, Object>) o;
            String bench = (String) m.get("benchmark");
            String cls = bench.substring(0, bench.lastIndexOf('.'));
            cls = cls.substring(cls.lastIndexOf('.') + 1).replace("Benchmark", "");
            Map<String, Object> params = (Map<String, Object>) m.getOrDefault("params", Map.of());
            Map<String, Object> pm = (Map<String, Object>) m.get("primaryMetric");
            double score = ((Number) pm.get("score")).doubleValue();
            if (jmhJvm == null) {
                jmhJvm = m.get("vmName") + " " + m.get("vmVersion") + " (" + m.get("jdkVersion") + ")";
            }
            String key = switch (cls) {
                case "PingPong" -> "pingpong";
                case "Skynet" -> "skynet";
                case "Sieve" -> "sieve";
                case "Spawn" -> "spawn";
                case "Buffered" -> "buffered";
                case "Yield" -> "1".equals(params.get("threads")) ? "yield1" : "yield";
                case "Select" -> "select";
                case "ThreadRing" -> "ring";
                case "ParkPingPong" -> "park";
                case "Floor" -> "floor";
                default -> null;
            };
            if (key == null) {
                continue;
            }
            if (key.equals("floor")) {
                put("yield", "floor", 0, score);
                put("yield1", "floor", 0, score);
                continue;
            }
            put(key, (String) params.get("impl"), Integer.parseInt((String) params.get("procs")), score);
        }
    }

    /** The HttpLoadDemo summary lines (verbatim), and per scheduler: requests/s, p50, p90, p99 (ms). */
    private final List<String> httpLines = new ArrayList<>();
    private final Map<String, double[]> http = new LinkedHashMap<>();
    private static final Pattern HTTP_ROW = Pattern.compile(
            "^(JDK default scheduler|goloom agent)\\s+(\\d+)\\s+([\\d.]+) ms\\s+([\\d.]+) ms\\s+([\\d.]+) ms.*");

    void readHttp(List<String> lines) {
        boolean table = false;
        for (String l : lines) {
            if (l.startsWith("== ") || l.strip().startsWith("load:")) {
                httpLines.add(l.strip());
            }
            if (l.startsWith("server ")) {
                table = true;
            }
            if (table) {
                httpLines.add(l);
                Matcher m = HTTP_ROW.matcher(l);
                if (m.matches()) {
                    http.put(m.group(1).startsWith("goloom") ? "goloom" : "jdk", new double[] {
                        Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
                        Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5))});
                }
                if (l.startsWith("goloom / JDK throughput")) {
                    table = false;
                }
            }
        }
        if (http.size() < 2) {
            http.clear();
        }
    }

    private static final Pattern KV = Pattern.compile("(\\w+)=(\\S+)");

    void readLines(List<String> lines) {
        for (String line : lines) {
            line = line.strip();
            if (line.startsWith("# go version")) {
                goVersion = line.substring(2).strip();
                continue;
            }
            if (line.startsWith("# ") && line.contains("go: not installed")) {
                goVersion = null;
                continue;
            }
            Map<String, String> kv = new HashMap<>();
            Matcher mt = KV.matcher(line);
            while (mt.find()) {
                kv.put(mt.group(1), mt.group(2));
            }
            try {
                if (line.startsWith("go ")) {
                    String w = kv.get("workload");
                    put(w, "go", Integer.parseInt(kv.get("procs")), Double.parseDouble(kv.get("score")));
                } else if (line.startsWith("starvation ")) {
                    int p = Integer.parseInt(kv.get("procs"));
                    procsSeen.add(p);
                    starvation.computeIfAbsent(kv.get("impl"), k -> new TreeMap<>())
                            .put(p, Double.parseDouble(kv.get("maxDelayMs")));
                    hogMs = Long.parseLong(kv.get("hogMs"));
                }
            } catch (RuntimeException e) {
                problems.add("unreadable line: " + line);
            }
        }
    }

    private void put(String workload, String impl, int procs, double score) {
        if (procs > 0) {
            procsSeen.add(procs);
        }
        data.computeIfAbsent(workload, k -> new HashMap<>()).computeIfAbsent(impl, k -> new TreeMap<>())
                .put(procs, score);
    }

    /** The score, or NaN; the floor has one value for every P. */
    double get(String workload, String impl, int procs) {
        Map<String, TreeMap<Integer, Double>> w = data.get(workload);
        if (w == null || !w.containsKey(impl)) {
            return Double.NaN;
        }
        TreeMap<Integer, Double> byP = w.get(impl);
        Double v = impl.equals("floor") ? byP.get(0) : byP.get(procs);
        return v == null ? Double.NaN : v;
    }

    // ---------------------------------------------------------------------------------------------- writing

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (v >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String ratio(double v, double base) {
        if (Double.isNaN(v) || Double.isNaN(base) || base == 0) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2fx", v / base);
    }

    String render(String mode, String command, String date, String notes, Path out, Path plots) throws IOException {
        List<Integer> procs = new ArrayList<>(procsSeen.isEmpty() ? List.of(1, 2) : procsSeen);
        StringBuilder b = new StringBuilder();
        b.append("# Benchmarks: goloom against the JDK and Go\n\n");
        b.append("<!-- generated by io.goloom.jmh.report.Report from jmh/results/ - do not edit by hand; the "
                + "hand-written analysis comes from jmh/report/notes.md -->\n\n");
        b.append("Every figure below comes from one run of one command on one machine, so each ratio compares "
                + "like with like. Times: lower is better. \"x goloom\" is an implementation's time divided by "
                + "goloom's at the same P (above 1.00x: slower than goloom).\n\n");
        b.append("| | |\n|---|---|\n");
        b.append("| command | `").append(command).append("` (").append(mode).append(" mode) |\n");
        b.append("| date | ").append(date).append(" |\n");
        b.append("| machine | ").append(machine()).append(" |\n");
        b.append("| JDK | ").append(jmhJvm != null ? jmhJvm : System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version")).append(" |\n");
        b.append("| Go | ").append(goVersion != null ? goVersion + " (twins in `jmh/go/`, run with GOMAXPROCS=P)"
                : "not installed: the Go column is empty (`apt-get install golang-go`)").append(" |\n");
        b.append("| P | goloom `maxProcs(P)`; JDK default scheduler `-Djdk.virtualThreadScheduler.parallelism=P` "
                + "(one JVM fork per P); Go `GOMAXPROCS=P` |\n");
        b.append("| JMH | ").append(mode.equals("full") ? "2 forks, 3 warm-up + 5 measured iterations of 2 s"
                : "1 fork, 1 warm-up + 2 measured iterations of 1 s (a first look: expect ±10-20% noise)")
                .append("; Go: mean of ").append(mode.equals("full") ? "10 runs after 3" : "3 runs after 1")
                .append(" warm-up |\n\n");
        for (String p : problems) {
            b.append("> **Note:** ").append(p).append("\n\n");
        }

        b.append("## Targets\n\n");
        b.append(targets(procs));

        b.append("\n## Results per workload\n\n");
        Files.createDirectories(plots);
        Path rel = out.toAbsolutePath().getParent().relativize(plots.toAbsolutePath());
        for (Workload w : WORKLOADS) {
            Map<String, TreeMap<Integer, Double>> wd = data.getOrDefault(w.key(), Map.of());
            b.append("### ").append(w.title()).append("\n\n").append(capitalize(w.what())).append(" (")
                    .append(w.unit()).append(").\n\n");
            if (wd.isEmpty()) {
                b.append("_Not measured in this run._\n\n");
                continue;
            }
            b.append("| implementation |");
            for (int p : procs) {
                b.append(" P=").append(p).append(" | x goloom |");
            }
            b.append("\n|---|");
            b.append("---:|---:|".repeat(procs.size()));
            b.append("\n");
            List<Svg.Series> series = new ArrayList<>();
            for (String impl : IMPLS) {
                if (!wd.containsKey(impl)) {
                    continue;
                }
                String lab = label(impl, w);
                boolean bold = impl.equals("goloom");
                b.append("| ").append(bold ? "**" + lab + "**" : lab).append(" |");
                double[] vals = new double[procs.size()];
                for (int k = 0; k < procs.size(); k++) {
                    double v = get(w.key(), impl, procs.get(k));
                    vals[k] = v;
                    String s = fmt(v);
                    b.append(" ").append(bold ? "**" + s + "**" : s).append(" | ")
                            .append(ratio(v, get(w.key(), "goloom", procs.get(k)))).append(" |");
                }
                b.append("\n");
                series.add(new Svg.Series(lab, vals));
            }
            List<String> groups = procs.stream().map(p -> "P = " + p).toList();
            Files.writeString(plots.resolve(w.key() + ".svg"), Svg.barChart(w.title(), w.unit(), groups, series));
            b.append("\n![").append(w.title()).append("](").append(rel.toString().replace('\\', '/')).append('/')
                    .append(w.key()).append(".svg)\n\n");
        }

        b.append("### starvation\n\n");
        if (starvation.isEmpty()) {
            b.append("_Not measured in this run._\n\n");
        } else {
            b.append("A thread sleeping 1 ms in a loop beside P CPU-bound threads that spin for ").append(hogMs)
                    .append(" ms without blocking or yielding: the largest delay of a tick past its 1 ms (ms). "
                            + "Go preempts a running goroutine after 10 ms; goloom's sysmon hands the P of a "
                            + "carrier hogged for 10 ms to another carrier; the JDK's scheduler never preempts, so "
                            + "its delay is as long as the hog runs.\n\n");
            b.append("| implementation |");
            for (int p : procs) {
                b.append(" P=").append(p).append(" |");
            }
            b.append("\n|---|").append("---:|".repeat(procs.size())).append("\n");
            List<Svg.Series> series = new ArrayList<>();
            for (String impl : List.of("goloom", "jdk", "go")) {
                TreeMap<Integer, Double> byP = starvation.get(impl);
                if (byP == null) {
                    continue;
                }
                String lab = switch (impl) {
                    case "goloom" -> "goloom: GoScheduler";
                    case "jdk" -> "JDK default scheduler";
                    default -> "Go twin";
                };
                b.append("| ").append(lab).append(" |");
                double[] vals = new double[procs.size()];
                for (int k = 0; k < procs.size(); k++) {
                    Double v = byP.get(procs.get(k));
                    vals[k] = v == null ? Double.NaN : v;
                    b.append(" ").append(fmt(vals[k])).append(" |");
                }
                b.append("\n");
                series.add(new Svg.Series(lab, vals));
            }
            Files.writeString(plots.resolve("starvation.svg"), Svg.barChart("starvation: max 1 ms-tick delay",
                    "ms", procs.stream().map(p -> "P = " + p).toList(), series));
            b.append("\n![starvation](").append(rel.toString().replace('\\', '/')).append("/starvation.svg)\n\n");
        }

        b.append("### HTTP\n\n");
        if (http.isEmpty()) {
            b.append("_Pending_: the examples module's HTTP load demo (`io.goloom.examples.HttpLoadDemo`) did not run "
                    + "in this run. When it does, this section shows requests/s and p99 for goloom (agent flag) and "
                    + "the JDK default scheduler.\n\n");
        } else {
            b.append("The examples module's `HttpLoadDemo`: an unchanged Loom HTTP server in a child JVM, once on the "
                    + "JDK's default scheduler and once under `-javaagent:goloom-scheduler.jar`, loaded over loopback "
                    + "by virtual-thread clients in the parent JVM on the same cores (so client and server compete "
                    + "for the CPUs; P is the machine's CPU count, not 1 and 2).\n\n");
            b.append("| server | requests/s | x goloom | p50 ms | p90 ms | p99 ms |\n|---|---:|---:|---:|---:|---:|\n");
            for (String k : List.of("goloom", "jdk")) {
                double[] v = http.get(k);
                b.append("| ").append(k.equals("goloom") ? "**goloom agent**" : "JDK default scheduler").append(" | ")
                        .append(fmt(v[0])).append(" | ").append(ratio(v[0], http.get("goloom")[0])).append(" | ")
                        .append(fmt(v[1])).append(" | ").append(fmt(v[2])).append(" | ").append(fmt(v[3]))
                        .append(" |\n");
            }
            b.append("\n```\n");
            for (String l : httpLines) {
                b.append(l).append("\n");
            }
            b.append("```\n\n");
        }

        if (!notes.isBlank()) {
            b.append(notes.strip()).append("\n");
        }
        return b.toString();
    }

    private String targets(List<Integer> procs) {
        StringBuilder b = new StringBuilder();
        b.append("Targets stated for goloom, and where this run puts it (ratios are goloom's time over the other's: "
                + "at or below 1.00x meets \"at least as fast\").\n\n");
        b.append("| target | workload |");
        for (int p : procs) {
            b.append(" P=").append(p).append(" |");
        }
        b.append("\n|---|---|").append("---:|".repeat(procs.size())).append("\n");
        for (Workload w : WORKLOADS) {
            if (!data.containsKey(w.key())) {
                continue;
            }
            b.append("| as fast as the JDK default scheduler").append(w.queue() != null ? " (both with GoChannel)" : "")
                    .append(" | ").append(w.title()).append(" |");
            for (int p : procs) {
                b.append(" ").append(verdict(get(w.key(), "goloom", p), get(w.key(), "jdk", p), 1.0)).append(" |");
            }
            b.append("\n");
        }
        for (Workload w : WORKLOADS) {
            if (!w.handoff() || !data.containsKey(w.key())) {
                continue;
            }
            b.append("| at or below Go's time | ").append(w.title()).append(" |");
            for (int p : procs) {
                b.append(" ").append(verdict(get(w.key(), "goloom", p), get(w.key(), "go", p), 1.0)).append(" |");
            }
            b.append("\n");
        }
        for (String y : List.of("yield1", "yield")) {
            if (!data.containsKey(y)) {
                continue;
            }
            b.append("| within 1.2x of the floor | ").append(y.equals("yield1") ? "yield alone (1 thread)"
                    : "yield (100 threads)").append(" |");
            for (int p : procs) {
                b.append(" ").append(verdict(get(y, "goloom", p), get(y, "floor", p), 1.2)).append(" |");
            }
            b.append("\n");
        }
        if (starvation.containsKey("goloom")) {
            b.append("| starvation bounded near Go's 10 ms (max tick delay, ms) | starvation |");
            for (int p : procs) {
                Double g = starvation.get("goloom").get(p);
                Double j = starvation.getOrDefault("jdk", new TreeMap<>()).get(p);
                Double go = starvation.getOrDefault("go", new TreeMap<>()).get(p);
                String s = g == null ? "–" : String.format(Locale.ROOT, "%s %s (JDK %s, Go %s)",
                        g <= 25 ? "met" : "missed", fmt(g), j == null ? "–" : fmt(j), go == null ? "–" : fmt(go));
                b.append(" ").append(s).append(" |");
            }
            b.append("\n");
        }
        if (http.isEmpty()) {
            b.append("| HTTP requests/s and p99 | HTTP |").append(" pending |".repeat(procs.size())).append("\n");
        } else {
            double[] g = http.get("goloom");
            double[] j = http.get("jdk");
            String v = String.format(Locale.ROOT, "%s: %.2fx the JDK's requests/s, p99 %.2fx (at P = all CPUs)",
                    g[0] >= j[0] && g[3] <= j[3] ? "met" : "**missed**", g[0] / j[0], g[3] / j[3]);
            b.append("| as fast as the JDK default scheduler | HTTP |").append((" " + v + " |").repeat(procs.size()))
                    .append("\n");
        }
        return b.toString();
    }

    private static String verdict(double goloom, double other, double limit) {
        if (Double.isNaN(goloom) || Double.isNaN(other)) {
            return "–";
        }
        double r = goloom / other;
        return String.format(Locale.ROOT, "%s %.2fx", r <= limit ? "met" : "**missed**", r);
    }

    private static String machine() {
        String cpu = "unknown CPU";
        String mem = "";
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    cpu = l.substring(l.indexOf(':') + 1).strip();
                    break;
                }
            }
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal")) {
                    long kb = Long.parseLong(l.replaceAll("\\D", ""));
                    mem = String.format(Locale.ROOT, ", %.0f GiB RAM", kb / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: keep what we have
        }
        return Runtime.getRuntime().availableProcessors() + " CPUs (nproc), " + cpu + mem + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
