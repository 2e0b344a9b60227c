package io.goloom.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.Attribute;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** The GoScheduler MXBean: names, attributes read through the platform MBean server, writable MaxProcs. */
class MXBeanTest {
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    @Test
    void attributesMirrorStatsAndMaxProcsIsWritable() throws Exception {
        try (GoScheduler s = GoScheduler.builder().maxProcs(2).name("mx-test").build()) {
            ObjectName name = s.registerMXBean();
            assertEquals(new ObjectName("io.goloom:type=GoScheduler,name=mx-test"), name);
            assertSame(name, s.registerMXBean(), "idempotent");
            assertTrue(server.isRegistered(name));

            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                ts.add(s.go(() -> AgentPrograms.spin(1)));
            }
            for (Thread t : ts) {
                t.join(10_000);
            }
            assertEquals(2, server.getAttribute(name, "MaxProcs"));
            assertEquals("mx-test", server.getAttribute(name, "Name"));
            assertTrue((Long) server.getAttribute(name, "MachinesCreated") >= 1);
            assertEquals(s.stats().machinesCreated(), server.getAttribute(name, "MachinesCreated"));
            assertEquals(s.stats().globalTakes(), server.getAttribute(name, "GlobalTakes"));
            assertEquals(2, ((int[]) server.getAttribute(name, "LocalRunQueues")).length);
            for (String gauge : List.of("IdleProcs", "Threads", "SpinningThreads", "NeedSpinning", "IdleThreads",
                    "RunQueue")) {
                assertTrue((Integer) server.getAttribute(name, gauge) >= 0, gauge);
            }
            for (String counter : List.of("Steals", "StolenThreads", "FairnessTakes", "Handoffs", "HogRetakes",
                    "SyscallRetakes", "PreemptRequests", "RunnextPreempts", "Yields", "Spills", "LocalSubmits",
                    "ExternalSubmits", "Syscalls", "ThreadLimitHits", "SysmonWakeups")) {
                assertTrue((Long) server.getAttribute(name, counter) >= 0, counter);
            }
            assertEquals(Boolean.FALSE, server.getAttribute(name, "Closed"));

            server.setAttribute(name, new Attribute("MaxProcs", 3));
            assertEquals(3, s.maxProcs(), "setting the attribute is runtime.GOMAXPROCS");
            GoSchedulerMXBean proxy = JMX.newMXBeanProxy(server, name, GoSchedulerMXBean.class);
            assertEquals(3, proxy.getMaxProcs());
            assertEquals(3, proxy.getLocalRunQueues().length);
            String trace = (String) server.invoke(name, "schedtrace", new Object[] {false},
                    new String[] {boolean.class.getName()});
            assertTrue(trace.startsWith("SCHED ") && trace.contains("gomaxprocs=3"), trace);
            assertTrue(proxy.schedtrace(true).contains("\n  P0: status="));
        }
    }

    @Test
    void namesAreUniqueAndCloseUnregisters() throws Exception {
        GoScheduler a = GoScheduler.builder().maxProcs(1).name("mx-dup").build();
        GoScheduler b = GoScheduler.builder().maxProcs(1).name("mx-dup").build();
        try {
            ObjectName na = a.registerMXBean();
            ObjectName nb = b.registerMXBean();
            assertEquals("mx-dup", na.getKeyProperty("name"));
            assertEquals("mx-dup-2", nb.getKeyProperty("name"));
            a.close();
            assertFalse(server.isRegistered(na));
            assertTrue(server.isRegistered(nb));
        } finally {
            a.close();
            b.close();
        }
        assertFalse(server.isRegistered(new ObjectName("io.goloom:type=GoScheduler,name=mx-dup-2")));
    }

    @Test
    void oddSchedulerNamesAreQuoted() throws Exception {
        try (GoScheduler s = GoScheduler.builder().maxProcs(1).name("a,b=c").build()) {
            ObjectName n = s.registerMXBean();
            assertEquals("a,b=c", ObjectName.unquote(n.getKeyProperty("name")));
            assertEquals("a,b=c", server.getAttribute(n, "Name"));
        }
    }
}
