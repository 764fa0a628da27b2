package bodyfacts

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/keepalivefix/keepalivefix/internal/knowledge"
)

// Released are the uses after which a response owes its caller nothing:
// its body is closed, or read to EOF, which pools the connection.
const Released = knowledge.Closes | ToEOF

// IsClientSend reports whether fn sends through an http.Client (a Client
// method or a package-level helper using DefaultClient). When such a call
// fails because CheckRedirect returned an error, it returns the redirect
// response together with the error, its body already closed; on any other
// error the response is nil.
func IsClientSend(fn *types.Func) bool {
	return knowledge.IsSend(fn) && !knowledge.IsRoundTrip(fn)
}

// LiveSource reports whether a call of fn returns a response whose body is
// open, for the caller to close: net/http's senders, an interface method
// (a Doer's Do), or a function known by its fact to return one.
func (r *Result) LiveSource(fn *types.Func) bool {
	if fn == nil {
		return false
	}
	if knowledge.IsSend(fn) {
		return true
	}
	sig := fn.Type().(*types.Signature)
	if sig.Recv() != nil && types.IsInterface(sig.Recv().Type()) {
		return true
	}
	f := r.fact(fn)
	return f != nil && f.ReturnsLive
}

// ClosedOnError reports whether every response fn returns with an error
// is already closed.
func (r *Result) ClosedOnError(fn *types.Func) bool {
	if fn == nil {
		return false
	}
	if IsClientSend(fn) || abstractSend(fn) {
		return true
	}
	f := r.fact(fn)
	return f != nil && f.ClosedOnError
}

// abstractSend reports whether fn is an interface method that returns a
// response and an error (a Doer's Do, a RoundTripper's RoundTrip). The
// implementation is not known here; net/http's contract for both is that
// a response returned with an error is to be ignored (http.Client logs
// and drops one from a RoundTripper), so it is nil or already closed.
func abstractSend(fn *types.Func) bool {
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil || !types.IsInterface(sig.Recv().Type()) {
		return false
	}
	res := sig.Results()
	return res.Len() == 2 && knowledge.IsResponse(res.At(0).Type()) && isErrorType(res.At(1).Type())
}

// resultSig is the signature of decl with the indexes of its response and
// error results (-1 when absent).
func (r *Result) resultSig(decl *ast.FuncDecl) (sig *types.Signature, ri, ei int) {
	sig = r.pass.TypesInfo.Defs[decl.Name].Type().(*types.Signature)
	ri, ei = knowledge.ReturnsResponse(sig), -1
	for i := 0; i < sig.Results().Len(); i++ {
		if isErrorType(sig.Results().At(i).Type()) {
			ei = i
		}
	}
	return sig, ri, ei
}

func isErrorType(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

// errorReturns reports whether decl has a return statement that may hand
// back a live response with a non-nil error (live), and whether it has one
// that hands back a response with an error whose body is closed already
// (closed): "return resp, errorFrom(resp)" where errorFrom closes or reads
// the body to EOF, or a call's (resp, err) passed through from a callee
// known to do either.
func (r *Result) errorReturns(decl *ast.FuncDecl) (live, closed bool) {
	info := r.pass.TypesInfo
	sig, ri, ei := r.resultSig(decl)
	if ri < 0 || ei < 0 {
		return false, false
	}
	// passthrough records "resp, err := call()" assignments: returning
	// such a pair passes the callee's contract through.
	type pair struct{ resp, err types.Object }
	passthrough := map[pair]*ast.CallExpr{}
	callee := func(call *ast.CallExpr) {
		fn, _ := typeutil.Callee(info, call).(*types.Func)
		switch {
		case fn == nil:
		case r.ResponseOnError(fn):
			live = true
		case r.ClosedOnError(fn):
			closed = true
		}
	}
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
			if len(n.Results) == 1 && sig.Results().Len() > 1 {
				if call, ok := ast.Unparen(n.Results[0]).(*ast.CallExpr); ok {
					callee(call)
				}
				return true
			}
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
					callee(call)
					return true
				}
			}
			if rid != nil && r.errorReleases(ee, info.ObjectOf(rid)) {
				closed = true
				return true
			}
			if v, ok := info.ObjectOf(rid).(*types.Var); ok && rid != nil && r.releasedBefore(decl, n, v) {
				closed = true
				return true
			}
			live = true
		}
		return true
	})
	return live, closed
}

// errorReleases reports whether the error expression e is a call that
// closes, or reads to EOF, the body of the response resp (an error helper
// that reads the error document).
func (r *Result) errorReleases(e ast.Expr, resp types.Object) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	info := r.pass.TypesInfo
	aliases := map[types.Object]bool{resp: true}
	u, involved := r.CallUse(info, call, func(e ast.Expr) bool { return IsTracked(info, e, aliases) })
	return involved && u&Released != 0
}

// returnsClosed reports whether every response decl returns has, on the
// way to that return, its body closed or read to EOF, or comes from a
// callee that returns it so, or is returned with an error after a call
// whose responses with an error are closed.
func (r *Result) returnsClosed(decl *ast.FuncDecl) bool {
	info := r.pass.TypesInfo
	sig, ri, ei := r.resultSig(decl)
	if ri < 0 {
		return false
	}
	// from records the call each response variable was assigned from.
	from := map[types.Object]*ast.CallExpr{}
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		if as, ok := n.(*ast.AssignStmt); ok && len(as.Rhs) == 1 {
			if call, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr); ok {
				for _, l := range as.Lhs {
					if id, ok := l.(*ast.Ident); ok && knowledge.IsResponse(info.TypeOf(id)) {
						from[info.ObjectOf(id)] = call
					}
				}
			}
		}
		return true
	})
	ok, some := true, false
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		// Inspect goes on to the siblings of a node whose visit returned
		// false: one return that fails decides it.
		if !ok {
			return false
		}
		ret, isRet := n.(*ast.ReturnStmt)
		if !isRet {
			_, lit := n.(*ast.FuncLit)
			return !lit && ok
		}
		some = true
		if len(ret.Results) == 1 && sig.Results().Len() > 1 {
			call, _ := ast.Unparen(ret.Results[0]).(*ast.CallExpr)
			fn, _ := typeutil.Callee(info, call).(*types.Func)
			ok = call != nil && fn != nil && r.ReturnsClosed(fn)
			return false
		}
		if len(ret.Results) != sig.Results().Len() {
			ok = false
			return false
		}
		e := ast.Unparen(ret.Results[ri])
		if isNil(info, e) {
			return false
		}
		id, _ := e.(*ast.Ident)
		v, isVar := info.ObjectOf(id).(*types.Var)
		switch {
		case id == nil || !isVar:
			ok = false
		case r.releasedBefore(decl, ret, v):
		case ei >= 0 && from[v] != nil && r.closedOnErrorCall(from[v]):
			eid, _ := ast.Unparen(ret.Results[ei]).(*ast.Ident)
			ok = eid != nil && r.errSetAt(decl, ret, info.ObjectOf(eid))
		default:
			ok = false
		}
		return false
	})
	return ok && some
}

// returnsUnpooled reports whether every non-nil response decl returns is
// the result of a call that returns unpooled responses (http.ReadResponse,
// or a function with that fact), directly or through local variables
// assigned only such results.
func (r *Result) returnsUnpooled(decl *ast.FuncDecl) bool {
	info := r.pass.TypesInfo
	sig, ri, _ := r.resultSig(decl)
	if ri < 0 {
		return false
	}
	unpooledCall := func(e ast.Expr) bool {
		call, ok := ast.Unparen(e).(*ast.CallExpr)
		if !ok {
			return false
		}
		fn, _ := typeutil.Callee(info, call).(*types.Func)
		return fn != nil && r.ReturnsUnpooled(fn)
	}
	// only records, per response variable, whether every value assigned
	// to it is an unpooled call's (or nil).
	only := map[types.Object]bool{}
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok {
			return true
		}
		for i, l := range as.Lhs {
			id, ok := l.(*ast.Ident)
			if !ok || !knowledge.IsResponse(info.TypeOf(id)) {
				continue
			}
			obj := info.ObjectOf(id)
			good := false
			switch {
			case len(as.Rhs) == 1 && len(as.Lhs) > 1:
				good = unpooledCall(as.Rhs[0])
			case len(as.Rhs) == len(as.Lhs):
				good = unpooledCall(as.Rhs[i]) || isNil(info, as.Rhs[i])
			}
			if prev, seen := only[obj]; !seen || prev {
				only[obj] = good
			}
		}
		return true
	})
	ok, some := true, false
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		// Inspect goes on to the siblings of a node whose visit returned
		// false: one return that fails decides it.
		if !ok {
			return false
		}
		ret, isRet := n.(*ast.ReturnStmt)
		if !isRet {
			_, lit := n.(*ast.FuncLit)
			return !lit && ok
		}
		switch {
		case len(ret.Results) == 1 && sig.Results().Len() > 1:
			some = true
			ok = unpooledCall(ret.Results[0])
		case len(ret.Results) != sig.Results().Len():
			ok = false // a bare return of named results
		default:
			e := ast.Unparen(ret.Results[ri])
			if isNil(info, e) {
				return false
			}
			some = true
			if unpooledCall(e) {
				return false
			}
			id, _ := e.(*ast.Ident)
			v, isVar := info.ObjectOf(id).(*types.Var)
			ok = id != nil && isVar && only[v]
		}
		return false
	})
	return ok && some
}

func (r *Result) closedOnErrorCall(call *ast.CallExpr) bool {
	fn, _ := typeutil.Callee(r.pass.TypesInfo, call).(*types.Func)
	return r.ClosedOnError(fn)
}

// returnsLive reports whether decl may return the open response of a call
// that returned one: "return c.Do(req)", or "resp, err := c.Do(req); ...;
// return resp, nil" with resp's body neither closed nor read to EOF in
// decl.
func (r *Result) returnsLive(decl *ast.FuncDecl) bool {
	info := r.pass.TypesInfo
	sig, ri, _ := r.resultSig(decl)
	if ri < 0 {
		return false
	}
	liveCall := func(e ast.Expr) bool {
		call, ok := ast.Unparen(e).(*ast.CallExpr)
		if !ok {
			return false
		}
		fn, _ := typeutil.Callee(info, call).(*types.Func)
		return r.LiveSource(fn)
	}
	// Variables assigned the response of a live call.
	fromLive := map[types.Object]bool{}
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Rhs) != 1 || !liveCall(as.Rhs[0]) {
			return true
		}
		for _, l := range as.Lhs {
			if id, ok := l.(*ast.Ident); ok && knowledge.IsResponse(info.TypeOf(id)) {
				if obj := info.ObjectOf(id); obj != nil {
					fromLive[obj] = true
				}
			}
		}
		return true
	})
	live := false
	ast.Inspect(decl.Body, func(n ast.Node) bool {
		if live {
			return false // one live return decides it
		}
		ret, ok := n.(*ast.ReturnStmt)
		if !ok {
			_, lit := n.(*ast.FuncLit)
			return !lit && !live
		}
		switch {
		case len(ret.Results) == 1 && sig.Results().Len() > 1:
			live = liveCall(ret.Results[0])
		case len(ret.Results) == sig.Results().Len():
			e := ast.Unparen(ret.Results[ri])
			if liveCall(e) {
				live = true
			} else if id, ok := e.(*ast.Ident); ok {
				v, isVar := info.ObjectOf(id).(*types.Var)
				live = isVar && fromLive[v] && !r.releasedBefore(decl, ret, v)
			}
		}
		return !live
	})
	return live
}

// releasedBefore reports whether v's body is closed or read to EOF by a
// statement that runs before ret on every path to it: one that precedes
// ret in ret's block or in a block around it.
func (r *Result) releasedBefore(decl *ast.FuncDecl, ret *ast.ReturnStmt, v *types.Var) bool {
	path, _ := astutil.PathEnclosingInterval(r.fileOf(decl), ret.Pos(), ret.End())
	for i := 1; i < len(path); i++ {
		var list []ast.Stmt
		switch b := path[i].(type) {
		case *ast.BlockStmt:
			list = b.List
		case *ast.CaseClause:
			list = b.Body
		case *ast.CommClause:
			list = b.Body
		case *ast.FuncLit:
			return false
		}
		for _, st := range list {
			if st == path[i-1] {
				break
			}
			if r.useIn(decl.Body, st, v)&Released != 0 && !branches(st) {
				return true
			}
			// The init and condition of an if or switch always run.
			for _, part := range alwaysRun(st) {
				if part != nil && r.useIn(decl.Body, part, v)&Released != 0 {
					return true
				}
			}
		}
		if path[i] == decl.Body {
			break
		}
	}
	return false
}

// branches reports whether st decides between paths (an if, switch, loop or
// select): a release inside it may be on one of them only.
func branches(st ast.Stmt) bool {
	switch st.(type) {
	case *ast.IfStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.ForStmt, *ast.RangeStmt, *ast.SelectStmt, *ast.BlockStmt, *ast.LabeledStmt:
		return true
	}
	return false
}

// errSetAt reports whether the error variable e is certainly non-nil at
// ret: ret is inside "if e != nil {", or follows "if e == nil { ...; return }"
// in a block around it.
func (r *Result) errSetAt(decl *ast.FuncDecl, ret *ast.ReturnStmt, e types.Object) bool {
	info := r.pass.TypesInfo
	test := func(cond ast.Expr, op token.Token) bool {
		b, ok := ast.Unparen(cond).(*ast.BinaryExpr)
		if !ok || b.Op != op {
			return false
		}
		id, ok := ast.Unparen(b.X).(*ast.Ident)
		return ok && info.ObjectOf(id) == e && isNil(info, b.Y)
	}
	// reassigned reports whether e is assigned between from and ret: the
	// test then says nothing of its value at ret.
	reassigned := func(from token.Pos) bool {
		found := false
		ast.Inspect(decl.Body, func(n ast.Node) bool {
			if found || n == nil || n.End() <= from || n.Pos() >= ret.Pos() {
				return false
			}
			if as, ok := n.(*ast.AssignStmt); ok && as.Pos() >= from {
				for _, l := range as.Lhs {
					if id, ok := ast.Unparen(l).(*ast.Ident); ok && info.ObjectOf(id) == e {
						found = true
					}
				}
			}
			return true
		})
		return found
	}
	path, _ := astutil.PathEnclosingInterval(r.fileOf(decl), ret.Pos(), ret.End())
	for i := 1; i < len(path); i++ {
		switch n := path[i].(type) {
		case *ast.IfStmt:
			if n.Body == path[i-1] && test(n.Cond, token.NEQ) {
				return !reassigned(n.Cond.End())
			}
		case *ast.BlockStmt:
			for _, st := range n.List {
				if st == path[i-1] {
					break
				}
				ifs, ok := st.(*ast.IfStmt)
				if ok && ifs.Else == nil && test(ifs.Cond, token.EQL) && len(ifs.Body.List) > 0 {
					if _, isRet := ifs.Body.List[len(ifs.Body.List)-1].(*ast.ReturnStmt); isRet && !reassigned(ifs.End()) {
						return true
					}
				}
			}
		case *ast.FuncLit:
			return false
		}
		if path[i] == decl.Body {
			break
		}
	}
	return false
}

func (r *Result) fileOf(n ast.Node) *ast.File {
	for _, f := range r.pass.Files {
		if f.FileStart <= n.Pos() && n.Pos() < f.FileEnd {
			return f
		}
	}
	return nil
}

// alwaysRun returns the parts of a branching statement that run whichever
// branch is taken.
func alwaysRun(st ast.Stmt) []ast.Node {
	switch st := st.(type) {
	case *ast.IfStmt:
		if st.Init == nil {
			return []ast.Node{st.Cond}
		}
		return []ast.Node{st.Init, st.Cond}
	case *ast.SwitchStmt:
		if st.Init == nil {
			return nil
		}
		return []ast.Node{st.Init}
	}
	return nil
}
