package io.goloom.scheduler;

import static io.goloom.scheduler.AgentIT.agent;
import static io.goloom.scheduler.AgentIT.command;
import static io.goloom.scheduler.AgentIT.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.goloom.scheduler.AgentIT.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * goloom's netpoller and per-P timers under the agent, in child JVMs: the JDK's socket and timer semantics are
 * kept while goloom's Ms do the polling and run the timers (no JDK poller or unparker thread is started).
 */
class NetpollIT {

    /** The JDK's poller and timer threads are not started; goloom polls and holds the timers. */
    private static void assertGoloomPolls(Map<String, String> v, Result r) {
        assertEquals("true", v.get("netpoller"), "the agent took the JDK's pollers over\n" + r.describe());
        assertEquals("true", v.get("timersOnP"), r.describe());
        assertEquals("[]", v.get("jdkPollerOrTimerThreads"), "no JDK poller or unparker thread\n" + r.describe());
    }

    @Test
    void echoServerAndTenThousandClientsLoseNoMessage(@TempDir Path dir) throws Exception {
        Path serverOut = Files.createTempFile(dir, "server", ".txt");
        Path serverErr = Files.createTempFile(dir, "server-err", ".txt");
        Process server = command(List.of(agent(null)), Map.of("GOMAXPROCS", "2"), NetpollPrograms.EchoServer.class)
                .redirectOutput(serverOut.toFile()).redirectError(serverErr.toFile()).start();
        try {
            String port = awaitPort(server, serverOut);
            int conns = 10_000;
            int msgs = 100;
            Result client = run(dir, List.of(agent(null)), Map.of("GOMAXPROCS", "2"),
                    NetpollPrograms.EchoClients.class, port, Integer.toString(conns), Integer.toString(msgs), "10");
            Map<String, String> v = client.values();
            assertEquals(0, client.exit(), client.describe());
            assertEquals("0", v.get("failures"), client.describe());
            assertEquals("0", v.get("mismatches"), client.describe());
            assertEquals(Long.toString((long) conns * msgs), v.get("received"), "none lost\n" + client.describe());
            assertGoloomPolls(v, client);

            server.getOutputStream().close(); // the server's stdin: it reports and exits
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                fail("the echo server did not exit:\n" + Files.readString(serverErr));
            }
            Result sr = new Result(server.exitValue(), Files.readString(serverOut), Files.readString(serverErr));
            Map<String, String> sv = sr.values();
            assertEquals(0, sr.exit(), sr.describe());
            assertEquals(Integer.toString(conns), sv.get("accepted"), sr.describe());
            assertEquals(Long.toString(8L * conns * msgs), sv.get("echoedBytes"), sr.describe());
            assertGoloomPolls(sv, sr);
        } finally {
            server.destroyForcibly();
        }
    }

    private static String awaitPort(Process server, Path out) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
                if (line.startsWith("port=")) {
                    return line.substring(5).trim();
                }
            }
            if (!server.isAlive()) {
                fail("the echo server exited with " + server.exitValue());
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the echo server did not print its port in 60 s");
    }

    @Test
    void socketTimeoutsInterruptsAndCloseKeepTheirJdkSemantics(@TempDir Path dir) throws Exception {
        for (String procs : List.of("1", "2")) {
            Result r = run(dir, List.of(agent(null)), Map.of("GOMAXPROCS", procs),
                    NetpollPrograms.SocketSemantics.class);
            assertEquals(0, r.exit(), r.describe());
            Map<String, String> v = r.values();
            assertEquals("1", v.get("soTimeout.timedOut"), r.describe());
            long took = Long.parseLong(v.get("soTimeout.tookMs"));
            assertTrue(took >= 199 && took < 5_000, "SO_TIMEOUT of 200 ms took " + took + " ms\n" + r.describe());
            assertEquals("42", v.get("soTimeout.readBeforeTimeout"), r.describe());
            assertEquals("true", v.get("interruptRead.joined"), r.describe());
            assertEquals("2", v.get("interruptRead.outcome"), "SocketException\n" + r.describe());
            assertEquals("true", v.get("interruptRead.interrupted"), r.describe());
            assertEquals("true", v.get("interruptRead.socketClosed"), "an interrupt closes the socket\n" + r.describe());
            assertEquals("true", v.get("closeRead.joined"), r.describe());
            assertEquals("2", v.get("closeRead.outcome"), r.describe());
            assertEquals("true", v.get("interruptAccept.joined"), r.describe());
            assertEquals("2", v.get("interruptAccept.outcome"), r.describe());
            assertEquals("true", v.get("interruptAccept.interrupted"), r.describe());
            assertEquals("true", v.get("closeAccept.joined"), r.describe());
            assertEquals("2", v.get("closeAccept.outcome"), r.describe());
            assertEquals("truetrue", v.get("platformPeer.joined"), r.describe());
            assertEquals("1000", v.get("platformPeer.ok"), r.describe());
            assertGoloomPolls(v, r);
        }
    }

    @Test
    void hundredThousandSleepersEachWakeOnceAndNeverEarly(@TempDir Path dir) throws Exception {
        Result r = run(dir, List.of(agent(null), "-Xmx1g"), Map.of("GOMAXPROCS", "2"), NetpollPrograms.Sleepers.class,
                "100000", "200");
        assertEquals(0, r.exit(), r.describe());
        Map<String, String> v = r.values();
        assertEquals("100000", v.get("woke"), r.describe());
        assertEquals("0", v.get("early"), r.describe());
        assertEquals("0", v.get("timerslen"), "every timer left its heap\n" + r.describe());
        assertTrue(Integer.parseInt(v.get("timersAtPeak")) > 0, "the sleeps were timers on the Ps\n" + r.describe());
        assertGoloomPolls(v, r);
    }

    @Test
    void timersCancelledByUnparkAndInterruptLeaveTheHeapsEmpty(@TempDir Path dir) throws Exception {
        Result r = run(dir, List.of(agent(null)), Map.of("GOMAXPROCS", "2"), NetpollPrograms.Cancelled.class, "10000");
        assertEquals(0, r.exit(), r.describe());
        Map<String, String> v = r.values();
        assertTrue(Integer.parseInt(v.get("timersWhileParked")) >= 10_000, r.describe());
        assertEquals("10000", v.get("unparked"), r.describe());
        assertEquals("0", v.get("timersAfterUnpark"), r.describe());
        assertEquals("10000", v.get("interrupted"), r.describe());
        assertEquals("0", v.get("timersAfterInterrupt"), r.describe());
        assertEquals("true", v.get("waitNotified"), r.describe());
        assertEquals("true", v.get("waitTimedOut"), r.describe());
        long waited = Long.parseLong(v.get("waitTimeoutMs"));
        assertTrue(waited >= 99 && waited < 5_000, "wait(100) took " + waited + " ms\n" + r.describe());
        assertEquals("0", v.get("timersAtEnd"), r.describe());
        assertGoloomPolls(v, r);
    }

    @Test
    void netpollFalseKeepsTheJdksThreads(@TempDir Path dir) throws Exception {
        Result r = run(dir, List.of(agent("netpoll=false")), Map.of("GOMAXPROCS", "2"),
                NetpollPrograms.Sleepers.class, "1000", "20");
        assertEquals(0, r.exit(), r.describe());
        Map<String, String> v = r.values();
        assertEquals("1000", v.get("woke"), r.describe());
        assertEquals("false", v.get("netpoller"), r.describe());
        assertEquals("false", v.get("timersOnP"), r.describe());
        assertEquals("0", v.get("timersAtPeak"), r.describe());
    }
}
