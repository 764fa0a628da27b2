// Package loadbench measures what keepalivefix's rewrite changes at run
// time: connections opened, throughput, latency and goroutines left behind
// by the client code of testdata/example, as written and as rewritten by
// the real fixer.
//
// Prepare copies testdata/example twice into a temporary directory, builds
// cmd/keepalivefix with the go command and runs `keepalivefix -w ./...` in
// the second copy, then writes the driver of testdata/driver/main.go into
// both copies as cmd/loaddriver and builds it. Run runs one driver binary;
// the driver starts loopback servers that count accepted connections
// (ConnState == StateNew) and calls the example's functions N times at
// concurrency C, over HTTP/1.1 or TLS.
//
//	go test ./internal/loadbench -run Reuse -v
//	go test ./internal/loadbench -run '^$' -bench . -benchtime 3x
package loadbench

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

//go:embed testdata/driver/main.go
var driverSource []byte

// Result is one scenario's figures, as the driver prints them.
type Result struct {
	Scenario    string `json:"scenario"`
	TLS         bool   `json:"tls"`
	Requests    int    `json:"requests"` // requests the servers received
	Calls       int    `json:"calls"`    // calls of the example's function
	Concurrency int    `json:"concurrency"`
	NewConns    int64  `json:"new_conns"` // connections the servers accepted
	// NewConns2nd is the part of NewConns accepted after the call of
	// index calls/2 started: the steady state, once the pool is warm.
	NewConns2nd    int64   `json:"new_conns_2nd_half"`
	Errors         int64   `json:"errors"`
	Seconds        float64 `json:"seconds"`
	ReqPerSec      float64 `json:"req_per_sec"`
	P50ms          float64 `json:"p50_ms"` // latency of one call
	P99ms          float64 `json:"p99_ms"`
	GoroutinesLeft int     `json:"goroutines_left"`
}

// ConnsPer1k is the number of new connections per thousand requests.
func (r Result) ConnsPer1k() float64 {
	if r.Requests == 0 {
		return 0
	}
	return float64(r.NewConns) * 1000 / float64(r.Requests)
}

// Variant names the two copies of the example.
const (
	Before = "before" // as written
	After  = "after"  // as rewritten by keepalivefix -w
)

// Workspace is a prepared pair of copies with their driver binaries.
type Workspace struct {
	Dir     string            // temporary root
	Drivers map[string]string // variant -> driver binary
	// FixOutput is what keepalivefix -w printed; Unfixed lists its
	// findings left without an automatic fix, as "file:line:col: ID ...",
	// file relative to the example's root.
	FixOutput string
	Unfixed   []string
}

// RepoRoot finds the keepalivefix module's root from the working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(bytes.TrimSpace(b), []byte("module github.com/keepalivefix/keepalivefix")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("loadbench: keepalivefix module root not found")
		}
		dir = parent
	}
}

// Prepare builds the workspace under tmp from the repository at root.
func Prepare(root, tmp string) (*Workspace, error) {
	ws := &Workspace{Dir: tmp, Drivers: map[string]string{}}
	bin := filepath.Join(tmp, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return nil, err
	}
	fixBin := filepath.Join(bin, "keepalivefix")
	build := exec.Command("go", "build", "-o", fixBin, "./cmd/keepalivefix")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building keepalivefix: %w\n%s", err, out)
	}
	src := filepath.Join(root, "testdata", "example")
	for _, v := range []string{Before, After} {
		if err := copyTree(src, filepath.Join(tmp, v)); err != nil {
			return nil, err
		}
	}

	// The real fixer, on the second copy. Exit code 1 means that findings
	// without an automatic fix are left (printed on stderr); anything else
	// but 0 is a failure.
	after := filepath.Join(tmp, After)
	cmd := exec.Command(fixBin, "-w", "./...")
	cmd.Dir = after
	cmd.Env = goEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	ws.FixOutput = stdout.String() + stderr.String()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) && ee.ExitCode() == 1 {
		err = nil
	}
	if err != nil {
		return nil, fmt.Errorf("keepalivefix -w: %w\n%s", err, ws.FixOutput)
	}
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		if line, ok := strings.CutSuffix(sc.Text(), " (no automatic fix)"); ok {
			ws.Unfixed = append(ws.Unfixed, line)
		}
	}
	if same, err := sameTree(filepath.Join(tmp, Before), after); err != nil {
		return nil, err
	} else if same {
		return nil, errors.New("keepalivefix -w changed nothing in the example")
	}

	for _, v := range []string{Before, After} {
		dir := filepath.Join(tmp, v)
		if err := os.MkdirAll(filepath.Join(dir, "cmd", "loaddriver"), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "cmd", "loaddriver", "main.go"), driverSource, 0o644); err != nil {
			return nil, err
		}
		exe := filepath.Join(bin, "loaddriver-"+v)
		if out, err := goCmd(dir, "build", "-o", exe, "./cmd/loaddriver"); err != nil {
			return nil, fmt.Errorf("building the %s driver: %w\n%s", v, err, out)
		}
		ws.Drivers[v] = exe
	}
	return ws, nil
}

// Options are the driver's load parameters.
type Options struct {
	N, C     int    // requests per scenario, concurrent callers
	TLS      bool   // serve over TLS
	Scenario string // substring of the scenario names to run; "" for all
}

// Run runs the driver of variant once and returns its results.
func (ws *Workspace) Run(variant string, o Options) ([]Result, error) {
	exe, ok := ws.Drivers[variant]
	if !ok {
		return nil, fmt.Errorf("no driver for %q", variant)
	}
	args := []string{"-n", strconv.Itoa(o.N), "-c", strconv.Itoa(o.C), "-tls=" + strconv.FormatBool(o.TLS)}
	if o.Scenario != "" {
		args = append(args, "-scenario", o.Scenario)
	}
	cmd := exec.Command(exe, args...)
	cmd.Dir = ws.Dir
	// The driver trusts the test server through SSL_CERT_FILE, which it
	// sets itself; start from a clean slate.
	cmd.Env = append(os.Environ(), "SSL_CERT_FILE=", "SSL_CERT_DIR=", "GODEBUG=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s %s: %w\n%s", filepath.Base(exe), strings.Join(args, " "), err, stderr.String())
	}
	var out []Result
	dec := json.NewDecoder(&stdout)
	for dec.More() {
		var r Result
		if err := dec.Decode(&r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if stderr.Len() > 0 {
		return out, fmt.Errorf("%s: %s", filepath.Base(exe), strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// Record is one scenario of one driver run of one variant, as written
// for the chart generator.
type Record struct {
	Variant string  `json:"variant"`
	Options Options `json:"options"`
	Result
}

func goCmd(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = goEnv()
	return cmd.CombinedOutput()
}

// goEnv keeps the copies out of any workspace and away from the network:
// the example has no dependencies.
func goEnv() []string {
	return append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off")
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

func sameTree(a, b string) (bool, error) {
	same := true
	err := filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		x, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || !bytes.Equal(x, y) {
			same = false
		}
		return nil
	})
	return same, err
}
