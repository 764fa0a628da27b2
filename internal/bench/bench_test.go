package bench

import (
	"runtime"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

// noop is the baseline: an analyzer that does nothing, run by the same
// driver on the same packages.
var noop = &analysis.Analyzer{
	Name: "noop",
	Doc:  "does nothing; the baseline for the driver's own cost",
	Run:  func(*analysis.Pass) (any, error) { return nil, nil },
}

// patterns is the package set: the standard library's networking packages,
// which hold most of the HTTP client code in the distribution.
var patterns = []string{"net/..."}

// BenchmarkDriver loads, type-checks and analyses the package set, as the
// keepalivefix command does, once with the no-op analyzer and once with
// keepalive. Compare the two ns/op and live-MB figures.
func BenchmarkDriver(b *testing.B) {
	for _, a := range []*analysis.Analyzer{noop, analyzer.Analyzer} {
		b.Run(a.Name, func(b *testing.B) {
			b.ReportAllocs()
			var live uint64
			for b.Loop() {
				pkgs, err := packages.Load(&packages.Config{Mode: packages.LoadAllSyntax}, patterns...)
				if err != nil {
					b.Fatal(err)
				}
				g, err := checker.Analyze([]*analysis.Analyzer{a}, pkgs, nil)
				if err != nil {
					b.Fatal(err)
				}
				live = max(live, liveHeap())
				runtime.KeepAlive(g)
			}
			b.ReportMetric(float64(live)/(1<<20), "live-MB")
		})
	}
}

// BenchmarkAnalysis times the analysis alone on packages loaded once.
func BenchmarkAnalysis(b *testing.B) {
	pkgs, err := packages.Load(&packages.Config{Mode: packages.LoadAllSyntax}, patterns...)
	if err != nil {
		b.Fatal(err)
	}
	for _, a := range []*analysis.Analyzer{noop, analyzer.Analyzer} {
		b.Run(a.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := checker.Analyze([]*analysis.Analyzer{a}, pkgs, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// liveHeap is the heap still in use after a collection: with the loaded
// packages and the analysis graph reachable, it is the run's peak.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
