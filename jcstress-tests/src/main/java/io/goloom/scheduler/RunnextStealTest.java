package io.goloom.scheduler;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;

/**
 * Go: {@code runqput(pp, gp, next=true)} (the owner replaces {@code runnext} and kicks the old G to the ring
 * tail) against {@code runqgrab}'s runnext steal (a thief on its last pass CASes runnext to nil).
 * <p>
 * runnext holds G0, the ring is empty. The owner puts G1 with next=true; a thief steals (runnext allowed). The
 * owner's CAS loop must notice a thief that zeroed runnext meanwhile, or G0 would be both stolen and kicked into
 * the ring.
 * <p>
 * Result: (what the thief got, where G0 ended, verdict).
 */
@JCStressTest
@Description("runqput(next) vs a runnext steal: the kicked-out G lands in the ring exactly once")
@Outcome(id = "G0, thief, ok", expect = ACCEPTABLE, desc = "thief took G0 from runnext before the replace; no kick")
@Outcome(id = "G0, thief-ring, ok", expect = ACCEPTABLE, desc = "replace first; G0 kicked to the ring; thief stole it there")
@Outcome(id = "G1, ring, ok", expect = ACCEPTABLE, desc = "replace first; thief took the new runnext G1 before G0 reached the ring")
@Outcome(expect = FORBIDDEN, desc = "a G lost or taken twice")
@State
public class RunnextStealTest {
    final GlobalRunQueue global = new GlobalRunQueue();
    final LocalRunQueue victim = new LocalRunQueue();
    final LocalRunQueue thief = new LocalRunQueue();
    Runnable stolen;
    int stolenCount;

    public RunnextStealTest() {
        victim.put(G.ALL[0], true, global);
    }

    @Actor
    public void owner() {
        victim.put(G.ALL[1], true, global);
    }

    @Actor
    public void thief() {
        stolen = thief.stealFrom(victim, true, false);
        stolenCount = thief.lastStealCount;
    }

    @Arbiter
    public void check(LLL_Result r) {
        // A ring steal moves the victim's head; a runnext steal does not touch the ring.
        boolean fromRing = headOf(victim) != 0;
        r.r1 = stolen == null ? "-" : stolen.toString();
        G.Tally t = new G.Tally(2);
        t.add(stolen);
        t.drain(thief);
        String where = stolen == G.ALL[0] ? (fromRing ? "thief-ring" : "thief") : "nowhere";
        Runnable next = victim.takeRunnext();
        t.add(next);
        if (next == G.ALL[0] && where.equals("nowhere")) {
            where = "runnext";
        }
        Runnable g;
        while ((g = victim.poll()) != null) {
            t.add(g);
            if (g == G.ALL[0] && where.equals("nowhere")) {
                where = "ring";
            }
        }
        t.drain(global);
        r.r2 = where;
        r.r3 = t.verdict();
    }

    private static int headOf(LocalRunQueue q) {
        return (int) HEAD.getVolatile(q);
    }

    private static final java.lang.invoke.VarHandle HEAD;

    static {
        try {
            HEAD = java.lang.invoke.MethodHandles.privateLookupIn(LocalRunQueue.class,
                    java.lang.invoke.MethodHandles.lookup()).findVarHandle(LocalRunQueue.class, "head", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
