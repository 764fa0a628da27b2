package fixer

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/keepalivefix/keepalivefix/internal/knowledge"
)

// keepSwitchesOfShortLivedTransports withdraws a keep-alive fix (KA1003)
// unless the Transport the setting acts on provably lives for many
// requests: with keep-alive on, a Transport built per call leaves an idle
// connection and its goroutines behind on every call, which is worse than
// closing each connection. A setting that moves with a hoisted Transport,
// or comes with one, is safe already (keepSwitchesOfPerCallTransports).
func (pl *Planner) keepSwitchesOfShortLivedTransports() {
	for _, f := range pl.fixes {
		if f.kind != kindRemove || f.dropped || f.follows != nil || f.joined != nil {
			continue
		}
		if why := pl.shortLived(f); why != "" {
			f.dropped = true
			f.Reason = "no fix: " + why + "; once it is built once and reused, remove the setting"
		}
	}
}

// shortLived says why the Transport that f's setting acts on may be built
// per call, or "" when it is long-lived.
func (pl *Planner) shortLived(f *Fix) string {
	info := pl.pass.TypesInfo
	path, _ := astutil.PathEnclosingInterval(f.file.ast, f.node.Pos(), f.node.End())
	switch n := f.node.(type) {
	case *ast.KeyValueExpr:
		// DisableKeepAlives: true in a Transport literal.
		if pl.onceContext(path) || atPackageLevel(path) {
			return ""
		}
		return "keepalivefix cannot prove that this Transport lives for many requests (it is built inside a function)"
	case *ast.AssignStmt:
		if ix, ok := ast.Unparen(n.Lhs[0]).(*ast.IndexExpr); ok {
			// req.Header["Connection"] = []string{"close"}
			if hs, ok := ast.Unparen(ix.X).(*ast.SelectorExpr); ok {
				return pl.requestShortLived(path, hs.X)
			}
		}
		sel, ok := ast.Unparen(n.Lhs[0]).(*ast.SelectorExpr)
		if !ok {
			return "keepalivefix cannot tell which Transport this setting belongs to"
		}
		if knowledge.IsRequest(info.TypeOf(sel.X)) {
			return pl.requestShortLived(path, sel.X)
		}
		if pl.onceContext(path) || pl.packageVar(sel.X) {
			return ""
		}
		return "keepalivefix cannot prove that the Transport " + types.ExprString(sel.X) + " lives for many requests"
	case *ast.CallExpr:
		sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr)
		if !ok {
			return "keepalivefix cannot tell which Transport this setting belongs to"
		}
		if hs, ok := ast.Unparen(sel.X).(*ast.SelectorExpr); ok && knowledge.IsRequest(info.TypeOf(hs.X)) {
			// req.Header.Set("Connection", "close")
			return pl.requestShortLived(path, hs.X)
		}
		// CloseIdleConnections on a client or a transport.
		if pl.clientLongLived(path, sel.X) || pl.packageVar(sel.X) {
			return ""
		}
		return "keepalivefix cannot prove that " + types.ExprString(sel.X) + " lives for many requests"
	}
	return "keepalivefix cannot tell which Transport this setting belongs to"
}

// requestShortLived says why the client that sends the request req (in
// the function around path) may have a Transport built per call.
func (pl *Planner) requestShortLived(path []ast.Node, req ast.Expr) string {
	info := pl.pass.TypesInfo
	id, ok := ast.Unparen(req).(*ast.Ident)
	if !ok {
		return "keepalivefix cannot tell which client sends this request"
	}
	obj := info.Uses[id]
	fn := enclosingFunc(path)
	if fn == nil || obj == nil {
		return "keepalivefix cannot tell which client sends this request"
	}
	var senders []ast.Expr
	ast.Inspect(fn, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		if a, ok := ast.Unparen(call.Args[0]).(*ast.Ident); !ok || info.Uses[a] != obj {
			return true
		}
		callee := typeutil.Callee(info, call)
		if callee == nil || (!knowledge.IsSend(callee) && !knowledge.IsRoundTrip(callee)) {
			return true
		}
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
			senders = append(senders, sel.X)
		}
		return true
	})
	if len(senders) == 0 {
		return "the request is sent elsewhere, through a client keepalivefix cannot see"
	}
	for _, s := range senders {
		if !pl.clientLongLived(path, s) && !pl.packageVar(s) {
			return "keepalivefix cannot prove that the client " + types.ExprString(s) + " that sends this request has a Transport that lives for many requests"
		}
	}
	return ""
}

// clientLongLived reports whether the client (or transport) e shares a
// long-lived Transport: http.DefaultClient, a package-level client, a
// client literal whose Transport is nil, package-level or
// http.DefaultTransport, or a field of the package's own type that holds
// only such clients or ones injected through a parameter (a constructor
// or an option: the caller's client, by convention shared).
func (pl *Planner) clientLongLived(path []ast.Node, e ast.Expr) bool {
	info := pl.pass.TypesInfo
	e = ast.Unparen(e)
	switch x := e.(type) {
	case *ast.SelectorExpr:
		obj := info.Uses[x.Sel]
		v, ok := obj.(*types.Var)
		if !ok {
			return false
		}
		if !v.IsField() {
			return v.Pkg() != nil && v.Pkg().Path() == knowledge.NetHTTP && (v.Name() == "DefaultClient" || v.Name() == "DefaultTransport")
		}
		return pl.fieldLongLived(v)
	case *ast.Ident:
		v, ok := info.Uses[x].(*types.Var)
		if !ok {
			return false
		}
		if v.Parent() == pl.pass.Pkg.Scope() {
			return !pl.reassigned(v)
		}
		// A local client: long-lived when its Transport is shared.
		var def ast.Expr
		fn := enclosingFunc(path)
		if fn == nil {
			return false
		}
		ast.Inspect(fn, func(n ast.Node) bool {
			if as, ok := n.(*ast.AssignStmt); ok && as.Tok == token.DEFINE && len(as.Lhs) == len(as.Rhs) {
				for i, l := range as.Lhs {
					if id, ok := l.(*ast.Ident); ok && info.Defs[id] == v {
						def = as.Rhs[i]
					}
				}
			}
			return def == nil
		})
		return def != nil && pl.sharedTransportClient(def)
	}
	return false
}

// fieldLongLived reports whether every value the package stores in the
// struct field v is a client with a shared Transport or a parameter.
func (pl *Planner) fieldLongLived(v *types.Var) bool {
	info := pl.pass.TypesInfo
	stores := 0
	ok := true
	check := func(val ast.Expr) {
		stores++
		val = ast.Unparen(val)
		if id, isID := val.(*ast.Ident); isID {
			if p, isVar := info.Uses[id].(*types.Var); isVar && isParam(p) {
				return
			}
		}
		if !pl.sharedTransportClient(val) && !pl.clientLongLived(nil, val) && !pl.ownTransportClient(val) {
			ok = false
		}
	}
	for _, f := range pl.pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.KeyValueExpr:
				if id, isID := n.Key.(*ast.Ident); isID && info.ObjectOf(id) == v {
					check(n.Value)
				}
			case *ast.AssignStmt:
				for i, l := range n.Lhs {
					if sel, isSel := ast.Unparen(l).(*ast.SelectorExpr); isSel && info.Uses[sel.Sel] == v && len(n.Rhs) == len(n.Lhs) {
						check(n.Rhs[i])
					}
				}
			}
			return true
		})
	}
	return ok && stores > 0
}

// ownTransportClient reports whether e is &http.Client{...} whose
// Transport is a &http.Transport{...} literal: stored in a field, it lives
// as long as the struct that holds it, built in its constructor.
func (pl *Planner) ownTransportClient(e ast.Expr) bool {
	info := pl.pass.TypesInfo
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	lit, ok := e.(*ast.CompositeLit)
	if !ok || !knowledge.IsClient(info.TypeOf(lit)) {
		return false
	}
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			return false
		}
		if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "Transport" {
			val := ast.Unparen(kv.Value)
			if u, ok := val.(*ast.UnaryExpr); ok && u.Op == token.AND {
				if tl, ok := ast.Unparen(u.X).(*ast.CompositeLit); ok && knowledge.IsTransport(info.TypeOf(tl)) {
					continue
				}
			}
			return false
		}
	}
	return true
}

// isParam reports whether v is a parameter of a function.
func isParam(v *types.Var) bool {
	return v.Parent() != nil && v.Parent().Parent() != nil && !v.IsField() && v.Kind() == types.ParamVar
}

// sharedTransportClient reports whether e is &http.Client{...} (or a value
// of it) whose Transport is absent, nil, http.DefaultTransport or a
// package-level variable: a fresh Client around a shared pool.
func (pl *Planner) sharedTransportClient(e ast.Expr) bool {
	info := pl.pass.TypesInfo
	e = ast.Unparen(e)
	if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = ast.Unparen(u.X)
	}
	lit, ok := e.(*ast.CompositeLit)
	if !ok || !knowledge.IsClient(info.TypeOf(lit)) {
		return false
	}
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			return false
		}
		if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "Transport" {
			val := ast.Unparen(kv.Value)
			if info.Types[val].IsNil() || pl.packageVar(val) || pl.clientLongLived(nil, val) {
				continue
			}
			return false
		}
	}
	return true
}

// packageVar reports whether e names a package-level variable of this
// package that nothing reassigns.
func (pl *Planner) packageVar(e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := pl.pass.TypesInfo.Uses[id].(*types.Var)
	return ok && v.Parent() == pl.pass.Pkg.Scope() && !pl.reassigned(v)
}

// atPackageLevel reports whether the innermost node of path sits in a
// package-level declaration.
func atPackageLevel(path []ast.Node) bool {
	for _, n := range path {
		switch n.(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			return false
		}
	}
	return true
}

// onceContext reports whether the code at path runs once per process: in
// init, in main of package main, or in a function literal handed to
// (*sync.Once).Do.
func (pl *Planner) onceContext(path []ast.Node) bool {
	info := pl.pass.TypesInfo
	for i, n := range path {
		switch n := n.(type) {
		case *ast.FuncLit:
			if i+1 < len(path) {
				if call, ok := path[i+1].(*ast.CallExpr); ok {
					if fn, ok := typeutil.Callee(info, call).(*types.Func); ok && fn.Pkg() != nil && fn.Pkg().Path() == "sync" && fn.Name() == "Do" {
						return true
					}
				}
			}
			return false
		case *ast.FuncDecl:
			return n.Recv == nil && (n.Name.Name == "init" || (n.Name.Name == "main" && pl.pass.Pkg.Name() == "main"))
		}
	}
	return false
}
