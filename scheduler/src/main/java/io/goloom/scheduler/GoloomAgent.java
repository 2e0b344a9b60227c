package io.goloom.scheduler;

import java.lang.instrument.Instrumentation;

/**
 * The goloom Java agent: {@code java -javaagent:goloom-scheduler.jar[=options] ...} makes every virtual thread of
 * the JVM run on one JVM-wide {@link GoScheduler}, available as {@link GoScheduler#jvmWide()}. See
 * docs/agent.md for the options, the syscall hand-off, schedtrace, JFR, the MXBean and what is rewritten.
 */
public final class GoloomAgent {
    private GoloomAgent() {}

    /**
     * Entry point for {@code -javaagent}. A bad agent option or {@code goloom.*} property prints the reason and
     * ends the JVM with exit status 1. A JVM where goloom cannot schedule (no continuations, another JDK) gets one
     * warning line, and the application runs on the JDK's own scheduler; see docs/agent.md, "When the agent steps
     * aside".
     */
    public static void premain(String options, Instrumentation inst) {
        AgentInstaller.install(options, inst, true);
    }

    /**
     * Entry point for late loading ({@code jcmd <pid> JVMTI.agent_load <jar> [options]}): virtual threads created
     * afterwards run on goloom. A bad option or an unsupported JDK is thrown back to the loader; the JVM goes on
     * with the JDK's scheduler.
     */
    public static void agentmain(String options, Instrumentation inst) {
        AgentInstaller.install(options, inst, false);
    }
    /**
     * {@code java -jar goloom-scheduler.jar > goloom.args} prints a launcher argument file for
     * {@code java @goloom.args -jar app.jar}: the agent with this jar's absolute path, plus the two HotSpot options
     * that take back the cost any Java agent puts on every virtual-thread mount and unmount (JVMTI transition
     * tracking; docs/agent.md, "The agent tax"). Options after {@code -jar goloom-scheduler.jar} become the agent's
     * options ({@code java -jar goloom-scheduler.jar maxprocs=4}).
     */
    public static void main(String[] args) {
        System.out.print(argFile(jarPath(), String.join(",", args)));
    }

    /** The argument file's text for the agent jar at {@code jar} with agent {@code options} (may be empty). */
    static String argFile(String jar, String options) {
        String agent = "-javaagent:" + jar + (options.isEmpty() ? "" : "=" + options);
        if (agent.contains(" ") || agent.contains("\"") || agent.contains("'")) {
            agent = "\"" + agent.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return "# goloom: every virtual thread on Go's scheduler; see docs/agent.md\n"
                + agent + "\n"
                + "# HotSpot tracks virtual-thread mounts for JVMTI once any agent is loaded; goloom needs no such\n"
                + "# tracking. Turning it off gives up JVMTI virtual-thread events (debuggers see virtual threads less\n"
                + "# well): delete the next two lines to keep them.\n"
                + "-XX:+UnlockExperimentalVMOptions\n"
                + "-XX:-DoJVMTIVirtualThreadTransitions\n";
    }

    private static String jarPath() {
        try {
            return java.nio.file.Path.of(GoloomAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toAbsolutePath().toString();
        } catch (java.net.URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot tell where the goloom jar is: " + e, e);
        }
    }
}
