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
 *   <li>checks the JDK: continuations (real virtual threads), feature release 25 (unless {@code jdkcheck=false})
 *       and, always, the exact shape of every JDK method it rewrites; where goloom cannot schedule, the agent
 *       steps aside here ({@link #stepAside});</li>
 *   <li>opens {@code java.lang} to goloom (so the user needs no {@code --add-opens});</li>
 *   <li>creates the JVM-wide {@link GoScheduler}, with JFR events, and defines {@code java.lang.GoloomHooks}
 *       (the class the rewritten JDK code calls; see {@link JdkHooks});</li>
 *   <li>rewrites {@code Blocker} (syscall hand-off), {@code ForkJoinWorkerThread.hasKnownQueuedWork} (Go's spin
 *       rule) and then {@code ThreadBuilders} (the scheduler swap);</li>
 *   <li>registers the MXBean.</li>
 * </ol>
 * The flag never breaks an application that would run without it. Where this JVM gives goloom nothing to schedule
 * or no safe way to hook in (no continuations, another JDK), the agent prints one warning line and changes
 * nothing, so the JVM runs on its own scheduler. Only what the user explicitly asked of goloom and that cannot
 * work (an invalid agent option or {@code goloom.*} property), or a failure half-way through the installation,
 * ends the JVM at startup with status 1. Loaded late, every failure throws, and the JVM goes on with the JDK's
 * scheduler.
 */
final class AgentInstaller {
    private AgentInstaller() {}

    /** The JDK feature release whose internals this version of goloom was checked against. */
    static final int SUPPORTED_FEATURE = 25;

    private static AgentTransformer transformer;
    /** The preemption-point transformer, when preemption is on (null otherwise). */
    static volatile PreemptionTransformer preemption;

    static synchronized void install(String options, Instrumentation inst, boolean atStartup) {
        AgentConfig cfg;
        try {
            cfg = AgentConfig.resolve(options, System.getProperties(), System.getenv());
        } catch (IllegalArgumentException e) {
            fail("invalid configuration: " + e.getMessage(), atStartup, e);
            return;
        }
        for (String w : cfg.warnings) {
            System.err.println("goloom agent: warning: " + w);
        }
        if (GoScheduler.jvmWide().isPresent()) {
            System.err.println("goloom agent: already installed (" + GoScheduler.jvmWide().get()
                    + "); options '" + options + "' ignored");
            return;
        }
        String jdkProblem = jdkProblem(cfg);
        if (jdkProblem != null) {
            if (atStartup) {
                stepAside(jdkProblem);
            } else {
                fail(jdkProblem, false, null);
            }
            return;
        }
        try {
            openJavaLang(inst);
            GoScheduler sched = GoScheduler.installJvmWide(cfg.builder());
            if (cfg.jfr) {
                JfrSchedEvents.install(sched);
            }
            warmUp(sched);
            Class<?> hooks = defineHooks(sched, cfg.syscalls);
            rewrite(inst, cfg, sched, hooks);
            if (cfg.preempt) {
                installPreemption(inst, sched, hooks);
            }
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
        String noContinuations = continuationsProblem();
        if (noContinuations != null) {
            return noContinuations;
        }
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
        return null;
    }

    /**
     * Null if virtual threads here are real (continuation-based) ones; else why not. Under
     * {@code -XX:-VMContinuations}, or on a JVM port without continuations, the JDK makes "virtual" threads that
     * are bound to platform threads ({@code BoundVirtualThread}), and there is nothing for goloom to schedule.
     */
    static String continuationsProblem() {
        try {
            if (!Thread.ofVirtual().unstarted(() -> { }).getClass().getName().equals("java.lang.VirtualThread")) {
                return "this JVM has no continuation support (-XX:-VMContinuations, or a port without them): "
                        + "its virtual threads are bound to platform threads, so there is nothing for goloom "
                        + "to schedule";
            }
        } catch (RuntimeException | LinkageError e) {
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
        // sun.nio.ch too: the netpoller drives the JDK's own pollers (NetPoller).
        inst.redefineModule(base, Set.of(), Map.of(), Map.of("java.lang", Set.of(goloom), "sun.nio.ch", Set.of(goloom)),
                Set.of(), Map.of());
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
    private static Class<?> defineHooks(GoScheduler sched, boolean syscalls) {
        try {
            MethodHandles.Lookup javaLang = MethodHandles.privateLookupIn(Thread.class, MethodHandles.lookup());
            Class<?> hooks = javaLang.defineClass(AgentTransformer.hooksClassBytes());
            hooks.getMethod("install", Executor.class, IntSupplier.class, BooleanSupplier.class)
                    .invoke(null, sched.sched(), syscalls ? AgentHooks.INSTANCE : null, syscalls ? AgentHooks.INSTANCE : null);
            hooks.getMethod("installSpin", IntSupplier.class).invoke(null, AgentHooks.QUEUED_WORK);
            return hooks;
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new IllegalStateException("cannot install " + AgentTransformer.HOOKS_CLASS + ": " + e.getCause(),
                    e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("cannot define " + AgentTransformer.HOOKS_CLASS + " in java.base: " + e, e);
        }
    }

    /**
     * Preemption points: the slow path first, then the transformer (classes loaded from now on get points), then
     * the scheduler's sysmon starts asking. Classes loaded before the agent (none of the application's, at
     * startup; all of them, when loaded late) have no points: sysmon's hand-off stays their fallback.
     */
    private static void installPreemption(Instrumentation inst, GoScheduler sched, Class<?> hooks) {
        try {
            Preemption.install(hooks);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new IllegalStateException("cannot install preemption in " + AgentTransformer.HOOKS_CLASS + ": "
                    + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot install preemption in " + AgentTransformer.HOOKS_CLASS + ": "
                    + e, e);
        }
        // Link the slow path before any point can call it (a platform thread returns at once; the classes it
        // touches on a carrier, Loom, Machine, Sched, Processor, were loaded by warmUp).
        Preemption.INSTANCE.run();
        preemption = PreemptionTransformer.register(inst);
        sched.sched().preempt = true;
    }

    private static void rewrite(Instrumentation inst, AgentConfig cfg, GoScheduler sched, Class<?> hooks) {
        String ioProblem = cfg.netpoll ? AgentTransformer.checkIoShapes() : "off (netpoll=false): timers and I/O "
                + "readiness stay with the JDK's threads";
        AgentTransformer t = new AgentTransformer(cfg.syscalls, ioProblem == null);
        transformer = t; // stays registered: a later retransformation by another agent must keep our change
        inst.addTransformer(t, true);
        if (cfg.syscalls) {
            retransform(inst, t, AgentTransformer.BLOCKER);
        }
        retransform(inst, t, AgentTransformer.FJ_WORKER); // Go's spin rule for the JDK's spinners
        if (ioProblem == null) {
            ioProblem = installTimersAndNetpoller(inst, t, sched, hooks);
        }
        if (ioProblem != null && (cfg.verbose || cfg.netpoll)) {
            System.err.println("goloom agent: warning: netpoller: " + ioProblem);
        }
        // Last: once this is done, new virtual threads run on goloom.
        retransform(inst, t, AgentTransformer.THREAD_BUILDERS);
    }

    /**
     * Timers on the Ps and the netpoller: hook {@code VirtualThread.schedule} and {@code Poller$Pollers.start},
     * then start the JDK's pollers from a platform thread so that they are handed to goloom (before
     * {@code ThreadBuilders} is rewritten, so that, if they are not, they stay on the JDK's scheduler as before).
     *
     * @return null if the netpoller is installed, else why not (timers may still be on the Ps)
     */
    private static String installTimersAndNetpoller(Instrumentation inst, AgentTransformer t, GoScheduler sched,
                                                    Class<?> hooks) {
        Sched core = sched.sched();
        IoHooks io = new IoHooks(core);
        try {
            NetPoller.preciseWait = (java.lang.invoke.MethodHandle) hooks.getMethod("epollPwait2").invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            NetPoller.preciseWait = null; // epoll_wait's milliseconds, as in Go
        }
        try {
            // Before the hook can route a single timeout here: the M that finds nothing must then sleep in the
            // poller until the earliest timer instead of parking (Sched.netpollBlocking).
            core.timersOnP = true;
            hooks.getMethod("installIo", java.util.function.BiFunction.class, java.util.function.Predicate.class)
                    .invoke(null, io, io);
            retransform(inst, t, AgentTransformer.VIRTUAL_THREAD);
            retransform(inst, t, AgentTransformer.POLLERS);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "cannot install the timer and poller hooks (timers and I/O readiness stay with the JDK's "
                    + "threads): " + e;
        }
        // From a platform thread, so that if the hand-over fails the JDK's poller threads get the JDK's scheduler.
        Loom.initPollersOffScheduler();
        if (!io.pollersOffered) {
            return "the JDK's I/O pollers were already running when the agent was loaded (timers are on the Ps)";
        }
        return core.netpoller == null ? "the netpoller could not be set up (timers are on the Ps)" : null;
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

    /**
     * Not in Go (Go has one scheduler): the JVM cannot give goloom what it needs, so goloom stays out of the way.
     * Nothing has been changed yet; the JVM runs its virtual threads on the JDK's own scheduler.
     */
    static void stepAside(String reason) {
        System.err.println("goloom agent: warning: goloom is inactive, virtual threads run on the JDK's own "
                + "scheduler: " + reason);
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
