package io.goloom.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeInstruction;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where {@link PreemptionTransformer} puts preemption points, read back from the bytecode it writes. */
class PreemptionTransformerTest {

    /** Kernels with a known number of points each. */
    @SuppressWarnings("unused")
    static final class Kernels {
        // innermost counted loop without calls: vectorisable, left alone
        static void counted(int[] a) {
            for (int i = 0; i < a.length; i++) {
                a[i] = a[i] * 3 + 1;
            }
        }

        // counted, but it calls: a point
        static int countedWithCall(int[] a) {
            int s = 0;
            for (int i = 0; i < a.length; i++) {
                s = Math.max(s, a[i]);
            }
            return s;
        }

        // no counter: a hog without calls gets a point
        static long hog(long x) {
            while (x != 42) {
                x = x * 31 + 7;
            }
            return x;
        }

        // the outer loop gets a point, the inner counted one does not
        static long nested(int[][] m) {
            long s = 0;
            for (int i = 0; i < m.length; i++) {
                int[] row = m[i];
                for (int j = 0; j < row.length; j++) {
                    s += row[j];
                }
            }
            return s;
        }

        // the counter is stored in the body: not a counted loop, a point
        static int restarts(int[] a) {
            int hits = 0;
            for (int i = 0; i < a.length; i++) {
                if (a[i] == 0 && hits++ < 3) {
                    i = 0;
                }
            }
            return hits;
        }

        // recursion without loops: a point at entry
        static long fib(int n) {
            return n < 2 ? n : fib(n - 1) + fib(n - 2);
        }

        // counted down, condition against zero
        static int down(int[] a) {
            int s = 0;
            for (int i = a.length - 1; i >= 0; i--) {
                s ^= a[i];
            }
            return s;
        }

        // a do-while, condition at the bottom (conditional back-edge) and no counter
        static int doWhile(int x) {
            do {
                x = x >>> 1 ^ (x & 1) * 0x5bd1e995;
            } while (x != 1 && x != 0);
            return x;
        }

        static int straight(int a, int b) {
            return a + b;
        }
    }

    static byte[] bytesOf(Class<?> c) throws Exception {
        try (InputStream in = c.getResourceAsStream(c.getName().substring(c.getPackageName().length() + 1) + ".class")) {
            return in.readAllBytes();
        }
    }

    static Map<String, Integer> pointsPerMethod(byte[] bytes) {
        ClassModel cm = ClassFile.of().parse(bytes);
        Map<String, Integer> n = new HashMap<>();
        for (MethodModel mm : cm.methods()) {
            int k = 0;
            if (mm.code().isPresent()) {
                for (var e : mm.code().get()) {
                    if (e instanceof InvokeInstruction inv && inv.owner().asInternalName().equals("java/lang/GoloomHooks")
                            && inv.name().equalsString(PreemptionTransformer.POINT)) {
                        k++;
                    }
                }
            }
            n.put(mm.methodName().stringValue(), k);
        }
        return n;
    }

    @Test
    void pointsAtBackEdgesAndRecursiveEntriesButNotInCountedCallFreeLoops() throws Exception {
        PreemptionTransformer t = new PreemptionTransformer();
        byte[] out = t.instrument(bytesOf(Kernels.class), Kernels.class.getClassLoader());
        assertNotNull(out);
        Map<String, Integer> n = pointsPerMethod(out);
        assertEquals(0, n.get("counted"), n.toString());
        assertEquals(1, n.get("countedWithCall"), n.toString());
        assertEquals(1, n.get("hog"), n.toString());
        assertEquals(1, n.get("nested"), n.toString());
        assertEquals(1, n.get("restarts"), n.toString());
        assertEquals(1, n.get("fib"), n.toString());
        assertEquals(0, n.get("down"), n.toString());
        assertEquals(1, n.get("doWhile"), n.toString());
        assertEquals(0, n.get("straight"), n.toString());
        assertEquals(3, t.countedLoopsSkipped.sum(), "counted, nested's inner loop, down");
        assertEquals(1, t.entryPoints.sum());
        assertEquals(5, t.backEdgePoints.sum());
        assertEquals(0, t.failures.sum());

        // the rewritten class still verifies (the point's own class exists only under the agent, and is resolved
        // lazily, at the first call)
        ClassLoader l = new ClassLoader(null) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                if (name.equals(Kernels.class.getName())) {
                    return defineClass(name, out, 0, out.length);
                }
                throw new ClassNotFoundException(name);
            }
        };
        Class<?> c = Class.forName(Kernels.class.getName(), true, l);
        int[] a = {1, 2, 3};
        var counted = c.getDeclaredMethod("counted", int[].class);
        counted.setAccessible(true);
        counted.invoke(null, (Object) a);
        assertEquals(List.of(4, 7, 10), List.of(a[0], a[1], a[2]), "code without points runs unchanged");
    }

    static final class NoLoops {
        static int add(int a, int b) {
            return a + b;
        }

        static void fill(long[] a) {
            for (int i = 0; i < a.length; i++) {
                a[i] = i;
            }
        }
    }

    @Test
    void aClassWithNothingToPreemptIsLeftAsItIs() throws Exception {
        PreemptionTransformer t = new PreemptionTransformer();
        assertNull(t.instrument(bytesOf(NoLoops.class), NoLoops.class.getClassLoader()));
        assertEquals(0, t.classesInstrumented.sum());
        assertEquals(1, t.countedLoopsSkipped.sum());
    }

    @Test
    void jdkAndOwnClassesAreNeverTransformed() throws Exception {
        PreemptionTransformer t = new PreemptionTransformer();
        byte[] b = bytesOf(Kernels.class);
        assertNull(t.transform(null, null, "a/B", null, null, b), "boot loader");
        assertNull(t.transform(null, ClassLoader.getPlatformClassLoader(), "a/B", null, null, b), "platform loader");
        assertNull(t.transform(null, getClass().getClassLoader(), "java/util/Foo", null, null, b), "JDK package");
        assertNull(t.transform(null, getClass().getClassLoader(), "a/B", String.class, null, b), "redefinition");
        assertNull(t.transform(null, getClass().getClassLoader(), "io/goloom/scheduler/X", null,
                GoScheduler.class.getProtectionDomain(), b), "goloom's own classes");
        assertNull(t.transform(null, getClass().getClassLoader(), "io/goloom/channels/X", null, null, b),
                "goloom's own classes, bundled in an application jar");
        assertNotNull(t.transform(null, getClass().getClassLoader(), "io/goloom/scheduler/X", null,
                PreemptionTransformerTest.class.getProtectionDomain(), b), "goloom's tests are application code");
        assertNotNull(t.transform(null, getClass().getClassLoader(), "a/B", null, null, b), "an application class");
        assertTrue(t.transform(null, getClass().getClassLoader(), "a/B", null, null, new byte[] {1, 2, 3}) == null
                && t.failures.sum() == 1 && t.firstFailure != null, "a broken class file is left alone and counted");
    }
}
