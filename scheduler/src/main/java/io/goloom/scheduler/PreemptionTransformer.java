package io.goloom.scheduler;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.MethodTransform;
import java.lang.classfile.Opcode;
import java.lang.classfile.PseudoInstruction;
import java.lang.classfile.TypeKind;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.IncrementInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The agent as Go's compiler: inserts preemption points ({@code java.lang.GoloomHooks.preemptPoint()}, see
 * {@link JdkHooks} and {@link Preemption}) into application classes as they are loaded.
 *
 * <h2>Where the points go</h2>
 * <ul>
 *   <li><b>Loop back-edges</b>: before every backward branch, except the back-edge of an innermost <i>counted</i>
 *       loop without calls ({@code for (int i = ...; i < n; i++)} whose body has no invoke and never stores to
 *       {@code i}). Those are the loops the JIT unrolls and vectorises; like Go up to 1.13, which had no points in
 *       loops at all, goloom leaves them unpreempted rather than slow them down. Their run is bounded by the int
 *       range of their counter, and the enclosing loop (or method) has a point.</li>
 *   <li><b>Method entry</b>: of methods that call themselves (same class, name and descriptor), so that a
 *       recursion without loops still reaches a point (Go checks in every prologue; a non-recursive method
 *       without loops returns to a caller that has one).</li>
 * </ul>
 * The call is stack-neutral ({@code ()V}), so it is valid with operands on the stack (before a conditional
 * branch); the JIT inlines it to one load and one branch.
 *
 * <h2>Which classes</h2>
 * Classes of the application's loaders only: not the boot or platform loader (java.base and every JDK module),
 * not named JDK modules, not goloom's own code ({@link #isOwn}), not classes being redefined. A class that
 * cannot be transformed (stack maps that need a class the resolver cannot find, a method grown past 64 KiB, a
 * class file version the ClassFile API does not know, ...) is left unchanged and counted in {@link #failures};
 * the application never sees the error.
 */
final class PreemptionTransformer implements ClassFileTransformer {
    static final String POINT = "preemptPoint";
    static final MethodTypeDesc POINT_TYPE = MethodTypeDesc.of(ConstantDescs.CD_void);

    /** Classes given at least one point. */
    final LongAdder classesInstrumented = new LongAdder();
    final LongAdder backEdgePoints = new LongAdder();
    final LongAdder entryPoints = new LongAdder();
    /** Back-edges of innermost counted loops without calls, left without a point. */
    final LongAdder countedLoopsSkipped = new LongAdder();
    /** Classes left unchanged because the transformation failed. */
    final LongAdder failures = new LongAdder();
    volatile Throwable firstFailure;
    /** Classes looked at (parsed), and the time spent in {@link #instrument} on them (class-loading overhead). */
    final LongAdder classesSeen = new LongAdder();
    final LongAdder transformNanos = new LongAdder();

    PreemptionTransformer() {}

    /** Registers a transformer for classes loaded from now on (the agent runs before the application's). */
    static PreemptionTransformer register(Instrumentation inst) {
        PreemptionTransformer t = new PreemptionTransformer();
        inst.addTransformer(t, false);
        return t;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (loader == null || className == null || classBeingRedefined != null
                || loader == ClassLoader.getPlatformClassLoader() || isJdk(module, className)
                || isOwn(protectionDomain, className)) {
            return null;
        }
        long t0 = System.nanoTime();
        try {
            return instrument(classfileBuffer, loader);
        } catch (Throwable t) {
            failures.increment();
            if (firstFailure == null) {
                firstFailure = new IllegalStateException(className + ": " + t, t);
            }
            return null;
        } finally {
            classesSeen.increment();
            transformNanos.add(System.nanoTime() - t0);
        }
    }

    private static boolean isJdk(Module module, String className) {
        if (module != null && module.isNamed()) {
            String n = module.getName();
            if (n.startsWith("java.") || n.startsWith("jdk.")) {
                return true;
            }
        }
        return className.startsWith("java/") || className.startsWith("jdk/") || className.startsWith("sun/")
                || className.startsWith("com/sun/");
    }

    /**
     * goloom's own code: its packages, wherever they come from (the agent jar, or an application jar that bundles
     * goloom, where the agent's classes resolve to the bundled copy and so share the application's code source),
     * except from a {@code test-classes} directory (goloom's own tests are application code to the agent).
     */
    private static boolean isOwn(ProtectionDomain pd, String className) {
        if (!className.startsWith("io/goloom/scheduler/") && !className.startsWith("io/goloom/channels/")) {
            return false;
        }
        CodeSource cs = pd == null ? null : pd.getCodeSource();
        URL where = cs == null ? null : cs.getLocation();
        return where == null || !where.getPath().contains("test-classes");
    }

    /** The class with preemption points, or null if it needs none. Package-private for tests. */
    byte[] instrument(byte[] bytes, ClassLoader loader) {
        ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(resolver(loader)));
        ClassModel cm = cf.parse(bytes);
        String owner = cm.thisClass().asInternalName();
        Map<String, Plan> plans = new HashMap<>(); // by name + descriptor
        int back = 0;
        int entry = 0;
        int skipped = 0;
        for (MethodModel mm : cm.methods()) {
            if (mm.code().isEmpty()) {
                continue;
            }
            Plan p = plan(owner, mm, mm.code().get().elementList());
            skipped += p.skipped;
            if (p.any()) {
                plans.put(key(mm), p);
                back += p.backEdges;
                entry += p.entry ? 1 : 0;
            }
        }
        countedLoopsSkipped.add(skipped);
        if (plans.isEmpty()) {
            return null;
        }
        ClassTransform ct = (cb, ce) -> {
            if (ce instanceof MethodModel mm && plans.containsKey(key(mm))) {
                cb.transformMethod(mm, MethodTransform.transformingCode(new Insert(owner, mm)));
            } else {
                cb.with(ce);
            }
        };
        byte[] out = cf.transformClass(cm, ct);
        classesInstrumented.increment();
        backEdgePoints.add(back);
        entryPoints.add(entry);
        return out;
    }

    /**
     * Stack maps are regenerated for a rewritten method, which needs the supertypes of the classes it merges: the
     * JDK's, then the loader's class files read as resources (never loaded). One cached resolver per loader, so a
     * supertype is parsed once, not once per class that mentions it; it holds its loader weakly (the cache maps
     * a weak key to a value that must not point back at it).
     */
    private final Map<ClassLoader, ClassHierarchyResolver> resolvers = new WeakHashMap<>();
    private static final ClassHierarchyResolver JDK_RESOLVER = ClassHierarchyResolver.defaultResolver().cached();

    private synchronized ClassHierarchyResolver resolver(ClassLoader loader) {
        if (loader == null) {
            return JDK_RESOLVER;
        }
        return resolvers.computeIfAbsent(loader, l -> {
            WeakReference<ClassLoader> ref = new WeakReference<>(l);
            return JDK_RESOLVER.orElse(ClassHierarchyResolver.ofResourceParsing(desc -> {
                ClassLoader cl = ref.get();
                String name = desc.descriptorString();
                return cl == null ? null : cl.getResourceAsStream(name.substring(1, name.length() - 1) + ".class");
            }).cached());
        });
    }

    private static String key(MethodModel mm) {
        return mm.methodName().stringValue() + mm.methodType().stringValue();
    }

    /** Where one method gets points: before which elements, and whether at entry. */
    record Plan(boolean[] before, boolean entry, int backEdges, int skipped) {
        boolean any() {
            return entry || backEdges > 0;
        }
    }

    /** Buffers a method's elements, then replays them with the points of {@link #plan} inserted. */
    private static final class Insert implements CodeTransform {
        private final String owner;
        private final MethodModel method;
        private final List<CodeElement> elements = new ArrayList<>();

        Insert(String owner, MethodModel method) {
            this.owner = owner;
            this.method = method;
        }

        @Override
        public void accept(CodeBuilder b, CodeElement e) {
            elements.add(e);
        }

        @Override
        public void atEnd(CodeBuilder b) {
            Plan p = plan(owner, method, elements);
            if (p.entry) {
                point(b);
            }
            for (int i = 0; i < elements.size(); i++) {
                if (p.before[i]) {
                    point(b);
                }
                b.with(elements.get(i));
            }
        }
    }

    static void point(CodeBuilder b) {
        b.invokestatic(AgentTransformer.CD_HOOKS, POINT, POINT_TYPE);
    }

    /**
     * Decides the points of one method from its code elements (pseudo-instructions included, in order): a
     * backward branch is one whose target label was bound earlier in the list.
     */
    static Plan plan(String owner, MethodModel mm, List<CodeElement> code) {
        int n = code.size();
        Map<Label, Integer> bound = new HashMap<>();
        boolean[] before = new boolean[n];
        boolean recursive = false;
        // first, every backward branch: [target index, branch index]
        List<int[]> loops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CodeElement e = code.get(i);
            if (e instanceof LabelTarget lt) {
                bound.put(lt.label(), i);
            } else if (e instanceof BranchInstruction br) {
                Integer t = bound.get(br.target());
                if (t != null) {
                    loops.add(new int[] {t, i});
                }
            } else if (e instanceof InvokeInstruction inv && inv.owner().asInternalName().equals(owner)
                    && inv.name().equalsString(mm.methodName().stringValue())
                    && inv.type().equalsString(mm.methodType().stringValue())) {
                recursive = true;
            }
        }
        int backEdges = 0;
        int skipped = 0;
        for (int[] loop : loops) {
            if (innermost(loop, loops) && !hasCall(code, loop[0], loop[1]) && counted(code, bound, loop[0], loop[1])) {
                skipped++;
                continue;
            }
            if (!before[loop[1]]) {
                before[loop[1]] = true;
                backEdges++;
            }
        }
        return new Plan(before, recursive, backEdges, skipped);
    }

    private static boolean innermost(int[] loop, List<int[]> loops) {
        for (int[] other : loops) {
            if (other != loop && other[0] >= loop[0] && other[1] < loop[1]) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasCall(List<CodeElement> code, int from, int to) {
        for (int i = from; i <= to; i++) {
            CodeElement e = code.get(i);
            if (e instanceof InvokeInstruction || e instanceof InvokeDynamicInstruction) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the loop {@code [from, to]} is an int-counted loop: some int local is {@code iinc}'d in the body,
     * never stored otherwise, and read by the loop's condition, which is either the backward branch itself
     * (condition at the bottom) or the first conditional branch after the header that leaves the loop (javac's
     * layout: condition at the top, {@code goto} back).
     */
    private static boolean counted(List<CodeElement> code, Map<Label, Integer> bound, int from, int to) {
        List<Integer> incremented = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            if (code.get(i) instanceof IncrementInstruction inc) {
                incremented.add(inc.slot());
            }
        }
        for (int i = from; i <= to; i++) {
            if (code.get(i) instanceof StoreInstruction st) {
                incremented.remove((Integer) st.slot());
            }
        }
        if (incremented.isEmpty()) {
            return false;
        }
        BranchInstruction back = (BranchInstruction) code.get(to);
        int condition;
        if (back.opcode() != Opcode.GOTO && back.opcode() != Opcode.GOTO_W) {
            condition = to;
        } else {
            condition = -1;
            int seen = 0;
            for (int i = from + 1; i < to && seen < 6; i++) {
                CodeElement e = code.get(i);
                if (e instanceof PseudoInstruction) {
                    continue;
                }
                seen++;
                if (e instanceof BranchInstruction br) {
                    Integer t = bound.get(br.target());
                    if (br.opcode() != Opcode.GOTO && br.opcode() != Opcode.GOTO_W && (t == null || t > to)) {
                        condition = i; // forward, out of the loop
                    }
                    break;
                }
            }
            if (condition < 0) {
                return false;
            }
        }
        // the counter is loaded among the few instructions that compute the condition
        int seen = 0;
        for (int i = condition - 1; i >= from && seen < 4; i--) {
            CodeElement e = code.get(i);
            if (e instanceof PseudoInstruction) {
                continue;
            }
            seen++;
            if (e instanceof LoadInstruction ld && ld.typeKind() == TypeKind.INT && incremented.contains(ld.slot())) {
                return true;
            }
        }
        return false;
    }
}
