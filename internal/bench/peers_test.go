package bench

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	peersMD        = flag.String("peers.md", "", "write BenchmarkPeers' table (markdown) to this `file`")
	bodycloseAt    = flag.String("peers.bodyclose", "latest", "version of github.com/timakin/bodyclose to install")
	bodycloseBin   = flag.String("peers.bodyclose-bin", "", "use this bodyclose binary instead of installing one")
	peersExample   = flag.String("peers.example", "", "module directory of the second target (default: the repository's testdata/example)")
	errNoBodyclose = errors.New("bodyclose could not be installed")
)

// tool is one command line analysed for time and peak memory.
type tool struct {
	name string
	args []string // the binary and its flags; the patterns are appended
}

// target is a package set: patterns run from dir.
type target struct {
	name     string
	dir      string
	patterns []string
}

// measurement is one run of one tool on one target.
type measurement struct {
	wall  time.Duration
	rssKB int64
	code  int
}

var (
	peersOnce  sync.Once
	peersInfo  string // versions of the tools, for the table
	peersTools []tool
	peersTmp   string
	peersErr   error
)

// peerTools builds keepalivefix and peercheck into a temporary directory
// and installs bodyclose there with go install (GOBIN), outside this
// module: nothing is added to go.mod.
func peerTools(tb testing.TB) []tool {
	tb.Helper()
	peersOnce.Do(func() {
		root, err := repoRoot()
		if err != nil {
			peersErr = err
			return
		}
		tmp, err := os.MkdirTemp("", "peers")
		if err != nil {
			peersErr = err
			return
		}
		peersTmp = tmp
		for _, p := range []string{"./cmd/keepalivefix", "./internal/bench/cmd/peercheck"} {
			cmd := exec.Command("go", "build", "-o", tmp+"/", p)
			cmd.Dir = root
			if out, err := cmd.CombinedOutput(); err != nil {
				peersErr = fmt.Errorf("go build %s: %w\n%s", p, err, out)
				return
			}
		}
		bodyclose := *bodycloseBin
		if bodyclose == "" {
			cmd := exec.Command("go", "install", "github.com/timakin/bodyclose@"+*bodycloseAt)
			cmd.Dir = tmp
			cmd.Env = append(os.Environ(), "GOBIN="+tmp, "GOWORK=off", "GOFLAGS=")
			if out, err := cmd.CombinedOutput(); err != nil {
				peersErr = fmt.Errorf("%w: %w\n%s", errNoBodyclose, err, out)
				return
			}
			bodyclose = filepath.Join(tmp, "bodyclose")
		}
		if out, err := exec.Command("go", "version", "-m", bodyclose).Output(); err == nil {
			for _, line := range strings.Split(string(out), "\n") {
				f := strings.Fields(line)
				if len(f) >= 3 && (f[0] == "mod" || f[0] == "dep" && f[1] == "golang.org/x/tools") {
					peersInfo += f[1] + " " + f[2] + "; "
				}
			}
		}
		pc := filepath.Join(tmp, "peercheck")
		peersTools = []tool{
			{"keepalivefix", []string{filepath.Join(tmp, "keepalivefix")}},
			{"noop (keepalivefix's driver)", []string{pc, "-analyzer", "noop", "-driver", "load"}},
			{"keepalive (singlechecker)", []string{pc, "-analyzer", "keepalive", "-driver", "single"}},
			{"noop (singlechecker)", []string{pc, "-analyzer", "noop", "-driver", "single"}},
			{"bodyclose (singlechecker)", []string{bodyclose}},
		}
	})
	if peersErr != nil {
		if errors.Is(peersErr, errNoBodyclose) {
			tb.Skip(peersErr)
		}
		tb.Fatal(peersErr)
	}
	return peersTools
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && bytes.HasPrefix(b, []byte("module github.com/keepalivefix/keepalivefix")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("module root not found")
		}
		dir = parent
	}
}

// measure runs t on tg and reads the child's wall time and peak resident
// set (wait4's ru_maxrss: the largest of the process and the children it
// waited for, such as go list).
func measure(t tool, tg target) (measurement, string, error) {
	cmd := exec.Command(t.args[0], append(slices.Clone(t.args[1:]), tg.patterns...)...)
	cmd.Dir = tg.dir
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = nil, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	m := measurement{wall: wall}
	if cmd.ProcessState == nil {
		return m, stderr.String(), err
	}
	m.code = cmd.ProcessState.ExitCode()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.rssKB = ru.Maxrss
	}
	// 1: findings; 3: keepalivefix's and singlechecker's "some packages
	// failed" (bodyclose reports its findings with 3 too). 2 is a usage
	// error, a negative code a signal.
	if m.code == 0 || m.code == 1 || m.code == 3 {
		err = nil
	}
	return m, stderr.String(), err
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// BenchmarkPeers sets keepalivefix beside a no-op analyzer under the same
// driver and beside bodyclose, as separate processes on the same packages:
// std net/... and the example module. Each iteration runs every tool once
// per target, in rotating order; the figures are medians over iterations,
// after one unmeasured warm-up round that fills the build cache (the
// singlechecker driver compiles dependencies for their export data).
//
//	go test ./internal/bench -run '^$' -bench Peers -benchtime 5x -peers.md /tmp/peers.md
func BenchmarkPeers(b *testing.B) {
	tools := peerTools(b)
	root, err := repoRoot()
	if err != nil {
		b.Fatal(err)
	}
	example := *peersExample
	if example == "" {
		example = filepath.Join(root, "testdata", "example")
	}
	targets := []target{
		{"std net/...", root, []string{"net/..."}},
		{"example ./...", example, []string{"./..."}},
	}
	var md strings.Builder
	fmt.Fprintf(&md, "| target | tool | wall s (median) | peak RSS MB (median) | exit |\n|---|---|---:|---:|---:|\n")
	var ratios strings.Builder
	warmed := map[string]bool{}
	for _, tg := range targets {
		b.Run(strings.Fields(tg.name)[0], func(b *testing.B) {
			// Warm up once per target, should the testing package call
			// this function again.
			for _, t := range tools {
				if warmed[tg.name] {
					break
				}
				if _, out, err := measure(t, tg); err != nil {
					b.Fatalf("%s on %s: %v\n%s", t.name, tg.name, err, out)
				}
			}
			warmed[tg.name] = true
			wall := make([][]float64, len(tools))
			rss := make([][]float64, len(tools))
			codes := make([]int, len(tools))
			round := 0
			for b.Loop() {
				for j := range tools {
					i := (j + round) % len(tools)
					m, out, err := measure(tools[i], tg)
					if err != nil {
						b.Fatalf("%s on %s: %v\n%s", tools[i].name, tg.name, err, out)
					}
					wall[i] = append(wall[i], m.wall.Seconds())
					rss[i] = append(rss[i], float64(m.rssKB)/1024)
					codes[i] = m.code
				}
				round++
			}
			w := make([]float64, len(tools))
			r := make([]float64, len(tools))
			for i, t := range tools {
				w[i], r[i] = median(wall[i]), median(rss[i])
				fmt.Fprintf(&md, "| %s | %s | %.2f | %.0f | %d |\n", tg.name, t.name, w[i], r[i], codes[i])
				b.ReportMetric(w[i], metricName(t.name)+"-s")
				b.ReportMetric(r[i], metricName(t.name)+"-MB")
			}
			// 0 keepalivefix, 1 noop same driver, 2 keepalive single,
			// 3 noop single, 4 bodyclose.
			ratio := func(label string, x, y float64, target string) {
				fmt.Fprintf(&ratios, "| %s | %s | %.2fx | %s |\n", tg.name, label, x/y, target)
			}
			ratio("time: keepalivefix / noop (keepalivefix's driver)", w[0], w[1], "<= 1.10x")
			ratio("time: keepalivefix / bodyclose", w[0], w[4], "<= 0.50x")
			ratio("peak RSS: keepalivefix / bodyclose", r[0], r[4], "<= 0.30x")
			ratio("time: keepalive / noop (both singlechecker)", w[2], w[3], "")
			ratio("time: keepalive / bodyclose (both singlechecker)", w[2], w[4], "")
			ratio("peak RSS: keepalive / bodyclose (both singlechecker)", r[2], r[4], "")
			b.ReportMetric(w[0]/w[1], "ka/noop-time-x")
			b.ReportMetric(w[0]/w[4], "ka/bodyclose-time-x")
			b.ReportMetric(r[0]/r[4], "ka/bodyclose-rss-x")
		})
	}
	table := "bodyclose build: " + peersInfo + "\n\n" + md.String() + "\n| target | ratio | measured | target |\n|---|---|---:|---|\n" + ratios.String()
	b.Log("\n" + table)
	if *peersMD != "" {
		if err := os.WriteFile(*peersMD, []byte(table), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

func metricName(s string) string {
	s = strings.NewReplacer(" (keepalivefix's driver)", "-kadriver", " (singlechecker)", "-single").Replace(s)
	return strings.ReplaceAll(s, " ", "-")
}

// TestMedian covers the helper the benchmark's figures rest on.
func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if peersTmp != "" {
		_ = os.RemoveAll(peersTmp)
	}
	os.Exit(code)
}
