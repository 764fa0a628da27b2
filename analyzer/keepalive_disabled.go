package analyzer

import (
	"go/ast"
	"go/constant"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/keepalivefix/keepalivefix/fixer"
	"github.com/keepalivefix/keepalivefix/internal/knowledge"
	"github.com/keepalivefix/keepalivefix/internal/transportfacts"
)

// KeepAliveDisabled is KA1003.
var KeepAliveDisabled = &Check{
	ID:    "KA1003",
	Name:  "keepalive-disabled",
	Title: "Keep-alive is switched off by a constant setting",
	Why: `
Each of these makes net/http close the connection after one request, so every
request pays a new TCP (and TLS) handshake and leaves a socket in TIME_WAIT
(measured on Go 1.26: one new connection per request for each):

  - Transport.DisableKeepAlives set to true;
  - a negative Transport.MaxIdleConnsPerHost (no idle connection is kept);
  - Request.Close set to true;
  - a "Connection: close" header set by hand on a request;
  - CloseIdleConnections called in the function that sends the request, which
    throws the pool away after every request;
  - a call to a function of another package that returns a Transport (or a
    Client with one) with keep-alive switched off, as go-cleanhttp's
    DefaultTransport and DefaultClient do (known from the function's code,
    as a fact; no fix, since the setting is not in the calling code).

Only constant settings are reported: DisableKeepAlives: !cfg.KeepAlive is a
deliberate option. CloseIdleConnections in a function that sends nothing (a
Close or Shutdown method, a reload path) and in main or init is the right way
to release the pool and is not reported. Nor is DisableKeepAlives on a
Transport that sends through a proxy of the code's choosing (a Proxy other
than http.ProxyFromEnvironment, in the same literal or function): a rotating
proxy gives each new connection a new exit address, so keep-alive off is
deliberate there. Test files, and test-support
packages (a function outside _test.go files takes a *testing.T or
testing.TB), are not checked: tests switch keep-alive off on purpose.`,
	Bad: `
tr := &http.Transport{DisableKeepAlives: true}
req.Close = true
req.Header.Set("Connection", "close")`,
	Good: `
tr := &http.Transport{
	MaxIdleConnsPerHost: 32,
	IdleConnTimeout:     90 * time.Second,
}
// and leave req.Close and the Connection header alone`,
	Fix: `
The setting is deleted: the DisableKeepAlives: true or negative
MaxIdleConnsPerHost field or assignment, the req.Close = true assignment, the
Header.Set("Connection", "close") call, the per-request CloseIdleConnections()
call. Comments around it stay.

No fix is offered where the setting could not be the only change:
when the Transport (or the client sending the request) is not provably
built once and reused, since keep-alive on a per-call Transport leaves an
idle connection behind per request; and when the request's response is
then closed unread (KA1005 is quiet while the connection is closed
anyway), since the connection is reused only once the body is drained
too.
`,
}

func runKeepAliveDisabled(p *pass) {
	info := p.TypesInfo
	sendsIn := make(map[ast.Node]bool) // memo: does the function send a request
	// clientSide reports whether the function around cur sends a request or
	// builds one with http.NewRequest: a server reading a request (net/http,
	// net/http/cgi) sets Close on requests that are never sent.
	clientSide := func(cur inspector.Cursor) bool {
		for e := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
			fn := e.Node()
			v, ok := sendsIn[fn]
			if !ok {
				v = functionSends(info, fn) || functionBuildsRequest(info, fn)
				sendsIn[fn] = v
			}
			return v
		}
		return false
	}
	sendsOnly := make(map[ast.Node]bool)
	libs := p.ResultOf[transportfacts.Analyzer].(*transportfacts.Result)
	for cur := range p.inspect.Root().Preorder((*ast.KeyValueExpr)(nil), (*ast.AssignStmt)(nil), (*ast.CallExpr)(nil)) {
		if isTestFile(p, cur.Node()) {
			continue
		}
		switch n := cur.Node().(type) {
		case *ast.KeyValueExpr:
			key, ok := n.Key.(*ast.Ident)
			if !ok {
				continue
			}
			if field, ok := info.ObjectOf(key).(*types.Var); ok && field.IsField() {
				if lit, ok := cur.Parent().Node().(*ast.CompositeLit); ok && knowledge.IsField(field, "Transport", "DisableKeepAlives") && litSetsProxy(info, lit) {
					continue
				}
				checkTransportSetting(p, n, field, n.Value)
			}
		case *ast.AssignStmt:
			if len(n.Lhs) != len(n.Rhs) {
				continue
			}
			for i, lhs := range n.Lhs {
				switch l := ast.Unparen(lhs).(type) {
				case *ast.SelectorExpr:
					if field, ok := info.ObjectOf(l.Sel).(*types.Var); ok && field.IsField() {
						if knowledge.IsField(field, "Request", "Close") && isTrue(info, n.Rhs[i]) && clientSide(cur) {
							reportRequestClose(p, n, l.X, "req.Close = true closes the connection after this request: remove it so the connection can be reused")
							continue
						}
						if knowledge.IsField(field, "Transport", "DisableKeepAlives") && setsProxy(info, cur, l.X) {
							continue
						}
						checkTransportSetting(p, n, field, n.Rhs[i])
					}
				case *ast.IndexExpr:
					// req.Header["Connection"] = []string{"close"}
					if isRequestHeader(info, l.X) && isConstString(info, l.Index, "Connection") && isCloseSlice(info, n.Rhs[i]) && clientSide(cur) {
						reportRequestClose(p, n, headerOwner(l.X), `a hand-set "Connection: close" header closes the connection after this request: remove it`)
					}
				}
			}
		case *ast.CallExpr:
			fn, _ := typeutil.Callee(info, n).(*types.Func)
			if fn == nil {
				continue
			}
			// A factory of another package that switches keep-alive off
			// (go-cleanhttp's DefaultClient): the setting is not in this
			// code, so there is nothing here to remove.
			if fn.Pkg() != p.Pkg && !knowledge.IsTransportClone(fn) {
				if f := libs.Call(n); f != nil && f.KeepAliveOff {
					name := qualifiedName(fn)
					p.reportFix(KeepAliveDisabled, n, nil, "%s returns a Transport with keep-alive switched off, so every request through it opens a new connection: use a pooled Transport, built once and reused; no fix: the setting is inside %s", name, name)
					continue
				}
			}
			if knowledge.IsMethod(fn, knowledge.NetHTTP, "Header", "Set", "Add") && len(n.Args) == 2 {
				sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr)
				if ok && isRequestHeader(info, sel.X) && isConstString(info, n.Args[0], "Connection") && isConstString(info, n.Args[1], "close") && clientSide(cur) {
					reportRequestClose(p, n, headerOwner(sel.X), `a hand-set "Connection: close" header closes the connection after this request: remove it`)
				}
				continue
			}
			if knowledge.IsMethod(fn, knowledge.NetHTTP, "Client", "CloseIdleConnections") || knowledge.IsMethod(fn, knowledge.NetHTTP, "Transport", "CloseIdleConnections") {
				var encl ast.Node
				for e := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
					encl = e.Node()
					break
				}
				if encl == nil || isMainOrInit(p, encl) || onLocal(info, n, encl) {
					continue
				}
				sends, ok := sendsOnly[encl]
				if !ok {
					sends = functionSends(info, encl)
					sendsOnly[encl] = sends
				}
				if sends {
					p.reportFix(KeepAliveDisabled, n, remove(n), "CloseIdleConnections in the function that sends the request empties the pool after every request: call it only on shutdown")
				}
			}
		}
	}
}

// reportRequestClose reports a setting at n that closes the connection of
// the request req, once the bodies are analysed: when the response of
// that request is closed unread, removing the setting alone would not
// reuse the connection (and a second run would report the body), so no
// fix is offered. The two edits belong together and the user decides:
// a probe may close its connection on purpose.
func reportRequestClose(p *pass, n ast.Node, req ast.Expr, msg string) {
	p.afterBodies = append(p.afterBodies, func() {
		if v, ok := p.TypesInfo.Uses[identOf(req)].(*types.Var); ok {
			if call := p.closedUnread[v]; call != nil {
				p.reportFix(KeepAliveDisabled, n, nil, "%s; no fix: the response of the request, sent at line %d, is closed unread, so its body must be drained too before the connection can be reused", msg, p.Fset.Position(call.Pos()).Line)
				return
			}
		}
		p.reportFix(KeepAliveDisabled, n, remove(n), "%s", msg)
	})
}

// headerOwner returns req for the expression req.Header.
func headerOwner(e ast.Expr) ast.Expr {
	if sel, ok := ast.Unparen(e).(*ast.SelectorExpr); ok {
		return sel.X
	}
	return e
}

// A Transport that sends through a proxy of the code's choosing (a
// function it is given, http.ProxyURL of a configured address) may switch
// keep-alive off on purpose: a rotating proxy gives each new connection a
// new exit address, so reuse would pin every request to one. Only the
// environment's proxy (http.ProxyFromEnvironment, the default) says
// nothing of the sort.

// litSetsProxy reports whether the Transport literal lit sets a Proxy
// other than http.ProxyFromEnvironment or nil.
func litSetsProxy(info *types.Info, lit *ast.CompositeLit) bool {
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		if key, ok := kv.Key.(*ast.Ident); ok {
			if field, ok := info.ObjectOf(key).(*types.Var); ok && knowledge.IsField(field, "Transport", "Proxy") && chosenProxy(info, kv.Value) {
				return true
			}
		}
	}
	return false
}

// setsProxy reports whether the function around cur assigns a Proxy other
// than http.ProxyFromEnvironment or nil to the Transport variable of t (t
// in t.DisableKeepAlives = true).
func setsProxy(info *types.Info, cur inspector.Cursor, t ast.Expr) bool {
	v, ok := info.Uses[identOf(t)].(*types.Var)
	if !ok {
		return false
	}
	var fn ast.Node
	for e := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		fn = e.Node()
		break
	}
	if fn == nil {
		return false
	}
	found := false
	ast.Inspect(fn, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return !found
		}
		for i, lhs := range as.Lhs {
			sel, ok := ast.Unparen(lhs).(*ast.SelectorExpr)
			if !ok || info.Uses[identOf(sel.X)] != v {
				continue
			}
			if field, ok := info.Uses[sel.Sel].(*types.Var); ok && knowledge.IsField(field, "Transport", "Proxy") && chosenProxy(info, as.Rhs[i]) {
				found = true
			}
		}
		return !found
	})
	return found
}

// chosenProxy reports whether e, given to Transport.Proxy, is a proxy of
// the code's choosing: not nil and not http.ProxyFromEnvironment.
func chosenProxy(info *types.Info, e ast.Expr) bool {
	if tv := info.Types[e]; tv.IsNil() {
		return false
	}
	if fn, ok := info.Uses[nameIdent(e)].(*types.Func); ok && knowledge.IsFunc(fn, knowledge.NetHTTP, "ProxyFromEnvironment") {
		return false
	}
	return true
}

// checkTransportSetting reports DisableKeepAlives = true and a negative
// MaxIdleConnsPerHost given to field at node n.
func checkTransportSetting(p *pass, n ast.Node, field *types.Var, value ast.Expr) {
	switch {
	case knowledge.IsField(field, "Transport", "DisableKeepAlives") && isTrue(p.TypesInfo, value):
		p.reportFix(KeepAliveDisabled, n, remove(n), "DisableKeepAlives: true opens a new connection for every request: remove it and let the Transport pool connections")
	case knowledge.IsField(field, "Transport", "MaxIdleConnsPerHost"):
		if tv := p.TypesInfo.Types[value]; tv.Value != nil && constant.Sign(tv.Value) < 0 {
			p.reportFix(KeepAliveDisabled, n, remove(n), "a negative MaxIdleConnsPerHost keeps no idle connection, so every request dials anew: set a positive size (or leave 0 for the default of 2)")
		}
	}
}

func isTrue(info *types.Info, e ast.Expr) bool {
	tv := info.Types[e]
	return tv.Value != nil && tv.Value.Kind() == constant.Bool && constant.BoolVal(tv.Value)
}

// isConstString reports whether e is a constant equal to want, ignoring
// case as HTTP does for header names and the close token.
func isConstString(info *types.Info, e ast.Expr, want string) bool {
	tv := info.Types[e]
	return tv.Value != nil && tv.Value.Kind() == constant.String && strings.EqualFold(strings.TrimSpace(constant.StringVal(tv.Value)), want)
}

func isCloseSlice(info *types.Info, e ast.Expr) bool {
	lit, ok := ast.Unparen(e).(*ast.CompositeLit)
	return ok && len(lit.Elts) == 1 && isConstString(info, lit.Elts[0], "close")
}

// isRequestHeader reports whether e is the Header field of a *http.Request:
// only request headers reach the client; a ResponseWriter's header is the
// server's business.
func isRequestHeader(info *types.Info, e ast.Expr) bool {
	sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	field, ok := info.ObjectOf(sel.Sel).(*types.Var)
	return ok && field.IsField() && knowledge.IsField(field, "Request", "Header")
}

// functionSends reports whether the function node sends an HTTP request
// itself (not in nested function literals).
func functionSends(info *types.Info, fn ast.Node) bool {
	found := false
	ast.Inspect(fn, func(n ast.Node) bool {
		if lit, ok := n.(*ast.FuncLit); ok && lit != fn {
			return false
		}
		if call, ok := n.(*ast.CallExpr); ok {
			if obj := typeutil.Callee(info, call); obj != nil && (knowledge.IsSend(obj) || knowledge.IsRoundTrip(obj)) {
				found = true
			}
		}
		return !found
	})
	return found
}

// functionBuildsRequest reports whether fn calls http.NewRequest or
// http.NewRequestWithContext.
func functionBuildsRequest(info *types.Info, fn ast.Node) bool {
	found := false
	ast.Inspect(fn, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if knowledge.IsFunc(typeutil.Callee(info, call), knowledge.NetHTTP, "NewRequest", "NewRequestWithContext") {
				found = true
			}
		}
		return !found
	})
	return found
}

// onLocal reports whether the CloseIdleConnections call is on a variable
// declared in fn itself: releasing a client or transport the function built
// is cleanup (a Transport built per call is KA1002's business).
func onLocal(info *types.Info, call *ast.CallExpr, fn ast.Node) bool {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := ast.Unparen(sel.X).(*ast.Ident)
	if !ok {
		return false
	}
	v, ok := info.ObjectOf(id).(*types.Var)
	if !ok || !isLocalVar(v) || !within(v.Pos(), fn) {
		return false
	}
	var params *ast.FieldList
	switch fn := fn.(type) {
	case *ast.FuncDecl:
		params = fn.Type.Params
	case *ast.FuncLit:
		params = fn.Type.Params
	}
	return !within(v.Pos(), params)
}

// isMainOrInit reports whether fn is func main of package main or an init
// function: code that runs once per process.
func isMainOrInit(p *pass, fn ast.Node) bool {
	d, ok := fn.(*ast.FuncDecl)
	if !ok || d.Recv != nil {
		return false
	}
	return d.Name.Name == "init" || (d.Name.Name == "main" && p.Pkg.Name() == "main")
}

func remove(n ast.Node) func(*fixer.Planner) *fixer.Fix {
	return func(pl *fixer.Planner) *fixer.Fix { return pl.Remove(n) }
}
