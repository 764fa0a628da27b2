package analyzer

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/cfg"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/keepalivefix/keepalivefix/internal/bodyfacts"
	"github.com/keepalivefix/keepalivefix/internal/knowledge"
)

// BodyNotClosed is KA1004.
var BodyNotClosed = &Check{
	ID:    "KA1004",
	Name:  "body-not-closed",
	Title: "A response body is not closed on every path",
	Why: `
A connection is returned to the Transport's pool only when the response body
is closed (after being read to EOF). A body left open on some path (an early
return on a bad status code, a "continue" in a retry loop, a response variable
overwritten by the next request, a response discarded with "_") keeps its
connection and its two goroutines until the server gives up, and the next
request dials a new connection.

The check follows each call that yields a *http.Response (net/http's own, any
function or interface method returning one, generic wrappers such as
Must(http.Get(u))) along every path of the control-flow graph. The duty ends
when the body is closed, or when the response leaves the function: returned,
stored in a field, global, map or slice, sent on a channel, handed to a
goroutine, or passed to a function that closes it or whose effect is unknown.
Helpers in other packages are recognised by facts: drainAndClose(resp) counts
as a close wherever it is defined. HEAD responses are exempt: their
connection is pooled before the caller sees them. When err != nil the response is nil, so that
path owes nothing, unless the callee is known to return a live response with
an error.

"defer resp.Body.Close()" inside a loop is reported too: every body of the
loop stays open, with its connection, until the function returns.`,
	Bad: `
resp, err := client.Do(req)
if err != nil {
	return err
}
if resp.StatusCode != http.StatusOK {
	return fmt.Errorf("status %s", resp.Status) // body left open
}
defer resp.Body.Close()`,
	Good: `
resp, err := client.Do(req)
if err != nil {
	return err
}
defer resp.Body.Close()
if resp.StatusCode != http.StatusOK {
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return fmt.Errorf("status %s", resp.Status)
}`,
	Fix: `
In the shape resp, err := send(...) followed by if err != nil { ...; return },
defer drainAndClose(resp.Body) is inserted after the check (a later
defer resp.Body.Close() in the same block moves up to it); when the call is
directly in a loop body, drainAndClose(resp.Body) goes at the end of the
iteration instead. drainAndClose is one small helper per package: it reads at
most 64 KiB of what is left and closes the body. Other shapes (responses
returned, stored or handed to other functions, retry loops with continue) are
reported without a fix.
`,
}

// BodyNotDrained is KA1005.
var BodyNotDrained = &Check{
	ID:    "KA1005",
	Name:  "body-not-drained",
	Title: "A response body is closed before it was read to EOF",
	Why: `
net/http returns an HTTP/1.x connection to the pool only when a Read of the
body has returned io.EOF. Closing a body that was not read to the end makes
the Transport close the connection instead (bodyEOFSignal.Close calls
earlyCloseFn), so the next request pays a new TCP and TLS handshake. The
typical case is an early return on a bad status code with the body closed by
a defer but never read.

The check reports a Close (or the function exit that runs a deferred Close)
reached on a path where the body was not read: no io.ReadAll, io.Copy,
bounded io.CopyN(io.Discard, ...), decoder or helper known to drain it. It
stays quiet for HEAD requests (their connection is pooled before the caller
sees the response) and for bodies handed to code it cannot see.

A json.Decoder, xml.Decoder or bufio.Scanner stops after what it needs: on a
response with Content-Length the final Read usually returns io.EOF with the
last bytes, and the connection is reused; on a chunked response it is not
(measured on Go 1.26). Such reads count as a drain unless -strict-drain is
set. Under HTTP/2 an early Close only resets the stream, so this matters for
HTTP/1.x peers.`,
	Bad: `
resp, err := client.Get(url)
if err != nil {
	return err
}
defer resp.Body.Close()
if resp.StatusCode != http.StatusOK {
	return fmt.Errorf("status %s", resp.Status) // closed unread: connection dropped
}
return json.NewDecoder(resp.Body).Decode(&v)`,
	Good: `
resp, err := client.Get(url)
if err != nil {
	return err
}
defer func() {
	io.CopyN(io.Discard, resp.Body, 64<<10) // bounded, as net/http drains redirects
	resp.Body.Close()
}()
if resp.StatusCode != http.StatusOK {
	return fmt.Errorf("status %s", resp.Status)
}
return json.NewDecoder(resp.Body).Decode(&v)`,
	Fix: `
The Close becomes drainAndClose(resp.Body), in place: deferred, returned or
checked as the Close was (the helper returns Close's error). drainAndClose is
one small helper per package that reads at most 64 KiB of what is left of the
body, as net/http bounds its own drains, and then closes it.
`,
	Options: `-strict-drain: also report bodies read only by a json.Decoder, xml.Decoder,
bufio.Scanner or similar reader that may stop before EOF.`,
}

// runBodies runs KA1004 and KA1005: both follow each response along the
// same paths, so one walk serves both.
func runBodies(p *pass) {
	facts := p.ResultOf[bodyfacts.Analyzer].(*bodyfacts.Result)
	type fn struct {
		body  *ast.BlockStmt
		typ   *ast.FuncType
		calls []inspector.Cursor
	}
	var funcs []*fn
	byNode := make(map[ast.Node]*fn)
	for cur := range p.inspect.Root().Preorder((*ast.CallExpr)(nil)) {
		if !yieldsResponse(p.TypesInfo, cur.Node().(*ast.CallExpr)) {
			continue
		}
		for encl := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
			f := byNode[encl.Node()]
			if f == nil {
				f = new(fn)
				switch d := encl.Node().(type) {
				case *ast.FuncDecl:
					f.body, f.typ = d.Body, d.Type
				case *ast.FuncLit:
					f.body, f.typ = d.Body, d.Type
				}
				byNode[encl.Node()] = f
				funcs = append(funcs, f)
			}
			f.calls = append(f.calls, cur)
			break
		}
	}
	for _, f := range funcs {
		if f.body == nil {
			continue
		}
		fa := &funcAnalysis{pass: p, facts: facts, body: f.body, typ: f.typ}
		for _, call := range f.calls {
			fa.checkResponse(call)
		}
	}
}

// yieldsResponse reports whether call returns a *http.Response (alone or in
// a tuple). Conversions and new(http.Response) build values, not responses.
func yieldsResponse(info *types.Info, call *ast.CallExpr) bool {
	tv, ok := info.Types[call]
	if !ok {
		return false
	}
	if fun, ok := info.Types[ast.Unparen(call.Fun)]; ok && (fun.IsType() || fun.IsBuiltin()) {
		return false
	}
	if tup, ok := tv.Type.(*types.Tuple); ok {
		for i := 0; i < tup.Len(); i++ {
			if knowledge.IsResponse(tup.At(i).Type()) {
				return true
			}
		}
		return false
	}
	return knowledge.IsResponse(tv.Type)
}

// funcAnalysis holds what is computed at most once per function.
type funcAnalysis struct {
	pass  *pass
	facts *bodyfacts.Result
	body  *ast.BlockStmt
	typ   *ast.FuncType

	cfg   *cfg.CFG
	where map[ast.Node]nodePos
}

type nodePos struct {
	block *cfg.Block
	index int
}

func (fa *funcAnalysis) graph() *cfg.CFG {
	if fa.cfg != nil {
		return fa.cfg
	}
	info := fa.pass.TypesInfo
	fa.cfg = cfg.New(fa.body, func(call *ast.CallExpr) bool {
		switch fn := typeutil.Callee(info, call).(type) {
		case *types.Builtin:
			return fn.Name() != "panic"
		case *types.Func:
			return !knowledge.NoReturn(fn)
		}
		return true
	})
	fa.where = make(map[ast.Node]nodePos)
	for _, b := range fa.cfg.Blocks {
		for i, n := range b.Nodes {
			fa.where[n] = nodePos{b, i}
		}
	}
	return fa.cfg
}

// response is one call yielding a response, being followed through the
// function.
type response struct {
	call      *ast.CallExpr
	stmt      ast.Node     // the assignment or declaration that defines v
	v         types.Object // the variable holding the response
	errVar    types.Object // the error assigned with it, if any
	aliases   map[types.Object]bool
	respOnErr bool // the callee may return a live response with an error
	leaked    bool // KA1004 reported
	undrained map[token.Pos]bool
	visited   map[visitKey]bool
	loopDefer bool // KA1004 reported for a defer in a loop
}

type visitKey struct {
	block *cfg.Block
	st    flowState
}

// flowState is what a path knows about the response's body so far.
type flowState struct {
	deferred   bool     // a deferred Close will run at exit
	deferDrain bool     // ... and a deferred drain before it
	drained    bool     // the body was read (to EOF, or by a reader allowed without -strict-drain)
	errStale   bool     // the error variable was reassigned since the call
	deferAt    ast.Node // the defer statement that will close the body
	looped     bool     // the path went round the loop around the call
}

func (fa *funcAnalysis) checkResponse(cur inspector.Cursor) {
	p, info := fa.pass, fa.pass.TypesInfo
	call := cur.Node().(*ast.CallExpr)
	r := &response{call: call, undrained: map[token.Pos]bool{}, visited: map[visitKey]bool{}}
	callee, _ := typeutil.Callee(info, call).(*types.Func)
	if callee != nil {
		if knowledge.Unpooled(callee) || fa.facts.ReturnsClosed(callee) {
			return
		}
		r.respOnErr = fa.facts.ResponseOnError(callee)
	}

	// A HEAD response has no body: its connection is back in the pool
	// before the caller sees it.
	if fa.isHead(call, callee) {
		return
	}
	lhs, stmt := responseLHS(info, cur)
	switch {
	case stmt == nil && isDiscarded(cur):
		if !sends(callee) {
			return // a helper may have consumed the body already
		}
		p.report(BodyNotClosed, call, "response discarded, so its body is never closed and the connection never returns to the pool: assign it and close resp.Body")
		return
	case stmt == nil:
		return // passed on, returned or stored: its owner closes it
	}
	id, ok := lhs.resp.(*ast.Ident)
	if !ok {
		return // stored in a field, map or slice element
	}
	if id.Name == "_" {
		if !sends(callee) || expectsError(info, cur, lhs.err) {
			return
		}
		p.report(BodyNotClosed, call, "response assigned to _, so its body is never closed and the connection never returns to the pool: keep it and close resp.Body")
		return
	}
	v, ok := info.ObjectOf(id).(*types.Var)
	if !ok || !isLocalVar(v) || fa.isNamedResult(v) || !within(v.Pos(), fa.body) {
		return // the caller, or the function around this closure, owns it
	}
	r.v, r.stmt = v, stmt
	if e, ok := lhs.err.(*ast.Ident); ok && e.Name != "_" {
		r.errVar = info.ObjectOf(e)
	}
	r.aliases = fa.aliasesOf(v)

	fa.graph()
	at, ok := fa.where[stmt]
	if !ok {
		return // in a part of the function the graph does not reach
	}
	fa.walk(r, at.block, at.index+1, flowState{}, true)
}

// sends reports whether callee sends a request and returns its live
// response: net/http's senders and interface methods (a Doer's Do). A
// concrete helper may have read and closed the body before returning it.
func sends(callee *types.Func) bool {
	if callee == nil {
		return false
	}
	if knowledge.IsSend(callee) {
		return true
	}
	sig := callee.Type().(*types.Signature)
	return sig.Recv() != nil && types.IsInterface(sig.Recv().Type())
}

// expectsError reports whether the statement after the call at cur is
// "if err == nil {": the caller expects the request to fail, as tests of
// error paths do, and a response exists only when that expectation fails.
func expectsError(info *types.Info, cur inspector.Cursor, errExpr ast.Expr) bool {
	errID, ok := errExpr.(*ast.Ident)
	if !ok {
		return false
	}
	stmt := cur.Parent()
	next, ok := stmt.NextSibling()
	if !ok {
		return false
	}
	ifs, ok := next.Node().(*ast.IfStmt)
	if !ok {
		return false
	}
	cond, ok := ast.Unparen(ifs.Cond).(*ast.BinaryExpr)
	if !ok || cond.Op != token.EQL {
		return false
	}
	x, ok := ast.Unparen(cond.X).(*ast.Ident)
	return ok && info.ObjectOf(x) == info.ObjectOf(errID) && isNilExpr(info, cond.Y)
}

// respLHS is where a call's response and error are assigned.
type respLHS struct{ resp, err ast.Expr }

// responseLHS finds the statement that assigns the response of the call at
// cur, and the expressions receiving the response and error.
func responseLHS(info *types.Info, cur inspector.Cursor) (respLHS, ast.Node) {
	call := cur.Node().(*ast.CallExpr)
	var lhs []ast.Expr
	var rhs []ast.Expr
	var stmt ast.Node
	switch parent := cur.Parent().Node().(type) {
	case *ast.AssignStmt:
		lhs, rhs, stmt = parent.Lhs, parent.Rhs, parent
	case *ast.ValueSpec:
		for _, n := range parent.Names {
			lhs = append(lhs, n)
		}
		rhs, stmt = parent.Values, parent
	default:
		return respLHS{}, nil
	}
	if len(rhs) == 1 && len(lhs) > 1 {
		tup, ok := info.TypeOf(call).(*types.Tuple)
		if !ok || tup.Len() != len(lhs) {
			return respLHS{}, nil
		}
		var out respLHS
		for i := 0; i < tup.Len(); i++ {
			switch t := tup.At(i).Type(); {
			case knowledge.IsResponse(t) && out.resp == nil:
				out.resp = lhs[i]
			case isErrorType(t):
				out.err = lhs[i]
			}
		}
		if out.resp == nil {
			return respLHS{}, nil
		}
		return out, stmt
	}
	for i, e := range rhs {
		if e == ast.Expr(call) && i < len(lhs) {
			return respLHS{resp: lhs[i]}, stmt
		}
	}
	return respLHS{}, nil
}

func within(pos token.Pos, n ast.Node) bool { return n.Pos() <= pos && pos < n.End() }

func isErrorType(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

// isDiscarded reports whether the call is a statement of its own, its
// results dropped.
func isDiscarded(cur inspector.Cursor) bool {
	_, ok := cur.Parent().Node().(*ast.ExprStmt)
	return ok
}

func isLocalVar(v *types.Var) bool {
	return !v.IsField() && v.Pkg() != nil && v.Parent() != nil && v.Parent() != v.Pkg().Scope()
}

// isNamedResult reports whether v is a named result of the function: a bare
// return hands it to the caller.
func (fa *funcAnalysis) isNamedResult(v *types.Var) bool {
	if fa.typ.Results == nil {
		return false
	}
	for _, f := range fa.typ.Results.List {
		for _, n := range f.Names {
			if fa.pass.TypesInfo.ObjectOf(n) == v {
				return true
			}
		}
	}
	return false
}

// aliasesOf returns v and the local variables that take v or v.Body.
func (fa *funcAnalysis) aliasesOf(v types.Object) map[types.Object]bool {
	info := fa.pass.TypesInfo
	aliases := map[types.Object]bool{v: true}
	ast.Inspect(fa.body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, rhs := range as.Rhs {
			id, ok := as.Lhs[i].(*ast.Ident)
			if !ok || !bodyfacts.IsTracked(info, rhs, aliases) {
				continue
			}
			if lv, ok := info.ObjectOf(id).(*types.Var); ok && isLocalVar(lv) {
				aliases[lv] = true
			}
		}
		return true
	})
	return aliases
}

// isHead reports whether call sends a HEAD request: http.Head,
// Client.Head, or Do/RoundTrip of a request built in this function with
// the constant method HEAD.
func (fa *funcAnalysis) isHead(call *ast.CallExpr, callee *types.Func) bool {
	if callee == nil {
		return false
	}
	if knowledge.IsFunc(callee, knowledge.NetHTTP, "Head") || knowledge.IsMethod(callee, knowledge.NetHTTP, "Client", "Head") {
		return true
	}
	if !knowledge.IsMethod(callee, knowledge.NetHTTP, "Client", "Do") && !knowledge.IsMethod(callee, knowledge.NetHTTP, "Transport", "RoundTrip") {
		return false
	}
	if len(call.Args) != 1 {
		return false
	}
	id, ok := ast.Unparen(call.Args[0]).(*ast.Ident)
	if !ok {
		return false
	}
	info := fa.pass.TypesInfo
	req := info.ObjectOf(id)
	head := false
	ast.Inspect(fa.body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Rhs) != 1 || len(as.Lhs) == 0 {
			return !head
		}
		if lid, ok := as.Lhs[0].(*ast.Ident); !ok || info.ObjectOf(lid) != req {
			return true
		}
		c, ok := as.Rhs[0].(*ast.CallExpr)
		if !ok {
			return true
		}
		fn, _ := typeutil.Callee(info, c).(*types.Func)
		arg := -1
		switch {
		case knowledge.IsFunc(fn, knowledge.NetHTTP, "NewRequest"):
			arg = 0
		case knowledge.IsFunc(fn, knowledge.NetHTTP, "NewRequestWithContext"):
			arg = 1
		}
		if arg >= 0 && arg < len(c.Args) {
			if tv := info.Types[c.Args[arg]]; tv.Value != nil && tv.Value.Kind() == constant.String {
				head = strings.EqualFold(constant.StringVal(tv.Value), "HEAD")
			}
		}
		return !head
	})
	return head
}
