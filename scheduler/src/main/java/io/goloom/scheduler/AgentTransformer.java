package io.goloom.scheduler;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.AccessFlags;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.MethodTransform;
import java.lang.classfile.attribute.InnerClassesAttribute;
import java.lang.classfile.attribute.NestHostAttribute;
import java.lang.classfile.attribute.NestMembersAttribute;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.instrument.ClassFileTransformer;
import java.lang.reflect.AccessFlag;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's bytecode rewrite of two JDK classes, with the JDK's own ClassFile API ({@code java.lang.classfile}).
 * Each rewrite only prepends a few instructions to a method; the JDK's code after them is untouched.
 *
 * <ul>
 *   <li>{@code java.lang.ThreadBuilders.newVirtualThread(Executor, String, int, Runnable)}: prepends
 *       {@code scheduler = GoloomHooks.scheduler(scheduler);}</li>
 *   <li>{@code jdk.internal.misc.Blocker.begin()} and {@code begin(boolean)}: prepends
 *       {@code int r = GoloomHooks.blockerBegin(); if (r >= 0) return r != 0;}</li>
 *   <li>{@code jdk.internal.misc.Blocker.end(boolean attempted)}: prepends
 *       {@code if (attempted && GoloomHooks.blockerEnd()) return;}</li>
 *   <li>{@code java.util.concurrent.ForkJoinWorkerThread.hasKnownQueuedWork()}: prepends
 *       {@code int r = GoloomHooks.knownQueuedWork(); if (r >= 0) return r != 0;} (Go's spin rule for the
 *       JDK's spinners, see docs/agent.md)</li>
 * </ul>
 * {@code GoloomHooks} is {@link JdkHooks} renamed by {@link #hooksClassBytes()}.
 *
 * <p>Before anything is rewritten, {@link #checkShapes} verifies that the JDK's classes have exactly these methods
 * (name, descriptor, static); on a JDK where they differ the agent steps aside, with a message naming what is
 * missing.
 */
final class AgentTransformer implements ClassFileTransformer {
    static final String THREAD_BUILDERS = "java/lang/ThreadBuilders";
    static final String BLOCKER = "jdk/internal/misc/Blocker";
    static final String VIRTUAL_THREAD = "java/lang/VirtualThread";
    static final String POLLERS = "sun/nio/ch/Poller$Pollers";
    static final String FJ_WORKER = "java/util/concurrent/ForkJoinWorkerThread";

    /** The class the rewritten JDK code calls: {@link JdkHooks}, renamed and defined in java.base. */
    static final String HOOKS_CLASS = "java.lang.GoloomHooks";
    static final ClassDesc CD_HOOKS = ClassDesc.of(HOOKS_CLASS);
    static final ClassDesc CD_TEMPLATE = ClassDesc.of(JdkHooks.class.getName());
    static final ClassDesc CD_EXECUTOR = ClassDesc.of("java.util.concurrent.Executor");
    static final MethodTypeDesc NEW_VIRTUAL_THREAD = MethodTypeDesc.of(ClassDesc.of("java.lang.Thread"), CD_EXECUTOR,
            ConstantDescs.CD_String, ConstantDescs.CD_int, ClassDesc.of("java.lang.Runnable"));
    static final MethodTypeDesc BEGIN = MethodTypeDesc.of(ConstantDescs.CD_boolean);
    static final MethodTypeDesc BEGIN_BOOLEAN = MethodTypeDesc.of(ConstantDescs.CD_boolean, ConstantDescs.CD_boolean);
    static final MethodTypeDesc END = MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_boolean);
    static final ClassDesc CD_FUTURE = ClassDesc.of("java.util.concurrent.Future");
    static final ClassDesc CD_TIME_UNIT = ClassDesc.of("java.util.concurrent.TimeUnit");
    static final ClassDesc CD_RUNNABLE = ClassDesc.of("java.lang.Runnable");
    static final ClassDesc CD_POLLER = ClassDesc.of("sun.nio.ch.Poller");
    static final MethodTypeDesc SCHEDULE = MethodTypeDesc.of(CD_FUTURE, CD_RUNNABLE, ConstantDescs.CD_long,
            CD_TIME_UNIT);
    static final MethodTypeDesc START = MethodTypeDesc.of(ConstantDescs.CD_void);

    static final MethodTypeDesc HAS_KNOWN_QUEUED_WORK = MethodTypeDesc.of(ConstantDescs.CD_boolean);

    /** One method the agent rewrites. */
    record Target(String className, String method, MethodTypeDesc type) {
        String describe() {
            return className.replace('/', '.') + "." + method + type.displayDescriptor();
        }
    }

    static final List<Target> THREAD_BUILDERS_TARGETS = List.of(
            new Target(THREAD_BUILDERS, "newVirtualThread", NEW_VIRTUAL_THREAD));
    static final List<Target> BLOCKER_TARGETS = List.of(
            new Target(BLOCKER, "begin", BEGIN),
            new Target(BLOCKER, "begin", BEGIN_BOOLEAN),
            new Target(BLOCKER, "end", END));
    static final List<Target> FJ_WORKER_TARGETS = List.of(
            new Target(FJ_WORKER, "hasKnownQueuedWork", HAS_KNOWN_QUEUED_WORK));

    private final boolean syscalls;
    /** Whether to rewrite VirtualThread.schedule and Poller$Pollers.start (timers and netpoller on goloom). */
    private final boolean io;
    /** Internal names of the classes rewritten so far. */
    final Set<String> rewritten = ConcurrentHashMap.newKeySet();
    /** The first failure inside {@link #transform} (the JVM swallows exceptions thrown there). */
    volatile Throwable failure;

    AgentTransformer(boolean syscalls) {
        this(syscalls, false);
    }

    AgentTransformer(boolean syscalls, boolean io) {
        this.syscalls = syscalls;
        this.io = io;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (loader != null || className == null) {
            return null;
        }
        try {
            byte[] out = switch (className) {
                case THREAD_BUILDERS -> rewriteThreadBuilders(classfileBuffer);
                case BLOCKER -> syscalls ? rewriteBlocker(classfileBuffer) : null;
                case VIRTUAL_THREAD -> io ? rewriteVirtualThread(classfileBuffer) : null;
                case POLLERS -> io ? rewritePollers(classfileBuffer) : null;
                case FJ_WORKER -> rewriteForkJoinWorkerThread(classfileBuffer);
                default -> null;
            };
            if (out != null) {
                rewritten.add(className);
            }
            return out;
        } catch (Throwable t) {
            if (failure == null) {
                failure = t;
            }
            return null;
        }
    }

    /**
     * The refusal message if {@code bytes} (a class file) lacks one of {@code targets}, or null if every target is
     * there as a static method with the expected descriptor.
     */
    static String shapeProblem(byte[] bytes, List<Target> targets) {
        ClassModel cm = ClassFile.of().parse(bytes);
        for (Target t : targets) {
            MethodModel mm = find(cm, t);
            if (mm == null) {
                return t.describe() + " is missing";
            }
            if (!mm.flags().has(AccessFlag.STATIC)) {
                return t.describe() + " is not static";
            }
            if (mm.code().isEmpty()) {
                return t.describe() + " has no code";
            }
        }
        return null;
    }

    /**
     * Checks the running JDK's own class files (read from the runtime image) for every method the agent would
     * rewrite.
     *
     * @return null if all is as expected, else what differs
     */
    static String checkShapes(boolean syscalls) {
        String p = shapeProblem(jdkClassBytes(THREAD_BUILDERS), THREAD_BUILDERS_TARGETS);
        if (p == null && syscalls) {
            p = shapeProblem(jdkClassBytes(BLOCKER), BLOCKER_TARGETS);
        }
        if (p == null) {
            p = shapeProblem(jdkClassBytes(FJ_WORKER), FJ_WORKER_TARGETS);
        }
        return p;
    }

    /**
     * The timer and netpoller hooks rewrite two instance methods and read fields of their classes: checks those
     * (name, descriptor, field types). Unlike {@link #checkShapes}, a difference here only turns goloom's timers
     * and netpoller off (the agent goes on with the JDK's timer and poller threads).
     *
     * @return null if all is as expected, else what differs
     */
    static String checkIoShapes() {
        try {
            ClassModel vt = ClassFile.of().parse(jdkClassBytes(VIRTUAL_THREAD));
            String p = instanceShape(vt, "schedule", SCHEDULE);
            if (p == null) {
                p = fieldShape(vt, "scheduler", CD_EXECUTOR);
            }
            if (p != null) {
                return p;
            }
            ClassModel pollers = ClassFile.of().parse(jdkClassBytes(POLLERS));
            p = instanceShape(pollers, "start", START);
            if (p == null) {
                p = fieldShape(pollers, "masterPoller", CD_POLLER);
            }
            if (p == null) {
                p = fieldShape(pollers, "readPollers", CD_POLLER.arrayType());
            }
            if (p == null) {
                p = fieldShape(pollers, "writePollers", CD_POLLER.arrayType());
            }
            return p;
        } catch (RuntimeException e) {
            return String.valueOf(e.getMessage());
        }
    }

    private static String instanceShape(ClassModel cm, String name, MethodTypeDesc type) {
        Target t = new Target(cm.thisClass().asInternalName(), name, type);
        MethodModel mm = find(cm, t);
        if (mm == null) {
            return t.describe() + " is missing";
        }
        if (mm.flags().has(AccessFlag.STATIC) || mm.code().isEmpty()) {
            return t.describe() + " is not an instance method with code";
        }
        return null;
    }

    private static String fieldShape(ClassModel cm, String name, ClassDesc type) {
        for (var f : cm.fields()) {
            if (f.fieldName().equalsString(name) && f.fieldTypeSymbol().equals(type)
                    && !f.flags().has(AccessFlag.STATIC)) {
                return null;
            }
        }
        return cm.thisClass().asInternalName().replace('/', '.') + "." + name + " (" + type.displayName()
                + ") is missing";
    }

    /**
     * {@code VirtualThread.schedule(command, delay, unit)}: prepends
     * {@code Future f = GoloomHooks.schedule(this.scheduler, command, delay, unit); if (f != null) return f;}
     */
    static byte[] rewriteVirtualThread(byte[] bytes) {
        ClassDesc vt = ClassDesc.ofInternalName(VIRTUAL_THREAD);
        return rewrite(bytes, SCHEDULE, "schedule", b -> {
            Label jdk = b.newLabel();
            b.aload(0);
            b.getfield(vt, "scheduler", CD_EXECUTOR);
            b.aload(1);
            b.lload(2);
            b.aload(4);
            b.invokestatic(CD_HOOKS, "schedule", MethodTypeDesc.of(CD_FUTURE, CD_EXECUTOR, CD_RUNNABLE,
                    ConstantDescs.CD_long, CD_TIME_UNIT));
            b.dup();
            b.ifnull(jdk);
            b.areturn();
            b.labelBinding(jdk);
            b.pop();
        });
    }

    /**
     * {@code Poller$Pollers.start()}: prepends
     * {@code if (GoloomHooks.startPollers(masterPoller, readPollers, writePollers)) return;}
     */
    static byte[] rewritePollers(byte[] bytes) {
        ClassDesc pollers = ClassDesc.ofInternalName(POLLERS);
        ClassDesc pollerArray = CD_POLLER.arrayType();
        return rewrite(bytes, START, "start", b -> {
            Label jdk = b.newLabel();
            b.aload(0);
            b.getfield(pollers, "masterPoller", CD_POLLER);
            b.aload(0);
            b.getfield(pollers, "readPollers", pollerArray);
            b.aload(0);
            b.getfield(pollers, "writePollers", pollerArray);
            b.invokestatic(CD_HOOKS, "startPollers", MethodTypeDesc.of(ConstantDescs.CD_boolean,
                    ConstantDescs.CD_Object, ConstantDescs.CD_Object.arrayType(),
                    ConstantDescs.CD_Object.arrayType()));
            b.ifeq(jdk);
            b.return_();
            b.labelBinding(jdk);
        });
    }

    static byte[] jdkClassBytes(String internalName) {
        try (InputStream in = Object.class.getResourceAsStream("/" + internalName + ".class")) {
            if (in == null) {
                throw new IllegalStateException(internalName.replace('/', '.') + " is not in this JDK");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + internalName + ".class from the JDK: " + e, e);
        }
    }

    private static MethodModel find(ClassModel cm, Target t) {
        for (MethodModel mm : cm.methods()) {
            if (mm.methodName().equalsString(t.method()) && mm.methodTypeSymbol().equals(t.type())) {
                return mm;
            }
        }
        return null;
    }

    /**
     * The class file of {@code java.lang.GoloomHooks}: {@link JdkHooks} renamed (its own field and method
     * references included) and made public, so that {@code jdk.internal.misc.Blocker} may call it.
     */
    static byte[] hooksClassBytes() {
        byte[] template;
        try (InputStream in = JdkHooks.class.getResourceAsStream("JdkHooks.class")) {
            if (in == null) {
                throw new IllegalStateException("JdkHooks.class is missing from the goloom jar");
            }
            template = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read JdkHooks.class: " + e, e);
        }
        ClassFile cf = ClassFile.of(ClassFile.ConstantPoolSharingOption.NEW_POOL); // no trace of the old name
        ClassModel cm = cf.parse(template);
        CodeTransform renameRefs = (b, e) -> {
            if (e instanceof FieldInstruction fi && fi.owner().asSymbol().equals(CD_TEMPLATE)) {
                b.fieldAccess(fi.opcode(), CD_HOOKS, fi.name().stringValue(), fi.typeSymbol());
            } else if (e instanceof InvokeInstruction ii && ii.owner().asSymbol().equals(CD_TEMPLATE)) {
                b.invoke(ii.opcode(), CD_HOOKS, ii.name().stringValue(), ii.typeSymbol(), ii.isInterface());
            } else {
                b.with(e);
            }
        };
        ClassTransform publicClass = (b, e) -> {
            if (e instanceof AccessFlags af) {
                b.withFlags(af.flagsMask() | ClassFile.ACC_PUBLIC);
            } else if (!(e instanceof InnerClassesAttribute || e instanceof NestHostAttribute
                    || e instanceof NestMembersAttribute)) {
                b.with(e);
            }
        };
        return cf.transformClass(cm, CD_HOOKS, publicClass.andThen(ClassTransform.transformingMethodBodies(renameRefs)));
    }

    static byte[] rewriteThreadBuilders(byte[] bytes) {
        requireShape(bytes, THREAD_BUILDERS_TARGETS);
        return rewrite(bytes, NEW_VIRTUAL_THREAD, "newVirtualThread", b -> {
            // scheduler = GoloomHooks.scheduler(scheduler);
            b.aload(0);
            b.invokestatic(CD_HOOKS, "scheduler", MethodTypeDesc.of(CD_EXECUTOR, CD_EXECUTOR));
            b.astore(0);
        });
    }

    static byte[] rewriteBlocker(byte[] bytes) {
        requireShape(bytes, BLOCKER_TARGETS);
        ClassFile cf = ClassFile.of();
        ClassModel cm = cf.parse(bytes);
        CodeTransform begin = prepend(b -> {
            // int r = GoloomHooks.blockerBegin(); if (r >= 0) return r != 0;
            Label jdk = b.newLabel();
            b.invokestatic(CD_HOOKS, "blockerBegin", MethodTypeDesc.of(ConstantDescs.CD_int));
            b.dup();
            b.iflt(jdk);
            b.ireturn(); // 0 or 1 is a boolean
            b.labelBinding(jdk);
            b.pop();
        });
        CodeTransform end = prepend(b -> {
            // if (attempted && GoloomHooks.blockerEnd()) return;
            Label jdk = b.newLabel();
            b.iload(0);
            b.ifeq(jdk);
            b.invokestatic(CD_HOOKS, "blockerEnd", MethodTypeDesc.of(ConstantDescs.CD_boolean));
            b.ifeq(jdk);
            b.return_();
            b.labelBinding(jdk);
        });
        ClassTransform ct = (cb, ce) -> {
            if (ce instanceof MethodModel mm && mm.methodName().equalsString("begin")
                    && (mm.methodTypeSymbol().equals(BEGIN) || mm.methodTypeSymbol().equals(BEGIN_BOOLEAN))) {
                cb.transformMethod(mm, MethodTransform.transformingCode(begin));
            } else if (ce instanceof MethodModel mm && mm.methodName().equalsString("end")
                    && mm.methodTypeSymbol().equals(END)) {
                cb.transformMethod(mm, MethodTransform.transformingCode(end));
            } else {
                cb.with(ce);
            }
        };
        return cf.transformClass(cm, ct);
    }

    /**
     * {@code ForkJoinWorkerThread.hasKnownQueuedWork()}: the JDK's spinners ({@code LinkedTransferQueue.await},
     * {@code Exchanger}) skip their spin when it is true. It only knows ForkJoinPool carriers, so on goloom's it
     * always said "spin", even at GOMAXPROCS=1 where the awaited peer cannot run until the spinner parks.
     */
    static byte[] rewriteForkJoinWorkerThread(byte[] bytes) {
        requireShape(bytes, FJ_WORKER_TARGETS);
        return rewrite(bytes, HAS_KNOWN_QUEUED_WORK, "hasKnownQueuedWork", b -> {
            // int r = GoloomHooks.knownQueuedWork(); if (r >= 0) return r != 0;
            Label jdk = b.newLabel();
            b.invokestatic(CD_HOOKS, "knownQueuedWork", MethodTypeDesc.of(ConstantDescs.CD_int));
            b.dup();
            b.iflt(jdk);
            b.ireturn(); // 0 or 1 is a boolean
            b.labelBinding(jdk);
            b.pop();
        });
    }

    private static void requireShape(byte[] bytes, List<Target> targets) {
        String p = shapeProblem(bytes, targets);
        if (p != null) {
            throw new UnsupportedJdkException(p);
        }
    }

    private static byte[] rewrite(byte[] bytes, MethodTypeDesc type, String name, java.util.function.Consumer<CodeBuilder> code) {
        ClassFile cf = ClassFile.of();
        ClassModel cm = cf.parse(bytes);
        return cf.transformClass(cm, ClassTransform.transformingMethodBodies(
                mm -> mm.methodName().equalsString(name) && mm.methodTypeSymbol().equals(type), prepend(code)));
    }

    private static CodeTransform prepend(java.util.function.Consumer<CodeBuilder> code) {
        return new CodeTransform() {
            @Override
            public void atStart(CodeBuilder builder) {
                code.accept(builder);
            }

            @Override
            public void accept(CodeBuilder builder, CodeElement element) {
                builder.with(element);
            }
        };
    }

    /** The running JDK is not one whose internals the agent knows. */
    static final class UnsupportedJdkException extends RuntimeException {
        UnsupportedJdkException(String message) {
            super(message);
        }
    }
}
