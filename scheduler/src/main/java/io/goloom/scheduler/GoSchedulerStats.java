package io.goloom.scheduler;

import java.util.Arrays;

/**
 * A snapshot of what a {@link GoScheduler} has done and what it holds now. Gauges are read at one instant each
 * (not atomically together); counters only grow. Every number here is an entry of goloom's table of metrics (same
 * name, except {@code globalRunQueue}, which is the metric {@code runQueue}); {@link GoScheduler#metrics()} has this
 * and every metric added since, by name. The record keeps its 25 components for binary compatibility.
 *
 * @param name             the scheduler's name
 * @param gomaxprocs       number of Ps (GOMAXPROCS)
 * @param idleProcs        Ps on the idle list ({@code idleprocs} in schedtrace)
 * @param threads          live carrier threads (Ms) plus sysmon ({@code threads})
 * @param idleThreads      Ms parked on the idle list ({@code idlethreads})
 * @param spinningThreads  Ms looking for work ({@code spinningthreads})
 * @param machinesCreated  Ms ever created
 * @param globalRunQueue   virtual threads waiting in the global run queue ({@code runqueue})
 * @param localRunQueues   per-P local ring lengths, runnext excluded (the {@code [a b]} list)
 * @param steals           successful steals (each takes half of a victim's ring, or its runnext)
 * @param stolenThreads    virtual threads moved by those steals
 * @param globalTakes      batches taken from the global queue when the local queue was empty
 * @param fairnessTakes    single takes from the global queue on every 61st time slice
 * @param handoffs         Ps handed to another M ({@code handoffp}) after a retake
 * @param hogRetakes       Ps taken from an M whose virtual thread ran for 10 ms while work waited
 * @param syscallRetakes   Ps taken from an M whose virtual thread was in a blocking call
 * @param preemptRequests  time slices that ran past 10 ms (sysmon's {@code preemptone})
 * @param runnextPreempts  virtual threads sent from runnext to the global queue because the slice had expired
 * @param yields           {@code Thread.yield} calls handled as Go's {@code Gosched}
 * @param spills           times a full local ring moved half of itself to the global queue
 * @param localSubmits     starts and wake-ups by virtual threads of this scheduler (to runnext)
 * @param externalSubmits  starts and wake-ups from other threads (to the global queue)
 * @param syscalls         blocking calls entered ({@code entersyscall}, under the agent)
 * @param threadLimitHits  times a new M was needed but the thread cap was reached
 * @param sysmonWakeups    times sysmon's safety net had to start a spinning M (expected to stay 0)
 */
public record GoSchedulerStats(String name, int gomaxprocs, int idleProcs, int threads, int idleThreads,
                               int spinningThreads, long machinesCreated, int globalRunQueue, int[] localRunQueues,
                               long steals, long stolenThreads, long globalTakes, long fairnessTakes,
                               long handoffs, long hogRetakes, long syscallRetakes, long preemptRequests,
                               long runnextPreempts, long yields, long spills, long localSubmits,
                               long externalSubmits, long syscalls, long threadLimitHits, long sysmonWakeups) {

    public GoSchedulerStats {
        localRunQueues = localRunQueues.clone();
    }

    @Override
    public int[] localRunQueues() {
        return localRunQueues.clone();
    }

    /** Filled from the table of metrics ({@link Metrics}); only the per-P list is read here, since it is no metric. */
    static GoSchedulerStats of(Sched s) {
        GoSchedulerMetrics m = GoSchedulerMetrics.of(s);
        Processor[] all = s.procs.all();
        int[] local = new int[(int) Math.min(m.get("gomaxprocs"), all.length)];
        for (int i = 0; i < local.length; i++) {
            local[i] = all[i].runq.size();
        }
        return new GoSchedulerStats(s.name, (int) m.get("gomaxprocs"), (int) m.get("idleProcs"),
                (int) m.get("threads"), (int) m.get("idleThreads"), (int) m.get("spinningThreads"),
                m.get("machinesCreated"), (int) m.get("runQueue"), local, m.get("steals"), m.get("stolenThreads"),
                m.get("globalTakes"), m.get("fairnessTakes"), m.get("handoffs"), m.get("hogRetakes"),
                m.get("syscallRetakes"), m.get("preemptRequests"), m.get("runnextPreempts"), m.get("yields"),
                m.get("spills"), m.get("localSubmits"), m.get("externalSubmits"), m.get("syscalls"),
                m.get("threadLimitHits"), m.get("sysmonWakeups"));
    }

    @Override
    public String toString() {
        return "GoScheduler '" + name + "': gomaxprocs=" + gomaxprocs + " idleprocs=" + idleProcs
                + " threads=" + threads + " idlethreads=" + idleThreads + " spinning=" + spinningThreads
                + " Ms-created=" + machinesCreated + " runqueue=" + globalRunQueue + " " + Arrays.toString(localRunQueues)
                + "\n  submits: local(runnext)=" + localSubmits + " external(global)=" + externalSubmits
                + " yields(Gosched)=" + yields + " spills=" + spills
                + "\n  takes: steals=" + steals + " (threads moved " + stolenThreads + ") global-batches=" + globalTakes
                + " 1-in-61=" + fairnessTakes
                + "\n  sysmon: hand-offs=" + handoffs + " hog-retakes=" + hogRetakes + " syscall-retakes="
                + syscallRetakes + " slice-expiries=" + preemptRequests + " runnext-preempts=" + runnextPreempts
                + " syscalls=" + syscalls + " thread-cap-hits=" + threadLimitHits + " rescues=" + sysmonWakeups;
    }
}
