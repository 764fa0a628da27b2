package fixer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"
	"time"

	"golang.org/x/tools/go/analysis"

	"github.com/keepalivefix/keepalivefix/internal/bodyfacts"
)

// Options shape the code the fixes write. The zero value is not useful:
// start from Defaults.
type Options struct {
	// Client names an existing shared client as "importpath.Name" (or
	// "Name" for one in the package being fixed). Empty: use the
	// package's own package-level *http.Client, or declare one.
	Client string
	// MaxIdleConnsPerHost is the idle pool size per host of a declared
	// client (net/http's default is 2).
	MaxIdleConnsPerHost int
	// ResponseHeaderTimeout bounds the wait for response headers on a
	// declared client's Transport; 0 leaves it unbounded.
	ResponseHeaderTimeout time.Duration
	// Timeout sets Client.Timeout on a declared client. It also cuts off
	// long body reads (streaming, large downloads), so it is off by default.
	Timeout time.Duration
	// Shared is the import path of the module's package that holds the
	// shared client (SharedClient) and drain helper (SharedDrain), which
	// the command writes. Empty: a package without its own declares them.
	Shared string
	// SingleFile offers only fixes whose edits all lie in the file of their
	// diagnostic, for drivers that apply no other edit (golangci-lint).
	SingleFile bool
	// NoEdits plans the fixes (so diagnostics still say why none is
	// offered) but computes no edits: formatting and type-checking the
	// rewritten package is most of the cost when the edits are not wanted.
	NoEdits bool
}

// Defaults are the options the command and the plugin start from.
var Defaults = Options{
	MaxIdleConnsPerHost:   64,
	ResponseHeaderTimeout: 30 * time.Second,
}

// The names the module's shared package declares.
const (
	SharedClient = "Client"
	SharedDrain  = "DrainAndClose"
)

// DrainLimit bounds the bytes read from a body before it is closed. net/http
// itself drains at most a few KiB on redirects; a larger bound keeps more
// connections without downloading an arbitrarily large body.
const DrainLimit = 64 << 10

// kind is the shape of rewrite a Fix asks for.
type kind int

const (
	kindSharedClient kind = iota // KA1001: send through the shared client
	kindHoist                    // KA1002: move the Transport to package level
	kindRemove                   // KA1003: delete the keep-alive switch
	kindCloseBody                // KA1004: close the body after the error check
	kindDrainBody                // KA1005: drain, then close
)

// A Fix is the rewrite planned for one diagnostic. Its fields are set by
// Planner.Resolve.
type Fix struct {
	kind kind
	node ast.Node
	file *srcFile

	// Edits are the text edits of the fix; empty when none is offered.
	Edits []analysis.TextEdit
	// Message describes the fix, for analysis.SuggestedFix.Message.
	Message string
	// Reason, when set, says why no fix is offered where a user might
	// expect one; the analyzer appends it to the diagnostic.
	Reason string

	raw      []rawEdit // edits before formatting
	needs    need      // package-level declarations the fix uses
	dropped  bool
	hoistFor *ast.FuncDecl
	hoisted  ast.Expr
	hoistAs  string     // "Transport" or "Client"
	moved    ast.Stmt   // a defer Close that a KA1004 fix moves up
	without  []ast.Node // settings left out of a hoisted literal
	// alias is the statement that kept the hoisted value in a local
	// variable (client := &http.Client{...}), and aliasUses that
	// variable's uses: the statement goes and the uses name the
	// package-level variable, leaving no client := sharedClient behind.
	alias     ast.Stmt
	aliasUses []*ast.Ident
	// cloneStmts are, for a Transport cloned per call, the clone and the
	// settings that follow it, which move into a sync.OnceValue.
	cloneStmts []ast.Stmt
	// joined is the hoisting fix a keep-alive fix of the same function
	// needs: its edits come along, so that keep-alive is never turned on
	// for a Transport still built per call.
	joined  *Fix
	follows *Fix // the hoist that removes this setting
	// more are the other Closes a drain fix drains.
	more  []ast.Node
	group int // how many fixes share these edits
}

// SuggestedFixes returns the fix in the form analysis.Diagnostic carries:
// exactly one SuggestedFix, or none.
func (f *Fix) SuggestedFixes() []analysis.SuggestedFix {
	if f == nil || len(f.Edits) == 0 {
		return nil
	}
	return []analysis.SuggestedFix{{Message: f.Message, TextEdits: f.Edits}}
}

type need int

const (
	needClient need = 1 << iota
	needDrainHelper
)

// A Planner collects the fixes of one package and resolves them together,
// because they share declarations (one client and one drain helper per
// package) and must not overlap.
type Planner struct {
	pass  *analysis.Pass
	opts  Options
	facts *bodyfacts.Result
	fixes []*Fix
	files map[*ast.File]*srcFile

	client        string // name of the shared client
	transportType string // name of the transport type it sends through
	drain         string // name of the drain helper
	declareClient bool   // the client is new: declare it
	sharedClient  bool   // send through the module's shared package
	sharedDrain   bool   // drain with the module's shared package
	declareDrain  bool   // the helper is new: declare it
	clientReason  string // why no client could be chosen
	// defaultClientSet is where the package changes http.DefaultClient
	// ("" for nowhere), once looked for.
	defaultClientSet *string
	claimed          map[string]bool
	assigned         map[types.Object]bool
	joined           [][]*Fix // fixes that only together leave an import unused
}

// NewPlanner returns a planner for pass. facts may be nil.
func NewPlanner(pass *analysis.Pass, opts Options, facts *bodyfacts.Result) *Planner {
	return &Planner{pass: pass, opts: opts, facts: facts, files: make(map[*ast.File]*srcFile)}
}

func (pl *Planner) add(k kind, n ast.Node) *Fix {
	f := &Fix{kind: k, node: n}
	pl.fixes = append(pl.fixes, f)
	return f
}

// SharedClient plans sending call (http.Get(u), http.DefaultClient.Do(req))
// through the package's shared client.
func (pl *Planner) SharedClient(call *ast.CallExpr) *Fix { return pl.add(kindSharedClient, call) }

// Hoist plans moving the Transport built at creation to a package-level
// variable.
func (pl *Planner) Hoist(creation ast.Node) *Fix { return pl.add(kindHoist, creation) }

// Remove plans deleting n, a setting that turns keep-alive off: a
// composite-literal field, an assignment or a call statement.
func (pl *Planner) Remove(n ast.Node) *Fix { return pl.add(kindRemove, n) }

// CloseBody plans closing the body of the response returned by call right
// after its error check.
func (pl *Planner) CloseBody(call ast.Node) *Fix { return pl.add(kindCloseBody, call) }

// DrainBody plans draining the body before the Close at (or in) n, and
// before those at (or in) more: the Closes of one response that may run
// before it was read, fixed together so that one run finishes the job.
func (pl *Planner) DrainBody(n ast.Node, more ...ast.Node) *Fix {
	f := pl.add(kindDrainBody, n)
	f.more = more
	return f
}

// Resolve computes the edits of every planned fix. Fixes that cannot be
// made safely are left without edits.
func (pl *Planner) Resolve() {
	if len(pl.fixes) == 0 {
		return
	}
	if reason := pl.unfixablePackage(); reason != "" {
		for _, f := range pl.fixes {
			if f.kind == kindHoist {
				f.Reason = reason
			}
		}
		return
	}
	for _, f := range pl.fixes {
		f.file = pl.fileOf(f.node.Pos())
		if f.file == nil || f.file.cgo || f.file.generated {
			f.dropped = true
		}
	}
	pl.chooseNames()
	for _, f := range pl.fixes {
		if f.dropped {
			continue
		}
		var err error
		switch f.kind {
		case kindSharedClient:
			err = pl.planSharedClient(f)
		case kindHoist:
			err = pl.planHoist(f)
		case kindRemove:
			err = pl.planRemove(f)
		case kindCloseBody:
			err = pl.planCloseBody(f)
		case kindDrainBody:
			err = pl.planDrainBody(f)
			for _, n := range f.more {
				if err != nil {
					break
				}
				g := &Fix{kind: kindDrainBody, node: n, file: pl.fileOf(n.Pos())}
				if err = pl.planDrainBody(g); err == nil {
					f.raw = append(f.raw, g.raw...)
					f.needs |= g.needs
				}
			}
		}
		if err != nil {
			f.dropped = true
			// Say why only where a user would expect a fix; the
			// shapes no fix handles go without comment.
			if msg := err.Error(); strings.HasPrefix(msg, "no fix: ") {
				f.Reason = msg
			}
		}
	}
	pl.followMoves()
	pl.keepSwitchesOfPerCallTransports()
	pl.keepSwitchesOfShortLivedTransports()
	if pl.opts.NoEdits {
		for _, f := range pl.fixes {
			f.dropped = true
		}
		return
	}
	pl.planHoistDecls()
	pl.planSharedDecls()
	pl.finish()
}

// unfixablePackage says why no fix can be offered anywhere in the package.
func (pl *Planner) unfixablePackage() string {
	if pl.pass.ReadFile == nil {
		return "no fix: the driver cannot read source files"
	}
	return ""
}

// fileOf returns the source file holding pos, reading it on first use.
func (pl *Planner) fileOf(pos token.Pos) *srcFile {
	for _, f := range pl.pass.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			if sf, ok := pl.files[f]; ok {
				return sf
			}
			sf := newSrcFile(pl.pass, f)
			pl.files[f] = sf
			return sf
		}
	}
	return nil
}

// sortedFiles returns the files with planned edits in file-name order.
func (pl *Planner) sortedFiles() []*srcFile {
	var out []*srcFile
	for _, sf := range pl.files {
		if sf != nil {
			out = append(out, sf)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// declFile picks where a shared declaration needed by the fixes with bit n
// goes: the first non-test file (by name) that needs it, so that a package
// and its test variant choose the same file, else the first test file.
func (pl *Planner) declFile(n need) *srcFile {
	var best *srcFile
	for _, f := range pl.fixes {
		if f.dropped || f.needs&n == 0 {
			continue
		}
		sf := f.file
		if best == nil || (best.test && !sf.test) || (best.test == sf.test && sf.name < best.name) {
			best = sf
		}
	}
	return best
}

// scopeAt returns the innermost scope at pos.
func (pl *Planner) scopeAt(pos token.Pos) *types.Scope {
	if s := pl.pass.Pkg.Scope().Innermost(pos); s != nil {
		return s
	}
	return pl.pass.Pkg.Scope()
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func editOf(sf *srcFile, h Hunk) analysis.TextEdit {
	return analysis.TextEdit{Pos: sf.tf.Pos(h.Start), End: sf.tf.Pos(h.End), NewText: []byte(h.New)}
}

// followMoves gives a drain fix on a deferred Close that a close fix moves
// up the close fix's own edits: moving it with a drain resolves both, and
// two different edits of one statement would conflict.
func (pl *Planner) followMoves() {
	for _, mv := range pl.fixes {
		if mv.dropped || mv.moved == nil {
			continue
		}
		for _, f := range pl.fixes {
			if f.kind == kindDrainBody && !f.dropped && mv.moved.Pos() <= f.node.Pos() && f.node.End() <= mv.moved.End() {
				f.raw = append([]rawEdit(nil), mv.raw...)
				f.needs = mv.needs
			}
		}
	}
}

// keepSwitchesOfPerCallTransports leaves keep-alive switched off in a
// function that still builds a Transport per call: with keep-alive on, every
// call would leave an idle pool, its connections and their goroutines
// behind, which is worse than closing each connection. The Transport has to
// be built once first. A setting inside a Transport literal that moves to
// package level goes with the move instead.
func (pl *Planner) keepSwitchesOfPerCallTransports() {
	for _, h := range pl.fixes {
		if h.kind != kindHoist {
			continue
		}
		fn := pl.enclosingFuncDecl(h.node)
		for _, f := range pl.fixes {
			if f.kind != kindRemove || f.dropped || fn == nil || pl.enclosingFuncDecl(f.node) != fn {
				continue
			}
			var start, end token.Pos
			if !h.dropped && h.hoisted != nil {
				start, end = h.hoistSpan()
			}
			switch {
			case !h.dropped && h.hoisted != nil && start <= f.node.Pos() && f.node.End() <= end:
				h.without = append(h.without, f.node)
				f.follows = h
			case !h.dropped:
				f.joined = h
			case h.dropped:
				f.dropped = true
				f.Reason = "no fix: the function still builds its Transport per call, and turning keep-alive on there would leave every call's idle connections behind; build the Transport once first (KA1002)"
			}
		}
	}
}

func (pl *Planner) enclosingFuncDecl(n ast.Node) *ast.FuncDecl {
	for _, f := range pl.pass.Files {
		if f.FileStart <= n.Pos() && n.Pos() <= f.FileEnd {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Pos() <= n.Pos() && n.End() <= fd.End() {
					return fd
				}
			}
		}
	}
	return nil
}
