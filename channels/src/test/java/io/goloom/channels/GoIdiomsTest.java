package io.goloom.channels;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Go programs written the way Go programmers write them, each line next to its Go original.
 */
@Timeout(60)
class GoIdiomsTest {

    @AfterAll
    static void closeScheduler() {
        ThreadKind.closeGoloom();
    }

    /**
     * The concurrent prime sieve from the Go tour / go.dev/doc/play/sieve.go: a chain of filter
     * goroutines, one per prime found. Go leaks the goroutines when main returns; here they end when
     * interrupted (Goroutines.close()).
     */
    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void primeSieve(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            try (Goroutines g = new Goroutines(kind)) {
                // func Generate(ch chan<- int) { for i := 2; ; i++ { ch <- i } }
                GoChannel<Integer> ch = GoChannel.unbuffered(); // ch := make(chan int)
                g.go(() -> generate(ch));                      // go Generate(ch)
                List<Integer> primes = new ArrayList<>();
                ReceiveChannel<Integer> in = ch;
                for (int i = 0; i < 100; i++) {                // for i := 0; i < 100; i++ {
                    int prime = in.receive();                  //     prime := <-ch
                    primes.add(prime);
                    GoChannel<Integer> ch1 = GoChannel.unbuffered(); // ch1 := make(chan int)
                    ReceiveChannel<Integer> from = in;
                    g.go(() -> filter(from, ch1, prime));      //     go Filter(ch, ch1, prime)
                    in = ch1;                                  //     ch = ch1
                }
                assertEquals(firstPrimes(100), primes);
            } // the generator and the 100 filters are blocked in send/receive: close() interrupts them
        });
    }

    private static void generate(SendChannel<Integer> ch) throws InterruptedException {
        for (int i = 2; ; i++) {
            ch.send(i);
        }
    }

    // func Filter(in <-chan int, out chan<- int, prime int) {
    //     for { i := <-in; if i%prime != 0 { out <- i } }
    // }
    private static void filter(ReceiveChannel<Integer> in, SendChannel<Integer> out, int prime)
            throws InterruptedException {
        for (;;) {
            int i = in.receive();
            if (i % prime != 0) {
                out.send(i);
            }
        }
    }

    private static List<Integer> firstPrimes(int n) {
        return IntStream.iterate(2, i -> i + 1)
                .filter(i -> IntStream.rangeClosed(2, (int) Math.sqrt(i)).noneMatch(d -> i % d == 0))
                .limit(n).boxed().toList();
    }

    /**
     * The pipeline of "Go Concurrency Patterns: Pipelines and cancellation" (go.dev/blog/pipelines):
     * gen -> fan-out to several sq workers -> fan-in with merge (a WaitGroup closes the output), plus
     * an explicit done channel for cancellation.
     */
    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void fanOutFanInPipelineWithCancellation(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            try (Goroutines g = new Goroutines(kind)) {
                int n = 2_000;
                GoChannel<Boolean> done = GoChannel.unbuffered();      // done := make(chan struct{})
                ReceiveChannel<Integer> in = gen(g, done, n);          // in := gen(done, 1..n)
                List<ReceiveChannel<Integer>> workers = new ArrayList<>();
                for (int w = 0; w < 4; w++) {                          // fan out
                    workers.add(sq(g, done, in));                      // c_w := sq(done, in)
                }
                long sum = 0;
                int count = 0;
                for (int v : merge(g, done, workers)) {                // for v := range merge(done, c1, c2, ...)
                    sum += v;
                    count++;
                }
                assertEquals(n, count);
                long expected = 0;
                for (long i = 1; i <= n; i++) {
                    expected += i * i;
                }
                assertEquals(expected, sum);
                done.close();                                          // close(done)
                g.join();

                // cancellation: stop after the first few results; closing done unblocks every stage
                GoChannel<Boolean> done2 = GoChannel.unbuffered();
                ReceiveChannel<Integer> in2 = gen(g, done2, 1_000_000);
                ReceiveChannel<Integer> out2 = merge(g, done2, List.of(sq(g, done2, in2), sq(g, done2, in2)));
                for (int i = 0; i < 10; i++) {
                    assertTrue(out2.receive() > 0);
                }
                done2.close();
                g.join(); // every stage returned on its own: nothing left blocked
            }
        });
    }

    // func gen(done <-chan struct{}, n int) <-chan int
    private static ReceiveChannel<Integer> gen(Goroutines g, ReceiveChannel<Boolean> done, int n) {
        GoChannel<Integer> out = GoChannel.unbuffered();
        g.go(() -> {
            try {
                for (int i = 1; i <= n; i++) {
                    int v = i;
                    // select { case out <- n: case <-done: return }
                    boolean cancelled = Select.select(Select.send(out, v).map(s -> false),
                            Select.receive(done).map(x -> true));
                    if (cancelled) {
                        return;
                    }
                }
            } finally {
                out.close(); // defer close(out)
            }
        });
        return out;
    }

    // func sq(done <-chan struct{}, in <-chan int) <-chan int
    private static ReceiveChannel<Integer> sq(Goroutines g, ReceiveChannel<Boolean> done, ReceiveChannel<Integer> in) {
        GoChannel<Integer> out = GoChannel.unbuffered();
        g.go(() -> {
            try {
                for (int n : in) {
                    boolean cancelled = Select.select(Select.send(out, n * n).map(s -> false),
                            Select.receive(done).map(x -> true));
                    if (cancelled) {
                        return;
                    }
                }
            } finally {
                out.close();
            }
        });
        return out;
    }

    // func merge(done <-chan struct{}, cs ...<-chan int) <-chan int
    private static ReceiveChannel<Integer> merge(Goroutines g, ReceiveChannel<Boolean> done,
                                                 List<ReceiveChannel<Integer>> cs) {
        GoChannel<Integer> out = GoChannel.unbuffered();
        AtomicInteger wg = new AtomicInteger(cs.size()); // var wg sync.WaitGroup; wg.Add(len(cs))
        for (ReceiveChannel<Integer> c : cs) {
            g.go(() -> {
                try {
                    for (int n : c) {
                        boolean cancelled = Select.select(Select.send(out, n).map(s -> false),
                                Select.receive(done).map(x -> true));
                        if (cancelled) {
                            return;
                        }
                    }
                } finally {
                    if (wg.decrementAndGet() == 0) { // go func() { wg.Wait(); close(out) }()
                        out.close();
                    }
                }
            });
        }
        return out;
    }

    /** A worker pool: jobs and results channels, as in "Go by Example: Worker Pools". */
    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void workerPool(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            int numJobs = 500;
            GoChannel<Integer> jobs = GoChannel.buffered(numJobs);    // jobs := make(chan int, numJobs)
            GoChannel<Integer> results = GoChannel.buffered(numJobs); // results := make(chan int, numJobs)
            try (Goroutines g = new Goroutines(kind)) {
                for (int w = 1; w <= 3; w++) {                        // for w := 1; w <= 3; w++ {
                    g.go(() -> {                                      //     go worker(w, jobs, results)
                        for (int j : jobs) {                          // for j := range jobs {
                            results.send(j * 2);                      //     results <- j * 2
                        }
                    });
                }
                for (int j = 1; j <= numJobs; j++) {
                    jobs.send(j);                                     // jobs <- j
                }
                jobs.close();                                         // close(jobs)
                long sum = 0;
                for (int a = 1; a <= numJobs; a++) {
                    sum += results.receive();                         // <-results
                }
                assertEquals((long) numJobs * (numJobs + 1), sum);
                g.join();
            }
        });
    }

    /** Timeouts and a ticker in one select loop, as in "Go by Example: Timeouts / Tickers". */
    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void selectLoopWithTickerAndTimeout(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<String> results = GoChannel.buffered(1);
            GoTime.Ticker ticker = GoTime.newTicker(Duration.ofMillis(2)); // ticker := time.NewTicker(2 * time.Millisecond)
            ReceiveChannel<java.time.Instant> timeout = GoTime.after(Duration.ofSeconds(20));
            int ticks = 0;
            try (Goroutines g = new Goroutines(kind)) {
                g.go(() -> {
                    Thread.sleep(30);
                    results.send("result");
                });
                String result = null;
                while (result == null) {
                    // select { case <-ticker.C: ticks++; case r := <-results: ...; case <-timeout: t.Fatal() }
                    result = Select.select(
                            Select.receive(ticker.channel()).map(t -> (String) null),
                            Select.receive(results),
                            Select.receive(timeout).map(t -> {
                                throw new AssertionError("timed out");
                            }));
                    if (result == null) {
                        ticks++;
                    }
                }
                assertEquals("result", result);
                g.join();
            } finally {
                ticker.stop(); // defer ticker.Stop()
            }
            assertTrue(ticks >= 1, "the ticker ticked while waiting");
        });
    }

    /** Ping-pong over two unbuffered channels: the hand-off that goloom's runnext makes one switch. */
    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void pingPong(ThreadKind kind) throws Exception {
        Goroutines.run(kind, () -> {
            GoChannel<Integer> ping = GoChannel.unbuffered();
            GoChannel<Integer> pong = GoChannel.unbuffered();
            int rounds = 20_000;
            try (Goroutines g = new Goroutines(kind)) {
                g.go(() -> {
                    for (int v : ping) {
                        pong.send(v + 1);
                    }
                    pong.close();
                });
                int ball = 0;
                for (int i = 0; i < rounds; i++) {
                    ping.send(ball);
                    ball = pong.receive();
                }
                ping.close();
                assertTrue(pong.receiveOk().closed());
                assertEquals(rounds, ball);
                g.join();
            }
        });
    }
}
