package fixer

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"github.com/dave/dst"
	"github.com/dave/dst/decorator"
	"golang.org/x/tools/go/ast/astutil"

	"github.com/keepalivefix/keepalivefix/internal/knowledge"
)

// planHoist moves a Transport built per call to a package-level variable
// when it is built only from constants and package-level names, so that
// every call shares one pool. A Client literal that carries the Transport
// moves with it when it too is built from such names. The code stays as it
// is when the value depends on the call (parameters, locals, calls), and
// the diagnostic says why.
func (pl *Planner) planHoist(f *Fix) error {
	sf := f.file
	info := pl.pass.TypesInfo
	u, ok := f.node.(*ast.UnaryExpr)
	if !ok || u.Op != token.AND {
		return errorf("no fix: only a &http.Transport{...} literal is moved to package level")
	}
	path, _ := astutil.PathEnclosingInterval(sf.ast, u.Pos(), u.End())
	var decl *ast.FuncDecl
	for _, n := range path {
		if fd, ok := n.(*ast.FuncDecl); ok {
			decl = fd
		}
	}
	if decl == nil {
		return errorf("no fix: the Transport is not built in a function declaration")
	}
	target, what := ast.Expr(u), "Transport"
	if kv, ok := parentOf(path, u).(*ast.KeyValueExpr); ok {
		if lit, ok := parentOf(path, kv).(*ast.CompositeLit); ok && knowledge.IsClient(info.TypeOf(lit)) {
			if cu, ok := parentOf(path, lit).(*ast.UnaryExpr); ok && cu.Op == token.AND && pl.builtFrom(cu) == "" {
				target, what = cu, "Client"
				path, _ = astutil.PathEnclosingInterval(sf.ast, cu.Pos(), cu.End())
			}
		}
	}
	if local := pl.builtFrom(target); local != "" {
		return errorf("no fix: the %s is built from %s, which is known only when %s runs; build it once where that is known and reuse it", what, local, decl.Name.Name)
	}
	if why := pl.usedOnlyToSend(decl, path, target); why != "" {
		return errorf("no fix: %s", why)
	}
	f.hoistFor, f.hoisted, f.hoistAs = decl, target, what
	f.Message = "Build the " + what + " once, at package level"
	return nil
}

// builtFrom returns "" when e is built only from constants, types, functions
// and package-level variables that nothing reassigns, or else the first
// name (or call) that ties it to the current call.
func (pl *Planner) builtFrom(e ast.Expr) string {
	info := pl.pass.TypesInfo
	var why string
	ast.Inspect(e, func(n ast.Node) bool {
		if why != "" {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			why = "a function literal"
		case *ast.CallExpr:
			if tv, ok := info.Types[n.Fun]; !ok || !tv.IsType() {
				why = "the call " + types.ExprString(n.Fun) + "()"
			}
		case *ast.Ident:
			switch obj := info.Uses[n].(type) {
			case *types.Var:
				switch {
				case obj.IsField():
				case obj.Pkg() != pl.pass.Pkg || obj.Parent() != pl.pass.Pkg.Scope():
					why = n.Name
				case pl.reassigned(obj):
					why = n.Name + " (set at run time)"
				}
			}
		}
		return true
	})
	return why
}

// reassigned reports whether the package-level variable v is assigned or
// has its address taken anywhere in the package but its declaration.
func (pl *Planner) reassigned(v *types.Var) bool {
	if pl.assigned == nil {
		pl.assigned = make(map[types.Object]bool)
		for _, f := range pl.pass.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.AssignStmt:
					for _, l := range n.Lhs {
						if id, ok := ast.Unparen(l).(*ast.Ident); ok {
							pl.assigned[pl.pass.TypesInfo.Uses[id]] = true
						}
					}
				case *ast.UnaryExpr:
					if id, ok := ast.Unparen(n.X).(*ast.Ident); ok && n.Op == token.AND {
						pl.assigned[pl.pass.TypesInfo.Uses[id]] = true
					}
				case *ast.IncDecStmt:
					if id, ok := ast.Unparen(n.X).(*ast.Ident); ok {
						pl.assigned[pl.pass.TypesInfo.Uses[id]] = true
					}
				}
				return true
			})
		}
	}
	return pl.assigned[v]
}

// usedOnlyToSend checks what the function does with the hoisted value when
// it is kept in a local variable: sending through it (or handing it to a
// client) is fine; changing it, or closing its idle connections, would
// then act on the one shared value.
func (pl *Planner) usedOnlyToSend(decl *ast.FuncDecl, path []ast.Node, target ast.Expr) string {
	info := pl.pass.TypesInfo
	var v types.Object
	switch p := parentOf(path, target).(type) {
	case *ast.AssignStmt:
		if len(p.Lhs) == 1 && len(p.Rhs) == 1 && p.Tok == token.DEFINE {
			if id, ok := p.Lhs[0].(*ast.Ident); ok {
				v = info.Defs[id]
			}
		}
		if v == nil {
			return "the value is assigned to something other than a new local variable"
		}
	case *ast.ValueSpec:
		if len(p.Names) == 1 && len(p.Values) == 1 {
			v = info.Defs[p.Names[0]]
		}
		if v == nil {
			return "the value is declared together with others"
		}
	default:
		return ""
	}
	var why string
	var stack []ast.Node
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, n)
		id, ok := n.(*ast.Ident)
		if !ok || info.Uses[id] != v || why != "" {
			return true
		}
		switch p := stack[len(stack)-2].(type) {
		case *ast.KeyValueExpr:
			if p.Value == id {
				return true
			}
		case *ast.AssignStmt:
			for _, r := range p.Rhs {
				if r == id {
					return true
				}
			}
		case *ast.CallExpr:
			return true // handed to a function as an argument
		case *ast.SelectorExpr:
			if call, ok := stack[len(stack)-3].(*ast.CallExpr); ok && call.Fun == p {
				if fn, ok := info.Uses[p.Sel].(*types.Func); ok && (knowledge.IsSend(fn) || knowledge.IsRoundTrip(fn)) {
					return true
				}
			}
		}
		why = "the function changes or releases " + id.Name + " after building it"
		return true
	})
	return why
}

// planHoistDecls writes the package-level variables, one group per
// function, just before the function. Every fix of the group carries the
// whole group, so the insertion is identical whichever fixes are applied.
func (pl *Planner) planHoistDecls() {
	groups := make(map[*ast.FuncDecl][]*Fix)
	var order []*ast.FuncDecl
	for _, f := range pl.fixes {
		if f.dropped || f.kind != kindHoist || f.hoistFor == nil {
			continue
		}
		if groups[f.hoistFor] == nil {
			order = append(order, f.hoistFor)
		}
		groups[f.hoistFor] = append(groups[f.hoistFor], f)
	}
	for _, decl := range order {
		fixes := groups[decl]
		sort.SliceStable(fixes, func(i, j int) bool { return fixes[i].hoisted.Pos() < fixes[j].hoisted.Pos() })
		var text strings.Builder
		ok := true
		for _, f := range fixes {
			name := pl.pick(lowerFirst(decl.Name.Name)+f.hoistAs, []token.Pos{f.hoisted.Pos()}, pl.claimed)
			src, err := pl.printVar(f.file, name, decl.Name.Name, f.hoisted, f.without)
			if err != nil {
				ok = false
				break
			}
			text.WriteString(src)
			text.WriteString("\n")
			f.raw = append(f.raw, rawEdit{file: f.file, start: f.file.off(f.hoisted.Pos()), end: f.file.off(f.hoisted.End()), text: name})
		}
		start := decl.Pos()
		if decl.Doc != nil {
			start = decl.Doc.Pos()
		}
		for _, f := range fixes {
			if !ok {
				f.dropped = true
				continue
			}
			at := f.file.off(start)
			f.raw = append(f.raw, rawEdit{file: f.file, start: at, end: at, text: text.String()})
		}
	}
	// A setting removed from a moved literal is removed by the move.
	for _, f := range pl.fixes {
		if f.follows != nil {
			f.raw = append([]rawEdit(nil), f.follows.raw...)
			f.dropped = f.follows.dropped
		}
	}
}

// printVar prints `var name = e` with a doc comment, keeping the comments
// inside e: dst carries them with the nodes they belong to.
func (pl *Planner) printVar(sf *srcFile, name, fn string, e ast.Expr, without []ast.Node) (string, error) {
	d, err := sf.dstNode(pl.pass.Fset, e)
	if err != nil {
		return "", err
	}
	restore, err := pl.leaveOut(sf, without)
	if err != nil {
		return "", err
	}
	val := dst.Clone(d).(dst.Expr)
	restore()
	decs := val.Decorations()
	decs.Before, decs.After = dst.None, dst.None
	decs.Start, decs.End = nil, nil
	gd := &dst.GenDecl{
		Tok: token.VAR,
		Specs: []dst.Spec{&dst.ValueSpec{
			Names:  []*dst.Ident{dst.NewIdent(name)},
			Values: []dst.Expr{val},
		}},
	}
	gd.Decs.Before = dst.EmptyLine
	gd.Decs.Start.Append(fmt.Sprintf("// %s is shared by every call of %s, so that its connections", name, fn),
		"// are kept alive and reused.")
	file := &dst.File{Name: dst.NewIdent("p"), Decls: []dst.Decl{gd}}
	var buf bytes.Buffer
	if err := decorator.Fprint(&buf, file); err != nil {
		return "", err
	}
	out, ok := strings.CutPrefix(buf.String(), "package p\n")
	if !ok {
		return "", errorf("unexpected printer output")
	}
	return strings.TrimLeft(out, "\n"), nil
}

// leaveOut takes the composite-literal elements in without out of the
// decorated tree until restore is called, moving their comments to the
// next element so that the comments stay.
func (pl *Planner) leaveOut(sf *srcFile, without []ast.Node) (restore func(), err error) {
	var undo []func()
	restore = func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	for _, n := range without {
		path, _ := astutil.PathEnclosingInterval(sf.ast, n.Pos(), n.End())
		lit, ok := parentOf(path, n).(*ast.CompositeLit)
		if !ok {
			restore()
			return nil, errorf("setting outside a literal")
		}
		dl, err1 := sf.dstNode(pl.pass.Fset, lit)
		dn, err2 := sf.dstNode(pl.pass.Fset, n)
		if err1 != nil || err2 != nil {
			restore()
			return nil, errorf("no decorated node")
		}
		dlit := dl.(*dst.CompositeLit)
		old := dlit.Elts
		var elts []dst.Expr
		for i, e := range old {
			if e != dn {
				elts = append(elts, e)
				continue
			}
			if i+1 < len(old) {
				next := old[i+1].Decorations()
				saved := next.Start
				comments := append(append(dst.Decorations{}, e.Decorations().Start...), e.Decorations().End...)
				comments = append(comments, saved...)
				next.Start = comments
				undo = append(undo, func() { next.Start = saved })
			}
		}
		dlit.Elts = elts
		undo = append(undo, func() { dlit.Elts = old })
	}
	return restore, nil
}
