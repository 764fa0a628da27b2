// Package bodyfacts computes, once per package, what each function does with
// the HTTP response bodies it is given: whether it reads, drains, closes or
// keeps them, and whether it may return a response together with an error.
// The results travel across packages as analysis facts, so a helper such as
// drainAndClose(resp) in one package is understood where it is called.
package bodyfacts

import (
	"fmt"
	"go/ast"
	"go/types"
	"reflect"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/keepalivefix/keepalivefix/internal/knowledge"
)

// Fact is exported for each function that takes a body-carrying parameter
// or returns a *http.Response with an error.
type Fact struct {
	// Recv is what a method does with its receiver, when that is a
	// *http.Response or a body (resp.closeBody() in net/http itself).
	Recv knowledge.Use
	// Params holds, per parameter, what the function does with it.
	Params []knowledge.Use
	// ResponseOnError is set when the function may return a non-nil
	// response together with a non-nil error, so callers must close the
	// body even when the error is set.
	ResponseOnError bool
	// ReturnsClosed is set when the function closes the body of the
	// response it returns, or reads it to EOF, which puts the connection
	// back in the pool as a Close would (a test helper that returns the
	// response with the data it read): callers owe nothing.
	ReturnsClosed bool
	// ClosedOnError is set when every response the function returns with
	// a non-nil error has its body closed already: the client's own after
	// a failed CheckRedirect, or a wrapper's whose error helper closed it.
	ClosedOnError bool
	// ReturnsLive is set when the function returns the open response of a
	// request it sent: a caller that drops it leaks the connection.
	ReturnsLive bool
	// ReturnsUnpooled is set when every response the function returns was
	// read from a connection of its own (http.ReadResponse, as a
	// websocket dialer does), not through a Transport: no pool waits for
	// it, so what the caller does with it changes no reuse.
	ReturnsUnpooled bool
}

func (*Fact) AFact() {}

func (f *Fact) String() string {
	var parts []string
	if f.Recv != 0 {
		parts = append(parts, "recv:"+useString(f.Recv))
	}
	for i, u := range f.Params {
		if u != 0 {
			parts = append(parts, fmt.Sprintf("%d:%s", i, useString(u)))
		}
	}
	if f.ResponseOnError {
		parts = append(parts, "responseOnError")
	}
	if f.ReturnsClosed {
		parts = append(parts, "returnsClosed")
	}
	if f.ClosedOnError {
		parts = append(parts, "closedOnError")
	}
	if f.ReturnsLive {
		parts = append(parts, "returnsLive")
	}
	if f.ReturnsUnpooled {
		parts = append(parts, "returnsUnpooled")
	}
	return "bodyfacts(" + strings.Join(parts, " ") + ")"
}

func useString(u knowledge.Use) string {
	var s []string
	for _, x := range []struct {
		u    knowledge.Use
		name string
	}{{knowledge.Reads, "reads"}, {knowledge.Drains, "drains"}, {ToEOF, "eof"}, {Partial, "partial"}, {knowledge.Closes, "closes"}, {knowledge.Retains, "retains"}} {
		if u&x.u != 0 {
			s = append(s, x.name)
		}
	}
	return strings.Join(s, "+")
}

// Analyzer computes the facts; its Result answers questions about calls.
var Analyzer = &analysis.Analyzer{
	Name:       "keepalivehelpers",
	Doc:        "compute what functions do with the HTTP response bodies passed to them (facts for keepalive)",
	URL:        "https://github.com/keepalivefix/keepalivefix",
	FactTypes:  []analysis.Fact{new(Fact)},
	ResultType: reflect.TypeOf((*Result)(nil)),
	Run:        run,
}

// Result answers what a call does with its arguments, from the standard
// library table, this package's facts and imported facts.
type Result struct {
	pass  *analysis.Pass
	local map[*types.Func]*Fact
}

// ArgUse reports what a call of fn does with its argument i, and whether
// that is known at all. Unknown callees (func values, interface methods,
// functions without source) are for the caller to treat conservatively.
func (r *Result) ArgUse(fn *types.Func, i int) (knowledge.Use, bool) {
	if fn == nil {
		return 0, false
	}
	if u, ok := stdUse(fn, i); ok {
		return u, true
	}
	f := r.fact(fn)
	if f == nil {
		return 0, false
	}
	if i >= len(f.Params) {
		if sig := fn.Type().(*types.Signature); sig.Variadic() && len(f.Params) > 0 {
			return f.Params[len(f.Params)-1], true
		}
		return 0, true
	}
	return f.Params[i], true
}

// ReturnsClosed reports whether fn returns a response it already closed.
func (r *Result) ReturnsClosed(fn *types.Func) bool {
	f := r.fact(fn)
	return f != nil && f.ReturnsClosed
}

// ReturnsUnpooled reports whether every response fn returns was read from
// a connection of its own, not through a Transport's pool.
func (r *Result) ReturnsUnpooled(fn *types.Func) bool {
	if knowledge.Unpooled(fn) {
		return true
	}
	f := r.fact(fn)
	return f != nil && f.ReturnsUnpooled
}

// ResponseOnError reports whether fn may return a live response with an
// error.
func (r *Result) ResponseOnError(fn *types.Func) bool {
	if knowledge.IsSend(fn) {
		// net/http's contract, whatever its source shows: nil, or closed
		// after a failed CheckRedirect (see IsClientSend).
		return false
	}
	f := r.fact(fn)
	return f != nil && f.ResponseOnError
}

// HasFact reports whether fn carries a fact: it closes, drains or returns
// a response, whatever its signature says.
func (r *Result) HasFact(fn *types.Func) bool { return r.fact(fn) != nil }

func (r *Result) fact(fn *types.Func) *Fact {
	fn = fn.Origin()
	if f, ok := r.local[fn]; ok {
		return f
	}
	if fn.Pkg() == r.pass.Pkg {
		return nil
	}
	f := new(Fact)
	if r.pass.ImportObjectFact(fn, f) {
		return f
	}
	return nil
}

// CallUse reports what call does with the values that tracked recognises
// (a response, its Body, or an alias of either), and whether it involves
// them at all. Passing one to an unknown function hands it over (Retains):
// the callee may close it, and a false report would cost more than a miss.
func (r *Result) CallUse(info *types.Info, call *ast.CallExpr, tracked func(ast.Expr) bool) (knowledge.Use, bool) {
	var use knowledge.Use
	involved := false
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && tracked(sel.X) {
		involved = true
		switch sel.Sel.Name {
		case "Close":
			use |= knowledge.Closes
		case "Read", "WriteTo":
			use |= knowledge.Reads
		default:
			if knowledge.IsResponse(info.TypeOf(sel.X)) {
				use |= knowledge.ResponseMethodUse(sel.Sel.Name)
			}
		}
	}
	fn, _ := typeutil.Callee(info, call).(*types.Func)
	if involved && fn != nil {
		if f := r.fact(fn); f != nil {
			use |= f.Recv
		}
	}
	for i, arg := range call.Args {
		if u, ok := r.limitedUse(info, fn, call, i, tracked); ok {
			involved = true
			use |= u
			continue
		}
		if !tracked(arg) {
			continue
		}
		involved = true
		if u, ok := r.ArgUse(fn, i); ok {
			use |= u
		} else {
			use |= knowledge.Retains
		}
	}
	return use, involved
}

func run(pass *analysis.Pass) (any, error) {
	res := &Result{pass: pass, local: make(map[*types.Func]*Fact)}
	type candidate struct {
		fn     *types.Func
		decl   *ast.FuncDecl
		recv   *types.Var
		params []*types.Var
	}
	var cands []candidate
	for _, file := range pass.Files {
		for _, d := range file.Decls {
			decl, ok := d.(*ast.FuncDecl)
			if !ok || decl.Body == nil {
				continue
			}
			fn, ok := pass.TypesInfo.Defs[decl.Name].(*types.Func)
			if !ok {
				continue
			}
			sig := fn.Type().(*types.Signature)
			var params []*types.Var
			interesting := knowledge.ReturnsResponse(sig) >= 0
			var recv *types.Var
			if sig.Recv() != nil && knowledge.IsBodyType(sig.Recv().Type()) {
				recv, interesting = sig.Recv(), true
			}
			for i := 0; i < sig.Params().Len(); i++ {
				v := sig.Params().At(i)
				if knowledge.IsBodyType(v.Type()) {
					params = append(params, v)
					interesting = true
				} else {
					params = append(params, nil)
				}
			}
			if interesting {
				res.local[fn] = &Fact{Params: make([]knowledge.Use, len(params))}
				cands = append(cands, candidate{fn, decl, recv, params})
			}
		}
	}
	// Helpers call helpers; uses only grow, so iterate to a fixed point
	// (bounded, for pathological recursion). The return facts follow.
	for round := 0; round < 8; round++ {
		changed := false
		for _, c := range cands {
			f := res.local[c.fn]
			if c.recv != nil {
				if u := f.Recv | res.paramUse(c.decl.Body, c.recv); u != f.Recv {
					f.Recv = u
					changed = true
				}
			}
			for i, p := range c.params {
				if p == nil {
					continue
				}
				if u := f.Params[i] | res.paramUse(c.decl.Body, p); u != f.Params[i] {
					f.Params[i] = u
					changed = true
				}
			}
		}
		if !changed {
			break
		}
	}
	// What a function returns depends on what its callees do with bodies,
	// final now, and on its callees' return facts: recompute those until
	// they settle, so that an early guess (a helper not yet known to close)
	// does not stick.
	for round := 0; round < 8; round++ {
		changed := false
		for _, c := range cands {
			f := res.local[c.fn]
			live, closed := res.errorReturns(c.decl)
			closed = closed && !live
			returnsClosed := res.returnsClosed(c.decl)
			returnsLive := !returnsClosed && res.returnsLive(c.decl)
			unpooled := res.returnsUnpooled(c.decl)
			if live != f.ResponseOnError || closed != f.ClosedOnError || returnsClosed != f.ReturnsClosed || returnsLive != f.ReturnsLive || unpooled != f.ReturnsUnpooled {
				f.ResponseOnError, f.ClosedOnError, f.ReturnsClosed, f.ReturnsLive, f.ReturnsUnpooled = live, closed, returnsClosed, returnsLive, unpooled
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	for _, c := range cands {
		// Exported even when empty: an empty fact says "borrows, does not
		// close", which callers must tell apart from "unknown".
		pass.ExportObjectFact(c.fn, res.local[c.fn])
	}
	return res, nil
}

// paramUse summarises, flow-insensitively, what body does with parameter p.
func (r *Result) paramUse(body *ast.BlockStmt, p *types.Var) knowledge.Use {
	return r.useIn(body, body, p)
}

// useIn is paramUse restricted to the uses within n, a part of body.
func (r *Result) useIn(body *ast.BlockStmt, n ast.Node, p *types.Var) knowledge.Use {
	info := r.pass.TypesInfo
	aliases := map[types.Object]bool{p: true}
	tracked := func(e ast.Expr) bool { return IsTracked(info, e, aliases) }
	// Aliases first: body := resp.Body, then body.Close() later.
	ast.Inspect(body, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok && len(as.Lhs) == len(as.Rhs) {
			for i, rhs := range as.Rhs {
				if id, ok := as.Lhs[i].(*ast.Ident); ok && tracked(rhs) {
					if obj := info.ObjectOf(id); obj != nil && isLocal(obj) {
						aliases[obj] = true
					}
				}
			}
		}
		return true
	})
	var use knowledge.Use
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if u, ok := r.CallUse(info, n, tracked); ok {
				use |= u
			}
		case *ast.ReturnStmt:
			for _, e := range n.Results {
				if tracked(e) {
					use |= knowledge.Retains
				}
			}
		case *ast.SendStmt:
			if tracked(n.Value) {
				use |= knowledge.Retains
			}
		case *ast.CompositeLit:
			for _, e := range n.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					e = kv.Value
				}
				if tracked(e) {
					use |= knowledge.Retains
				}
			}
		case *ast.AssignStmt:
			for i, rhs := range n.Rhs {
				if i < len(n.Lhs) && tracked(rhs) {
					if id, ok := n.Lhs[i].(*ast.Ident); ok && isLocal(info.ObjectOf(id)) {
						continue
					}
					use |= knowledge.Retains
				}
			}
		}
		return true
	})
	return use
}

func isNil(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[e]
	return ok && tv.IsNil()
}

// IsTracked reports whether e denotes a tracked value: a variable in
// aliases, or the Body field of one that is a *http.Response.
func IsTracked(info *types.Info, e ast.Expr, aliases map[types.Object]bool) bool {
	e = ast.Unparen(e)
	if sel, ok := e.(*ast.SelectorExpr); ok && sel.Sel.Name == "Body" {
		if knowledge.IsResponse(info.TypeOf(sel.X)) {
			e = ast.Unparen(sel.X)
		}
	}
	id, ok := e.(*ast.Ident)
	return ok && aliases[info.ObjectOf(id)]
}

// Mentions reports whether e refers to any variable in aliases.
func Mentions(info *types.Info, e ast.Node, aliases map[types.Object]bool) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && aliases[info.ObjectOf(id)] {
			found = true
		}
		return !found
	})
	return found
}

func isLocal(obj types.Object) bool {
	v, ok := obj.(*types.Var)
	return ok && !v.IsField() && v.Pkg() != nil && v.Parent() != nil && v.Parent() != v.Pkg().Scope()
}
