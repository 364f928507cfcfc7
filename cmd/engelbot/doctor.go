package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"smartup0.org/engelbot/doctor"
)

func cmdDoctor(args []string) error {
	fs := flag.NewFlagSet("doctor", flag.ExitOnError)
	path := fs.String("config", "config.yaml", "the configuration file")
	timeout := fs.Duration("timeout", 0, "how long one request to the homeserver or the forge may take (default 15s)")
	_ = fs.Parse(args)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	report := doctor.Run(ctx, *path, doctor.Options{Timeout: *timeout, Out: os.Stdout})
	if report.Failed() {
		// The error makes the exit status say that something must be fixed.
		return fmt.Errorf("%d of %d checks failed: fix what the FAIL lines say, and run the doctor again",
			report.Count(doctor.Fail), len(report.Lines))
	}
	return nil
}
