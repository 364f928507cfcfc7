package servers

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

// How long a server may take to answer its first request, and how long it
// may take to exit on SIGTERM before it is killed.
const (
	readyTimeout = 30 * time.Second
	stopGrace    = 3 * time.Second
	pollInterval = 25 * time.Millisecond
)

// process is one server child process and the log file its output goes to.
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	logFile *os.File
	done    chan struct{} // closed once the process has been reaped
	waitErr error         // set before done is closed

	stopOnce sync.Once
	stopErr  error
}

// startProcess runs a server binary in its own process group, with its
// output appended to logPath (and copied to logw when it is not nil).
func startProcess(name, bin string, args []string, dir string, env []string, logPath string, logw io.Writer) (*process, error) {
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("servers: open %s log: %w", name, err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = env
	var out io.Writer = logFile
	if logw != nil {
		out = io.MultiWriter(logFile, logw)
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = childAttr()
	// With a non-file writer, Wait copies output through a pipe that a
	// grandchild could keep open; do not let that block Stop forever.
	cmd.WaitDelay = stopGrace
	p := &process{name: name, cmd: cmd, logPath: logPath, logFile: logFile, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		// Pdeathsig fires when the thread that forked the child ends, not
		// the process: pin this goroutine to its thread until the child is
		// reaped, so that no other goroutine can make the runtime retire it.
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	if err := <-started; err != nil {
		logFile.Close()
		return nil, fmt.Errorf("servers: start %s: %w", name, err)
	}
	return p, nil
}

// childAttr puts a child in its own process group, so that Stop reaches
// every process it spawned (Gitea runs git), and has the kernel kill it if
// the test binary dies first.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// pid is the operating system's ID of the server process.
func (p *process) pid() int { return p.cmd.Process.Pid }

// exited reports whether the process has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM to the whole process group, waits for the server to
// exit, kills the group if it does not within stopGrace, and reaps it.
func (p *process) stop() error {
	p.stopOnce.Do(func() {
		pgid := p.cmd.Process.Pid // Setpgid makes the leader's PID the group ID
		if !p.exited() {
			_ = syscall.Kill(-pgid, syscall.SIGTERM)
			select {
			case <-p.done:
			case <-time.After(stopGrace):
				_ = syscall.Kill(-pgid, syscall.SIGKILL)
				<-p.done
			}
		}
		// Children the server left behind (a git process) go with the group.
		if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			p.stopErr = fmt.Errorf("servers: kill %s process group %d: %w", p.name, pgid, err)
		}
		if err := p.logFile.Close(); err != nil && p.stopErr == nil {
			p.stopErr = fmt.Errorf("servers: close %s log: %w", p.name, err)
		}
	})
	return p.stopErr
}

// waitReady polls url until it answers 200, the process exits, or the
// deadline passes; a failure carries the tail of the server's log. An
// https URL is one of our own servers' self-signed listeners on loopback,
// so its certificate is not checked.
func (p *process) waitReady(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // our own test server
	}}
	ticker := time.NewTicker(pollInterval)
	defer ticker.Stop()
	var lastErr error
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			lastErr = fmt.Errorf("%s answered %s", url, resp.Status)
		} else {
			lastErr = err
		}
		select {
		case <-p.done:
			return p.failure(fmt.Errorf("exited before it was ready: %v", p.waitErr))
		case <-ctx.Done():
			return p.failure(fmt.Errorf("not ready after %s: %v", readyTimeout, lastErr))
		case <-ticker.C:
		}
	}
}

// failure describes a failed start with the end of the server's log.
func (p *process) failure(err error) error {
	return fmt.Errorf("servers: %s %w\n--- last lines of %s ---\n%s", p.name, err, p.logPath, logTail(p.logPath))
}

// logTail returns the last lines of a log file, for error messages.
func logTail(path string) string {
	const maxBytes, maxLines = 4096, 40
	data, err := os.ReadFile(path)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	if len(data) > maxBytes {
		data = data[len(data)-maxBytes:]
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > maxLines {
		lines = lines[len(lines)-maxLines:]
	}
	return strings.Join(lines, "\n")
}

// runTool runs a one-shot command of a server binary (gitea migrate…) to
// completion and returns its standard output for parsing. Both output
// streams are appended to the server's log, and a failure carries them.
func runTool(ctx context.Context, bin string, args []string, dir string, env []string, logPath string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.SysProcAttr = childAttr()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	shown := bin + " " + strings.Join(redactArgs(args), " ")
	if f, ferr := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); ferr == nil {
		fmt.Fprintf(f, "$ %s\n%s%s", shown, redactOutput(stdout.String()), stderr.String())
		f.Close()
	}
	if err != nil {
		return "", fmt.Errorf("servers: %s: %w\n%s\n%s", shown, err, strings.TrimSpace(redactOutput(stdout.String())), strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// redactArgs hides the value that follows a --password flag.
func redactArgs(args []string) []string {
	out := make([]string, len(args))
	copy(out, args)
	for i := 0; i+1 < len(out); i++ {
		if out[i] == "--password" {
			out[i+1] = "***"
		}
	}
	return out
}

// freePort asks the kernel for a free TCP port on 127.0.0.1. The port is
// released before the server binds it; the window is small enough in
// practice, and a lost race shows up as a failed start with the log tail.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("servers: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// redactOutput keeps secrets a tool prints (Gitea prints the new access
// token) out of logs and error messages.
func redactOutput(out string) string {
	const marker = "Access token was successfully created..."
	lines := strings.Split(out, "\n")
	for i, line := range lines {
		if j := strings.Index(line, marker); j >= 0 {
			lines[i] = line[:j+len(marker)] + " ***"
		}
	}
	return strings.Join(lines, "\n")
}
