package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"smartup0.org/engelbot/config"
)

// The binary under test, built once per test run: a signal test needs
// Engelbot in a process of its own, started the way an operator starts it.
var (
	buildOnce   sync.Once
	builtBinary string
	buildErr    error
)

func engelbotBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "engelbot-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		builtBinary = filepath.Join(dir, "engelbot")
		// Built as make build builds it, version stamp included, so the
		// process under test is the one an operator installs.
		root, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
		if err != nil {
			buildErr = fmt.Errorf("go list -m: %v", err)
			return
		}
		out, err := exec.Command("make", "-C", strings.TrimSpace(string(root)), "--no-print-directory", "build", "BINARY="+builtBinary).CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("make build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBinary
}

// botProcess is `engelbot run` in a process of its own.
type botProcess struct {
	cmd     *exec.Cmd
	done    chan struct{}
	log     string
	started int // how many times the test has started the bot, this one included
}

// startProcess writes the bot's configuration to a file and runs
// `engelbot run -config` on it, then waits until the bot is in the rooms.
func (e *env) startProcess() {
	e.t.Helper()
	bin := engelbotBinary(e.t)
	cfg := *e.cfg
	cfg.Log = config.Log{Level: "info", Format: "json"}
	data, err := yaml.Marshal(&cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := config.Parse(data); err != nil {
		e.t.Fatalf("the configuration written for the process does not load: %v", err)
	}
	path := filepath.Join(e.dir, "engelbot.yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		e.t.Fatal(err)
	}
	logPath := filepath.Join(e.dir, "engelbot-process.log")
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		e.t.Fatal(err)
	}
	cmd := exec.Command(bin, "run", "-config", path)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// The bot must not outlive a test run that dies.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	p := &botProcess{cmd: cmd, done: make(chan struct{}), log: logPath, started: 1}
	if e.proc != nil {
		p.started = e.proc.started + 1
	}
	go func() {
		_ = cmd.Wait()
		logFile.Close()
		close(p.done)
	}()
	e.proc = p
	e.stopFn = func() {
		_ = cmd.Process.Kill()
		<-p.done
	}
	if p.started == 1 { // every start writes to the same log: show it once
		e.t.Cleanup(func() {
			if e.t.Failed() {
				data, _ := os.ReadFile(logPath)
				e.t.Logf("engelbot's log:\n%s", tail(string(data), 60))
			}
		})
	}
	e.awaitBotJoined()
}

// signal sends sig to the bot's process and waits for it to end; it
// returns the exit code (-1 when a signal ended it).
func (e *env) signal(sig syscall.Signal) int {
	e.t.Helper()
	p := e.proc
	if err := p.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(e.t.Context(), 2*time.Minute)
	defer cancel()
	select {
	case <-p.done:
	case <-ctx.Done():
		e.t.Fatalf("engelbot did not end within two minutes of %v", sig)
	}
	e.stopFn = nil
	return p.cmd.ProcessState.ExitCode()
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
