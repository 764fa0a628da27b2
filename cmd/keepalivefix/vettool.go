package main

import (
	"strings"

	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

// isVetTool reports whether the go command is running us as a vet or fix
// tool: it first asks for our version (-V=full) and flags (-flags), then
// passes one JSON config file per package.
func isVetTool(args []string) bool {
	if len(args) == 0 {
		return false
	}
	last := args[len(args)-1]
	return args[0] == "-V=full" || args[0] == "-flags" || strings.HasSuffix(last, ".cfg")
}

func runVetTool() { unitchecker.Main(analyzer.Analyzer) }
