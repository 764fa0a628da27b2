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
	if call, ok := f.node.(*ast.CallExpr); ok {
		return pl.planHoistClone(f, call)
	}
	u, ok := f.node.(*ast.UnaryExpr)
	if !ok || u.Op != token.AND {
		return errorf("no fix: only a &http.Transport{...} literal or a Clone() of http.DefaultTransport is moved to package level")
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
	f.alias, f.aliasUses = pl.aliasOf(decl, path, target)
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
			// Name what ties it to the call: a variable of the function.
			ast.Inspect(n.Body, func(m ast.Node) bool {
				id, ok := m.(*ast.Ident)
				if !ok || why != "a function literal" {
					return why == "a function literal"
				}
				if v, ok := info.Uses[id].(*types.Var); ok && !v.IsField() && v.Pkg() == pl.pass.Pkg &&
					v.Parent() != pl.pass.Pkg.Scope() && (v.Pos() < n.Pos() || n.End() <= v.Pos()) {
					why = "a closure over " + id.Name
				}
				return true
			})
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

// aliasOf returns the statement `v := target` (or `var v = target`) that
// keeps the hoisted value in a local variable, and the uses of v, when the
// statement can go and every use can name the package-level variable
// instead: v is never assigned again (usedOnlyToSend checked that its uses
// only send or pass it on).
func (pl *Planner) aliasOf(decl *ast.FuncDecl, path []ast.Node, target ast.Expr) (ast.Stmt, []*ast.Ident) {
	info := pl.pass.TypesInfo
	var v types.Object
	var stmt ast.Stmt
	switch p := parentOf(path, target).(type) {
	case *ast.AssignStmt:
		if len(p.Lhs) == 1 && len(p.Rhs) == 1 && p.Tok == token.DEFINE {
			if id, ok := p.Lhs[0].(*ast.Ident); ok {
				v, stmt = info.Defs[id], p
			}
		}
	case *ast.ValueSpec:
		if len(p.Names) == 1 && len(p.Values) == 1 && p.Type == nil {
			if gd, ok := parentOf(path, p).(*ast.GenDecl); ok && len(gd.Specs) == 1 {
				if ds, ok := parentOf(path, gd).(*ast.DeclStmt); ok {
					v, stmt = info.Defs[p.Names[0]], ds
				}
			}
		}
	}
	if v == nil {
		return nil, nil
	}
	switch parentOf(path, stmt).(type) {
	case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
	default:
		return nil, nil
	}
	var uses []*ast.Ident
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && info.Uses[id] == v {
			uses = append(uses, id)
		}
		return true
	})
	if len(uses) == 0 {
		return nil, nil
	}
	return stmt, uses
}

// planHoistDecls writes the package-level variables, one group per
// function, just before the function. Every fix of the group carries the
// whole group, so the insertion is identical whichever fixes are applied.
func (pl *Planner) planHoistDecls() {
	groups := make(map[*ast.FuncDecl][]*Fix)
	var order []*ast.FuncDecl
	same := make(map[string]*hoistedVar)
	var vars []*hoistedVar
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
		ok := true
		for _, f := range fixes {
			var val string
			var imports []rawEdit
			var err error
			if len(f.cloneStmts) > 0 {
				val, imports = pl.printCloneValue(f)
			} else {
				val, imports, err = pl.printValue(f)
			}
			if err != nil {
				ok = false
				break
			}
			uses := []token.Pos{f.hoisted.Pos()}
			for _, id := range f.aliasUses {
				uses = append(uses, id.Pos())
			}
			// Identical values hoisted from several functions share
			// one variable: one pool per host, not one per function.
			name := ""
			if prev := same[val]; prev != nil && pl.free(prev.name, uses, nil) {
				name = prev.name
				prev.fns = append(prev.fns, decl.Name.Name)
				prev.users = append(prev.users, f)
			} else {
				name = pl.pick(lowerFirst(decl.Name.Name)+f.hoistAs, uses, pl.claimed)
				h := &hoistedVar{name: name, value: val, fns: []string{decl.Name.Name}, file: f.file, decl: decl, users: []*Fix{f}, imports: imports, lazy: len(f.cloneStmts) > 0}
				same[val] = h
				vars = append(vars, h)
			}
			if len(f.cloneStmts) > 0 {
				from := f.file.lineStart(f.file.off(f.cloneStmts[0].Pos()))
				to := f.file.lineEnd(f.file.off(f.cloneStmts[len(f.cloneStmts)-1].End()))
				f.raw = append(f.raw, withCommentAbove(f.file, f.cloneStmts[0], rawEdit{file: f.file, start: from, end: to + 1}))
				for _, id := range f.aliasUses {
					f.raw = append(f.raw, rawEdit{file: f.file, start: f.file.off(id.Pos()), end: f.file.off(id.End()), text: name + "()"})
				}
			} else if f.alias != nil {
				f.raw = append(f.raw, pl.removeStmt(f.file, f.alias))
				for _, id := range f.aliasUses {
					f.raw = append(f.raw, rawEdit{file: f.file, start: f.file.off(id.Pos()), end: f.file.off(id.End()), text: name})
				}
			} else {
				f.raw = append(f.raw, rawEdit{file: f.file, start: f.file.off(f.hoisted.Pos()), end: f.file.off(f.hoisted.End()), text: name})
			}
		}
		if !ok {
			for _, f := range fixes {
				f.dropped = true
			}
		}
	}
	// Each variable goes just before the first function that uses it, and
	// every fix that uses it carries it, so that the insertion is the same
	// whichever fixes are applied.
	texts := make(map[*ast.FuncDecl]*strings.Builder)
	for _, h := range vars {
		if h.users[0].dropped {
			continue
		}
		if texts[h.decl] == nil {
			texts[h.decl] = new(strings.Builder)
		}
		texts[h.decl].WriteString(h.source())
	}
	for _, h := range vars {
		if h.users[0].dropped {
			continue
		}
		start := h.decl.Pos()
		if h.decl.Doc != nil {
			start = h.decl.Doc.Pos()
		}
		edit := rawEdit{file: h.file, start: h.file.off(start), end: h.file.off(start), text: texts[h.decl].String()}
		for _, f := range h.users {
			f.raw = appendUnique(f.raw, edit)
			// The variables inserted at one place come as one text
			// (a fix of one declares the others, unused but
			// harmless): it needs the imports of all of them.
			for _, other := range vars {
				if other.decl == h.decl {
					f.raw = append(f.raw, other.imports...)
				}
			}
		}
	}
	// A setting removed from a moved literal is removed by the move; one
	// elsewhere in the function comes with the move.
	for _, f := range pl.fixes {
		if f.follows != nil {
			f.raw = append([]rawEdit(nil), f.follows.raw...)
			f.dropped = f.follows.dropped
		}
		if f.joined != nil && !f.dropped {
			f.raw = append(f.raw, f.joined.raw...)
			f.dropped = f.joined.dropped
		}
	}
}

// hoistedVar is a package-level variable the hoisting fixes declare.
type hoistedVar struct {
	name, value string
	fns         []string // the functions that use it
	file        *srcFile
	decl        *ast.FuncDecl // it goes just before this function
	users       []*Fix
	imports     []rawEdit
	lazy        bool // a sync.OnceValue: callers call it
}

// source is the declaration with its doc comment.
func (h *hoistedVar) source() string {
	fns := h.fns[0]
	if n := len(h.fns); n > 1 {
		fns = strings.Join(h.fns[:n-1], ", ") + " and " + h.fns[n-1]
	}
	if h.lazy {
		return Comment(fmt.Sprintf("%s returns the Transport shared by every call of %s, so that its connections are kept alive and reused. It is cloned on first use, from http.DefaultTransport as it is then.", h.name, fns)) +
			"var " + h.name + " = " + h.value + "\n\n"
	}
	return Comment(fmt.Sprintf("%s is shared by every call of %s, so that its connections are kept alive and reused.", h.name, fns)) +
		"var " + h.name + " = " + h.value + "\n\n"
}

// printValue prints the hoisted value, keeping the comments inside it (dst
// carries them with the nodes they belong to), without the settings the
// keep-alive fixes remove, and with http.DefaultTransport's idle timeout
// when the Transport sets none: a zero IdleConnTimeout keeps idle
// connections forever, harmless per call but not once the Transport
// lives as long as the program. It returns the import edits that needs.
func (pl *Planner) printValue(f *Fix) (string, []rawEdit, error) {
	sf := f.file
	d, err := sf.dstNode(pl.pass.Fset, f.hoisted)
	if err != nil {
		return "", nil, err
	}
	restore, err := pl.leaveOut(sf, f.without)
	if err != nil {
		return "", nil, err
	}
	var imports []rawEdit
	if lit := pl.transportLit(f); lit != nil && (!hasKey(lit, "IdleConnTimeout") || !hasKey(lit, "MaxIdleConnsPerHost")) {
		timeName := ""
		if !hasKey(lit, "IdleConnTimeout") {
			var edits []rawEdit
			timeName, edits = pl.importAs(sf, "time")
			imports = edits
		}
		perHost := 0
		if !hasKey(lit, "MaxIdleConnsPerHost") {
			perHost = pl.opts.MaxIdleConnsPerHost
		}
		dn, err := sf.dstNode(pl.pass.Fset, lit)
		if err != nil {
			restore()
			return "", nil, err
		}
		undo := withPoolSettings(dn.(*dst.CompositeLit), timeName, perHost)
		prev := restore
		restore = func() { undo(); prev() }
	}
	val := dst.Clone(d).(dst.Expr)
	restore()
	decs := val.Decorations()
	decs.Before, decs.After = dst.None, dst.None
	decs.Start, decs.End = nil, nil
	gd := &dst.GenDecl{
		Tok:   token.VAR,
		Specs: []dst.Spec{&dst.ValueSpec{Names: []*dst.Ident{dst.NewIdent("_")}, Values: []dst.Expr{val}}},
	}
	file := &dst.File{Name: dst.NewIdent("p"), Decls: []dst.Decl{gd}}
	var buf bytes.Buffer
	if err := decorator.Fprint(&buf, file); err != nil {
		return "", nil, err
	}
	out, ok := strings.CutPrefix(strings.TrimSpace(buf.String()), "package p\n\nvar _ = ")
	if !ok {
		return "", nil, errorf("unexpected printer output")
	}
	return out, imports, nil
}

// withPoolSettings adds to lit, one element a line, what a Transport that
// now lives as long as the program needs and lit does not set: perHost
// idle connections per host (when not 0), since the default of 2 closes
// most connections of concurrent calls, and http.DefaultTransport's idle
// timeout (when timeName is not ""), since a zero one keeps idle
// connections forever. It returns what undoes it.
func withPoolSettings(lit *dst.CompositeLit, timeName string, perHost int) (undo func()) {
	old := lit.Elts
	type saved struct{ before, after dst.SpaceType }
	var was []saved
	for _, e := range old {
		was = append(was, saved{e.Decorations().Before, e.Decorations().After})
	}
	lit.Elts = append([]dst.Expr(nil), old...)
	if perHost > 0 {
		kv := &dst.KeyValueExpr{Key: dst.NewIdent("MaxIdleConnsPerHost"), Value: &dst.BasicLit{Kind: token.INT, Value: fmt.Sprint(perHost)}}
		kv.Decs.Start.Append("// the default of 2 would close most connections of concurrent calls")
		lit.Elts = append(lit.Elts, kv)
	}
	if timeName != "" {
		kv := &dst.KeyValueExpr{
			Key:   dst.NewIdent("IdleConnTimeout"),
			Value: &dst.BinaryExpr{X: &dst.BasicLit{Kind: token.INT, Value: "90"}, Op: token.MUL, Y: &dst.SelectorExpr{X: dst.NewIdent(timeName), Sel: dst.NewIdent("Second")}},
		}
		kv.Decs.Start.Append("// as http.DefaultTransport's: a zero value keeps idle connections forever")
		lit.Elts = append(lit.Elts, kv)
	}
	for _, e := range lit.Elts {
		e.Decorations().Before = dst.NewLine
		e.Decorations().After = dst.None
	}
	lit.Elts[len(lit.Elts)-1].Decorations().After = dst.NewLine
	return func() {
		lit.Elts = old
		for i, e := range old {
			e.Decorations().Before, e.Decorations().After = was[i].before, was[i].after
		}
	}
}

// transportLit returns the http.Transport composite literal of the hoisted
// value: the value itself, or the Transport field of a hoisted Client.
func (pl *Planner) transportLit(f *Fix) *ast.CompositeLit {
	info := pl.pass.TypesInfo
	var found *ast.CompositeLit
	ast.Inspect(f.hoisted, func(n ast.Node) bool {
		if lit, ok := n.(*ast.CompositeLit); ok && found == nil {
			if tv, ok := info.Types[lit]; ok && knowledge.IsTransport(tv.Type) {
				if _, named := types.Unalias(tv.Type).(*types.Named); named {
					found = lit
				}
			}
		}
		return found == nil
	})
	return found
}

// hasKey reports whether lit sets the field name.
func hasKey(lit *ast.CompositeLit, name string) bool {
	for _, e := range lit.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && id.Name == name {
				return true
			}
		} else {
			return true // positional: all fields are set
		}
	}
	return false
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
