package io.goloom.scheduler;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/** {@link GoSchedulerMXBean} over a {@link GoScheduler}, and its registration under a unique name. */
final class GoSchedulerMXBeanImpl implements GoSchedulerMXBean {
    static final String DOMAIN = "io.goloom";

    private final GoScheduler scheduler;

    GoSchedulerMXBeanImpl(GoScheduler scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * Registers {@code scheduler} in the platform MBean server as {@code io.goloom:type=GoScheduler,name=<name>};
     * if that name is taken (two schedulers with one name), as {@code <name>-2}, {@code <name>-3}, ...
     */
    static ObjectName register(GoScheduler scheduler) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        GoSchedulerMXBeanImpl bean = new GoSchedulerMXBeanImpl(scheduler);
        for (int i = 1; ; i++) {
            ObjectName name = objectName(i == 1 ? scheduler.name() : scheduler.name() + "-" + i);
            try {
                server.registerMBean(bean, name);
                return name;
            } catch (InstanceAlreadyExistsException e) {
                // taken: try the next suffix
            } catch (JMException e) {
                throw new IllegalStateException("cannot register the MXBean of " + scheduler + ": " + e, e);
            }
        }
    }

    static void unregister(ObjectName name) {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (InstanceNotFoundException e) {
            // already gone
        } catch (JMException e) {
            throw new IllegalStateException("cannot unregister " + name + ": " + e, e);
        }
    }

    static ObjectName objectName(String schedulerName) {
        String n = schedulerName.matches("[A-Za-z0-9._-]+") ? schedulerName : ObjectName.quote(schedulerName);
        try {
            return new ObjectName(DOMAIN + ":type=GoScheduler,name=" + n);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private Sched sched() {
        return scheduler.sched();
    }

    /** One entry of the table of metrics ({@link Metrics}), read now: every attribute below is one. */
    private long metric(String name) {
        return Metrics.read(sched(), name);
    }

    @Override public String getName() { return scheduler.name(); }
    @Override public int getMaxProcs() { return (int) metric("gomaxprocs"); }
    @Override public void setMaxProcs(int n) { scheduler.setMaxProcs(n); }
    @Override public int getIdleProcs() { return (int) metric("idleProcs"); }
    @Override public int getThreads() { return (int) metric("threads"); }
    @Override public int getSpinningThreads() { return (int) metric("spinningThreads"); }
    @Override public int getNeedSpinning() { return (int) metric("needSpinning"); }
    @Override public int getIdleThreads() { return (int) metric("idleThreads"); }
    @Override public int getRunQueue() { return (int) metric("runQueue"); }
    @Override public int[] getLocalRunQueues() { return scheduler.stats().localRunQueues(); }
    @Override public boolean isClosed() { return scheduler.isClosed(); }
    @Override public long getMachinesCreated() { return metric("machinesCreated"); }
    @Override public long getSteals() { return metric("steals"); }
    @Override public long getStolenThreads() { return metric("stolenThreads"); }
    @Override public long getGlobalTakes() { return metric("globalTakes"); }
    @Override public long getFairnessTakes() { return metric("fairnessTakes"); }
    @Override public long getHandoffs() { return metric("handoffs"); }
    @Override public long getHogRetakes() { return metric("hogRetakes"); }
    @Override public long getSyscallRetakes() { return metric("syscallRetakes"); }
    @Override public long getPreemptRequests() { return metric("preemptRequests"); }
    @Override public long getRunnextPreempts() { return metric("runnextPreempts"); }
    @Override public long getYields() { return metric("yields"); }
    @Override public long getSpills() { return metric("spills"); }
    @Override public long getLocalSubmits() { return metric("localSubmits"); }
    @Override public long getExternalSubmits() { return metric("externalSubmits"); }
    @Override public long getSyscalls() { return metric("syscalls"); }
    @Override public long getThreadLimitHits() { return metric("threadLimitHits"); }
    @Override public long getSysmonWakeups() { return metric("sysmonWakeups"); }
    @Override public Map<String, Long> getMetrics() { return scheduler.metrics().asMap(); }

    @Override
    public Map<String, String> getMetricDescriptions() {
        Map<String, String> d = new LinkedHashMap<>();
        for (GoSchedulerMetrics.Description m : GoSchedulerMetrics.descriptions()) {
            d.put(m.name(), m.description() + " [" + m.kind().name().toLowerCase(java.util.Locale.ROOT) + ", "
                    + m.unit() + "]");
        }
        return d;
    }

    @Override public String schedtrace(boolean detailed) { return scheduler.schedtrace(detailed); }
}
