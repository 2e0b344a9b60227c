package io.goloom.scheduler;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.instrument.UnmodifiableClassException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * What the agent does, in the boot loader (see {@link GoloomAgent}):
 * <ol>
 *   <li>reads the configuration ({@link AgentConfig}); a bad value stops here;</li>
 *   <li>checks the JDK: feature release 25 (unless {@code jdkcheck=false}) and, always, the exact shape of every
 *       JDK method it rewrites; an unknown JDK stops here;</li>
 *   <li>opens {@code java.lang} to goloom (so the user needs no {@code --add-opens});</li>
 *   <li>creates the JVM-wide {@link GoScheduler}, with JFR events, and defines {@code java.lang.GoloomHooks}
 *       (the class the rewritten JDK code calls; see {@link JdkHooks});</li>
 *   <li>rewrites {@code Blocker} (syscall hand-off), {@code ForkJoinWorkerThread.hasKnownQueuedWork} (Go's spin
 *       rule) and then {@code ThreadBuilders} (the scheduler swap);</li>
 *   <li>registers the MXBean.</li>
 * </ol>
 * At startup ({@code -javaagent}) a failure in any step prints the reason and ends the JVM with status 1; loaded
 * late, it throws, and the JVM goes on with the JDK's scheduler.
 */
final class AgentInstaller {
    private AgentInstaller() {}

    /** The JDK feature release whose internals this version of goloom was checked against. */
    static final int SUPPORTED_FEATURE = 25;

    private static AgentTransformer transformer;

    static synchronized void install(String options, Instrumentation inst, boolean atStartup) {
        AgentConfig cfg;
        try {
            cfg = AgentConfig.resolve(options, System.getProperties(), System.getenv());
        } catch (IllegalArgumentException e) {
            fail("invalid configuration: " + e.getMessage(), atStartup, e);
            return;
        }
        if (GoScheduler.jvmWide().isPresent()) {
            System.err.println("goloom agent: already installed (" + GoScheduler.jvmWide().get()
                    + "); options '" + options + "' ignored");
            return;
        }
        String jdkProblem = jdkProblem(cfg);
        if (jdkProblem != null) {
            fail(jdkProblem, atStartup, null);
            return;
        }
        try {
            openJavaLang(inst);
            GoScheduler sched = GoScheduler.installJvmWide(cfg.builder());
            if (cfg.jfr) {
                JfrSchedEvents.install(sched);
            }
            warmUp(sched);
            defineHooks(sched, cfg.syscalls);
            rewrite(inst, cfg);
            if (cfg.jmx) {
                registerMXBeanInBackground(sched);
            }
            if (!atStartup) {
                warnIfAppHasOwnCopy(inst);
            }
            if (cfg.verbose) {
                System.err.println("goloom agent: every virtual thread now runs on " + sched + " (" + cfg
                        + "; set by " + cfg.sources.values() + ")");
            }
        } catch (RuntimeException | LinkageError e) {
            fail(String.valueOf(e.getMessage() != null ? e.getMessage() : e), atStartup, e);
        }
    }

    /** Null if goloom supports the running JDK, else the reason it does not. */
    static String jdkProblem(AgentConfig cfg) {
        Runtime.Version v = Runtime.version();
        String refuse = "goloom " + GoScheduler.VERSION + " supports JDK " + SUPPORTED_FEATURE + " only, and this is JDK "
                + v + " (" + System.getProperty("java.vm.vendor", "?") + ")";
        if (cfg.jdkCheck && v.feature() != SUPPORTED_FEATURE) {
            return refuse + "; its virtual-thread internals may differ. Set jdkcheck=false to try anyway "
                    + "(the rewritten methods are still checked)";
        }
        String shape;
        try {
            shape = AgentTransformer.checkShapes(cfg.syscalls);
        } catch (RuntimeException e) {
            shape = String.valueOf(e.getMessage());
        }
        if (shape != null) {
            return refuse + ": " + shape + ", so the agent cannot install its hook safely";
        }
        try {
            if (!Thread.ofVirtual().unstarted(() -> { }).getClass().getName().equals("java.lang.VirtualThread")) {
                return "this JVM has no continuation support (virtual threads are bound to platform threads), "
                        + "so there is nothing for goloom to schedule";
            }
        } catch (RuntimeException e) {
            return "cannot create a virtual thread: " + e;
        }
        return null;
    }

    /**
     * {@code java.base} opens {@code java.lang} to goloom's module (for {@link Loom}, and to define
     * {@code java.lang.GoloomHooks}): what {@code --add-opens java.base/java.lang=ALL-UNNAMED} does for a library
     * user, here for goloom's module only.
     */
    private static void openJavaLang(Instrumentation inst) {
        Module base = Object.class.getModule();
        Module goloom = AgentInstaller.class.getModule();
        inst.redefineModule(base, Set.of(), Map.of(), Map.of("java.lang", Set.of(goloom)), Set.of(), Map.of());
    }

    /**
     * Runs the syscall path once on the new scheduler, so that every class the hooks touch is loaded before the
     * hooks are live (a class loaded from inside {@code Blocker.begin} would read its jar through
     * {@code Blocker.begin} again).
     */
    private static void warmUp(GoScheduler sched) {
        Thread t = sched.go(() -> {
            sched.exitSyscall(AgentHooks.INSTANCE.getAsInt() == 1);
            AgentHooks.INSTANCE.getAsBoolean();
            AgentHooks.QUEUED_WORK.getAsInt();
        });
        try {
            if (!t.join(java.time.Duration.ofSeconds(10))) {
                throw new IllegalStateException("the new scheduler did not run a first virtual thread in 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the scheduler", e);
        }
    }

    /** Defines {@code java.lang.GoloomHooks} in {@code java.base} and points it at {@code sched}. */
    private static void defineHooks(GoScheduler sched, boolean syscalls) {
        try {
            MethodHandles.Lookup javaLang = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            Class<?> hooks = javaLang.defineClass(AgentTransformer.hooksClassBytes());
            hooks.getMethod("install", Executor.class, IntSupplier.class, BooleanSupplier.class)
                    .invoke(null, sched, syscalls ? AgentHooks.INSTANCE : null, syscalls ? AgentHooks.INSTANCE : null);
            hooks.getMethod("installSpin", IntSupplier.class).invoke(null, AgentHooks.QUEUED_WORK);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new IllegalStateException("cannot install " + AgentTransformer.HOOKS_CLASS + ": " + e.getCause(),
                    e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("cannot define " + AgentTransformer.HOOKS_CLASS + " in java.base: " + e, e);
        }
    }

    private static void rewrite(Instrumentation inst, AgentConfig cfg) {
        AgentTransformer t = new AgentTransformer(cfg.syscalls);
        transformer = t; // stays registered: a later retransformation by another agent must keep our change
        inst.addTransformer(t, true);
        if (cfg.syscalls) {
            retransform(inst, t, AgentTransformer.BLOCKER);
        }
        retransform(inst, t, AgentTransformer.FJ_WORKER); // Go's spin rule for the JDK's spinners
        // Last: once this is done, new virtual threads run on goloom.
        retransform(inst, t, AgentTransformer.THREAD_BUILDERS);
    }

    private static void retransform(Instrumentation inst, AgentTransformer t, String internalName) {
        String name = internalName.replace('/', '.');
        try {
            // Load (not initialise) the class first, then retransform: transforming a class while it is being
            // loaded could recurse into it (the ClassFile API itself does I/O, which uses Blocker).
            Class<?> c = Class.forName(name, false, null);
            inst.retransformClasses(c);
        } catch (ClassNotFoundException | UnmodifiableClassException e) {
            throw new IllegalStateException("cannot rewrite " + name + ": " + e, e);
        }
        if (!t.rewritten.contains(internalName)) {
            Throwable f = t.failure;
            throw new IllegalStateException("rewriting " + name + " failed: " + (f == null ? "no transform ran" : f), f);
        }
    }

    /**
     * Registers the MXBean from a daemon thread: creating the platform MBean server takes about half a second of
     * CPU, which the application's startup should not wait for (and doing it inside premain would also set up
     * java.util.logging before the application can choose its LogManager).
     */
    private static void registerMXBeanInBackground(GoScheduler sched) {
        Thread.ofPlatform().daemon().name("goloom-mxbean").start(() -> {
            try {
                sched.registerMXBean();
            } catch (RuntimeException | LinkageError e) {
                System.err.println("goloom agent: warning: the GoScheduler MXBean was not registered: " + e);
            }
        });
    }

    private static void warnIfAppHasOwnCopy(Instrumentation inst) {
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (c.getName().equals(GoScheduler.class.getName()) && c != GoScheduler.class) {
                System.err.println("goloom agent: warning: " + c.getClassLoader() + " has its own copy of goloom; "
                        + "GoScheduler.jvmWide() is empty in that copy (the agent's is in "
                        + GoScheduler.class.getClassLoader() + ")");
            }
        }
    }

    private static void fail(String message, boolean atStartup, Throwable cause) {
        System.err.println("goloom agent: error: " + message);
        if (atStartup) {
            System.err.println("goloom agent: the JVM is stopped (exit status 1); fix the above or remove "
                    + "-javaagent to run on the JDK's own scheduler");
            System.exit(1);
        }
        throw new IllegalStateException("goloom agent: " + message + " (virtual threads stay on the JDK's "
                + "scheduler)", cause);
    }
}
