package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"smartup0.org/engelbot/app"
	"smartup0.org/engelbot/config"
	"smartup0.org/engelbot/demo"
	"smartup0.org/engelbot/publish"
)

func cmdDemo(args []string) error {
	fs := flag.NewFlagSet("demo", flag.ExitOnError)
	dir := fs.String("dir", ".demo", "folder for the demo's homeserver, ledger and logs (emptied first)")
	as := fs.String("as", "carol", "who the console speaks as first")
	console := fs.Bool("console", true, "talk to the bot from this terminal; without it, run until Ctrl-C and talk to it with engelbot-demo chat")
	_ = fs.Parse(args)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	abs, err := filepath.Abs(*dir)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(abs); err != nil {
		return err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return err
	}
	logFile, err := os.Create(filepath.Join(abs, "engelbot.log"))
	if err != nil {
		return err
	}
	defer logFile.Close()

	fmt.Println("Starting a local Matrix homeserver (Dendrite) and creating the demo community…")
	w, err := demo.Start(ctx, abs, demo.People(0), func(name string) string { return name + "-demo-password" }, logFile)
	if err != nil {
		return err
	}
	defer func() {
		if err := w.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stopping the homeserver:", err)
		}
	}()
	cfg := w.Config(abs)
	// Opening the app sets the empty ledger up with alice as its founder;
	// the rest of the community is made by command, as in production.
	// The public site is a folder here: !publish and the schedule write
	// it, and MkDocs serves it as it changes.
	site := publish.Dir{Root: filepath.Join(abs, "site")}
	cfg.Public.Interval = config.Every{D: time.Minute}
	a, err := app.OpenWith(ctx, cfg, app.NewLogger(cfg.Log, logFile), app.Options{Site: site, SiteName: site.Root})
	if err != nil {
		return err
	}
	if w.Tasks, err = demo.Build(ctx, a.Toolbox, w); err != nil {
		_ = a.Close()
		return fmt.Errorf("building the demo community: %w", err)
	}
	if _, err := app.Publish(ctx, a.Ledger, site, app.TargetOf(cfg)); err != nil {
		_ = a.Close()
		return fmt.Errorf("publishing the demo's site to %s: %w", site.Root, err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- a.Run(runCtx) }()
	defer func() {
		cancel()
		if err := <-ran; err != nil {
			fmt.Fprintln(os.Stderr, "engelbot:", err)
		}
	}()
	if err := w.Save(filepath.Join(abs, "demo.json")); err != nil {
		return err
	}
	if err := awaitBot(ctx, w); err != nil {
		return err
	}
	printIntro(w, abs)
	if !*console {
		<-ctx.Done()
		return nil
	}
	return w.Console(ctx, *as, os.Stdin, os.Stdout)
}

// awaitBot waits until the bot has joined the demo rooms.
func awaitBot(ctx context.Context, w *demo.World) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	c, err := w.Login(ctx, "alice")
	if err != nil {
		return err
	}
	defer c.Close()
	if err := w.AwaitBotJoined(ctx, c); err != nil {
		return errors.New("the bot did not join the demo rooms; see engelbot.log in the demo folder")
	}
	return nil
}

func printIntro(w *demo.World, dir string) {
	var people strings.Builder
	for _, p := range w.People {
		fmt.Fprintf(&people, "    %-8s %-28s password %s\n", p.Name, p.UserID, p.Password)
	}
	fmt.Printf(`
Engelbot is running.
  homeserver  %s   (server name %s; no federation)
  ledger      %s   (a git repository: git -C %s log --stat)
  bot log     %s
  public site %s   (published now, by !publish in a direct chat as alice, and every minute)
              look at it: mkdocs serve -f %s, then open http://127.0.0.1:8000/
              or build it: mkdocs build -f %s, then open %s
  people:
%s
Talk to it here, or from another terminal:  go run -tags goolm ./cmd/engelbot-demo chat -dir %s -as dave
With Element (or any Matrix client) at hand: set the homeserver to %s and log in as one of
the people above; the team room is #%s:%s.
Ctrl-C stops the bot and the homeserver.

`, w.Homeserver, demo.ServerName, filepath.Join(dir, "ledger.git"), filepath.Join(dir, "ledger.git"),
		filepath.Join(dir, "engelbot.log"), filepath.Join(dir, "site"), filepath.Join(dir, "site", "mkdocs.yml"),
		filepath.Join(dir, "site", "mkdocs.yml"), filepath.Join(dir, "site", "site", "index.html"), people.String(), dir, w.Homeserver, demo.Team, demo.ServerName)
}
