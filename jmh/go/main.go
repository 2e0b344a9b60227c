// Go twins of goloom's JMH workloads (jmh/src/main/java/io/goloom/jmh/workloads): the same work, the same sizes.
//
//	GOMAXPROCS=1 go run . -mode quick
//
// prints one line per workload:
//
//	go workload=pingpong procs=1 score=339.5 unit=ns/op reps=5 check=10000
//
// score is the mean over the measured repetitions (after warm-up ones) of the time per operation.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
)

const (
	pingPongRounds = 10_000
	bufferedMsgs   = 100_000
	selectRounds   = 10_000
	ringSize       = 503
	ringPasses     = 100_000
	spawnThreads   = 1_000_000
	yieldTotal     = 10_000_000
)

func pingPong(rounds int) int64 {
	ping, pong := make(chan int), make(chan int)
	done := make(chan struct{})
	go func() {
		for i := 0; i < rounds; i++ {
			pong <- <-ping
		}
		close(done)
	}()
	var sum int64
	for i := 0; i < rounds; i++ {
		ping <- 1
		sum += int64(<-pong)
	}
	<-done
	return sum
}

func skynet(c chan int64, num int64, size, div int) {
	if size == 1 {
		c <- num
		return
	}
	rc := make(chan int64)
	sub := size / div
	for i := 0; i < div; i++ {
		go skynet(rc, num+int64(i*sub), sub, div)
	}
	var sum int64
	for i := 0; i < div; i++ {
		sum += <-rc
	}
	c <- sum
}

func runSkynet(size int) int64 {
	c := make(chan int64)
	go skynet(c, 0, size, 10)
	return <-c
}

// sieve: go.dev/doc/play/sieve.go, unchanged: plain sends and receives. As in that program the generator and
// the filters are never stopped; each run leaves its 2,001 goroutines blocked (about 16 MB of stacks), which a
// process running a few repetitions can afford. (The Java twin interrupts its threads after the run, outside
// the hot loop.)
func sieve(n int) int64 {
	ch := make(chan int)
	go func(out chan<- int) {
		for i := 2; ; i++ {
			out <- i
		}
	}(ch)
	prime := 0
	for i := 0; i < n; i++ {
		prime = <-ch
		ch1 := make(chan int)
		go func(in <-chan int, out chan<- int, p int) {
			for {
				v := <-in
				if v%p != 0 {
					out <- v
				}
			}
		}(ch, ch1, prime)
		ch = ch1
	}
	return int64(prime)
}

func spawn(n int) int64 {
	var wg sync.WaitGroup
	wg.Add(n)
	for i := 0; i < n; i++ {
		go wg.Done()
	}
	wg.Wait()
	return int64(n)
}

func buffered(producers, consumers, capacity, perProducer int) int64 {
	ch := make(chan int, capacity)
	perConsumer := producers * perProducer / consumers
	sums := make([]int64, consumers)
	var wg sync.WaitGroup
	for p := 0; p < producers; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 1; i <= perProducer; i++ {
				ch <- i
			}
		}()
	}
	for c := 0; c < consumers; c++ {
		wg.Add(1)
		go func(idx int) {
			defer wg.Done()
			var s int64
			for i := 0; i < perConsumer; i++ {
				s += int64(<-ch)
			}
			sums[idx] = s
		}(c)
	}
	wg.Wait()
	var sum int64
	for _, s := range sums {
		sum += s
	}
	return sum
}

func yield(threads, yields int) int64 {
	var wg sync.WaitGroup
	wg.Add(threads)
	for i := 0; i < threads; i++ {
		go func() {
			defer wg.Done()
			for k := 0; k < yields; k++ {
				runtime.Gosched()
			}
		}()
	}
	wg.Wait()
	return int64(threads * yields)
}

func selectPingPong(roundsPerClient int) int64 {
	reqA, reqB := make(chan int), make(chan int)
	repA, repB := make(chan int), make(chan int)
	client := func(req chan<- int, rep <-chan int, me int) {
		for i := 0; i < roundsPerClient; i++ {
			req <- me
			if <-rep != me {
				panic("reply for the wrong client")
			}
		}
	}
	go client(reqA, repA, 0)
	go client(reqB, repB, 1)
	var served int64
	for i := 0; i < 2*roundsPerClient; i++ {
		select {
		case v := <-reqA:
			repA <- v
		case v := <-reqB:
			repB <- v
		}
		served++
	}
	return served
}

func threadRing(ring, passes int) int64 {
	chans := make([]chan int, ring)
	for i := range chans {
		chans[i] = make(chan int)
	}
	winner := -1
	var wg sync.WaitGroup
	wg.Add(ring)
	for i := 0; i < ring; i++ {
		go func(me int, in <-chan int, out chan<- int) {
			defer wg.Done()
			for {
				t := <-in
				if t > 0 {
					out <- t - 1
					continue
				}
				if t == 0 {
					winner = me
				}
				if t > -(ring - 1) {
					out <- t - 1
				}
				return
			}
		}(i, chans[i], chans[(i+1)%ring])
	}
	chans[0] <- passes
	wg.Wait()
	return int64(winner)
}

// starvation: a 1 ms ticker (sleep loop) beside GOMAXPROCS goroutines spinning for hogMillis; the largest delay
// of a tick past its 1 ms.
var sink int64

func starvation(hogMillis int) (time.Duration, int) {
	procs := runtime.GOMAXPROCS(0)
	var done int32
	var mu sync.Mutex
	var max time.Duration
	ticks := 0
	tickerDone := make(chan struct{})
	go func() {
		prev := time.Now()
		for {
			mu.Lock()
			d := done
			mu.Unlock()
			if d != 0 {
				break
			}
			time.Sleep(time.Millisecond)
			now := time.Now()
			if delay := now.Sub(prev) - time.Millisecond; delay > max {
				max = delay
			}
			ticks++
			prev = now
		}
		close(tickerDone)
	}()
	time.Sleep(20 * time.Millisecond)
	var wg sync.WaitGroup
	wg.Add(procs)
	for i := 0; i < procs; i++ {
		go func() {
			defer wg.Done()
			end := time.Now().Add(time.Duration(hogMillis) * time.Millisecond)
			var x int64
			for time.Now().Before(end) {
				for k := 0; k < 1000; k++ {
					x = x*6364136223846793005 + 1442695040888963407
				}
			}
			sink = x
		}()
	}
	wg.Wait()
	mu.Lock()
	done = 1
	mu.Unlock()
	<-tickerDone
	return max, ticks
}

type workload struct {
	name string
	ops  int    // operations per run
	unit string // ns/op or ms/op
	run  func() int64
	want int64 // expected check value, -1 = none
}

func main() {
	mode := flag.String("mode", "quick", "quick or full (or smoke: one small run each)")
	only := flag.String("only", "", "comma-separated workload names to run (default all)")
	hogMs := flag.Int("hog-ms", 1000, "starvation: how long the CPU-bound goroutines spin")
	flag.Parse()
	warm, reps := 1, 3
	switch *mode {
	case "full":
		warm, reps = 3, 10
	case "smoke":
		warm, reps = 0, 1
	}
	procs := runtime.GOMAXPROCS(0)
	ws := []workload{
		{"pingpong", pingPongRounds, "ns/op", func() int64 { return pingPong(pingPongRounds) }, pingPongRounds},
		{"skynet", 1, "ms/op", func() int64 { return runSkynet(1_000_000) }, 499999500000},
		{"sieve", 1, "ms/op", func() int64 { return sieve(2000) }, 17389},
		{"spawn", spawnThreads, "ns/op", func() int64 { return spawn(spawnThreads) }, spawnThreads},
		{"buffered", bufferedMsgs, "ns/op", func() int64 { return buffered(4, 4, 128, bufferedMsgs/4) },
			4 * int64(bufferedMsgs/4) * int64(bufferedMsgs/4+1) / 2},
		{"yield", yieldTotal, "ns/op", func() int64 { return yield(100, yieldTotal/100) }, yieldTotal},
		{"yield1", yieldTotal, "ns/op", func() int64 { return yield(1, yieldTotal) }, yieldTotal},
		{"select", selectRounds, "ns/op", func() int64 { return selectPingPong(selectRounds / 2) }, selectRounds},
		{"ring", ringPasses + ringSize - 1, "ns/op", func() int64 { return threadRing(ringSize, ringPasses) },
			int64(ringPasses % ringSize)},
	}
	want := map[string]bool{}
	for _, n := range strings.Split(*only, ",") {
		if n != "" {
			want[n] = true
		}
	}
	for _, w := range ws {
		if len(want) > 0 && !want[w.name] {
			continue
		}
		var check int64
		for i := 0; i < warm; i++ {
			check = w.run()
		}
		var total time.Duration
		for i := 0; i < reps; i++ {
			t0 := time.Now()
			check = w.run()
			total += time.Since(t0)
		}
		if w.want >= 0 && check != w.want {
			fmt.Fprintf(os.Stderr, "go workload=%s computed %d, want %d\n", w.name, check, w.want)
			os.Exit(1)
		}
		per := float64(total.Nanoseconds()) / float64(reps) / float64(w.ops)
		if w.unit == "ms/op" {
			per /= 1e6
		}
		fmt.Printf("go workload=%s procs=%d score=%.3f unit=%s reps=%d check=%d\n", w.name, procs, per, w.unit, reps, check)
	}
	if len(want) == 0 || want["starvation"] {
		starvation(100)
		max, ticks := starvation(*hogMs)
		fmt.Printf("starvation impl=go procs=%d hogMs=%d maxDelayMs=%.2f ticks=%d\n", procs, *hogMs,
			float64(max.Nanoseconds())/1e6, ticks)
	}
}
