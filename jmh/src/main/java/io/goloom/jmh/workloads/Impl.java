package io.goloom.jmh.workloads;

/**
 * One implementation under test: a scheduler ({@code goloom} = GoScheduler, {@code jdk} = the JDK's default
 * ForkJoinPool) and a channel kind. Parsed from the JMH {@code impl} parameter: {@code goloom}, {@code jdk}
 * (both with GoChannel), {@code jdk-queue}, {@code jdk-jox}, {@code goloom-queue}, {@code goloom-jox}.
 */
public record Impl(boolean goloom, ChanKind chan) {

    public static Impl parse(String s) {
        String[] parts = s.split("-", 2);
        boolean goloom = switch (parts[0]) {
            case "goloom" -> true;
            case "jdk" -> false;
            default -> throw new IllegalArgumentException("unknown scheduler in impl=" + s);
        };
        ChanKind chan = parts.length == 1 ? ChanKind.GO : switch (parts[1]) {
            case "queue" -> ChanKind.QUEUE;
            case "jox" -> ChanKind.JOX;
            case "go" -> ChanKind.GO;
            default -> throw new IllegalArgumentException("unknown channel in impl=" + s);
        };
        return new Impl(goloom, chan);
    }
}
