package io.goloom.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * An ordinary Loom web server with no goloom in it: the JDK's {@code HttpServer} on
 * {@code Executors.newVirtualThreadPerTaskExecutor()}. {@link HttpLoadDemo} runs it twice, on the JDK's scheduler
 * and with {@code -javaagent:goloom-scheduler.jar}, and compares.
 *
 * <p>{@code GET /quote?items=N} does real work through a plain call chain: parse the request, price N order
 * lines (each a SHA-256 over a small buffer, standing in for CPU work), wait 2 ms for a "downstream service"
 * ({@code Thread.sleep}, which parks the virtual thread), and render JSON. {@code GET /quit} prints what the
 * scheduler did (read over JMX, so this program needs no goloom class) and stops the server.
 *
 * <p>Prints {@code listening <port>} on stdout once it accepts connections.
 */
public final class HttpServerDemo {
    private HttpServerDemo() {}

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        CountDownLatch quit = new CountDownLatch(1);
        server.createContext("/quote", HttpServerDemo::quote);
        server.createContext("/quit", exchange -> {
            respond(exchange, 200, schedulerSummary());
            quit.countDown();
        });
        server.start();
        System.out.println("listening " + server.getAddress().getPort());
        System.out.flush();
        quit.await();
        server.stop(0);
        executor.close();
    }

    // ---- the request's call chain ---------------------------------------------------------------------------

    static void quote(HttpExchange exchange) throws IOException {
        try {
            Order order = parse(exchange.getRequestURI());
            Quote q = price(order);
            respond(exchange, 200, render(q));
        } catch (IllegalArgumentException e) {
            respond(exchange, 400, "{\"error\":\"" + e.getMessage() + "\"}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            respond(exchange, 503, "{\"error\":\"interrupted\"}");
        }
    }

    record Order(int items) {}

    record Quote(int items, long cents, String digest, String thread) {}

    static Order parse(URI uri) {
        int items = 8;
        String query = uri.getRawQuery();
        if (query != null) {
            for (String kv : query.split("&")) {
                if (kv.startsWith("items=")) {
                    items = Integer.parseInt(kv.substring(6));
                }
            }
        }
        if (items < 1 || items > 1000) {
            throw new IllegalArgumentException("items must be in 1..1000");
        }
        return new Order(items);
    }

    static Quote price(Order order) throws InterruptedException {
        byte[] state = new byte[512];
        long cents = 0;
        for (int i = 0; i < order.items(); i++) {
            state = lineDigest(state, i);
            cents += (state[0] & 0xff) * 7L + 99;
        }
        downstreamCall();
        return new Quote(order.items(), cents, HexFormat.of().formatHex(state, 0, 8), Thread.currentThread().toString());
    }

    static byte[] lineDigest(byte[] state, int line) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (int round = 0; round < 16; round++) {
                sha.update(state);
                sha.update((byte) line);
                state = java.util.Arrays.copyOf(sha.digest(), 512);
            }
            return state;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void downstreamCall() throws InterruptedException {
        Thread.sleep(2);
    }

    static String render(Quote q) {
        return "{\"items\":" + q.items() + ",\"total\":\"" + q.cents() / 100 + "." + String.format("%02d", q.cents() % 100)
                + "\",\"digest\":\"" + q.digest() + "\",\"virtual\":" + q.thread().startsWith("VirtualThread") + "}";
    }

    static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** goloom's counters from its MXBean when the agent is there; plain JMX, no compile-time dependency. */
    static String schedulerSummary() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("io.goloom:type=GoScheduler,name=goloom");
            if (!server.isRegistered(name)) {
                return "{\"scheduler\":\"JDK default (ForkJoinPool)\"}";
            }
            StringBuilder sb = new StringBuilder("{\"scheduler\":\"goloom\"");
            for (String a : new String[] {"MaxProcs", "MachinesCreated", "Steals", "StolenThreads", "Handoffs",
                    "HogRetakes", "SyscallRetakes", "Syscalls", "LocalSubmits", "ExternalSubmits", "Yields"}) {
                sb.append(",\"").append(a).append("\":").append(server.getAttribute(name, a));
            }
            return sb.append('}').toString();
        } catch (Exception e) {
            return "{\"error\":\"" + e + "\"}";
        }
    }
}
