package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"
	"time"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"

	"github.com/keepalivefix/keepalivefix/fixer"
	"github.com/keepalivefix/keepalivefix/internal/bodyfacts"
	"github.com/keepalivefix/keepalivefix/internal/knowledge"
	"github.com/keepalivefix/keepalivefix/internal/transportfacts"
)

// Options select what the analyzer reports. The command, the golangci-lint
// plugin and the tests all configure the analyzer through them.
type Options struct {
	// Checks is a comma-separated list of check IDs or names. "all" (or
	// empty) enables every check; a leading "-" disables one, so
	// "all,-KA1001" or "-default-client" run everything but KA1001, and
	// "KA1004,KA1005" runs just those two.
	Checks string
	// StrictDrain also reports bodies read by a json.Decoder, xml.Decoder or
	// bufio.Scanner that stops before EOF (KA1005). Off by default: with a
	// Content-Length response the last read usually returns io.EOF anyway;
	// with a chunked one it does not.
	StrictDrain bool

	// ReportUnusedIgnores reports //keepalive:ignore directives that
	// silence nothing.
	ReportUnusedIgnores bool

	// Client names the shared client fixes send through, as
	// "importpath.Name"; empty uses the package's own or declares one.
	Client string
	// MaxIdleConnsPerHost is the idle pool size per host of a declared
	// client.
	MaxIdleConnsPerHost int
	// ResponseHeaderTimeout bounds the wait for response headers on a
	// declared client; 0 leaves it unbounded.
	ResponseHeaderTimeout time.Duration
	// Timeout sets Client.Timeout on a declared client; 0, the default,
	// leaves it unset, since it also cuts off long body reads.
	Timeout time.Duration
	// FixOnly, when set, plans fixes only for the diagnostics it accepts,
	// by position and check ID; the others are reported without one. The
	// command filters its findings (baseline, -new-from-rev, files it will
	// not write) before it plans, so that what is planned is what is
	// written.
	FixOnly func(pos token.Position, check string) bool
	// SharedPackage, when set, returns the import path of the package that
	// holds the shared client and drain helper of the module with the given
	// path (which the command writes), or "" for a declaration in each
	// package that needs one.
	SharedPackage func(module string) string
	// SingleFileFixes offers only fixes whose edits lie in the file of
	// their diagnostic, for drivers that apply no other edit
	// (golangci-lint).
	SingleFileFixes bool
	// NoFixEdits leaves the diagnostics without their SuggestedFixes,
	// which costs a second type-check of each package with findings. For
	// drivers that only report.
	NoFixEdits bool
}

// DefaultOptions are the options of Analyzer and of the command.
func DefaultOptions() Options {
	return Options{
		Checks:                "all",
		MaxIdleConnsPerHost:   fixer.Defaults.MaxIdleConnsPerHost,
		ResponseHeaderTimeout: fixer.Defaults.ResponseHeaderTimeout,
	}
}

func (o *Options) fixOptions(pass *analysis.Pass) fixer.Options {
	fo := fixer.Options{
		Client:                o.Client,
		MaxIdleConnsPerHost:   o.MaxIdleConnsPerHost,
		ResponseHeaderTimeout: o.ResponseHeaderTimeout,
		Timeout:               o.Timeout,
		NoEdits:               o.NoFixEdits,
		SingleFile:            o.SingleFileFixes,
	}
	if o.SharedPackage != nil && pass.Module != nil {
		if shared := o.SharedPackage(pass.Module.Path); shared != pass.Pkg.Path() {
			fo.Shared = shared
		}
	}
	return fo
}

// Analyzer is the keepalive analyzer with its options bound to its flags.
var Analyzer = newAnalyzer(ptr(DefaultOptions()))

func ptr[T any](v T) *T { return &v }

// fixEditsFlag is -fix-edits, the negation of Options.NoFixEdits.
type fixEditsFlag struct{ opts *Options }

func (f fixEditsFlag) String() string {
	if f.opts == nil {
		return "true"
	}
	return strconv.FormatBool(!f.opts.NoFixEdits)
}

func (f fixEditsFlag) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	f.opts.NoFixEdits = !v
	return nil
}

func (f fixEditsFlag) IsBoolFlag() bool { return true }

// New returns a keepalive analyzer configured by opts, or an error if
// opts.Checks names an unknown check.
func New(opts Options) (*analysis.Analyzer, error) {
	if _, err := ParseChecks(opts.Checks); err != nil {
		return nil, err
	}
	if opts.MaxIdleConnsPerHost < 0 {
		return nil, fmt.Errorf("max-idle-per-host must be positive, not %d", opts.MaxIdleConnsPerHost)
	}
	if opts.MaxIdleConnsPerHost == 0 {
		opts.MaxIdleConnsPerHost = fixer.Defaults.MaxIdleConnsPerHost
	}
	if opts.Timeout < 0 || opts.ResponseHeaderTimeout < 0 {
		return nil, fmt.Errorf("timeouts must not be negative")
	}
	return newAnalyzer(&opts), nil
}

func newAnalyzer(opts *Options) *analysis.Analyzer {
	a := &analysis.Analyzer{
		Name: "keepalive",
		Doc:  doc,
		URL:  "https://github.com/keepalivefix/keepalivefix",
		// Not inspect.Analyzer: the inspector is built in run, only for
		// packages whose code touches net/http (touches.go; most of a
		// large module does not), where building it for every package
		// was a tenth of the run.
		Requires: []*analysis.Analyzer{bodyfacts.Analyzer, transportfacts.Analyzer},
		Run: func(pass *analysis.Pass) (any, error) {
			return run(pass, opts)
		},
	}
	a.Flags.Var(checksFlag{opts}, "checks", "comma-separated check IDs or names to run; -ID disables one (default all)")
	a.Flags.BoolVar(&opts.StrictDrain, "strict-drain", opts.StrictDrain, "also report bodies read by a decoder or scanner that may stop before EOF")
	a.Flags.BoolVar(&opts.ReportUnusedIgnores, "unused-ignores", opts.ReportUnusedIgnores, "report //keepalive:ignore directives that silence nothing")
	a.Flags.StringVar(&opts.Client, "client", opts.Client, "shared client for fixes to send through, as importpath.Name (default: the package's own, or a new one)")
	a.Flags.IntVar(&opts.MaxIdleConnsPerHost, "max-idle-per-host", opts.MaxIdleConnsPerHost, "idle connections per host of a client the fix declares")
	a.Flags.DurationVar(&opts.ResponseHeaderTimeout, "header-timeout", opts.ResponseHeaderTimeout, "ResponseHeaderTimeout of a client the fix declares (0: none)")
	a.Flags.DurationVar(&opts.Timeout, "timeout", opts.Timeout, "Client.Timeout of a client the fix declares (0: none; it also cuts off long body reads)")
	a.Flags.Var(fixEditsFlag{opts}, "fix-edits", "compute the edits of the suggested fixes (false: say only why a finding has none; faster, for drivers that apply no fix)")
	return a
}

type checksFlag struct{ opts *Options }

func (f checksFlag) String() string {
	if f.opts == nil {
		return ""
	}
	return f.opts.Checks
}

func (f checksFlag) Set(s string) error {
	if _, err := ParseChecks(s); err != nil {
		return err
	}
	f.opts.Checks = s
	return nil
}

// ParseChecks resolves a -checks value to the set of enabled checks.
func ParseChecks(spec string) (map[*Check]bool, error) {
	enabled := make(map[*Check]bool)
	fields := strings.FieldsFunc(spec, func(r rune) bool { return r == ',' || r == ' ' })
	if len(fields) == 0 || strings.HasPrefix(fields[0], "-") {
		fields = append([]string{"all"}, fields...)
	}
	for _, f := range fields {
		on := !strings.HasPrefix(f, "-")
		name := strings.TrimPrefix(f, "-")
		if name == "all" {
			for _, c := range Checks {
				enabled[c] = on
			}
			continue
		}
		c := Lookup(name)
		if c == nil {
			return nil, fmt.Errorf("unknown check %q (known: %s)", name, knownChecks())
		}
		enabled[c] = on
	}
	return enabled, nil
}

func knownChecks() string {
	var ids []string
	for _, c := range Checks {
		ids = append(ids, c.ID+" "+c.Name)
	}
	return strings.Join(ids, ", ")
}

// pass is one package's analysis, shared by every check.
type pass struct {
	*analysis.Pass
	opts      *Options
	enabled   map[*Check]bool
	inspect   *inspector.Inspector
	generated map[*token.File]bool
	planner   *fixer.Planner
	// testSupport: the package's code runs only in tests (testsupport.go).
	testSupport bool
	pending     []pendingDiag
	// closedUnread maps a request that asks for its connection to be
	// closed to the call whose response is then closed unread (bodies.go);
	// afterBodies are the KA1003 reports that depend on it.
	closedUnread map[*types.Var]*ast.CallExpr
	afterBodies  []func()

	ignores    map[*token.File]map[int][]*directive
	allIgnores []*directive
}

// pendingDiag is a diagnostic waiting for its fix, which is resolved with
// the package's other fixes.
type pendingDiag struct {
	diag analysis.Diagnostic
	fix  *fixer.Fix
}

// runners maps each check to the function that runs it on a package.
var runners = map[*Check]func(*pass){
	DefaultClient:       runDefaultClient,
	TransportPerRequest: runTransportPerRequest,
	KeepAliveDisabled:   runKeepAliveDisabled,
	BodyNotClosed:       nil, // KA1004 and KA1005 share one walk: runBodies
	BodyNotDrained:      nil,
	ContextCancelled:    runContextCancelled,
}

func run(ap *analysis.Pass, opts *Options) (any, error) {
	// Only a package that can see net/http, directly or through another
	// package's API, can create a client or hold a response, and only one
	// whose code names something of it does (touches.go).
	if !knowledge.ImportsNetHTTP(ap.Pkg, make(map[*types.Package]bool)) || !touchesNetHTTP(ap) {
		return nil, nil
	}
	enabled, err := ParseChecks(opts.Checks)
	if err != nil {
		return nil, err
	}
	p := &pass{
		Pass:      ap,
		opts:      opts,
		enabled:   enabled,
		inspect:   inspector.New(ap.Files),
		generated: make(map[*token.File]bool),
		ignores:   make(map[*token.File]map[int][]*directive),

		closedUnread: make(map[*types.Var]*ast.CallExpr),
	}
	facts, _ := ap.ResultOf[bodyfacts.Analyzer].(*bodyfacts.Result)
	p.planner = fixer.NewPlanner(ap, opts.fixOptions(ap), facts)
	p.testSupport = testSupport(p)
	for _, f := range ap.Files {
		tf := ap.Fset.File(f.FileStart)
		if ast.IsGenerated(f) && !cgoOutput(f) {
			p.generated[tf] = true
		}
		p.directives(tf)
	}
	for _, c := range Checks {
		if enabled[c] && runners[c] != nil {
			runners[c](p)
		}
	}
	if enabled[BodyNotClosed] || enabled[BodyNotDrained] {
		runBodies(p)
	}
	for _, f := range p.afterBodies {
		f()
	}
	p.planner.Resolve()
	for _, d := range p.pending {
		d.diag.SuggestedFixes = d.fix.SuggestedFixes()
		if d.fix.Reason != "" {
			d.diag.Message += "; " + d.fix.Reason
		}
		p.Report(d.diag)
	}
	if opts.ReportUnusedIgnores {
		p.reportUnusedIgnores()
	}
	return nil, nil
}

// reportFix emits a diagnostic for check c at rng, unless c is disabled or
// the position is in a generated file, which nobody should edit by hand,
// with a fix planned by plan (nil for none) only when the
// diagnostic is reported.
func (p *pass) reportFix(c *Check, rng analysis.Range, plan func(*fixer.Planner) *fixer.Fix, format string, args ...any) {
	if !p.enabled[c] || p.generated[p.Fset.File(rng.Pos())] || p.ignored(c, rng.Pos()) {
		return
	}
	d := analysis.Diagnostic{
		Pos:      rng.Pos(),
		End:      rng.End(),
		Category: c.ID,
		URL:      c.URL(),
		Message:  fmt.Sprintf(format, args...),
	}
	if plan == nil || (p.opts.FixOnly != nil && !p.opts.FixOnly(p.Fset.Position(rng.Pos()), c.ID)) {
		p.Report(d)
		return
	}
	p.pending = append(p.pending, pendingDiag{d, plan(p.planner)})
}

// Report emits d with its message prefixed by its category, the check ID
// ("KA1004: ...") or "directive", as staticcheck does: go vet and
// golangci-lint print only the message, and the ID is what -explain,
// -checks and //keepalive:ignore take. Every diagnostic goes through here.
func (p *pass) Report(d analysis.Diagnostic) {
	d.Message = d.Category + ": " + d.Message
	p.Pass.Report(d)
}

// cgoOutput reports whether f is cmd/cgo's rewrite of a user's file: it
// says it is generated, but its positions map back to the user's code, so
// its findings are the user's.
func cgoOutput(f *ast.File) bool {
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, c := range cg.List {
			if c.Text == "// Code generated by cmd/cgo; DO NOT EDIT." {
				return true
			}
		}
	}
	return false
}
