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
}
