// Command engelbot-demo runs a whole SmartupOS community on this machine —
// a local Dendrite, the bot, a local ledger built by command — and lets a person talk
// to it:
//
//	engelbot-demo demo  [-dir .demo]    start the community, with a console
//	engelbot-demo chat  -as carol       talk to the running demo as one of its people
//
// It is a command of its own so that the production binary (cmd/engelbot)
// links none of the test servers and demo code it needs. It must never be
// pointed at a real community: it starts its own homeserver and ledger.
//
// This file only dispatches; each subcommand lives in its own file.
package main

import (
	"fmt"
	"os"
)

var subcommands = map[string]func(args []string) error{
	"demo": cmdDemo,
	"chat": cmdChat,
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage()
		return
	}
	sub, ok := subcommands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "engelbot-demo: unknown subcommand %q\n\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	if err := sub(os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "engelbot-demo:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprint(os.Stderr, `Usage: engelbot-demo <subcommand> [flags]

  demo  [-dir .demo]           start a local homeserver, a ledger built by command and the bot,
                               and talk to it from a console (Ctrl-C stops everything)
  chat  -as <name>             talk to a running demo as one of its people

Run "engelbot-demo <subcommand> -h" for the flags of one.
`)
}
