package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/keepalivefix/keepalivefix/internal/knowledge"
)

// ContextCancelled is KA1006.
var ContextCancelled = &Check{
	ID:    "KA1006",
	Name:  "context-cancelled-before-read",
	Title: "A response is returned after its request's context is cancelled",
	Why: `
A function that builds a context with a cancel (context.WithTimeout,
WithDeadline, WithCancel and their Cause forms), defers the cancel, sends a
request with that context and returns the response hands its caller a body
whose context is already cancelled: when the function returns, the deferred
cancel runs, the Transport's read loop sees the context done and closes the
connection. The caller's read of the body fails with "context canceled" (or
is cut short), and the connection never returns to the pool, so the next
request dials again (measured on Go 1.26: one new connection per call).

The check reports the send whose response is returned, directly
(return client.Do(req)) or through a variable, when its request was built
with the cancelled context (http.NewRequestWithContext(ctx, ...),
req.WithContext(ctx), req.Clone(ctx)) and the function does not touch the
body itself. Test files are not checked.`,
	Bad: `
func fetch(ctx context.Context, c *http.Client, url string) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel() // runs before the caller reads the body
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return c.Do(req)
}`,
	Good: `
// cancelOnClose cancels the request's context when the body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

func fetch(ctx context.Context, c *http.Client, url string) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		cancel()
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = cancelOnClose{resp.Body, cancel}
	return resp, nil
}`,
	Fix: `
None: the cancel has to move from the defer to the body's Close and to every
other way out of the function, which changes the function's shape. The
message names the defer and the return.
`,
}

// contextConstructors are the functions of package context that return a
// context with its cancel function as their second result.
var contextConstructors = []string{"WithCancel", "WithCancelCause", "WithTimeout", "WithTimeoutCause", "WithDeadline", "WithDeadlineCause"}

func runContextCancelled(p *pass) {
	info := p.TypesInfo
	for cur := range p.inspect.Root().Preorder((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		body := funcBody(cur.Node())
		if body == nil || isTestFile(p, cur.Node()) || !returnsResponse(info, cur.Node()) {
			continue
		}
		checkCancelledReturns(p, body)
	}
}

// returnsResponse reports whether the function fn has a *http.Response
// result.
func returnsResponse(info *types.Info, fn ast.Node) bool {
	var typ *ast.FuncType
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		typ = fn.Type
	case *ast.FuncLit:
		typ = fn.Type
	}
	if typ.Results == nil {
		return false
	}
	for _, f := range typ.Results.List {
		if knowledge.IsResponse(info.TypeOf(f.Type)) {
			return true
		}
	}
	return false
}

// checkCancelledReturns reports the sends of the function with body whose response is returned
// after a deferred cancel of their request's context.
func checkCancelledReturns(p *pass, body *ast.BlockStmt) {
	info := p.TypesInfo
	// The statements of fn itself, not of the closures in it.
	own := func(visit func(n ast.Node)) {
		ast.Inspect(body, func(n ast.Node) bool {
			if _, ok := n.(*ast.FuncLit); ok {
				return false
			}
			if n != nil {
				visit(n)
			}
			return true
		})
	}
	// cancels maps each deferred cancel's context variable to the defer.
	cancelOf := make(map[*types.Var]*types.Var) // cancel → its context
	own(func(n ast.Node) {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 2 || len(as.Rhs) != 1 {
			return
		}
		call, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr)
		if !ok || !knowledge.IsFunc(typeutil.Callee(info, call), "context", contextConstructors...) {
			return
		}
		ctx, _ := info.ObjectOf(identOf(as.Lhs[0])).(*types.Var)
		cancel, _ := info.ObjectOf(identOf(as.Lhs[1])).(*types.Var)
		if ctx != nil && cancel != nil {
			cancelOf[cancel] = ctx
		}
	})
	if len(cancelOf) == 0 {
		return
	}
	deferred := make(map[*types.Var]*ast.DeferStmt) // context → defer cancel()
	own(func(n ast.Node) {
		d, ok := n.(*ast.DeferStmt)
		if !ok || len(d.Call.Args) > 0 {
			return
		}
		if v, ok := info.Uses[identOf(d.Call.Fun)].(*types.Var); ok && cancelOf[v] != nil {
			deferred[cancelOf[v]] = d
		}
	})
	if len(deferred) == 0 {
		return
	}
	// carried reports the cancelled context that request expression e
	// carries, following a local request variable to its assignments.
	reqCtx := make(map[*types.Var]*types.Var)
	carried := func(e ast.Expr) *types.Var {
		switch e := ast.Unparen(e).(type) {
		case *ast.Ident:
			v, _ := info.Uses[e].(*types.Var)
			return reqCtx[v]
		case *ast.CallExpr:
			fn := typeutil.Callee(info, e)
			switch {
			case knowledge.IsFunc(fn, knowledge.NetHTTP, "NewRequestWithContext") && len(e.Args) > 0,
				knowledge.IsMethod(fn, knowledge.NetHTTP, "Request", "WithContext", "Clone") && len(e.Args) == 1:
				v, _ := info.Uses[identOf(e.Args[0])].(*types.Var)
				if _, ok := deferred[v]; ok {
					return v
				}
			}
		}
		return nil
	}
	own(func(n ast.Node) {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Rhs) != 1 || len(as.Lhs) == 0 {
			return
		}
		if ctx := carried(as.Rhs[0]); ctx != nil {
			if v, ok := info.ObjectOf(identOf(as.Lhs[0])).(*types.Var); ok {
				reqCtx[v] = ctx
			}
		}
	})
	// sendCtx reports the cancelled context of the request a send call
	// carries: client.Do(req) or a RoundTrip.
	sendCtx := func(e ast.Expr) (*ast.CallExpr, *types.Var) {
		call, ok := ast.Unparen(e).(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return nil, nil
		}
		fn := typeutil.Callee(info, call)
		if !knowledge.IsMethod(fn, knowledge.NetHTTP, "Client", "Do") && !knowledge.IsRoundTrip(fn) {
			return nil, nil
		}
		return call, carried(call.Args[0])
	}
	// Responses held in variables, and whether the function uses their
	// body (reads, closes or replaces it): then it is not handed on unread.
	respSend := make(map[*types.Var]*ast.CallExpr)
	respCtx := make(map[*types.Var]*types.Var)
	bodyUsed := make(map[*types.Var]bool)
	own(func(n ast.Node) {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Rhs) != 1 {
				return
			}
			if call, ctx := sendCtx(n.Rhs[0]); ctx != nil {
				if v, ok := info.ObjectOf(identOf(n.Lhs[0])).(*types.Var); ok {
					respSend[v], respCtx[v] = call, ctx
				}
			}
		case *ast.SelectorExpr:
			if n.Sel.Name == "Body" {
				if v, ok := info.Uses[identOf(n.X)].(*types.Var); ok {
					bodyUsed[v] = true
				}
			}
		}
	})
	reported := make(map[*ast.CallExpr]bool)
	own(func(n ast.Node) {
		ret, ok := n.(*ast.ReturnStmt)
		if !ok {
			return
		}
		for _, res := range ret.Results {
			call, ctx := sendCtx(res)
			if ctx == nil {
				v, ok := info.Uses[identOf(res)].(*types.Var)
				if !ok || bodyUsed[v] || respSend[v] == nil {
					continue
				}
				call, ctx = respSend[v], respCtx[v]
			}
			if reported[call] {
				continue
			}
			reported[call] = true
			reportCancelled(p, call, deferred[ctx], ret)
		}
	})
}

func reportCancelled(p *pass, call *ast.CallExpr, d *ast.DeferStmt, ret *ast.ReturnStmt) {
	line := func(pos token.Pos) int { return p.Fset.Position(pos).Line }
	related := []analysis.RelatedInformation{
		{Pos: d.Pos(), End: d.End(), Message: "cancels the request's context when the function returns"},
		{Pos: ret.Pos(), End: ret.End(), Message: "returns the response with its body unread"},
	}
	p.reportBody(ContextCancelled, call, related, nil,
		"the response of %s is returned at line %d, but defer %s() at line %d cancels its request's context first: the caller's read of the body fails with context canceled and the connection is closed, not reused: cancel when the body is closed instead (no automatic fix: the cancel must move to the body's Close and to the function's other returns)",
		types.ExprString(call.Fun), line(ret.Pos()), types.ExprString(d.Call.Fun), line(d.Pos()))
}

// identOf returns e as an identifier, or nil.
func identOf(e ast.Expr) *ast.Ident {
	id, _ := ast.Unparen(e).(*ast.Ident)
	return id
}

// nameIdent returns the identifier that names what e refers to: e itself,
// or the selected name of x.Name (a qualified identifier or a field), or
// nil.
func nameIdent(e ast.Expr) *ast.Ident {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		return x
	case *ast.SelectorExpr:
		return x.Sel
	}
	return nil
}
