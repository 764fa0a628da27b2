// Command noopvet is a vet tool that runs a no-op analyzer, the baseline
// for keepalivefix under the go command's vet protocol (its -driver=vet):
//
//	go vet -vettool=$(which noopvet) ./...
package main

import (
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/unitchecker"
)

var noop = &analysis.Analyzer{
	Name: "noop",
	Doc:  "does nothing; the baseline for the vet protocol's own cost",
	Run:  func(*analysis.Pass) (any, error) { return nil, nil },
}

func main() { unitchecker.Main(noop) }
