package io.goloom.scheduler;

/** Verdicts shared by the timer-heap tests and their broken twins. */
final class TimerVerdicts {
    private TimerVerdicts() {
    }

    /** "X fired", "X cancelled", or "X fired+cancelled" / "X lost" (both forbidden). */
    static String fate(String name, boolean fired, boolean cancelled) {
        if (fired && cancelled) {
            return name + " fired+cancelled";
        }
        return name + (fired ? " fired" : cancelled ? " cancelled" : " lost");
    }

    /**
     * "ok" if {@code h} holds exactly {@code live} (in that order of deadlines, {@code when0} the first one's), every
     * one WAITING and pointing at {@code h}, and every timer of {@code gone} done and in no heap.
     */
    static String onlyLeft(TimerHeap h, Timer live, Timer... gone) {
        return onlyLeft(h, new Timer[] {live}, gone);
    }

    static String onlyLeft(TimerHeap h, Timer[] live, Timer... gone) {
        if (h.size() != live.length) {
            return "HEAP SIZE " + h.size();
        }
        long min = Long.MAX_VALUE;
        for (Timer t : live) {
            if (t.isDone() || t.heap != h) {
                return "LIVE TIMER LOST";
            }
            min = Math.min(min, t.when);
        }
        if (h.when0() != min) {
            return "WHEN0 WRONG";
        }
        for (Timer t : gone) {
            if (!t.isDone() || t.heap != null) {
                return "DONE TIMER IN A HEAP";
            }
        }
        return "ok";
    }

    /** {@link #onlyLeft} for the destination, plus: the source empty and retired (it refuses a new timer). */
    static String moved(TimerHeap from, TimerHeap to, Timer[] live, Timer... gone) {
        String v = onlyLeft(to, live, gone);
        if (!v.equals("ok")) {
            return v;
        }
        if (from.size() != 0 || from.when0() != Long.MAX_VALUE) {
            return "SOURCE NOT EMPTY";
        }
        return from.add(new Timer(0, WakeNetPollerTest.NOTHING)) == -1 ? "ok" : "SOURCE NOT RETIRED";
    }
}
