package analyzer

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/cfg"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/keepalivefix/keepalivefix/fixer"
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
defer resp.Body.Close() in the same block moves up to it). In a loop,
drainAndClose(resp.Body) goes before each continue, break or return that
leaves the iteration with the body open, and at the end of the iteration.
When the error is checked by a helper (require.NoError(t, err)) or not at
all, the response may be nil: the deferred close is guarded by
if resp != nil, except in a loop, where there is no fix and the message says
why. drainAndClose is one small helper per package (or per module, with
-shared): it reads at most 64 KiB of what is left and closes the body.
Responses returned, stored or handed to other functions, and overwritten
responses, are reported without a fix.
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
sees the response), for requests sent with req.Close or a hand-set
Connection: close header (their connection is closed after the response
whatever is read; KA1003 reports the header), and for bodies handed to code
it cannot see.

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

	cfg      *cfg.CFG
	where    map[ast.Node]nodePos
	switches map[*ast.CaseClause]*ast.SwitchStmt
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
	call        *ast.CallExpr
	stmt        ast.Node     // the assignment or declaration that defines v
	v           types.Object // the variable holding the response
	errVar      types.Object // the error assigned with it, if any
	aliases     map[types.Object]bool
	respOnErr   bool       // the callee may return a live response with an error
	closesConn  *types.Var // the request, when it asks for its connection to be closed
	closedOnErr bool       // the callee's responses with an error are closed
	visited     map[visitKey]bool

	// readers are the scanners and decoders reading the body, readLoops
	// the loops whose condition asks one of them for more.
	readers   map[types.Object]bool
	readLoops []*ast.ForStmt
	// closureVars are local variables holding a closure over the
	// response (closeBody := func() { resp.Body.Close() }): the closure
	// acts where the variable is called, not where it is defined.
	closureVars map[types.Object]*ast.FuncLit
	closures    map[*ast.FuncLit]bool
	closureDefs map[ast.Node]bool

	leaks    []leakEvent
	undrains []undrainEvent
}

type visitKey struct {
	block *cfg.Block
	st    flowState
}

// flowState is what a path knows about the response's body so far.
type flowState struct {
	deferred   bool     // a deferred Close will run at exit
	deferDrain bool     // ... and a deferred drain before it
	drained    bool     // read to EOF or by a bounded drain
	eof        bool     // read to EOF: the connection is back in the pool
	read       bool     // read by a decoder or scanner that may stop early
	partial    bool     // read only through a small bound
	errStale   bool     // the error variable was reassigned since the call
	errTested  bool     // a condition on the path tested the error
	deferAt    ast.Node // the defer statement that will close the body
	looped     bool     // the path went round the loop around the call
}

func (fa *funcAnalysis) checkResponse(cur inspector.Cursor) {
	p, info := fa.pass, fa.pass.TypesInfo
	call := cur.Node().(*ast.CallExpr)
	r := &response{call: call, visited: map[visitKey]bool{}}
	callee, _ := typeutil.Callee(info, call).(*types.Func)
	if callee != nil {
		if fa.facts.ReturnsUnpooled(callee) || fa.facts.ReturnsClosed(callee) {
			return
		}
		r.respOnErr = fa.facts.ResponseOnError(callee)
		r.closedOnErr = fa.facts.ClosedOnError(callee)
	}

	// A HEAD response has no body: its connection is back in the pool
	// before the caller sees it.
	if fa.isHead(call, callee) {
		return
	}
	r.closesConn = fa.requestClosesConn(call, callee)
	lhs, stmt := responseLHS(info, cur)
	switch {
	case stmt == nil && isDiscarded(cur) != "":
		if !fa.facts.LiveSource(callee) {
			return // a helper may have consumed the body already
		}
		p.reportBody(BodyNotClosed, call, nil, nil, "the response of %s is discarded %s, so its body is never closed and the connection never returns to the pool: assign it and close its Body (no automatic fix: the response needs a name first)", calleeName(call), isDiscarded(cur))
		return
	case stmt == nil:
		return // passed on, returned or stored: its owner closes it
	}
	id, ok := lhs.resp.(*ast.Ident)
	if !ok {
		return // stored in a field, map or slice element
	}
	if id.Name == "_" {
		if !fa.facts.LiveSource(callee) || expectsError(info, cur, lhs.err) {
			return
		}
		// The fix names it (_, err = ... becomes resp, err := ...) and
		// closes it after the error check.
		plan := func(pl *fixer.Planner) *fixer.Fix { return pl.CloseBody(call) }
		p.reportBody(BodyNotClosed, call, nil, plan, "the response of %s is assigned to _, so its body is never closed and the connection never returns to the pool: keep it and close its Body", calleeName(call))
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
	fa.findReaders(r)
	fa.findClosures(r)

	fa.graph()
	at, ok := fa.where[stmt]
	if !ok {
		return // in a part of the function the graph does not reach
	}
	fa.walk(r, at.block, at.index+1, flowState{}, true)
	fa.reportResponse(r)
}

// calleeName is how the call's function reads in the source.
func calleeName(call *ast.CallExpr) string {
	var b strings.Builder
	var name func(e ast.Expr)
	name = func(e ast.Expr) {
		switch e := ast.Unparen(e).(type) {
		case *ast.Ident:
			b.WriteString(e.Name)
		case *ast.SelectorExpr:
			name(e.X)
			b.WriteString("." + e.Sel.Name)
		case *ast.IndexExpr:
			name(e.X)
		case *ast.IndexListExpr:
			name(e.X)
		case *ast.CallExpr:
			name(e.Fun)
			b.WriteString("(...)")
		default:
			b.WriteString("the call")
		}
	}
	name(call.Fun)
	return b.String()
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

// isDiscarded says how the call's results are dropped: a statement of its
// own, or the call of a go or defer statement; "" when they are not.
func isDiscarded(cur inspector.Cursor) string {
	switch cur.Parent().Node().(type) {
	case *ast.ExprStmt:
		return "(the call is a statement of its own)"
	case *ast.GoStmt:
		return "by the go statement"
	case *ast.DeferStmt:
		return "by the defer statement"
	}
	return ""
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

// requestClosesConn returns the request variable of this function that
// call sends, when it asks for its connection to be closed after the
// response: req.Close = true, or a Connection: close header set on it by
// hand.
func (fa *funcAnalysis) requestClosesConn(call *ast.CallExpr, callee *types.Func) *types.Var {
	if callee == nil || len(call.Args) != 1 {
		return nil
	}
	if !knowledge.IsMethod(callee, knowledge.NetHTTP, "Client", "Do") && !knowledge.IsRoundTrip(callee) {
		return nil
	}
	info := fa.pass.TypesInfo
	req, ok := info.Uses[identOf(call.Args[0])].(*types.Var)
	if !ok {
		return nil
	}
	// onReq reports whether e is req.Header.
	onReq := func(e ast.Expr) bool {
		sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
		return ok && isRequestHeader(info, e) && info.Uses[identOf(sel.X)] == req
	}
	closes := false
	ast.Inspect(fa.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) != len(n.Rhs) {
				break
			}
			for i, lhs := range n.Lhs {
				switch l := ast.Unparen(lhs).(type) {
				case *ast.SelectorExpr:
					field, ok := info.Uses[l.Sel].(*types.Var)
					if ok && knowledge.IsField(field, "Request", "Close") && info.Uses[identOf(l.X)] == req && isTrue(info, n.Rhs[i]) {
						closes = true
					}
				case *ast.IndexExpr:
					if onReq(l.X) && isConstString(info, l.Index, "Connection") && isCloseSlice(info, n.Rhs[i]) {
						closes = true
					}
				}
			}
		case *ast.CallExpr:
			fn, _ := typeutil.Callee(info, n).(*types.Func)
			sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr)
			if ok && len(n.Args) == 2 && knowledge.IsMethod(fn, knowledge.NetHTTP, "Header", "Set", "Add") &&
				onReq(sel.X) && isConstString(info, n.Args[0], "Connection") && isConstString(info, n.Args[1], "close") {
				closes = true
			}
		}
		return !closes
	})
	if !closes {
		return nil
	}
	return req
}

// leakKind is how a path leaves a body open.
type leakKind int

const (
	leakReturn    leakKind = iota // returns without closing
	leakContinue                  // goes round its loop without closing
	leakLoop                      // sends the next request of its loop
	leakOverwrite                 // reassigns the response variable
	leakDeferLoop                 // defers the close inside a loop
)

type leakEvent struct {
	kind    leakKind
	at      ast.Node
	fixable bool
}

type undrainEvent struct {
	close ast.Node // the Close, or the defer statement that runs it
	ret   *ast.ReturnStmt
}

func (r *response) leak(k leakKind, at ast.Node, fixable bool) {
	for _, l := range r.leaks {
		if l.kind == k && l.at == at {
			return
		}
	}
	r.leaks = append(r.leaks, leakEvent{k, at, fixable})
}

func (r *response) undrain(close ast.Node, ret *ast.ReturnStmt) {
	if close == nil {
		return
	}
	for _, u := range r.undrains {
		if u.close == close && u.ret == ret {
			return
		}
	}
	r.undrains = append(r.undrains, undrainEvent{close, ret})
}

// bodyName is how the code names the response's body: res.Body, or the
// variable that holds it.
func (r *response) bodyName() string {
	if knowledge.IsResponse(r.v.Type()) {
		return r.v.Name() + ".Body"
	}
	return r.v.Name()
}

// reportResponse reports what the walk found about r: at most one KA1004
// and one KA1005, both at the call that produced the response, with the
// places that explain them as related information.
func (fa *funcAnalysis) reportResponse(r *response) {
	p := fa.pass
	line := func(n ast.Node) int { return p.Fset.Position(n.Pos()).Line }
	body := r.bodyName()
	if len(r.leaks) > 0 {
		// The first leak in the source, and a defer in a loop only when
		// nothing else leaks.
		best := r.leaks[0]
		for _, l := range r.leaks[1:] {
			if (best.kind == leakDeferLoop) != (l.kind == leakDeferLoop) {
				if best.kind == leakDeferLoop {
					best = l
				}
				continue
			}
			if l.at.Pos() < best.at.Pos() {
				best = l
			}
		}
		var msg, rel string
		switch best.kind {
		case leakReturn:
			msg = fmt.Sprintf("%s is not closed on the path that returns at line %d, so its connection never returns to the pool: right after the error check, defer a close that drains it first (io.CopyN(io.Discard, %s, 64<<10), then %s.Close())", body, line(best.at), body, body)
			rel = "returns here with the body open"
		case leakContinue:
			msg = fmt.Sprintf("%s is still open when the loop goes round again at line %d: close it before continue, at the end of each iteration (not with defer)", body, line(best.at))
			rel = "leaves the iteration here with the body open"
		case leakLoop:
			msg = fmt.Sprintf("%s is still open when the loop sends the next request at line %d: close it at the end of each iteration (not with defer)", body, line(best.at))
			rel = "the next request, with the body still open"
		case leakOverwrite:
			msg = fmt.Sprintf("%s is still open when %s is overwritten at line %d: close the body before the next request (no automatic fix: the close belongs before line %d, which -w does not place)", body, r.v.Name(), line(best.at), line(best.at))
			rel = "overwritten here with the body open"
		case leakDeferLoop:
			msg = fmt.Sprintf("the defer at line %d in a loop keeps every %s open until the function returns: close the body at the end of each iteration (no automatic fix: the close must move out of the defer, at each way out of the iteration)", line(best.at), body)
			rel = "deferred close, run only when the function returns"
		}
		var plan func(*fixer.Planner) *fixer.Fix
		if best.fixable {
			plan = func(pl *fixer.Planner) *fixer.Fix { return pl.CloseBody(r.call) }
		}
		related := []analysis.RelatedInformation{{Pos: best.at.Pos(), End: best.at.End(), Message: rel}}
		p.reportBody(BodyNotClosed, r.call, related, plan, "%s", msg)
	}
	// A request sent with Connection: close (req.Close or the header)
	// gets a connection that is closed after it whatever the caller
	// reads: a drain would only download more. KA1003 reports the
	// setting, and offers no fix for it: removing it alone would leave
	// a body closed unread, which a second run would report.
	if len(r.undrains) > 0 && r.closesConn != nil {
		if _, seen := p.closedUnread[r.closesConn]; !seen {
			p.closedUnread[r.closesConn] = r.call
		}
	}
	if len(r.undrains) > 0 && r.closesConn == nil {
		best := r.undrains[0]
		for _, u := range r.undrains[1:] {
			if u.close.Pos() < best.close.Pos() || (u.close == best.close && u.ret.Pos() < best.ret.Pos()) {
				best = u
			}
		}
		related := []analysis.RelatedInformation{
			{Pos: best.close.Pos(), End: best.close.End(), Message: "closed unread here"},
		}
		if best.ret.Pos() != best.close.Pos() {
			related = append(related, analysis.RelatedInformation{Pos: best.ret.Pos(), End: best.ret.End(), Message: "returns here"})
		}
		var others []string
		var more []ast.Node
		seen := map[ast.Node]bool{best.close: true}
		for _, u := range r.undrains {
			if !seen[u.close] {
				seen[u.close] = true
				others = append(others, fmt.Sprint(line(u.close)))
				more = append(more, u.close)
				related = append(related, analysis.RelatedInformation{Pos: u.close.Pos(), End: u.close.End(), Message: "also closed unread here"})
			}
		}
		also := ""
		if len(others) > 0 {
			also = fmt.Sprintf(" (also at line %s)", strings.Join(others, ", "))
		}
		p.reportBody(BodyNotDrained, r.call, related, drain(best.close, more...),
			"%s is closed unread at line %d on the path that returns at line %d, so the connection is dropped, not reused: drain it before closing (io.CopyN(io.Discard, %s, 64<<10))%s",
			body, line(best.close), line(best.ret), body, also)
	}
}

// reportBody is reportFix with related information. A directive on the
// line of the first related position (the Close that KA1005 used to be
// reported at) silences the finding too.
func (p *pass) reportBody(c *Check, rng analysis.Range, related []analysis.RelatedInformation, plan func(*fixer.Planner) *fixer.Fix, format string, args ...any) {
	if !p.enabled[c] || p.generated[p.Fset.File(rng.Pos())] || p.ignored(c, rng.Pos()) {
		return
	}
	if len(related) > 0 && p.ignored(c, related[0].Pos) {
		return
	}
	d := analysis.Diagnostic{
		Pos:      rng.Pos(),
		End:      rng.End(),
		Category: c.ID,
		URL:      c.URL(),
		Message:  fmt.Sprintf(format, args...),
		Related:  related,
	}
	if plan == nil || (p.opts.FixOnly != nil && !p.opts.FixOnly(p.Fset.Position(rng.Pos()), c.ID)) {
		p.Report(d)
		return
	}
	p.pending = append(p.pending, pendingDiag{d, plan(p.planner)})
}

// drain plans draining the body before the Close at n and those at more,
// in one fix: one run drains them all.
func drain(n ast.Node, more ...ast.Node) func(*fixer.Planner) *fixer.Fix {
	return func(pl *fixer.Planner) *fixer.Fix { return pl.DrainBody(n, more...) }
}

// noBodyWhen reports whether the response certainly has no body when cond
// is true, and when it is false: a status of 204 No Content or 304 Not
// Modified, or a HEAD request. net/http pools the connection of such a
// response before the caller sees it.
func (fa *funcAnalysis) noBodyWhen(r *response, cond ast.Expr) (ifTrue, ifFalse bool) {
	switch e := ast.Unparen(cond).(type) {
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			t, f := fa.noBodyWhen(r, e.X)
			return f, t
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.LAND:
			xt, xf := fa.noBodyWhen(r, e.X)
			yt, yf := fa.noBodyWhen(r, e.Y)
			return xt || yt, xf && yf
		case token.LOR:
			xt, xf := fa.noBodyWhen(r, e.X)
			yt, yf := fa.noBodyWhen(r, e.Y)
			return xt && yt, xf || yf
		case token.EQL, token.NEQ:
			if fa.isNoBodyValue(r, e.X, e.Y) || fa.isNoBodyValue(r, e.Y, e.X) {
				return e.Op == token.EQL, e.Op == token.NEQ
			}
		}
	}
	return false, false
}

// isNoBodyValue reports whether x == val means no body: x is the followed
// response's StatusCode and val the constant 204 or 304, or x is a
// request's method and val the constant "HEAD".
func (fa *funcAnalysis) isNoBodyValue(r *response, x, val ast.Expr) bool {
	info := fa.pass.TypesInfo
	tv := info.Types[val]
	if tv.Value == nil {
		return false
	}
	x = ast.Unparen(x)
	sel, ok := x.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	field, _ := info.ObjectOf(sel.Sel).(*types.Var)
	switch {
	case knowledge.IsField(field, "Response", "StatusCode") && bodyfacts.IsTracked(info, sel.X, r.aliases):
		if tv.Value.Kind() != constant.Int {
			return false
		}
		code, exact := constant.Int64Val(tv.Value)
		return exact && (code == 204 || code == 304)
	case knowledge.IsField(field, "Request", "Method"):
		return tv.Value.Kind() == constant.String && constant.StringVal(tv.Value) == "HEAD"
	}
	return false
}

// noBodyCase reports whether b is the body of a switch case on the
// response's status (or a request's method) whose every value means no
// body.
func (fa *funcAnalysis) noBodyCase(r *response, b *cfg.Block) bool {
	cc, ok := b.Stmt.(*ast.CaseClause)
	if !ok || len(cc.List) == 0 {
		return false
	}
	sw := fa.switchOf(cc)
	if sw == nil || sw.Tag == nil {
		return false
	}
	for _, e := range cc.List {
		if !fa.isNoBodyValue(r, sw.Tag, e) {
			return false
		}
	}
	return true
}

func (fa *funcAnalysis) switchOf(cc *ast.CaseClause) *ast.SwitchStmt {
	if fa.switches == nil {
		fa.switches = map[*ast.CaseClause]*ast.SwitchStmt{}
		ast.Inspect(fa.body, func(n ast.Node) bool {
			if sw, ok := n.(*ast.SwitchStmt); ok {
				for _, c := range sw.Body.List {
					fa.switches[c.(*ast.CaseClause)] = sw
				}
			}
			return true
		})
	}
	return fa.switches[cc]
}

// findReaders finds the scanners and decoders built over r's body
// (sc := bufio.NewScanner(resp.Body)) and the loops that ask them for
// more (for sc.Scan() { ... }).
func (fa *funcAnalysis) findReaders(r *response) {
	info := fa.pass.TypesInfo
	tracked := func(e ast.Expr) bool { return bodyfacts.IsTracked(info, e, r.aliases) }
	r.readers = map[types.Object]bool{}
	ast.Inspect(fa.body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, rhs := range as.Rhs {
			call, ok := ast.Unparen(rhs).(*ast.CallExpr)
			if !ok {
				continue
			}
			u, involved := fa.facts.CallUse(info, call, tracked)
			if !involved || u&knowledge.Reads == 0 || u&(knowledge.Drains|knowledge.Closes|knowledge.Retains) != 0 {
				continue
			}
			if id, ok := as.Lhs[i].(*ast.Ident); ok {
				if v, ok := info.ObjectOf(id).(*types.Var); ok && isLocalVar(v) {
					r.readers[v] = true
				}
			}
		}
		return true
	})
	if len(r.readers) == 0 {
		return
	}
	ast.Inspect(fa.body, func(n ast.Node) bool {
		if f, ok := n.(*ast.ForStmt); ok && f.Cond != nil && fa.isReadLoopCond(r, f.Cond) {
			r.readLoops = append(r.readLoops, f)
		}
		return true
	})
}

// isReadLoopCond reports whether cond asks one of r's readers for more
// (sc.Scan(), dec.More()).
func (fa *funcAnalysis) isReadLoopCond(r *response, cond ast.Expr) bool {
	found := false
	ast.Inspect(cond, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
				if id, ok := ast.Unparen(sel.X).(*ast.Ident); ok && r.readers[fa.pass.TypesInfo.ObjectOf(id)] {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// inReadLoop reports whether pos is inside the body of one of r's read
// loops: leaving from there leaves the rest of the body unread.
func (fa *funcAnalysis) inReadLoop(r *response, pos token.Pos) bool {
	for _, f := range r.readLoops {
		if within(pos, f.Body) {
			return true
		}
	}
	return false
}

// findClosures finds the local variables defined once as a closure over
// r's body (closeBody := func() { resp.Body.Close() }).
func (fa *funcAnalysis) findClosures(r *response) {
	info := fa.pass.TypesInfo
	r.closureVars = map[types.Object]*ast.FuncLit{}
	r.closures = map[*ast.FuncLit]bool{}
	r.closureDefs = map[ast.Node]bool{}
	assigned := map[types.Object]int{}
	defs := map[ast.Node]*ast.FuncLit{}
	def := func(stmt ast.Node, id *ast.Ident, e ast.Expr) {
		if id == nil || id.Name == "_" {
			return
		}
		v, ok := info.Defs[id].(*types.Var)
		if !ok || !isLocalVar(v) {
			return
		}
		if lit, ok := ast.Unparen(e).(*ast.FuncLit); ok && bodyfacts.Mentions(info, lit, r.aliases) {
			r.closureVars[v] = lit
			r.closures[lit] = true
			defs[stmt] = lit
		}
	}
	ast.Inspect(fa.body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				id, _ := l.(*ast.Ident)
				if id != nil {
					if obj := info.ObjectOf(id); obj != nil {
						assigned[obj]++
					}
				}
				if n.Tok == token.DEFINE && len(n.Lhs) == len(n.Rhs) {
					def(n, id, n.Rhs[i])
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if i < len(n.Values) && len(n.Names) == len(n.Values) {
					def(n, id, n.Values[i])
				}
			}
		}
		return true
	})
	// A variable assigned again may hold another function when called.
	for v, lit := range r.closureVars {
		if assigned[v] > 1 {
			delete(r.closureVars, v)
			delete(r.closures, lit)
		}
	}
	for stmt, lit := range defs {
		if r.closures[lit] {
			r.closureDefs[stmt] = true
		}
	}
}

// closureOf returns the closure that the use id of a local variable
// calls, if it is one of r's closure variables.
func (r *response) closureOf(info *types.Info, id *ast.Ident) *ast.FuncLit {
	obj, ok := info.Uses[id]
	if !ok {
		return nil
	}
	return r.closureVars[obj]
}
