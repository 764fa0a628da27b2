//go:build unix

package main_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestKillDuringWrite kills keepalivefix -w (SIGKILL, with the go list
// processes it started) at several moments of a run over a large tree and
// checks that every file is then either exactly as it was or exactly as a
// complete run leaves it: writes are atomic per file. A rerun must finish
// the job.
func TestKillDuringWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and fixes a tree of 300 packages several times")
	}
	const packages = 300
	env := biEnv()

	// A complete run on one copy gives the fixed text of every file and
	// the typical run time.
	full := killTree(t, packages)
	orig := killRead(t, full, packages)
	start := time.Now()
	r := biRun(t, full, env, "-w")
	elapsed := time.Since(start)
	if r.code != 0 {
		t.Fatalf("complete run: %s", r)
	}
	fixed := killRead(t, full, packages)
	for name := range orig {
		if orig[name] == fixed[name] {
			t.Fatalf("%s was not fixed by the complete run", name)
		}
	}
	t.Logf("complete run over %d packages: %v", packages, elapsed)

	check := func(t *testing.T, dir string) (fixedFiles int) {
		t.Helper()
		got := killRead(t, dir, packages)
		for name, text := range got {
			switch text {
			case orig[name]:
			case fixed[name]:
				fixedFiles++
			default:
				t.Errorf("%s is neither the original nor the fixed file:\n%s", name, text)
			}
		}
		var temps []string
		_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && strings.Contains(d.Name(), ".keepalivefix-") {
				temps = append(temps, path)
			}
			return nil
		})
		for _, p := range temps {
			if !strings.HasPrefix(filepath.Base(p), ".") {
				t.Errorf("visible temporary file left: %s", p)
			}
		}
		if len(temps) > 0 {
			t.Logf("hidden temporary files left by SIGKILL: %d (%s...)", len(temps), temps[0])
		}
		return fixedFiles
	}

	moments := []struct {
		name  string
		delay time.Duration // <0: -delay-1 after the first file is written
	}{
		{"10%", elapsed / 10},
		{"50%", elapsed / 2},
		{"90%", elapsed * 9 / 10},
		{"random", time.Duration(rand.Int64N(int64(elapsed)))},
		{"first write", -1},
		{"during writes", -1 - time.Duration(rand.Int64N(int64(100*time.Millisecond)))},
	}
	for _, m := range moments {
		t.Run(m.name, func(t *testing.T) {
			dir := killTree(t, packages)
			cmd := exec.Command(binary, "-w")
			cmd.Dir = dir
			cmd.Env = env
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			if m.delay >= 0 {
				select {
				case <-time.After(m.delay):
				case err := <-done:
					done <- err
				}
			} else {
				killWaitForWrite(t, dir, packages, orig, done)
				time.Sleep(-m.delay - 1)
			}
			// Kill the whole process group: keepalivefix and its go list.
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			err := <-done
			n := check(t, dir)
			t.Logf("killed after %v (%v): %d of %d files fixed", m.delay, err, n, packages)
			if strings.Contains(stderr.String(), "panic") {
				t.Errorf("stderr: %s", stderr.String())
			}
			// A second run completes the job.
			if m.delay < 0 {
				if r := biRun(t, dir, env, "-w"); r.code != 0 {
					t.Errorf("rerun: %s", r)
				}
				if n := check(t, dir); n != packages {
					t.Errorf("after a rerun %d of %d files are fixed", n, packages)
				}
			}
		})
	}
}

// killWaitForWrite polls until a file of the tree changes or the run ends.
func killWaitForWrite(t *testing.T, dir string, packages int, orig map[string]string, done chan error) {
	t.Helper()
	first := make([]time.Time, packages)
	for i := range packages {
		info, err := os.Stat(filepath.Join(dir, killName(i)))
		if err != nil {
			t.Fatal(err)
		}
		first[i] = info.ModTime()
	}
	for {
		select {
		case err := <-done:
			done <- err
			t.Logf("the run ended before a write was seen")
			return
		default:
		}
		// Files are written in name order: watch the first few.
		for i := range min(packages, 8) {
			info, err := os.Stat(filepath.Join(dir, killName(i)))
			if err == nil && !info.ModTime().Equal(first[i]) {
				return
			}
		}
		time.Sleep(time.Millisecond)
	}
}

func killName(i int) string { return fmt.Sprintf("p%03d/p%03d.go", i, i) }

// killTree writes a module of n packages, each with one fixable finding.
func killTree(t *testing.T, n int) string {
	t.Helper()
	files := map[string]string{"go.mod": biGoMod("example.com/big")}
	for i := range n {
		files[killName(i)] = fmt.Sprintf(`package p%03d

import "net/http"

// Status%[1]d returns the status of u.
func Status%[1]d(c *http.Client, u string) int {
	resp, err := c.Get(u)
	if err != nil {
		return 0
	}
	return resp.StatusCode
}
`, i)
	}
	return writeModule(t, files)
}

func killRead(t *testing.T, dir string, n int) map[string]string {
	t.Helper()
	out := make(map[string]string)
	for i := range n {
		data, err := os.ReadFile(filepath.Join(dir, killName(i)))
		if err != nil {
			t.Fatal(err)
		}
		out[killName(i)] = string(data)
	}
	return out
}
