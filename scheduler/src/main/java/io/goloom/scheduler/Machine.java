package io.goloom.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An M (runtime2.go {@code type m struct}): a carrier platform thread. It mounts virtual threads only while it
 * holds a P; without one it parks on the idle-M list until {@code startm} hands it a P through {@link #nextp}.
 *
 * <h2>The control word {@link #ctl}: who may touch this M's P</h2>
 * A virtual thread's run is opaque to us, like a system call is to Go, so running a G is treated the way Go
 * (1.22-1.25) treats {@code _Psyscall}: the P stays "reserved" for its M, and sysmon may take it away by CAS.
 * {@code ctl = seq << 2 | state}, where {@code seq} counts mounts and {@code state} is:
 * <ul>
 *   <li>{@link #SCHED}: the M is in the scheduler; it owns its P (if any) exclusively.</li>
 *   <li>{@link #IN_G}: a virtual thread is mounted. To touch its P from inside (a start or unpark from that
 *       virtual thread, or the carrier's own resubmission after a yield) the M first CASes IN_G to SCHED.</li>
 *   <li>{@link #IN_SYSCALL}: the mounted virtual thread is inside a blocking call ({@code entersyscall}).</li>
 *   <li>{@link #RETAKEN}: sysmon took the P away ({@code retake}); the M no longer owns it. The M sees this when
 *       its own CAS fails, and then behaves like {@code exitsyscall}'s slow path.</li>
 * </ul>
 * Sysmon only ever CASes from an observed IN_G or IN_SYSCALL value, including the mount sequence, so it can never
 * take a P from an M that is inside the scheduler or that has moved on to another G (Go's
 * {@code setBlockOnExitSyscall} check "same M, same P").
 */
final class Machine extends Thread {
    static final int SCHED = 0;
    static final int IN_G = 1;
    static final int IN_SYSCALL = 2;
    static final int RETAKEN = 3;
    static final int STATE_MASK = 3;

    final Sched sched;
    /** {@code m.id}. */
    final int mid;

    /** {@code m.p}: the attached P. Written only by this M. */
    Processor p;
    /** {@code m.nextp}: a P handed to this M before it is woken (by {@code startm}). */
    volatile Processor nextp;
    /** {@code m.spinning}: out of work and looking for it; counted in {@code sched.nmspinning}. */
    volatile boolean spinning;
    /** Owner: whether the G that findRunnable returned inherits the current time slice (came from runnext). */
    boolean inheritTime;
    /**
     * Owner: how {@link Sched#submit} treats a wake-up that this M makes itself while it is in the scheduler, not in
     * a mount: {@link #READY_NONE}, {@link #READY_RUNNEXT} while it runs due timers (Go's {@code goready} from a
     * timer function: this M's P's runnext), {@link #READY_COLLECT} while it polls the network (Go's
     * {@code netpoll} returns a list: collected in {@link #readyList} for {@code injectglist}).
     */
    int readyMode;
    static final int READY_NONE = 0;
    static final int READY_RUNNEXT = 1;
    static final int READY_COLLECT = 2;
    /** Owner: the Gs a netpoll on this M made ready (Go's {@code gList}), consumed by {@code injectglist}. */
    final java.util.ArrayList<Runnable> readyList = new java.util.ArrayList<>();
    /** Asked to exit (the scheduler was closed while this M sat on the idle list). */
    volatile boolean exitRequested;
    /** Parked on the idle list ({@code m.blocked} in scheddetail). */
    volatile boolean idle;
    /**
     * {@code m.curg}: the continuation being run. Written by this M before it publishes IN_G in {@link #ctl}
     * (release), so a reader that saw IN_G (sysmon, schedtrace) sees it; otherwise only this M reads it.
     */
    Runnable curg;
    /**
     * Preemption ({@link Sched#preemptPoint}): the control word of the mount in which the mounted G last tried to
     * yield at a preemption point, and of the mount in which that yield did not unmount (pinned). Written by the
     * G on this carrier, read by sysmon; a later mount has a new sequence, so old values never match.
     */
    volatile long preemptedCtl = -1;
    volatile long preemptPinnedCtl = -1;

    @SuppressWarnings("unused") private volatile long ctl;
    private static final VarHandle CTL;
    static {
        try {
            CTL = MethodHandles.lookup().findVarHandle(Machine.class, "ctl", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    Machine(Sched sched, int mid, Processor nextp, boolean spinning) {
        super(null, null, sched.name + "-M" + mid, 0, false);
        this.sched = sched;
        this.mid = mid;
        this.nextp = nextp;
        this.spinning = spinning;
        setDaemon(true);
    }

    /** The OS thread id, for sysmon's look at {@code /proc} ({@link CarrierProbe#osState}); -1 if unknown. */
    volatile int osTid = -1;

    @Override
    public void run() {
        osTid = CarrierProbe.currentOsTid();
        sched.mstart(this);
    }

    long ctl() {
        return (long) CTL.getVolatile(this);
    }

    /**
     * Only the M itself sets its control word, and only out of states in which sysmon does not CAS it (SCHED, or
     * RETAKEN which sysmon left); release publishes what the M wrote before (curg, its P's queue).
     */
    void setCtl(long v) {
        CTL.setRelease(this, v);
    }

    boolean casCtl(long expect, long update) {
        return CTL.compareAndSet(this, expect, update);
    }

    static int state(long ctl) {
        return (int) (ctl & STATE_MASK);
    }

    static long withState(long ctl, int state) {
        return (ctl & ~STATE_MASK) | state;
    }
}
