package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/cfg"

	"github.com/keepalivefix/keepalivefix/fixer"
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
				fa.leak(r, true, "is still open when the loop sends the next request at line %d: close it at the end of each iteration (not with defer)", n.Pos())
			} else if !r.loopDefer {
				r.loopDefer = true
				fa.pass.report(BodyNotClosed, st.deferAt, "defer in a loop keeps every response body open until the function returns: close the body at the end of each iteration")
			}
			return
		}
		eff := fa.effectOf(r, n)
		if eff.use&knowledge.Retains != 0 {
			return // handed over
		}
		if eff.use&fa.drainUses() != 0 {
			st.drained = true
		}
		if eff.use&knowledge.Closes != 0 {
			if !st.drained && eff.use&knowledge.Drains == 0 && fa.returnsAfter(b, i+1) {
				fa.undrained(r, eff.closeAt, "response body closed before it was read to EOF, so the connection is dropped, not reused: drain it first (io.CopyN(io.Discard, resp.Body, 64<<10)) or read it fully")
			}
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
			if !st.deferred {
				fa.leak(r, false, "is overwritten at line %d while its body is still open: close the body before the next request", n.Pos())
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
			if !nilIfTrue {
				fa.walk(r, b.Succs[0], 0, st, false)
			}
			if !nilIfFalse {
				fa.walk(r, b.Succs[1], 0, st, false)
			}
			return
		}
	}
	for _, s := range b.Succs {
		fa.walk(r, s, 0, st, false)
	}
}

// returnsAfter reports whether some path from node i of block b returns
// normally. A close followed only by t.Fatal or panic ends the program's
// interest in the connection.
func (fa *funcAnalysis) returnsAfter(b *cfg.Block, i int) bool {
	seen := map[*cfg.Block]bool{}
	var from func(b *cfg.Block) bool
	from = func(b *cfg.Block) bool {
		if seen[b] {
			return false
		}
		seen[b] = true
		if b.Return() != nil {
			return true
		}
		for _, s := range b.Succs {
			if from(s) {
				return true
			}
		}
		return false
	}
	if i < len(b.Nodes) {
		if _, ok := b.Nodes[len(b.Nodes)-1].(*ast.ReturnStmt); ok {
			return true
		}
	}
	for _, s := range b.Succs {
		if from(s) {
			return true
		}
	}
	return false
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
		if st.looped {
			fa.leak(r, true, "is still open when the loop goes round again: close it before continue, at the end of each iteration (not with defer)", ret.Pos())
			return
		}
		fa.leak(r, true, "is not closed on the path that returns at line %d: defer resp.Body.Close() right after the error check", ret.Pos())
		return
	}
	if !st.drained && !st.deferDrain {
		fa.undrainedDefer(r, ret)
	}
}

// leak reports r's body as left open; format may use the line of at.
func (fa *funcAnalysis) leak(r *response, fixable bool, format string, at token.Pos) {
	if r.leaked {
		return
	}
	r.leaked = true
	msg := format
	if strings.Contains(format, "%d") {
		msg = fmt.Sprintf(format, fa.pass.Fset.Position(at).Line)
	}
	var plan func(*fixer.Planner) *fixer.Fix
	if fixable {
		plan = func(pl *fixer.Planner) *fixer.Fix { return pl.CloseBody(r.call) }
	}
	fa.pass.reportFix(BodyNotClosed, r.call, plan, "response body %s", msg)
}

func (fa *funcAnalysis) undrained(r *response, at ast.Node, msg string) {
	if at == nil || r.undrained[at.Pos()] {
		return
	}
	r.undrained[at.Pos()] = true
	fa.pass.reportFix(BodyNotDrained, at, drain(at), "%s", msg)
}

// undrainedDefer reports the deferred Close that runs, on the path leaving
// at ret, on a body nobody read.
func (fa *funcAnalysis) undrainedDefer(r *response, ret *ast.ReturnStmt) {
	d := fa.deferOf(r)
	if d == nil || r.undrained[d.Pos()] {
		return
	}
	r.undrained[d.Pos()] = true
	line := fa.pass.Fset.Position(ret.Pos()).Line
	fa.pass.reportFix(BodyNotDrained, d, drain(d), "response body closed unread on the path that returns at line %d, so the connection is dropped, not reused: drain it before closing (io.CopyN(io.Discard, resp.Body, 64<<10))", line)
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
				if bodyfacts.Mentions(info, n.Call, r.aliases) {
					eff.use |= knowledge.Retains
				}
				return false
			case *ast.FuncLit:
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
			case *ast.CallExpr:
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
				fa.assignEffect(r, n, &eff)
			case *ast.ValueSpec:
				for _, id := range n.Names {
					if info.ObjectOf(id) == r.v && n != r.stmt {
						eff.overwrite = true
					}
				}
			}
			return true
		})
	}
	_, isDefer := n.(*ast.DeferStmt)
	visit(n, isDefer)
	return eff
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

func drain(n ast.Node) func(*fixer.Planner) *fixer.Fix {
	return func(pl *fixer.Planner) *fixer.Fix { return pl.DrainBody(n) }
}
