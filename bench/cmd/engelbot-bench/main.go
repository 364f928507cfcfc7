// Command engelbot-bench measures Engelbot against the targets of the
// product brief on a Gitea it starts on loopback, prints one report, and
// stops everything it started. `make bench` runs it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"

	"smartup0.org/engelbot/bench"
	"smartup0.org/engelbot/servers"
)

func main() {
	if bench.IsChild() {
		os.Exit(bench.ChildMain())
	}
	os.Exit(run())
}

func run() int {
	opts := bench.FullOptions()
	tiny := flag.Bool("tiny", false, "run every section at a tiny size (seconds), to check the machinery")
	deadline := flag.Duration("original-deadline", 0, "cap on the original pattern's burst (default "+opts.OriginalDeadline.String()+")")
	quiet := flag.Bool("quiet", false, "no progress lines on standard error")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of this process (not of the forge) to this file")
	flag.Parse()
	if *tiny {
		opts = bench.TinyOptions()
	}
	if *deadline > 0 {
		opts.OriginalDeadline = *deadline
	}
	if !*quiet {
		opts.Progress = os.Stderr
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "engelbot-bench:", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "engelbot-bench:", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}

	dir, err := os.MkdirTemp("", "engelbot-bench-gitea-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "engelbot-bench:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	start := time.Now()
	g, err := servers.StartGitea(ctx, dir, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "engelbot-bench: starting Gitea:", err)
		if errors.Is(err, servers.ErrNotInstalled) {
			fmt.Fprintln(os.Stderr, "engelbot-bench: run scripts/install-servers.sh (or make servers) first")
		}
		return 1
	}
	defer func() {
		if err := g.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "engelbot-bench: stopping Gitea:", err)
		}
	}()
	if opts.Progress != nil {
		fmt.Fprintf(opts.Progress, "bench %s: Gitea (pid %d) serving at %s after %s\n", time.Now().Format("15:04:05"), g.PID(), g.URL, time.Since(start).Round(time.Millisecond))
	}
	rep, err := bench.Run(ctx, g, opts)
	if rep != nil {
		rep.Print(os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "engelbot-bench:", err)
		return 1
	}
	return 0
}
