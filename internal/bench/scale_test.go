package bench

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var (
	scaleSizes = flag.String("scale.sizes", "100,250,500,1000,2000", "comma-separated package counts of the modules BenchmarkScale generates")
	scaleMD    = flag.String("scale.md", "", "write BenchmarkScale's table (markdown) to this `file`")
	scaleSVG   = flag.String("scale.svg", "", "write BenchmarkScale's chart of memory and time against package count to this `file`")
)

// scaleRow is what BenchmarkScale measured on one module.
type scaleRow struct {
	pkgs int
	m    map[string]measurement // by tool name
}

// scaleTools are measured on every generated module, from its root.
var scaleTools = []string{"keepalivefix -driver=load", "noop (load driver)", "keepalivefix -driver=vet", "noop (vet driver)", "keepalivefix warm"}

// BenchmarkScale generates modules of growing size (genModule) and runs
// keepalivefix on each under both drivers, beside a no-op analyzer under the
// same driver, as separate processes: wall time and peak RSS (wait4's
// ru_maxrss, the largest process of the tree: under the vet driver, the
// largest of the go command and the per-package vet tools, which the go
// command runs at most GOMAXPROCS at a time). Before the timed runs of a
// module, go build ./... fills the build cache with its export data (the vet
// driver needs it; keepalivefix's load driver does not), and one untimed run
// on a small module fills the facts of the standard library, which the go
// command keeps for a given keepalivefix binary. "warm" is a second run with
// the result cache on, after a first one, unchanged code; its output must be
// byte-identical to the cold runs'.
//
//	go test ./internal/bench -run '^$' -bench Scale -benchtime 1x -timeout 60m -scale.md /tmp/scale.md -scale.svg "$PWD/docs/bench/scale.svg"
func BenchmarkScale(b *testing.B) {
	root, err := repoRoot()
	if err != nil {
		b.Fatal(err)
	}
	tmp := b.TempDir()
	for _, p := range []string{"./cmd/keepalivefix", "./internal/bench/cmd/peercheck", "./internal/bench/cmd/noopvet"} {
		cmd := exec.Command("go", "build", "-o", tmp+"/", p)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go build %s: %v\n%s", p, err, out)
		}
	}
	kf := filepath.Join(tmp, "keepalivefix")
	cacheHome := filepath.Join(tmp, "cache")
	off := []string{"env", "KEEPALIVEFIX_CACHE=off"}
	on := []string{"env", "XDG_CACHE_HOME=" + cacheHome}
	tools := map[string][]string{
		scaleTools[0]: append(append([]string{}, off...), kf, "-driver=load"),
		scaleTools[1]: {filepath.Join(tmp, "peercheck"), "-analyzer", "noop", "-driver", "load"},
		scaleTools[2]: append(append([]string{}, off...), kf, "-driver=vet"),
		scaleTools[3]: {"go", "vet", "-vettool=" + filepath.Join(tmp, "noopvet")},
		scaleTools[4]: append(append([]string{}, on...), kf),
	}
	// The standard library's facts, once for this binary.
	small := filepath.Join(tmp, "small")
	if err := os.MkdirAll(small, 0o755); err != nil {
		b.Fatal(err)
	}
	if err := genModule(small, 20); err != nil {
		b.Fatal(err)
	}
	if m, out, err := measure(tool{"warm-up", tools[scaleTools[2]]}, target{"small", small, []string{"./..."}}); err != nil || m.code != 1 {
		b.Fatalf("warm-up: exit %d, %v\n%s", m.code, err, out)
	}
	var rows []scaleRow
	for _, field := range strings.Split(*scaleSizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n <= 0 {
			b.Fatalf("-scale.sizes: bad size %q", field)
		}
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				dir := filepath.Join(tmp, "m"+strconv.Itoa(n))
				_ = os.RemoveAll(dir)
				if err := os.MkdirAll(dir, 0o755); err != nil {
					b.Fatal(err)
				}
				if err := genModule(dir, n); err != nil {
					b.Fatal(err)
				}
				build := exec.Command("go", "build", "./...")
				build.Dir = dir
				if out, err := build.CombinedOutput(); err != nil {
					b.Fatalf("go build: %v\n%s", err, out)
				}
				tg := target{strconv.Itoa(n), dir, []string{"./..."}}
				row := scaleRow{pkgs: n, m: map[string]measurement{}}
				var outputs [][]byte
				for _, name := range scaleTools {
					if name == "keepalivefix warm" {
						// The first run fills the cache; the second is timed.
						if _, out, err := measure(tool{name, tools[name]}, tg); err != nil {
							b.Fatalf("%s: %v\n%s", name, err, out)
						}
					}
					m, stdout, out, err := measureOutput(tool{name, tools[name]}, tg)
					if err != nil {
						b.Fatalf("%s on %d packages: %v\n%s", name, n, err, out)
					}
					row.m[name] = m
					if strings.HasPrefix(name, "keepalivefix") {
						outputs = append(outputs, stdout)
					}
					b.ReportMetric(m.wall.Seconds(), metricName(name)+"-s")
					b.ReportMetric(float64(m.rssKB)/1024, metricName(name)+"-MB")
				}
				for _, o := range outputs[1:] {
					if !bytes.Equal(o, outputs[0]) {
						b.Fatalf("%d packages: the drivers' or the warm run's output differs from the load driver's", n)
					}
				}
				if want := n / 10 * 2; bytes.Count(outputs[0], []byte("\n")) != want {
					b.Fatalf("%d packages: %d findings, want %d", n, bytes.Count(outputs[0], []byte("\n")), want)
				}
				rows = append(rows, row)
				_ = os.RemoveAll(dir)
			}
		})
	}
	table := scaleTable(rows)
	b.Log("\n" + table)
	if *scaleMD != "" {
		if err := os.WriteFile(*scaleMD, []byte(table), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	if *scaleSVG != "" {
		if err := os.WriteFile(*scaleSVG, []byte(scaleChart(rows)), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

// measureOutput is measure with the child's standard output kept.
func measureOutput(t tool, tg target) (measurement, []byte, string, error) {
	out, err := os.CreateTemp("", "scale-out")
	if err != nil {
		return measurement{}, nil, "", err
	}
	defer func() { _ = os.Remove(out.Name()) }()
	// The child writes through its own descriptor; this one is only
	// the name's holder.
	if err := out.Close(); err != nil {
		return measurement{}, nil, "", err
	}
	t.args = append([]string{"sh", "-c", `out=$1; shift; exec "$@" >"$out"`, "sh", out.Name()}, t.args...)
	m, stderr, err := measure(t, tg)
	if err != nil {
		return m, nil, stderr, err
	}
	b, err := os.ReadFile(out.Name())
	return m, b, stderr, err
}

func scaleTable(rows []scaleRow) string {
	var b strings.Builder
	b.WriteString("| packages |")
	for _, t := range scaleTools {
		fmt.Fprintf(&b, " %s s | MB |", t)
	}
	b.WriteString(" load / noop | vet / noop | warm / vet |\n|---:|")
	for range scaleTools {
		b.WriteString("---:|---:|")
	}
	b.WriteString("---:|---:|---:|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %d |", r.pkgs)
		for _, t := range scaleTools {
			fmt.Fprintf(&b, " %.2f | %.0f |", r.m[t].wall.Seconds(), float64(r.m[t].rssKB)/1024)
		}
		w := func(t string) float64 { return r.m[t].wall.Seconds() }
		fmt.Fprintf(&b, " %.2fx | %.2fx | %.3fx |\n", w(scaleTools[0])/w(scaleTools[1]), w(scaleTools[2])/w(scaleTools[3]), w(scaleTools[4])/w(scaleTools[2]))
	}
	return b.String()
}

// scaleChart draws peak memory and wall time against package count, one
// line per tool, as an SVG of two panels.
func scaleChart(rows []scaleRow) string {
	const W, H, pad = 440, 300, 50
	colors := []string{"#d62728", "#ff9896", "#1f77b4", "#aec7e8", "#2ca02c"}
	maxN := 0
	for _, r := range rows {
		maxN = max(maxN, r.pkgs)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">`+"\n", 2*W, H+70)
	panel := func(x0 int, title string, value func(measurement) float64) {
		maxV := 0.0
		for _, r := range rows {
			for _, t := range scaleTools {
				maxV = max(maxV, value(r.m[t]))
			}
		}
		if maxV == 0 {
			maxV = 1
		}
		px := func(n int) float64 { return float64(x0+pad) + float64(n)/float64(maxN)*float64(W-2*pad) }
		py := func(v float64) float64 { return float64(H-pad) - v/maxV*float64(H-2*pad) }
		fmt.Fprintf(&b, `<text x="%d" y="20" font-size="13">%s</text>`+"\n", x0+pad, title)
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/><line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>`+"\n", x0+pad, H-pad, x0+W-pad, H-pad, x0+pad, pad, x0+pad, H-pad)
		for i := 0; i <= 4; i++ {
			v := maxV * float64(i) / 4
			fmt.Fprintf(&b, `<text x="%d" y="%.0f" text-anchor="end">%.0f</text>`+"\n", x0+pad-4, py(v)+4, v)
		}
		for _, r := range rows {
			fmt.Fprintf(&b, `<text x="%.0f" y="%d" text-anchor="middle">%d</text>`+"\n", px(r.pkgs), H-pad+14, r.pkgs)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">packages</text>`+"\n", x0+W/2, H-pad+30)
		for i, t := range scaleTools {
			var pts []string
			for _, r := range rows {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(r.pkgs), py(value(r.m[t]))))
			}
			fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`+"\n", colors[i], strings.Join(pts, " "))
		}
	}
	panel(0, "peak RSS (MB)", func(m measurement) float64 { return float64(m.rssKB) / 1024 })
	panel(W, "wall time (s)", func(m measurement) float64 { return m.wall.Seconds() })
	for i, t := range scaleTools {
		x := pad + i*170
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d">%s</text>`+"\n", x, H+40, colors[i], x+16, H+50, t)
	}
	b.WriteString("</svg>\n")
	return b.String()
}
