package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/cfg"

	"github.com/keepalivefix/keepalivefix/internal/bodyfacts"
	"github.com/keepalivefix/keepalivefix/internal/knowledge"
)

// effect is what one node of the graph does to the followed response.
type effect struct {
	use        knowledge.Use // done now
	deferred   knowledge.Use // done when the function returns
	overwrite  bool          // the response variable is assigned anew
	errWritten bool          // the error variable is assigned anew
	closeAt    ast.Node      // where the Close is, for reports
}

// walk follows the response from node index i of block b onwards.
func (fa *funcAnalysis) walk(r *response, b *cfg.Block, i int, st flowState, first bool) {
	if !first {
		if !st.looped && isLoopHead(b) && within(r.stmt.Pos(), b.Stmt) {
			st.looped = true
		}
		if b.Kind == cfg.KindSwitchCaseBody && fa.noBodyCase(r, b) {
			return // 204, 304 or HEAD: no body, the connection is pooled
		}
		key := visitKey{b, st}
		if r.visited[key] {
			return
		}
		r.visited[key] = true
	}
	for ; i < len(b.Nodes); i++ {
		n := b.Nodes[i]
		if n == r.stmt {
			// Back at the call: a loop sends the next request while this
			// response is still open.
			if !st.deferred {
				r.leak(leakLoop, n, true)
			} else {
				r.leak(leakDeferLoop, st.deferAt, false)
			}
			return
		}
		eff := fa.effectOf(r, n)
		if eff.use&knowledge.Retains != 0 {
			return // handed over
		}
		fa.record(&st, eff.use)
		if eff.use&knowledge.Closes != 0 {
			ret, _ := n.(*ast.ReturnStmt)
			if ret == nil {
				ret = fa.returnAfter(b, i+1)
			}
			if ret != nil && eff.use&knowledge.Drains == 0 && !fa.drainedAt(r, st, n) {
				r.undrain(eff.closeAt, ret)
			}
			return
		}
		if st.eof {
			// Read to EOF: the connection is back in the pool, whatever
			// happens to the body now.
			return
		}
		if eff.deferred&knowledge.Closes != 0 {
			if !st.deferred {
				st.deferAt = n
			}
			st.deferred = true
			st.deferDrain = st.deferDrain || eff.deferred&(knowledge.Drains|fa.drainUses()) != 0
		}
		if eff.overwrite {
			if !st.deferred && !fa.closedOnError(r, st) {
				r.leak(leakOverwrite, n, false)
			}
			return
		}
		if eff.errWritten {
			st.errStale = true
		}
		if ret, ok := n.(*ast.ReturnStmt); ok {
			fa.exit(r, st, ret)
			return
		}
	}
	switch len(b.Succs) {
	case 0:
		return // panic, os.Exit, log.Fatal: nothing to return to the pool
	case 2:
		if len(b.Nodes) == 0 || b.Kind == cfg.KindRangeLoop {
			break
		}
		if cond, ok := b.Nodes[len(b.Nodes)-1].(ast.Expr); ok {
			nilIfTrue, nilIfFalse := fa.nilWhen(r, st, cond)
			noBodyIfTrue, noBodyIfFalse := fa.noBodyWhen(r, cond)
			if r.errVar != nil && bodyfacts.Mentions(fa.pass.TypesInfo, cond, map[types.Object]bool{r.errVar: true}) {
				st.errTested = true
			}
			thenSt, elseSt := st, st
			if b.Kind == cfg.KindForLoop && fa.isReadLoopCond(r, cond) {
				// The scanner or decoder said there is no more: EOF, or an
				// error that ends the body anyway.
				elseSt.drained = true
			}
			if !nilIfTrue && !noBodyIfTrue {
				fa.walk(r, b.Succs[0], 0, thenSt, false)
			}
			if !nilIfFalse && !noBodyIfFalse {
				fa.walk(r, b.Succs[1], 0, elseSt, false)
			}
			return
		}
	}
	for _, s := range b.Succs {
		fa.walk(r, s, 0, st, false)
	}
}

// record notes in st what a node's uses did to the body.
func (fa *funcAnalysis) record(st *flowState, u knowledge.Use) {
	if u&knowledge.Drains != 0 {
		st.drained = true
	}
	if u&bodyfacts.ToEOF != 0 {
		st.eof = true
	}
	if u&knowledge.Reads != 0 {
		st.read = true
	}
	if u&bodyfacts.Partial != 0 {
		st.partial = true
	}
}

// drainedAt reports whether, in state st, a Close at node n comes after the
// body was read far enough to count as drained: to EOF or by a bounded
// drain; or, without -strict-drain, by a decoder or scanner, unless only a
// small prefix was read or n leaves that reader's loop before its end.
func (fa *funcAnalysis) drainedAt(r *response, st flowState, n ast.Node) bool {
	if st.drained || st.eof {
		return true
	}
	if fa.pass.opts.StrictDrain || !st.read || st.partial {
		return false
	}
	return !fa.inReadLoop(r, n.Pos())
}

// returnAfter returns a return statement that some path from node i of
// block b reaches, or nil when every path ends the program (t.Fatal,
// panic), which ends its interest in the connection too.
func (fa *funcAnalysis) returnAfter(b *cfg.Block, i int) *ast.ReturnStmt {
	for ; i < len(b.Nodes); i++ {
		if ret, ok := b.Nodes[i].(*ast.ReturnStmt); ok {
			return ret
		}
	}
	seen := map[*cfg.Block]bool{}
	var from func(b *cfg.Block) *ast.ReturnStmt
	from = func(b *cfg.Block) *ast.ReturnStmt {
		if seen[b] {
			return nil
		}
		seen[b] = true
		if ret := b.Return(); ret != nil {
			return ret
		}
		for _, s := range b.Succs {
			if ret := from(s); ret != nil {
				return ret
			}
		}
		return nil
	}
	for _, s := range b.Succs {
		if ret := from(s); ret != nil {
			return ret
		}
	}
	return nil
}

// isLoopHead reports whether b is where a loop decides to go round again.
func isLoopHead(b *cfg.Block) bool {
	switch b.Kind {
	case cfg.KindForLoop, cfg.KindForPost, cfg.KindRangeLoop:
		return true
	}
	return false
}

// drainUses are the uses that count as reading the body to the end.
func (fa *funcAnalysis) drainUses() knowledge.Use {
	if fa.pass.opts.StrictDrain {
		return knowledge.Drains
	}
	return knowledge.Drains | knowledge.Reads
}

// exit checks the state in which a path leaves the function.
func (fa *funcAnalysis) exit(r *response, st flowState, ret *ast.ReturnStmt) {
	if !st.deferred {
		switch {
		case fa.closedOnError(r, st):
		case st.looped:
			r.leak(leakContinue, ret, true)
		default:
			r.leak(leakReturn, ret, true)
		}
		return
	}
	if !st.deferDrain && !fa.drainedAt(r, st, ret) {
		if d := fa.deferOf(r); d != nil {
			r.undrain(d, ret)
		}
	}
}

// closedOnError reports whether a path that leaves with the body open is
// one where the error was not tested yet, from a callee whose responses
// with an error are closed already (net/http's after a failed
// CheckRedirect, a wrapper whose error helper read the body), in a
// function that tests the error later: the code looked at the response
// that came with the error, which owes nothing.
func (fa *funcAnalysis) closedOnError(r *response, st flowState) bool {
	return r.closedOnErr && r.errVar != nil && !st.errTested && !st.errStale && fa.testsError(r)
}

// testsError reports whether some condition in the function mentions r's
// error variable.
func (fa *funcAnalysis) testsError(r *response) bool {
	info := fa.pass.TypesInfo
	errs := map[types.Object]bool{r.errVar: true}
	found := false
	ast.Inspect(fa.body, func(n ast.Node) bool {
		var cond ast.Expr
		switch n := n.(type) {
		case *ast.IfStmt:
			cond = n.Cond
		case *ast.CaseClause:
			for _, e := range n.List {
				found = found || bodyfacts.Mentions(info, e, errs)
			}
		case *ast.ExprStmt:
			// require.Error(t, err), assertNoError(err): a helper tests it.
			if call, ok := n.X.(*ast.CallExpr); ok {
				for _, a := range call.Args {
					found = found || bodyfacts.Mentions(info, a, errs)
				}
			}
		case *ast.FuncLit:
			return false
		}
		if cond != nil && bodyfacts.Mentions(info, cond, errs) {
			found = true
		}
		return !found
	})
	return found
}

// deferOf finds the defer statement that closes r's body.
func (fa *funcAnalysis) deferOf(r *response) *ast.DeferStmt {
	var found *ast.DeferStmt
	ast.Inspect(fa.body, func(n ast.Node) bool {
		if found != nil {
			return false
		}
		if d, ok := n.(*ast.DeferStmt); ok && fa.effectOf(r, d).deferred&knowledge.Closes != 0 {
			found = d
		}
		return true
	})
	return found
}

// effectOf computes what node n does to the response.
func (fa *funcAnalysis) effectOf(r *response, n ast.Node) effect {
	info := fa.pass.TypesInfo
	tracked := func(e ast.Expr) bool { return bodyfacts.IsTracked(info, e, r.aliases) }
	var eff effect
	add := func(u knowledge.Use, at ast.Node, deferred bool) {
		if deferred {
			eff.deferred |= u
		} else {
			eff.use |= u
		}
		if u&knowledge.Closes != 0 && eff.closeAt == nil {
			eff.closeAt = at
		}
	}
	var visit func(n ast.Node, deferred bool)
	visit = func(root ast.Node, deferred bool) {
		ast.Inspect(root, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.DeferStmt:
				if n == root {
					return true
				}
				return false
			case *ast.GoStmt:
				if bodyfacts.Mentions(info, n.Call, r.aliases) || fa.callsClosure(r, n.Call) != nil {
					eff.use |= knowledge.Retains
				}
				return false
			case *ast.FuncLit:
				if r.closures[n] {
					return false // runs where the variable holding it is called
				}
				if !bodyfacts.Mentions(info, n, r.aliases) {
					return false
				}
				// A closure deferred here runs at exit; any other closure
				// that captures the response takes it along.
				if d, ok := root.(*ast.DeferStmt); ok && d.Call.Fun == ast.Expr(n) {
					visit(n.Body, true)
				} else {
					eff.use |= knowledge.Retains
				}
				return false
			case *ast.Ident:
				if lit := r.closureOf(info, n); lit != nil {
					// The closure's variable used other than by calling
					// it: it may be called anywhere, it takes the body.
					eff.use |= knowledge.Retains
				}
			case *ast.CallExpr:
				if lit := fa.callsClosure(r, n); lit != nil {
					d, isDefer := root.(*ast.DeferStmt)
					visit(lit.Body, deferred || (isDefer && d.Call == n))
					for _, a := range n.Args {
						visit(a, deferred)
					}
					return false
				}
				if u, ok := fa.facts.CallUse(info, n, tracked); ok {
					add(u, n, deferred)
				}
			case *ast.ReturnStmt:
				for _, e := range n.Results {
					if tracked(e) {
						eff.use |= knowledge.Retains
					}
				}
			case *ast.SendStmt:
				if tracked(n.Value) {
					eff.use |= knowledge.Retains
				}
			case *ast.CompositeLit:
				for _, e := range n.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok {
						e = kv.Value
					}
					if tracked(e) {
						eff.use |= knowledge.Retains
					}
				}
			case *ast.AssignStmt:
				if blankOnly(n) {
					return false // _ = closeBody keeps nothing
				}
				fa.assignEffect(r, n, &eff)
				if r.closureDefs[n] {
					// f := func() { ... }: only the right-hand side's
					// other parts can act now; the literal is skipped.
					for _, rhs := range n.Rhs {
						visit(rhs, deferred)
					}
					return false
				}
			case *ast.ValueSpec:
				for _, id := range n.Names {
					if info.ObjectOf(id) == r.v && n != r.stmt {
						eff.overwrite = true
					}
				}
				if r.closureDefs[n] {
					for _, v := range n.Values {
						visit(v, deferred)
					}
					return false
				}
			}
			return true
		})
	}
	_, isDefer := n.(*ast.DeferStmt)
	visit(n, isDefer)
	return eff
}

// callsClosure returns the literal that call runs when it calls a local
// variable holding a closure over the response (closeBody()).
func (fa *funcAnalysis) callsClosure(r *response, call *ast.CallExpr) *ast.FuncLit {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return nil
	}
	return r.closureOf(fa.pass.TypesInfo, id)
}

func (fa *funcAnalysis) assignEffect(r *response, as *ast.AssignStmt, eff *effect) {
	info := fa.pass.TypesInfo
	for _, l := range as.Lhs {
		id, ok := ast.Unparen(l).(*ast.Ident)
		if !ok {
			continue
		}
		obj := info.ObjectOf(id)
		if obj == r.v && ast.Node(as) != r.stmt {
			eff.overwrite = true
		}
		if obj != nil && obj == r.errVar {
			eff.errWritten = true
		}
	}
	if len(as.Lhs) != len(as.Rhs) {
		return
	}
	for i, rhs := range as.Rhs {
		if !bodyfacts.IsTracked(info, rhs, r.aliases) {
			continue
		}
		if id, ok := as.Lhs[i].(*ast.Ident); ok {
			if v, ok := info.ObjectOf(id).(*types.Var); ok && isLocalVar(v) {
				continue // an alias, followed as the response itself
			}
			if id.Name == "_" {
				continue
			}
		}
		eff.use |= knowledge.Retains // a field, global, map or slice element
	}
}

// nilWhen reports whether the response is certainly nil when cond is true,
// and when it is false: "err != nil" right after the call means no
// response, unless the callee may return one with its error.
func (fa *funcAnalysis) nilWhen(r *response, st flowState, cond ast.Expr) (ifTrue, ifFalse bool) {
	info := fa.pass.TypesInfo
	switch e := ast.Unparen(cond).(type) {
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			t, f := fa.nilWhen(r, st, e.X)
			return f, t
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND:
			xt, xf := fa.nilWhen(r, st, e.X)
			yt, yf := fa.nilWhen(r, st, e.Y)
			return xt || yt, xf && yf
		case token.LOR:
			xt, xf := fa.nilWhen(r, st, e.X)
			yt, yf := fa.nilWhen(r, st, e.Y)
			return xt && yt, xf || yf
		case token.EQL, token.NEQ:
			x, y := ast.Unparen(e.X), ast.Unparen(e.Y)
			if isNilExpr(info, x) {
				x, y = y, x
			}
			if bodyfacts.IsTracked(info, x, r.aliases) && isNilExpr(info, y) {
				// resp == nil, resp.Body == nil, body == nil: nothing to close.
				return e.Op == token.EQL, e.Op == token.NEQ
			}
			id, ok := x.(*ast.Ident)
			if !ok {
				return false, false
			}
			obj := info.ObjectOf(id)
			if !isNilExpr(info, y) {
				// err == ErrSentinel: an error is set, so no response.
				if obj == r.errVar && !st.errStale && !r.respOnErr && isSentinel(info, y) {
					return e.Op == token.EQL, e.Op == token.NEQ
				}
				return false, false
			}
			if obj != r.errVar || st.errStale || r.respOnErr {
				return false, false
			}
			// err == nil: a response when true, none when false.
			return e.Op == token.NEQ, e.Op == token.EQL
		}
	}
	return false, false
}

// isSentinel reports whether e names a package-level error variable.
func isSentinel(info *types.Info, e ast.Expr) bool {
	var id *ast.Ident
	switch e := e.(type) {
	case *ast.Ident:
		id = e
	case *ast.SelectorExpr:
		id = e.Sel
	default:
		return false
	}
	v, ok := info.ObjectOf(id).(*types.Var)
	return ok && v.Pkg() != nil && v.Parent() == v.Pkg().Scope() && isErrorType(v.Type())
}

func isNilExpr(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[e]
	return ok && tv.IsNil()
}

// blankOnly reports whether as assigns only to _, which calls nothing and
// keeps nothing unless its right-hand side does.
func blankOnly(as *ast.AssignStmt) bool {
	for _, l := range as.Lhs {
		if id, ok := l.(*ast.Ident); !ok || id.Name != "_" {
			return false
		}
	}
	for _, e := range as.Rhs {
		if _, ok := ast.Unparen(e).(*ast.Ident); !ok {
			return false
		}
	}
	return true
}
