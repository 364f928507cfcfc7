// Command engelbot runs SmartupOS's Matrix bot, and the tools around it:
//
//	engelbot run   -config config.yaml   run the bot
//	engelbot verify -config config.yaml  check the ledger's integrity
//	engelbot migrate -config config.yaml rewrite a ledger of an older layout, once
//	engelbot doctor -config config.yaml  check the configuration against the servers it names
//	engelbot publish -config config.yaml [-out DIR]  publish the ledger's public pages
//	engelbot version                     the build's version and Go version
//
// It is what an operator installs, so it links nothing made for tests or
// the demo (app's TestProductionBinaryHoldsNoTestCode checks it); the demo
// is cmd/engelbot-demo.
//
// This file only dispatches; each subcommand lives in its own file.
package main

import (
	"fmt"
	"os"
)

var subcommands = map[string]func(args []string) error{
	"run":     cmdRun,
	"verify":  cmdVerify,
	"migrate": cmdMigrate,
	"doctor":  cmdDoctor,
	"publish": cmdPublish,
	"version": cmdVersion,
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
  verify -config config.yaml   check the ledger: audit chain, audit rows, pages
  migrate -config config.yaml  rewrite a ledger whose indexes are single files (the layout
                               before shards) into shards, as one audited commit; a ledger
                               in the current layout is left as it is
  doctor -config config.yaml   check the configuration against the homeserver, the rooms,
                               the forge and the ledger; one line per check, OK or what to fix
  publish -config config.yaml [-out DIR]
                               render the ledger's public pages and commit them to the public
                               site repository (public: in the configuration), or write the
                               site to a folder; an unchanged ledger writes nothing
  version                      print the build's version and Go version

The demo community is a command of its own: go run -tags goolm ./cmd/engelbot-demo demo

Run "engelbot <subcommand> -h" for the flags of one.
`)
}
