package fixer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"go/version"
	"slices"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/keepalivefix/keepalivefix/internal/knowledge"
)

// planHoistClone moves a Transport cloned per call,
//
//	tr := http.DefaultTransport.(*http.Transport).Clone()
//	tr.MaxIdleConnsPerHost = 16 // adjustments from constants
//
// to a package-level sync.OnceValue that clones it on first use, so that
// every call shares one pool. Cloning on first use rather than at package
// initialisation keeps what the per-call code did for a program (or a test)
// that replaces http.DefaultTransport before its first request. The
// adjustments go with it; a keep-alive switch among them is left out (its
// KA1003 fix follows this one).
func (pl *Planner) planHoistClone(f *Fix, call *ast.CallExpr) error {
	sf := f.file
	info := pl.pass.TypesInfo
	if v := pl.pass.Pkg.GoVersion(); v != "" && version.Compare(v, "go1.21") < 0 {
		return errorf("no fix: moving a cloned Transport to package level needs sync.OnceValue (Go 1.21); the module's go line is older")
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || len(call.Args) != 0 || !knowledge.IsTransportClone(typeutil.Callee(info, call)) {
		return errorf("no fix: only a &http.Transport{...} literal or a Clone() of http.DefaultTransport is moved to package level")
	}
	if why := pl.builtFrom(sel.X); why != "" && !isDefaultTransport(info, sel.X) {
		return errorf("no fix: the Transport is cloned from %s, which is known only when the function runs; clone it once where that is known and reuse it", why)
	}
	path, _ := astutil.PathEnclosingInterval(sf.ast, call.Pos(), call.End())
	assign, ok := parentOf(path, call).(*ast.AssignStmt)
	if !ok || assign.Tok != token.DEFINE || len(assign.Lhs) != 1 || len(assign.Rhs) != 1 {
		return errorf("no fix: the clone is not kept in a new local variable (tr := ...Clone())")
	}
	id, ok := assign.Lhs[0].(*ast.Ident)
	if !ok || id.Name == "_" {
		return errorf("no fix: the clone is not kept in a new local variable (tr := ...Clone())")
	}
	v := info.Defs[id]
	block, ok := parentOf(path, assign).(*ast.BlockStmt)
	if !ok {
		return errorf("no fix: the clone is not a statement of a block")
	}
	var decl *ast.FuncDecl
	for _, n := range path {
		if fd, ok := n.(*ast.FuncDecl); ok {
			decl = fd
		}
	}
	if decl == nil {
		return errorf("no fix: the Transport is not built in a function declaration")
	}
	// The adjustments: the statements right after the clone that set a
	// field of it from constants and package-level names.
	stmts := []ast.Stmt{assign}
	runtimeSetting := "" // the first setting made from values of the call
	for i, s := range block.List {
		if s != assign {
			continue
		}
		for _, next := range block.List[i+1:] {
			as, ok := next.(*ast.AssignStmt)
			if !ok || as.Tok != token.ASSIGN || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
				break
			}
			lhs, ok := ast.Unparen(as.Lhs[0]).(*ast.SelectorExpr)
			if !ok {
				break
			}
			if x, ok := ast.Unparen(lhs.X).(*ast.Ident); !ok || info.Uses[x] != v {
				break
			}
			if from := pl.builtFrom(as.Rhs[0]); from != "" {
				runtimeSetting = "its " + lhs.Sel.Name + " is set from " + from + ", which is known only when " + decl.Name.Name + " runs; build it once where that is known and reuse it"
				break
			}
			stmts = append(stmts, next)
		}
	}
	start, end := stmts[0].Pos(), stmts[len(stmts)-1].End()
	// Every other use only sends through it or hands it on.
	var uses []*ast.Ident
	why := ""
	var stack []ast.Node
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		use, ok := n.(*ast.Ident)
		if !ok || info.Uses[use] != v || (start <= use.Pos() && use.End() <= end) || why != "" {
			return true
		}
		uses = append(uses, use)
		switch p := stack[len(stack)-2].(type) {
		case *ast.KeyValueExpr:
			if p.Value == use {
				return true
			}
		case *ast.CallExpr:
			return true
		case *ast.SelectorExpr:
			if c, ok := stack[len(stack)-3].(*ast.CallExpr); ok && c.Fun == p {
				if fn, ok := info.Uses[p.Sel].(*types.Func); ok && (knowledge.IsSend(fn) || knowledge.IsRoundTrip(fn)) {
					return true
				}
			}
		}
		why = "the function changes or releases " + use.Name + " after its first settings"
		if runtimeSetting != "" {
			why = runtimeSetting
		}
		return true
	})
	if why != "" {
		return errorf("no fix: %s", why)
	}
	if len(uses) == 0 {
		return errorf("no fix: the cloned Transport is not used to send")
	}
	f.hoistFor, f.hoisted, f.hoistAs = decl, call, "Transport"
	f.cloneStmts, f.aliasUses = stmts, uses
	f.Message = "Clone the Transport once, on first use, at package level"
	return nil
}

// printCloneValue prints the sync.OnceValue that builds the Transport of f
// on first use: the clone and its adjustments, without the settings the
// keep-alive fixes remove, and the import edits it needs.
func (pl *Planner) printCloneValue(f *Fix) (string, []rawEdit) {
	sf := f.file
	syncName, imports := pl.importAs(sf, "sync")
	httpName, e := pl.importAs(sf, knowledge.NetHTTP)
	imports = append(imports, e...)
	indent := sf.indentOf(f.cloneStmts[0].Pos())
	var body strings.Builder
	from := sf.lineStart(sf.off(f.cloneStmts[0].Pos()))
	to := sf.lineEnd(sf.off(f.cloneStmts[len(f.cloneStmts)-1].End()))
	skip := make(map[int]bool)
	for _, n := range f.without {
		e := withCommentAbove(sf, n, pl.removeStmt(sf, n))
		for off := e.start; off < e.end; off = sf.lineEnd(off) + 1 {
			skip[sf.lineStart(off)] = true
		}
	}
	for off := from; off <= to; off = sf.lineEnd(off) + 1 {
		line := string(sf.src[off:sf.lineEnd(off)])
		if skip[off] {
			continue
		}
		body.WriteString("\t" + strings.TrimPrefix(line, indent) + "\n")
		if sf.lineEnd(off) >= len(sf.src) {
			break
		}
	}
	name := f.cloneVarName()
	if !f.setsField("MaxIdleConnsPerHost") && pl.opts.MaxIdleConnsPerHost > 0 {
		// A clone of http.DefaultTransport keeps 2 idle connections per
		// host, which closes most connections of concurrent calls.
		fmt.Fprintf(&body, "\t// the default of 2 would close most connections of concurrent calls\n\t%s.MaxIdleConnsPerHost = %d\n", name, pl.opts.MaxIdleConnsPerHost)
	}
	if len(f.cloneStmts) == len(f.without)+1 && !strings.Contains(body.String(), "//") {
		// Nothing but the clone is left: return it.
		return fmt.Sprintf("%s.OnceValue(func() *%s.Transport {\n\treturn %s\n})", syncName, httpName, sf.text(f.hoisted)), imports
	}
	return fmt.Sprintf("%s.OnceValue(func() *%s.Transport {\n%s\treturn %s\n})", syncName, httpName, body.String(), name), imports
}

// setsField reports whether one of the clone's settings (not left out)
// sets the field name.
func (f *Fix) setsField(name string) bool {
	for _, s := range f.cloneStmts[1:] {
		if slices.Contains(f.without, ast.Node(s)) {
			continue
		}
		if sel, ok := ast.Unparen(s.(*ast.AssignStmt).Lhs[0]).(*ast.SelectorExpr); ok && sel.Sel.Name == name {
			return true
		}
	}
	return false
}

// cloneVarName is the name of the local variable holding the clone.
func (f *Fix) cloneVarName() string {
	return f.cloneStmts[0].(*ast.AssignStmt).Lhs[0].(*ast.Ident).Name
}

// hoistSpan is the source range that moves to package level.
func (f *Fix) hoistSpan() (token.Pos, token.Pos) {
	if len(f.cloneStmts) > 0 {
		return f.cloneStmts[0].Pos(), f.cloneStmts[len(f.cloneStmts)-1].End()
	}
	return f.hoisted.Pos(), f.hoisted.End()
}

// isDefaultTransport reports whether e is http.DefaultTransport, asserted
// to *http.Transport or not: cloned on first use, it is what the per-call
// clone read.
func isDefaultTransport(info *types.Info, e ast.Expr) bool {
	e = ast.Unparen(e)
	if ta, ok := e.(*ast.TypeAssertExpr); ok {
		e = ast.Unparen(ta.X)
	}
	var id *ast.Ident
	switch x := e.(type) {
	case *ast.SelectorExpr:
		id = x.Sel
	case *ast.Ident:
		id = x
	default:
		return false
	}
	v, ok := info.Uses[id].(*types.Var)
	return ok && v.Pkg() != nil && v.Pkg().Path() == knowledge.NetHTTP && v.Name() == "DefaultTransport"
}
