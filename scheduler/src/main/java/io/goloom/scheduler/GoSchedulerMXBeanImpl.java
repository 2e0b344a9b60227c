package io.goloom.scheduler;

import java.lang.management.ManagementFactory;
import java.util.function.ToLongFunction;
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

    private long counter(ToLongFunction<GoSchedulerStats> f) {
        return f.applyAsLong(scheduler.stats());
    }

    @Override public String getName() { return scheduler.name(); }
    @Override public int getMaxProcs() { return scheduler.maxProcs(); }
    @Override public void setMaxProcs(int n) { scheduler.setMaxProcs(n); }
    @Override public int getIdleProcs() { return Math.max(0, sched().npidle.get()); }
    @Override public int getThreads() { return sched().threads(); }
    @Override public int getSpinningThreads() { return Math.max(0, sched().nmspinning.get()); }
    @Override public int getNeedSpinning() { return sched().needspinning.get(); }
    @Override public int getIdleThreads() { return Math.max(0, sched().nmidle.get()); }
    @Override public int getRunQueue() { return sched().runq.size(); }
    @Override public int[] getLocalRunQueues() { return scheduler.stats().localRunQueues(); }
    @Override public boolean isClosed() { return scheduler.isClosed(); }
    @Override public long getMachinesCreated() { return sched().mnext.get(); }
    @Override public long getSteals() { return counter(GoSchedulerStats::steals); }
    @Override public long getStolenThreads() { return counter(GoSchedulerStats::stolenThreads); }
    @Override public long getGlobalTakes() { return counter(GoSchedulerStats::globalTakes); }
    @Override public long getFairnessTakes() { return counter(GoSchedulerStats::fairnessTakes); }
    @Override public long getHandoffs() { return sched().handoffs.sum(); }
    @Override public long getHogRetakes() { return sched().retakesHog.sum(); }
    @Override public long getSyscallRetakes() { return sched().retakesSyscall.sum(); }
    @Override public long getPreemptRequests() { return sched().preemptRequests.sum(); }
    @Override public long getRunnextPreempts() { return counter(GoSchedulerStats::runnextPreempts); }
    @Override public long getYields() { return sched().yields(); }
    @Override public long getSpills() { return counter(GoSchedulerStats::spills); }
    @Override public long getLocalSubmits() { return sched().localSubmits(); }
    @Override public long getExternalSubmits() { return sched().externalSubmits.sum(); }
    @Override public long getSyscalls() { return sched().syscalls.sum(); }
    @Override public long getThreadLimitHits() { return sched().threadLimitHits.sum(); }
    @Override public long getSysmonWakeups() { return sched().sysmonWakeups.sum(); }
    @Override public String schedtrace(boolean detailed) { return scheduler.schedtrace(detailed); }
}
