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
	// response it returns (a test helper that returns it with the data it
	// read): callers owe no close.
	ReturnsClosed bool
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
	return "bodyfacts(" + strings.Join(parts, " ") + ")"
}

func useString(u knowledge.Use) string {
	var s []string
	for _, x := range []struct {
		u    knowledge.Use
		name string
	}{{knowledge.Reads, "reads"}, {knowledge.Drains, "drains"}, {knowledge.Closes, "closes"}, {knowledge.Retains, "retains"}} {
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
	if u, ok := knowledge.StdUse(fn, i); ok {
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

// ResponseOnError reports whether fn may return a live response with an
// error.
func (r *Result) ResponseOnError(fn *types.Func) bool {
	f := r.fact(fn)
	return f != nil && f.ResponseOnError
}

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
	// (bounded, for pathological recursion).
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
			if !f.ResponseOnError && res.responseOnError(c.decl) {
				f.ResponseOnError = true
				changed = true
			}
			if !f.ReturnsClosed && res.returnsClosed(c.decl) {
				f.ReturnsClosed = true
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
	ast.Inspect(body, func(n ast.Node) bool {
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

// responseOnError reports whether decl has a return statement that may
// hand back a live response with a non-nil error: a response that is not
// the nil literal beside an error that is neither nil nor the error that
// came with the response from the same call.
func (r *Result) responseOnError(decl *ast.FuncDecl) bool {
	info := r.pass.TypesInfo
	sig := info.Defs[decl.Name].Type().(*types.Signature)
	ri := knowledge.ReturnsResponse(sig)
	if ri < 0 || sig.Results().Len() < 2 {
		return false
	}
	ei := -1
	errType := types.Universe.Lookup("error").Type()
	for i := 0; i < sig.Results().Len(); i++ {
		if types.Identical(sig.Results().At(i).Type(), errType) {
			ei = i
		}
	}
	if ei < 0 {
		return false
	}
	// pairs records "resp, err := call()" assignments: returning such a
	// pair passes the callee's contract through.
	type pair struct{ resp, err types.Object }
	passthrough := map[pair]*ast.CallExpr{}
	found := false
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			if len(n.Rhs) == 1 && len(n.Lhs) >= 2 {
				if call, ok := ast.Unparen(n.Rhs[0]).(*ast.CallExpr); ok {
					var objs []types.Object
					for _, l := range n.Lhs {
						id, _ := l.(*ast.Ident)
						if id == nil {
							objs = append(objs, nil)
							continue
						}
						objs = append(objs, info.ObjectOf(id))
					}
					for i := range objs {
						for j := range objs {
							if i != j && objs[i] != nil && objs[j] != nil {
								passthrough[pair{objs[i], objs[j]}] = call
							}
						}
					}
				}
			}
		case *ast.ReturnStmt:
			if len(n.Results) != sig.Results().Len() {
				return true
			}
			re, ee := ast.Unparen(n.Results[ri]), ast.Unparen(n.Results[ei])
			if isNil(info, re) || isNil(info, ee) {
				return true
			}
			rid, _ := re.(*ast.Ident)
			eid, _ := ee.(*ast.Ident)
			if rid != nil && eid != nil {
				if call, ok := passthrough[pair{info.ObjectOf(rid), info.ObjectOf(eid)}]; ok {
					if fn, ok := typeutil.Callee(info, call).(*types.Func); ok && r.ResponseOnError(fn) {
						found = true
					}
					return true
				}
			}
			found = true
		}
		return !found
	})
	return found
}

// returnsClosed reports whether every response variable that decl returns
// has its body closed somewhere in decl.
func (r *Result) returnsClosed(decl *ast.FuncDecl) bool {
	info := r.pass.TypesInfo
	sig := info.Defs[decl.Name].Type().(*types.Signature)
	ri := knowledge.ReturnsResponse(sig)
	if ri < 0 {
		return false
	}
	returned := map[types.Object]bool{}
	ok := true
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if len(n.Results) != sig.Results().Len() {
				ok = false
				return false
			}
			e := ast.Unparen(n.Results[ri])
			if isNil(info, e) {
				return true
			}
			id, isID := e.(*ast.Ident)
			if !isID {
				ok = false
				return false
			}
			returned[info.ObjectOf(id)] = true
		}
		return true
	})
	if !ok || len(returned) == 0 {
		return false
	}
	for v := range returned {
		if v, isVar := v.(*types.Var); !isVar || r.paramUse(decl.Body, v)&knowledge.Closes == 0 {
			return false
		}
	}
	return true
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
