package main

import (
	"flag"
	"fmt"
	"runtime"

	"smartup0.org/engelbot/app"
)

// cmdVersion prints what an operator reports with a bug: the build's
// version (as !status shows it) and the Go toolchain it was built with.
func cmdVersion(args []string) error {
	fs := flag.NewFlagSet("version", flag.ExitOnError)
	_ = fs.Parse(args)
	fmt.Printf("engelbot %s (%s %s/%s)\n", app.Version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
