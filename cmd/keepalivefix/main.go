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
// Exit codes: 0 no findings, 1 findings or fixes to show, 2 usage error, 3
// packages that failed to load or type-check (findings of the other
// packages are still printed) or a file that could not be written.
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
	"strconv"
	"strings"

	"github.com/keepalivefix/keepalivefix/analyzer"
	"github.com/keepalivefix/keepalivefix/internal/report"
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
		checks        = fs.String("checks", "all", "comma-separated check IDs or names to run; -ID disables one")
		strictDrain   = fs.Bool("strict-drain", false, "also report bodies read only by a decoder or scanner that may stop before EOF")
		explain       = fs.String("explain", "", "print the documentation of a check (ID or name) and exit")
		list          = fs.Bool("list", false, "list the checks and exit")
		dir           = fs.String("C", "", "change to `dir` before doing anything")
		tags          = fs.String("tags", "", "comma-separated build tags, as for the go command")
		tests         = fs.Bool("test", true, "also analyse test files")
		write         = fs.Bool("w", false, "write the fixes to the source files")
		diff          = fs.Bool("d", false, "print the fixes as a unified diff; exit 1 when there is one")
		listFiles     = fs.Bool("l", false, "list the files the fixes would change; exit 1 when there is one")
		format        = fs.String("format", "text", "output `format`: text, json, sarif or github (workflow annotations)")
		asJSON        = fs.Bool("json", false, "same as -format=json")
		asSARIF       = fs.Bool("sarif", false, "same as -format=sarif")
		baseline      = fs.String("baseline", "", "report only findings not in this baseline `file` (see -baseline-write)")
		baselineWrite = fs.Bool("baseline-write", false, "write the current findings to the -baseline file, replacing it, and report none")
		newFromRev    = fs.String("new-from-rev", "", "report only findings that did not exist at this git `revision` (analysed in a temporary worktree)")
		shared        = fs.String("shared", "internal/keepalive", "module-relative `dir` of the package -w writes for the client and drain helper that the fixes of several packages share (empty: one of each per package)")
		fixTests      = fs.Bool("fix-tests", true, "with -w, -d and -l, also fix findings in _test.go files (KA1004 and KA1005 are reported there)")
		showVersion   = fs.Bool("version", false, "print the version and exit (also: keepalivefix version)")
		driver        = fs.String("driver", "auto", "how packages are analysed when only reporting: `load` (all at once, in memory), vet (one process per package under go vet, memory bounded by the largest package, answered from the build cache), or auto (vet from "+strconv.Itoa(vetDriverPackages)+" packages)")
		opts          = analyzer.DefaultOptions()
	)
	fs.BoolVar(&opts.ReportUnusedIgnores, "unused-ignores", false, "report //keepalive:ignore directives that silence nothing")
	fs.StringVar(&opts.Client, "client", "", "shared client for fixes to send through, as `importpath.Name` (default: the package's own, or a new one)")
	fs.IntVar(&opts.MaxIdleConnsPerHost, "max-idle-per-host", opts.MaxIdleConnsPerHost, "idle connections per host of a client a fix declares")
	fs.DurationVar(&opts.ResponseHeaderTimeout, "header-timeout", opts.ResponseHeaderTimeout, "ResponseHeaderTimeout of a client a fix declares (0: none)")
	fs.DurationVar(&opts.Timeout, "timeout", 0, "Client.Timeout of a client a fix declares (0: none; it also cuts off long body reads)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: keepalivefix [flags] [packages]\n\nReports HTTP client code that defeats connection reuse (keep-alive).\nExit status: 0 clean, 1 findings or fixes to show, 2 usage error,\n3 packages failed to load, a package would not compile with its fixes\n(its files are left as they were), or a file could not be written.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitClean
		}
		return exitUsage
	}
	if *showVersion || (fs.NArg() == 1 && fs.Arg(0) == "version") {
		fmt.Fprintf(stdout, "keepalivefix %s\n", buildVersion())
		return exitClean
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
	switch {
	case *asJSON:
		*format = "json"
	case *asSARIF:
		*format = "sarif"
	}
	switch *format {
	case "text", "json", "sarif", "github":
	default:
		fmt.Fprintf(stderr, "keepalivefix: unknown -format %q (text, json, sarif, github)\n", *format)
		return exitUsage
	}
	opts.Checks, opts.StrictDrain = *checks, *strictDrain
	// Text and annotations do not say whether a fix exists: skip computing
	// the edits when nothing will apply them.
	// With -w, -d and -l, the findings are first only reported, then
	// filtered, and their fixes planned for those kept (fixplan.go).
	fixing := *write || *diff || *listFiles
	opts.NoFixEdits = fixing || *format == "text" || *format == "github"
	if *shared != "" {
		if err := checkSharedDir(*shared); err != nil {
			fmt.Fprintf(stderr, "keepalivefix: -shared %s: %v\n", *shared, err)
			return exitUsage
		}
	}
	a, err := analyzer.New(opts)
	if err != nil {
		fmt.Fprintf(stderr, "keepalivefix: %v\n", err)
		return exitUsage
	}
	if *dir != "" {
		if err := os.Chdir(*dir); err != nil {
			why := "no such directory"
			var pe *os.PathError
			if !errors.Is(err, os.ErrNotExist) && errors.As(err, &pe) {
				why = pe.Err.Error()
			}
			fmt.Fprintf(stderr, "keepalivefix: -C %s: %s\n", *dir, why)
			return exitUsage
		}
	}
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "keepalivefix: %v\n", err)
		return exitUsage
	}
	var base *report.Baseline
	switch {
	case *baselineWrite && *baseline == "":
		fmt.Fprintf(stderr, "keepalivefix: -baseline-write needs -baseline file\n")
		return exitUsage
	case *baseline != "" && !*baselineWrite:
		if base, err = readBaseline(*baseline); err != nil {
			fmt.Fprintf(stderr, "keepalivefix: -baseline: %v\n", err)
			return exitUsage
		}
	}
	var rev *revision
	if *newFromRev != "" {
		if rev, err = resolveRevision(cwd, *newFromRev); err != nil {
			fmt.Fprintf(stderr, "keepalivefix: -new-from-rev: %v\n", err)
			return exitUsage
		}
	}
	lc := loadConfig{dir: cwd, patterns: fs.Args(), tests: *tests}
	if _, err := chooseDriver(*driver, loadConfig{tests: lc.tests}, fixing || rev != nil); err != nil && *driver != "auto" {
		fmt.Fprintf(stderr, "keepalivefix: %v\n", err)
		return exitUsage
	}
	if len(lc.patterns) == 0 {
		lc.patterns = []string{"./..."}
	}
	if *tags != "" {
		lc.buildFlags = append(lc.buildFlags, "-tags="+strings.TrimSpace(*tags))
	}
	// A run that only reports is cached by content (cache.go); one that
	// fixes, or compares with a revision, always analyses.
	var cdir, ckey string
	var cstamp *stamp
	var stamped bool
	if !fixing && rev == nil {
		if cdir = cacheDir(); cdir != "" {
			ckey, cstamp, stamped = runKey(cdir, lc, fmt.Sprintf("%+v %s", opts, *format))
		}
	}
	res, cached := loadCached(cdir, ckey)
	if os.Getenv("KEEPALIVEFIX_CACHE") == "trace" && ckey != "" {
		how := ""
		if stamped {
			how = ", go list skipped"
		}
		fmt.Fprintf(stderr, "keepalivefix: cache %s%s (%s)\n", map[bool]string{true: "hit", false: "miss"}[cached], how, cdir)
	}
	if cached && cstamp != nil {
		cstamp.write(cdir)
	}
	if !cached {
		drv, err := chooseDriver(*driver, lc, fixing || rev != nil)
		if err != nil {
			fmt.Fprintf(stderr, "keepalivefix: %v\n", err)
			return exitUsage
		}
		if drv == "vet" {
			res, err = analyzeVet(opts, lc)
		} else {
			res, err = analyze(a, lc)
		}
		if err != nil {
			fmt.Fprintf(stderr, "keepalivefix: %v\n", err)
			return exitLoad
		}
		if len(res.loadErrors) == 0 {
			storeCached(cdir, ckey, res)
			if cstamp != nil {
				cstamp.write(cdir)
			}
		}
	}
	res.cwd = cwd
	for _, e := range res.loadErrors {
		fmt.Fprintf(stderr, "keepalivefix: %s\n", e)
	}
	if rev != nil {
		// The revision's findings are only compared, never fixed.
		revOpts := opts
		revOpts.NoFixEdits = true
		ra, err := analyzer.New(revOpts)
		if err == nil {
			res.findings, err = onlyNew(rev, ra, lc, res.findings, stderr)
		}
		if err != nil {
			fmt.Fprintf(stderr, "keepalivefix: -new-from-rev: %v\n", err)
			return exitLoad
		}
	}
	switch {
	case *baselineWrite:
		replaced, pruned, err := writeBaseline(*baseline, res.findings)
		if err != nil {
			fmt.Fprintf(stderr, "keepalivefix: -baseline-write: %v\n", err)
			return exitLoad
		}
		gone := ""
		if replaced {
			gone = fmt.Sprintf(" (%d gone since it was last written)", pruned)
		}
		fmt.Fprintf(stderr, "keepalivefix: wrote %s with %d findings%s; later runs with -baseline report only new ones\n", *baseline, len(res.findings), gone)
		res.findings = nil // all of them are in the baseline now
	case base != nil:
		if res.findings, err = filterBaseline(base, res.findings); err != nil {
			fmt.Fprintf(stderr, "keepalivefix: -baseline: %v\n", err)
			return exitLoad
		}
	}
	if fixing {
		return fix(res, opts, fixMode{write: *write, diff: *diff, list: *listFiles, format: *format, shared: *shared, fixTests: *fixTests}, stdout, stderr)
	}
	if err := writeFindings(stdout, *format, res.findings); err != nil {
		fmt.Fprintf(stderr, "keepalivefix: %v\n", err)
		return exitLoad
	}
	switch {
	case len(res.loadErrors) > 0:
		return exitLoad
	case len(res.findings) > 0:
		return exitFindings
	}
	return exitClean
}
