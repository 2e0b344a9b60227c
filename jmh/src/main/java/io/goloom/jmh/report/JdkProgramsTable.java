package io.goloom.jmh.report;

import io.goloom.jmh.workloads.JdkPrograms;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints the markdown table of {@code jmh/run-jdk-programs.sh}: ns per operation of each unmodified JDK program
 * per mode and P, with the ratios issue 12 sets targets on (flag / jdk, flag / library). Given several result
 * folders (comma-separated: repeated runs on a shared machine), each cell is the lowest of the runs: interference
 * from other processes only ever adds time.
 *
 * <pre>java -cp benchmarks.jar io.goloom.jmh.report.JdkProgramsTable jmh/results[,run2,...] jdk flag flag-nt library</pre>
 */
public final class JdkProgramsTable {
    private JdkProgramsTable() {}

    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws Exception {
        List<String> modes = List.of(args).subList(1, args.length);
        // program -> procs -> mode -> ns/op
        Map<String, Map<Integer, Map<String, Double>>> t = new LinkedHashMap<>();
        for (String d : args[0].split(",")) {
            for (String mode : modes) {
                Path f = Path.of(d).resolve("jdk-programs-" + mode + ".json");
                if (!Files.exists(f) || Files.size(f) == 0) {
                    continue;
                }
                for (Object o : (List<Object>) Json.parse(Files.readString(f))) {
                    Map<String, Object> m = (Map<String, Object>) o;
                    Map<String, Object> params = (Map<String, Object>) m.get("params");
                    Map<String, Object> pm = (Map<String, Object>) m.get("primaryMetric");
                    String program = (String) params.get("program");
                    int procs = Integer.parseInt((String) params.get("procs"));
                    double perOp = ((Number) pm.get("score")).doubleValue() / JdkPrograms.opsOf(program);
                    t.computeIfAbsent(program, k -> new TreeMap<>()).computeIfAbsent(procs, k -> new LinkedHashMap<>())
                            .merge((String) params.get("mode"), perOp, Math::min);
                }
            }
        }
        StringBuilder b = new StringBuilder();
        List<String> head = new ArrayList<>(List.of("program", "P"));
        modes.forEach(m -> head.add(m + " (ns/op)"));
        head.add("flag / jdk");
        head.add("flag / library");
        if (modes.contains("flag-nt")) {
            head.add("flag-nt / jdk");
            head.add("flag-nt / library");
        }
        b.append("| ").append(String.join(" | ", head)).append(" |\n|");
        head.forEach(h -> b.append(h.equals("program") ? "---|" : "---:|"));
        b.append('\n');
        t.forEach((program, byProcs) -> byProcs.forEach((procs, byMode) -> {
            b.append("| ").append(program).append(" | ").append(procs);
            for (String mode : modes) {
                Double v = byMode.get(mode);
                b.append(" | ").append(v == null ? "-" : fmt(v));
            }
            b.append(" | ").append(ratio(byMode.get("flag"), byMode.get("jdk")));
            b.append(" | ").append(ratio(byMode.get("flag"), byMode.get("library")));
            if (modes.contains("flag-nt")) {
                b.append(" | ").append(ratio(byMode.get("flag-nt"), byMode.get("jdk")));
                b.append(" | ").append(ratio(byMode.get("flag-nt"), byMode.get("library")));
            }
            b.append(" |\n");
        }));
        System.out.print(b);
    }

    private static String fmt(double ns) {
        return ns >= 100_000 ? String.format(Locale.ROOT, "%,.0f", ns) : String.format(Locale.ROOT, "%,.1f", ns);
    }

    private static String ratio(Double a, Double b) {
        if (a == null || b == null) {
            return "-";
        }
        double r = a / b;
        String s = String.format(Locale.ROOT, "%.2fx", r);
        return r <= 1.1 ? s : "**" + s + "**";
    }
}
