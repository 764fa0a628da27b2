// Command peercheck runs one analyzer, keepalive or a no-op, under one of
// two drivers, for BenchmarkPeers to set beside keepalivefix and bodyclose:
//
//	peercheck -analyzer noop|keepalive -driver load|single [-cpuprofile f] [-memprofile f] [packages]
//
// -driver load is keepalivefix's own: packages.Load in LoadAllSyntax mode,
// tests included, then checker.Analyze. -driver single is
// golang.org/x/tools/go/analysis/singlechecker, the driver of bodyclose's
// command, which loads dependencies from export data unless the analyzer
// uses facts. The exit code is 0 whatever is found; 3 when packages fail to
// load.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/analysis/singlechecker"
	"golang.org/x/tools/go/packages"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

var noop = &analysis.Analyzer{
	Name: "noop",
	Doc:  "does nothing; the baseline for the driver's own cost",
	Run:  func(*analysis.Pass) (any, error) { return nil, nil },
}

func main() {
	fs := flag.NewFlagSet("peercheck", flag.ExitOnError)
	name := fs.String("analyzer", "noop", "noop or keepalive")
	driver := fs.String("driver", "load", "load (keepalivefix's) or single (singlechecker)")
	cpuprofile := fs.String("cpuprofile", "", "with -driver load: write a CPU profile to `file`")
	memprofile := fs.String("memprofile", "", "with -driver load: write a heap profile to `file` at the end")
	_ = fs.Parse(os.Args[1:]) // ExitOnError

	var a *analysis.Analyzer
	switch *name {
	case "noop":
		a = noop
	case "keepalive":
		a = analyzer.Analyzer
	default:
		fmt.Fprintf(os.Stderr, "peercheck: unknown analyzer %q\n", *name)
		os.Exit(2)
	}
	if *driver == "single" {
		os.Args = append([]string{os.Args[0]}, fs.Args()...)
		singlechecker.Main(a)
		return
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	code := load(a, fs.Args())
	if *memprofile != "" {
		f, err := os.Create(*memprofile)
		if err == nil {
			runtime.GC()
			_ = pprof.Lookup("allocs").WriteTo(f, 0)
			_ = f.Close()
		}
	}
	pprof.StopCPUProfile()
	os.Exit(code)
}

// load is cmd/keepalivefix's analyze, without grouping by module and
// printing: the same load mode and the same checker.
func load(a *analysis.Analyzer, patterns []string) int {
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	pkgs, err := packages.Load(&packages.Config{Mode: packages.LoadAllSyntax, Tests: true}, patterns...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	g, err := checker.Analyze([]*analysis.Analyzer{a}, pkgs, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	n := 0
	for act := range g.All() {
		if act.IsRoot {
			n += len(act.Diagnostics)
		}
	}
	fmt.Fprintf(os.Stderr, "peercheck: %d packages, %d diagnostics\n", len(pkgs), n)
	return 0
}
