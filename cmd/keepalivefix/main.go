// Command keepalivefix reports Go HTTP client code that defeats connection
// reuse (keep-alive).
//
// Usage:
//
//	keepalivefix [flags] [packages]
//
// Packages are named as for the go command (default ./...). A directory
// pattern may point into another module, such as ./testdata/example/...:
// it is loaded from that module's root.
//
// Exit codes: 0 no findings, 1 findings, 2 usage error, 3 packages that
// failed to load or type-check (findings of the other packages are still
// printed).
//
// Run by the go command as a vet tool (go vet -vettool=$(which
// keepalivefix)), it speaks the go command's unitchecker protocol.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

const (
	exitClean    = 0
	exitFindings = 1
	exitUsage    = 2
	exitLoad     = 3
)

func main() {
	if isVetTool(os.Args[1:]) {
		runVetTool()
		return
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("keepalivefix", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		checks      = fs.String("checks", "all", "comma-separated check IDs or names to run; -ID disables one")
		strictDrain = fs.Bool("strict-drain", false, "also report bodies read only by a decoder or scanner that may stop before EOF")
		explain     = fs.String("explain", "", "print the documentation of a check (ID or name) and exit")
		list        = fs.Bool("list", false, "list the checks and exit")
		dir         = fs.String("C", "", "change to `dir` before doing anything")
		tags        = fs.String("tags", "", "comma-separated build tags, as for the go command")
		tests       = fs.Bool("test", true, "also analyse test files")
	)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: keepalivefix [flags] [packages]\n\nReports HTTP client code that defeats connection reuse (keep-alive).\nExit status: 0 clean, 1 findings, 2 usage error, 3 packages failed to load.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitClean
		}
		return exitUsage
	}
	if *list {
		for _, c := range analyzer.Checks {
			fmt.Fprintf(stdout, "%s\t%-22s\t%s\n", c.ID, c.Name, c.Title)
		}
		return exitClean
	}
	if *explain != "" {
		c := analyzer.Lookup(*explain)
		if c == nil {
			fmt.Fprintf(stderr, "keepalivefix: unknown check %q (see -list)\n", *explain)
			return exitUsage
		}
		fmt.Fprint(stdout, c.Explain())
		return exitClean
	}
	a, err := analyzer.New(analyzer.Options{Checks: *checks, StrictDrain: *strictDrain})
	if err != nil {
		fmt.Fprintf(stderr, "keepalivefix: -checks: %v\n", err)
		return exitUsage
	}
	if *dir != "" {
		if err := os.Chdir(*dir); err != nil {
			fmt.Fprintf(stderr, "keepalivefix: %v\n", err)
			return exitUsage
		}
	}
	patterns := fs.Args()
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	var buildFlags []string
	if *tags != "" {
		buildFlags = append(buildFlags, "-tags="+strings.TrimSpace(*tags))
	}
	res, err := analyze(a, patterns, buildFlags, *tests)
	if err != nil {
		fmt.Fprintf(stderr, "keepalivefix: %v\n", err)
		return exitLoad
	}
	for _, e := range res.loadErrors {
		fmt.Fprintf(stderr, "keepalivefix: %s\n", e)
	}
	for _, f := range res.findings {
		fmt.Fprintln(stdout, f)
	}
	switch {
	case len(res.loadErrors) > 0:
		return exitLoad
	case len(res.findings) > 0:
		return exitFindings
	}
	return exitClean
}
