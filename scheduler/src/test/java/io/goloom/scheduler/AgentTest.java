package io.goloom.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.Instruction;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The agent's bytecode rewrite, checked on this JDK's own class files, its refusal of an unknown JDK, and the hook
 * logic. The agent end to end (child JVMs) is {@link AgentIT}.
 */
class AgentTest {
    private static List<Instruction> code(byte[] classBytes, String method, MethodTypeDesc type) {
        ClassModel cm = ClassFile.of().parse(classBytes);
        for (MethodModel mm : cm.methods()) {
            if (mm.methodName().equalsString(method) && mm.methodTypeSymbol().equals(type)) {
                List<Instruction> out = new ArrayList<>();
                for (CodeElement e : mm.code().orElseThrow()) {
                    if (e instanceof Instruction i) {
                        out.add(i);
                    }
                }
                return out;
            }
        }
        throw new AssertionError(method + type.displayDescriptor() + " not found");
    }

    private static void assertCallsHook(Instruction i, String hook) {
        InvokeInstruction inv = assertInstanceOf(InvokeInstruction.class, i);
        assertEquals(Opcode.INVOKESTATIC, inv.opcode());
        assertEquals("java/lang/GoloomHooks", inv.owner().asInternalName());
        assertEquals(hook, inv.name().stringValue());
    }

    @Test
    void newVirtualThreadStartsByAskingTheHookForTheScheduler() {
        byte[] jdk = AgentTransformer.jdkClassBytes(AgentTransformer.THREAD_BUILDERS);
        byte[] out = AgentTransformer.rewriteThreadBuilders(jdk);
        List<Instruction> before = code(jdk, "newVirtualThread", AgentTransformer.NEW_VIRTUAL_THREAD);
        List<Instruction> after = code(out, "newVirtualThread", AgentTransformer.NEW_VIRTUAL_THREAD);
        assertEquals(Opcode.ALOAD_0, after.get(0).opcode());
        assertCallsHook(after.get(1), "scheduler");
        assertEquals(Opcode.ASTORE_0, after.get(2).opcode());
        assertEquals(before.size() + 3, after.size(), "only three instructions added");
        for (int i = 0; i < before.size(); i++) {
            assertEquals(before.get(i).opcode(), after.get(i + 3).opcode(), "the JDK's code is unchanged after them");
        }
        assertOtherMethodsUntouched(jdk, out, "newVirtualThread");
    }

    @Test
    void blockerBracketsStartWithTheSyscallHooks() {
        byte[] jdk = AgentTransformer.jdkClassBytes(AgentTransformer.BLOCKER);
        byte[] out = AgentTransformer.rewriteBlocker(jdk);
        for (MethodTypeDesc begin : List.of(AgentTransformer.BEGIN, AgentTransformer.BEGIN_BOOLEAN)) {
            List<Instruction> c = code(out, "begin", begin);
            assertCallsHook(c.get(0), "blockerBegin");
            assertEquals(List.of(Opcode.DUP, Opcode.IFLT, Opcode.IRETURN, Opcode.POP),
                    c.subList(1, 5).stream().map(Instruction::opcode).toList());
            assertEquals(code(jdk, "begin", begin).size() + 5, c.size());
        }
        List<Instruction> end = code(out, "end", AgentTransformer.END);
        assertEquals(Opcode.ILOAD_0, end.get(0).opcode());
        assertEquals(Opcode.IFEQ, end.get(1).opcode());
        assertCallsHook(end.get(2), "blockerEnd");
        assertEquals(Opcode.IFEQ, end.get(3).opcode());
        assertEquals(Opcode.RETURN, end.get(4).opcode());
        assertOtherMethodsUntouched(jdk, out, "begin", "end");
    }

    @Test
    void hasKnownQueuedWorkStartsWithTheSpinHook() {
        byte[] jdk = AgentTransformer.jdkClassBytes(AgentTransformer.FJ_WORKER);
        byte[] out = AgentTransformer.rewriteForkJoinWorkerThread(jdk);
        List<Instruction> c = code(out, "hasKnownQueuedWork", AgentTransformer.HAS_KNOWN_QUEUED_WORK);
        assertCallsHook(c.get(0), "knownQueuedWork");
        assertEquals(List.of(Opcode.DUP, Opcode.IFLT, Opcode.IRETURN, Opcode.POP),
                c.subList(1, 5).stream().map(Instruction::opcode).toList());
        List<Instruction> before = code(jdk, "hasKnownQueuedWork", AgentTransformer.HAS_KNOWN_QUEUED_WORK);
        assertEquals(before.size() + 5, c.size());
        for (int i = 0; i < before.size(); i++) {
            assertEquals(before.get(i).opcode(), c.get(i + 5).opcode(), "the JDK's code is unchanged after them");
        }
        assertOtherMethodsUntouched(jdk, out, "hasKnownQueuedWork");
    }

    /**
     * Go's {@code sync_runtime_canSpin} as the JDK's spinners see it (1: "has queued work", do not spin; 0: may
     * spin): never at GOMAXPROCS=1; at GOMAXPROCS=2 only while the other P runs something and our own queue is
     * empty; -1 (the JDK's own answer) for a virtual thread of another scheduler.
     */
    @Test
    void spinHookIsGoCanSpinOnGoloomCarriers() throws Exception {
        try (GoScheduler one = GoScheduler.builder().maxProcs(1).name("agent-test-spin1").build()) {
            int[] r = new int[1];
            assertTrue(one.go(() -> r[0] = AgentHooks.QUEUED_WORK.getAsInt()).join(Duration.ofSeconds(10)));
            assertEquals(1, r[0], "GOMAXPROCS=1: the peer can only run once we park, never spin");
        }
        try (GoScheduler two = GoScheduler.builder().maxProcs(2).name("agent-test-spin2").build()) {
            AtomicBoolean hogRunning = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            Thread hog = two.go(() -> {
                hogRunning.set(true);
                while (!stop.get()) {
                    Thread.onSpinWait();
                }
            });
            int[] r = {-2, -2, -2};
            Thread probe = two.go(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                // Until the hog runs, the other P is idle (or its M is spinning): no spin.
                while (!hogRunning.get() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                r[0] = AgentHooks.QUEUED_WORK.getAsInt();
                while (r[0] != 0 && System.nanoTime() < deadline) { // a spinning M may be counted for a moment
                    r[0] = AgentHooks.QUEUED_WORK.getAsInt();
                }
                // A G started here goes to our P's runnext; the other P is busy, so nobody can take it meanwhile.
                Thread child = two.go(() -> { });
                r[1] = AgentHooks.QUEUED_WORK.getAsInt();
                stop.set(true);
                try {
                    child.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                r[2] = two.runsCurrentThread() ? 1 : 0;
            });
            try {
                assertTrue(probe.join(Duration.ofSeconds(20)), "probe did not finish");
            } finally {
                stop.set(true);
            }
            assertTrue(hog.join(Duration.ofSeconds(10)));
            assertEquals(0, r[0], "GOMAXPROCS=2, the other P running, our queue empty: may spin");
            assertEquals(1, r[1], "a G in our runnext: do not spin");
            assertEquals(1, r[2]);
        }
        int[] jdk = {-2};
        Thread.ofVirtual().start(() -> jdk[0] = AgentHooks.QUEUED_WORK.getAsInt()).join();
        assertEquals(-1, jdk[0], "a virtual thread of the JDK's scheduler: the JDK's own answer");
        assertEquals(-1, JdkHooks.knownQueuedWork(), "a platform thread: the JDK's own answer");
    }

    private static void assertOtherMethodsUntouched(byte[] jdk, byte[] out, String... rewritten) {
        ClassModel a = ClassFile.of().parse(jdk);
        ClassModel b = ClassFile.of().parse(out);
        assertEquals(a.methods().size(), b.methods().size());
        assertEquals(a.fields().size(), b.fields().size());
        for (MethodModel m : a.methods()) {
            if (List.of(rewritten).contains(m.methodName().stringValue())) {
                continue;
            }
            List<Opcode> x = code(jdk, m.methodName().stringValue(), m.methodTypeSymbol()).stream()
                    .map(Instruction::opcode).toList();
            List<Opcode> y = m.code().isEmpty() ? List.of() : code(out, m.methodName().stringValue(),
                    m.methodTypeSymbol()).stream().map(Instruction::opcode).toList();
            assertEquals(x, y, m.methodName().stringValue());
        }
    }

    @Test
    void hooksClassIsThePublicTemplateRenamedWithNoReferenceToGoloom() {
        byte[] bytes = AgentTransformer.hooksClassBytes();
        ClassModel cm = ClassFile.of().parse(bytes);
        assertEquals("java/lang/GoloomHooks", cm.thisClass().asInternalName());
        assertTrue(cm.flags().has(AccessFlag.PUBLIC));
        for (PoolEntry e : cm.constantPool()) {
            if (e instanceof ClassEntry ce) {
                assertFalse(ce.asInternalName().startsWith("io/goloom"), "refers to " + ce.asInternalName());
            }
        }
        for (String m : List.of("install", "scheduler", "blockerBegin", "blockerEnd", "installSpin", "knownQueuedWork")) {
            MethodModel mm = cm.methods().stream().filter(x -> x.methodName().equalsString(m)).findFirst().orElseThrow();
            assertTrue(mm.flags().has(AccessFlag.PUBLIC) && mm.flags().has(AccessFlag.STATIC), m);
        }
    }

    @Test
    void argFileLoadsTheAgentAndTurnsJvmtiTransitionsOff() {
        assertEquals(List.of("-javaagent:/opt/goloom.jar", "-XX:+UnlockExperimentalVMOptions",
                        "-XX:-DoJVMTIVirtualThreadTransitions"),
                GoloomAgent.argFile("/opt/goloom.jar", "").lines().filter(l -> !l.startsWith("#")).toList());
        assertTrue(GoloomAgent.argFile("/opt/my jars/goloom.jar", "maxprocs=4").lines()
                .anyMatch(l -> l.equals("\"-javaagent:/opt/my jars/goloom.jar=maxprocs=4\"")), "a path with a space is quoted");
    }

    @Test
    void thisJdkIsSupported() {
        assertNull(AgentTransformer.checkShapes(true));
        assertNull(AgentInstaller.jdkProblem(AgentConfig.resolve(null, new Properties(), Map.of())));
    }

    /** A class file named like the JDK's with the given static methods (all returning their default). */
    private static byte[] fakeClass(String internalName, Map<String, MethodTypeDesc> methods, boolean isStatic) {
        return ClassFile.of().build(ClassDesc.ofInternalName(internalName), cb -> {
            methods.forEach((name, type) -> cb.withMethodBody(name, type,
                    isStatic ? ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC : ClassFile.ACC_PUBLIC, b -> {
                        if (type.returnType().equals(ConstantDescs.CD_void)) {
                            b.return_();
                        } else if (type.returnType().isPrimitive()) {
                            b.iconst_0().ireturn();
                        } else {
                            b.aconst_null().areturn();
                        }
                    }));
        });
    }

    @Test
    void aJdkWhoseMethodsDifferIsRefusedWithAClearMessage() {
        // JDK "26": newVirtualThread lost its characteristics parameter
        byte[] changed = fakeClass(AgentTransformer.THREAD_BUILDERS, Map.of("newVirtualThread",
                MethodTypeDesc.of(ClassDesc.of("java.lang.Thread"), AgentTransformer.CD_EXECUTOR,
                        ConstantDescs.CD_String, ClassDesc.of("java.lang.Runnable"))), true);
        String p = AgentTransformer.shapeProblem(changed, AgentTransformer.THREAD_BUILDERS_TARGETS);
        assertEquals("java.lang.ThreadBuilders.newVirtualThread(Executor,String,int,Runnable)Thread is missing", p);
        var e = assertThrows(AgentTransformer.UnsupportedJdkException.class,
                () -> AgentTransformer.rewriteThreadBuilders(changed));
        assertEquals(p, e.getMessage());

        byte[] instance = fakeClass(AgentTransformer.BLOCKER, Map.of("begin", AgentTransformer.BEGIN,
                "end", AgentTransformer.END), false);
        assertTrue(AgentTransformer.shapeProblem(instance, AgentTransformer.BLOCKER_TARGETS).endsWith(" is not static"));
        byte[] noBeginBoolean = fakeClass(AgentTransformer.BLOCKER, Map.of("begin", AgentTransformer.BEGIN,
                "end", AgentTransformer.END), true);
        assertEquals("jdk.internal.misc.Blocker.begin(boolean)boolean is missing",
                AgentTransformer.shapeProblem(noBeginBoolean, AgentTransformer.BLOCKER_TARGETS));
    }

    @Test
    void transformerTouchesOnlyItsTwoBootClassesAndRecordsFailures() {
        AgentTransformer t = new AgentTransformer(true);
        byte[] tb = AgentTransformer.jdkClassBytes(AgentTransformer.THREAD_BUILDERS);
        assertNull(t.transform(null, ClassLoader.getSystemClassLoader(), AgentTransformer.THREAD_BUILDERS, null, null, tb),
                "not from the boot loader: not the JDK's class");
        assertNull(t.transform(null, null, "java/lang/Thread", null, null, tb));
        assertNotNull(t.transform(null, null, AgentTransformer.THREAD_BUILDERS, null, null, tb));
        assertTrue(t.rewritten.contains(AgentTransformer.THREAD_BUILDERS));
        assertNull(t.failure);
        assertNull(t.transform(null, null, AgentTransformer.BLOCKER, null, null, new byte[] {1, 2, 3}));
        assertNotNull(t.failure, "a failure inside transform is kept (the JVM would swallow it)");
        assertNotNull(new AgentTransformer(false).transform(null, null, AgentTransformer.FJ_WORKER, null, null,
                AgentTransformer.jdkClassBytes(AgentTransformer.FJ_WORKER)), "the spin rule does not depend on syscalls");
        assertNull(new AgentTransformer(false).transform(null, null, AgentTransformer.BLOCKER, null, null,
                AgentTransformer.jdkClassBytes(AgentTransformer.BLOCKER)), "syscalls=false leaves Blocker alone");
    }

    @Test
    void hookTemplateLogic() throws Exception {
        // JdkHooks is the very code of java.lang.GoloomHooks; in this JVM nobody else uses the template class.
        assertNull(JdkHooks.scheduler(null), "nothing installed: the JDK's default");
        assertEquals(-1, JdkHooks.blockerBegin());
        Executor mine = Runnable::run;
        Executor given = Runnable::run;
        AtomicInteger begins = new AtomicInteger();
        JdkHooks.install(mine, () -> {
            begins.incrementAndGet();
            return 1;
        }, () -> true);
        assertThrows(IllegalStateException.class, () -> JdkHooks.install(mine, null, null));
        assertSame(mine, JdkHooks.scheduler(null), "a platform thread's new virtual thread gets the JVM-wide one");
        assertSame(given, JdkHooks.scheduler(given), "an explicit scheduler is kept");
        assertEquals(-1, JdkHooks.blockerBegin(), "platform threads never enter a syscall");
        assertFalse(JdkHooks.blockerEnd());
        AtomicReference<Object> fromVirtual = new AtomicReference<>("unset");
        int[] begin = new int[1];
        boolean[] end = new boolean[1];
        Thread.ofVirtual().start(() -> {
            fromVirtual.set(JdkHooks.scheduler(null));
            begin[0] = JdkHooks.blockerBegin();
            end[0] = JdkHooks.blockerEnd();
        }).join();
        assertNull(fromVirtual.get(), "a virtual thread's child keeps null: it inherits its parent's scheduler");
        assertEquals(1, begin[0]);
        assertTrue(end[0]);
        assertEquals(1, begins.get());
    }

    @Test
    void syscallHooksEnterAndExitOnGoloomCarriersOnly() throws Exception {
        try (GoScheduler s = GoScheduler.builder().maxProcs(1).name("agent-test-syscall").build()) {
            int[] r = new int[3];
            boolean[] ended = new boolean[1];
            s.go(() -> {
                r[0] = AgentHooks.INSTANCE.getAsInt();   // enters
                r[1] = AgentHooks.INSTANCE.getAsInt();   // nested: not entered again
                ended[0] = AgentHooks.INSTANCE.getAsBoolean();
            }).join();
            assertEquals(1, r[0]);
            assertEquals(0, r[1]);
            assertTrue(ended[0]);
            assertEquals(1, s.stats().syscalls());
            boolean[] other = new boolean[1];
            Thread.ofVirtual().start(() -> {
                r[2] = AgentHooks.INSTANCE.getAsInt();
                other[0] = AgentHooks.INSTANCE.getAsBoolean();
            }).join();
            assertEquals(-1, r[2], "a virtual thread of the JDK's scheduler: the JDK's own Blocker code runs");
            assertFalse(other[0]);
        }
    }

    @Test
    void runsCurrentThreadIsByCarrierIdentity() throws Exception {
        try (GoScheduler a = GoScheduler.builder().maxProcs(1).name("agent-test-a-M0").build();
             GoScheduler b = GoScheduler.builder().maxProcs(1).name("agent-test-b").build()) {
            boolean[] seen = new boolean[3];
            a.go(() -> {
                seen[0] = a.runsCurrentThread();
                seen[1] = b.runsCurrentThread();
            }).join();
            Thread.ofVirtual().start(() -> seen[2] = a.runsCurrentThread()).join();
            assertArrayEquals(new boolean[] {true, false, false}, seen);
            assertFalse(a.runsCurrentThread(), "a platform thread");
        }
    }
}
