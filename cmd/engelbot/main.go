// Command engelbot runs SmartupOS's Matrix bot, and the tools around it:
//
//	engelbot run   -config config.yaml   run the bot
//	engelbot demo  [-dir .demo]          a whole community on this machine, with a console
//	engelbot chat  -as carol             talk to the running demo as one of its people
//	engelbot verify -config config.yaml  check the ledger's integrity
//	engelbot doctor -config config.yaml  check the configuration against the servers it names
//
// This file only dispatches; each subcommand lives in its own file.
package main

import (
	"fmt"
	"os"
)

var subcommands = map[string]func(args []string) error{
	"run":    cmdRun,
	"demo":   cmdDemo,
	"chat":   cmdChat,
	"verify": cmdVerify,
	"doctor": cmdDoctor,
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage()
		return
	}
	sub, ok := subcommands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "engelbot: unknown subcommand %q\n\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	if err := sub(os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "engelbot:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprint(os.Stderr, `Usage: engelbot <subcommand> [flags]

  run   -config config.yaml    run the bot (see config.example.yaml)
  demo  [-dir .demo]           start a local homeserver, a seeded ledger and the bot,
                               and talk to it from a console (Ctrl-C stops everything)
  chat  -as <name>             talk to a running demo as one of its people
  verify -config config.yaml   check the ledger: audit chain, audit rows, pages
  doctor -config config.yaml   check the configuration against the homeserver, the rooms,
                               the forge and the ledger; one line per check, OK or what to fix

Run "engelbot <subcommand> -h" for the flags of one.
`)
}
