//go:build unix

package main_test

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// An interrupt while the revision is analysed removes its checkout.
func TestNewFromRevInterrupt(t *testing.T) {
	env, tmp := gateEnv(t)
	repo := gateRepo(t, env, map[string]string{
		"go.mod": "module example.com/svc\n\ngo 1.26\n",
		"svc.go": gateService,
	})
	gateWrite(t, filepath.Join(repo, "svc", "svc.go"), gateService+"\nfunc Again(c *http.Client, u string) int {\n\tresp, _ := c.Get(u)\n\treturn resp.StatusCode\n}\n")

	cmd := exec.Command(binary, "-C", "svc", "-new-from-rev", "base", "./...")
	cmd.Dir, cmd.Env = repo, env
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// Wait until the checkout exists (the work tree is analysed first,
	// which loads net/http from source), then interrupt.
	var err error
	for seen := false; !seen; {
		select {
		case err = <-exited:
			t.Fatalf("the command finished before its checkout was seen: %v\n%s", err, out.String())
		default:
		}
		m, _ := filepath.Glob(filepath.Join(tmp, "keepalivefix-rev-*", "tree", "svc", "go.mod"))
		if seen = len(m) > 0; !seen {
			time.Sleep(10 * time.Millisecond) // polling, not a deadline
		}
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err = <-exited
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 128+int(syscall.SIGINT) {
		t.Errorf("after SIGINT: %v, want exit status %d\n%s", err, 128+int(syscall.SIGINT), out.String())
	}
	gateClean(t, repo, tmp, env)
}
