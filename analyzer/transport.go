package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ast/edge"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/keepalivefix/keepalivefix/fixer"
	"github.com/keepalivefix/keepalivefix/internal/knowledge"
	"github.com/keepalivefix/keepalivefix/internal/transportfacts"
)

// TransportPerRequest is KA1002.
var TransportPerRequest = &Check{
	ID:    "KA1002",
	Name:  "transport-per-request",
	Title: "An http.Transport is built per request instead of once",
	Why: `
The connection pool lives in the http.Transport, not in the http.Client. A
Transport built for a request (&http.Transport{...}, new(http.Transport),
http.DefaultTransport.(*http.Transport).Clone()) starts with an empty pool,
so its request always dials a new TCP (and TLS) connection, and nothing else
ever reuses that connection. With the zero IdleConnTimeout the idle
connection and its two or three goroutines stay alive until the server
closes it: 50 requests through 50 fresh Transports left 150 goroutines
behind (Go 1.26), where 50 fresh Clients with a nil Transport, which share
http.DefaultTransport, left 3.

The check reports a Transport (or a Client holding one) that is created in a
function and used there to send requests, when it is built inside a loop, or
when the function may run per request: any function but main, init and the
code of _test.go files and of test-support packages (a function outside
_test.go files takes a *testing.T or testing.TB), including a function
literal that is not called where it is written (an HTTP handler, a
callback). A function that returns a freshly built client or transport on every call,
or a struct holding one, is followed to its callers: newClient().Get(url) is
reported at the call. That holds for functions of other packages too, known
from their code as a fact (go-cleanhttp's DefaultPooledClient,
go-retryablehttp's NewClient, resty's New): calling one per request builds a
new pool each time, while one kept in a struct or a package-level variable
is reused. resty.NewWithClient(c) builds no pool when c has a Transport.

It stays quiet when the Transport leaves the function (returned, stored in a
field, global, map, slice or channel, captured by a closure that leaves, or
passed to another function): it is then assumed to be kept and reused. A
Transport whose Dial or DialContext hands out a connection of the function
itself (a net.Pipe end) is bound to the call and cannot be shared; one whose
dial closure only uses the call's values (a pinned address, a socket path)
still builds a pool per call and is reported. An httputil.ReverseProxy built per
request with a Transport of its own is reported the same way: it dials the
backend afresh for each request it serves. A Client whose Transport is nil, http.DefaultTransport or
a shared Transport is cheap to build and is not reported either.`,
	Bad: `
func fetch(ctx context.Context, url string) (*http.Response, error) {
	client := &http.Client{
		Transport: &http.Transport{TLSHandshakeTimeout: 5 * time.Second},
		Timeout:   10 * time.Second,
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return client.Do(req)
}`,
	Good: `
var client = &http.Client{
	Transport: &http.Transport{TLSHandshakeTimeout: 5 * time.Second},
	Timeout:   10 * time.Second,
}

func fetch(ctx context.Context, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	return client.Do(req)
}`,
	Fix: `
A &http.Transport{...} literal built only from constants and package-level
names moves to a package-level variable, named after the function
(fetchTransport), and the function uses it; a Client literal carrying it moves
with it (fetchClient) when it too is built from such names. No fix is offered,
and the diagnostic says why, when the Transport depends on the call
(parameters, locals, calls such as Clone), or when the function changes or
releases it after building it.
`,
}

func runTransportPerRequest(p *pass) {
	t := &transportCheck{
		p:       p,
		libs:    p.ResultOf[transportfacts.Analyzer].(*transportfacts.Result),
		flows:   make(map[inspector.Cursor]*transportFlow),
		uses:    make(map[*types.Var][]inspector.Cursor),
		indexed: make(map[ast.Node]bool),
	}
	for cur := range p.inspect.Root().Preorder((*ast.CompositeLit)(nil), (*ast.CallExpr)(nil), (*ast.ValueSpec)(nil)) {
		if root, ok := t.creation(cur); ok {
			t.roots = append(t.roots, root)
		}
	}
	// A package that builds no Transport has no factory of one either.
	if len(t.roots) == 0 {
		return
	}
	t.findFactories()
	for _, root := range t.roots {
		t.check(root)
	}
}

type transportCheck struct {
	p         *pass
	libs      *transportfacts.Result // factories of other packages, by fact
	roots     []inspector.Cursor
	flows     map[inspector.Cursor]*transportFlow
	factories map[*types.Func]int // function → index of its fresh result

	uses    map[*types.Var][]inspector.Cursor // reads of local variables
	indexed map[ast.Node]bool                 // outermost functions whose reads are in uses
}

// creation reports whether cur builds a new Transport in a function, and
// the expression that holds it: &http.Transport{}, http.Transport{},
// new(http.Transport), x.Clone(), or a local var of type http.Transport,
// whose zero value is one. A package-level one is built once.
func (t *transportCheck) creation(cur inspector.Cursor) (inspector.Cursor, bool) {
	info := t.p.TypesInfo
	switch n := cur.Node().(type) {
	case *ast.CompositeLit:
		if tv, ok := info.Types[n]; !ok || !knowledge.IsNamed(tv.Type, knowledge.NetHTTP, "Transport") || !inFunc(cur) {
			return cur, false
		}
		if u, ok := cur.Parent().Node().(*ast.UnaryExpr); ok && u.Op == token.AND {
			return cur.Parent(), true
		}
		return cur, true
	case *ast.CallExpr:
		if fun, ok := info.Types[ast.Unparen(n.Fun)]; ok && fun.IsBuiltin() {
			return cur, knowledge.IsPointerTo(info.TypeOf(n), knowledge.NetHTTP, "Transport") && inFunc(cur)
		}
		if !inFunc(cur) {
			return cur, false
		}
		return cur, knowledge.IsTransportClone(typeutil.Callee(info, n)) || t.libFactory(n) != nil
	case *ast.ValueSpec:
		if len(n.Values) == 0 && n.Type != nil {
			typ := info.TypeOf(n.Type)
			_, isPtr := types.Unalias(typ).(*types.Pointer)
			return cur, typ != nil && !isPtr && knowledge.IsTransport(typ) && inFunc(cur)
		}
	}
	return cur, false
}

func inFunc(cur inspector.Cursor) bool {
	for range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		return true
	}
	return false
}

// libFactory returns the Factory fact of the function of another package
// that call calls, when the call builds a new pool (go-cleanhttp's
// DefaultPooledClient, go-retryablehttp's NewClient, resty's New). The
// factories of this package are found by findFactories.
func (t *transportCheck) libFactory(call *ast.CallExpr) *transportfacts.Factory {
	fn := typeutil.StaticCallee(t.p.TypesInfo, call)
	if fn == nil || fn.Pkg() == t.p.Pkg {
		return nil
	}
	return t.libs.Call(call)
}

// findFactories finds the functions of this package that return a
// Transport, Client or RoundTripper they build afresh on every call, and
// adds their call sites to the roots. A factory may call another factory,
// so this repeats until no function is added.
func (t *transportCheck) findFactories() {
	info := t.p.TypesInfo
	t.factories = make(map[*types.Func]int)
	decls := make(map[*types.Func]inspector.Cursor)
	for cur := range t.p.inspect.Root().Preorder((*ast.FuncDecl)(nil)) {
		if fn, ok := info.Defs[cur.Node().(*ast.FuncDecl).Name].(*types.Func); ok {
			decls[fn] = cur
		}
	}
	var calls map[*types.Func][]inspector.Cursor
	for todo := t.roots; len(todo) > 0; {
		var homes []inspector.Cursor
		for _, root := range todo {
			if home := enclosingFunc(root); home.Node() != nil {
				if _, ok := home.Node().(*ast.FuncDecl); ok && !slices.Contains(homes, home) {
					homes = append(homes, home)
				}
			}
		}
		todo = nil
		for _, home := range homes {
			fn, ok := info.Defs[home.Node().(*ast.FuncDecl).Name].(*types.Func)
			if !ok {
				continue
			}
			if _, done := t.factories[fn]; done {
				continue
			}
			idx, ok := t.freshResult(home)
			if !ok {
				continue
			}
			t.factories[fn] = idx
			if calls == nil {
				calls = t.callsTo(decls)
			}
			t.roots = append(t.roots, calls[fn]...)
			todo = append(todo, calls[fn]...)
		}
	}
}

// callsTo indexes the calls to the package's functions whose results
// include a client, transport or round tripper.
func (t *transportCheck) callsTo(decls map[*types.Func]inspector.Cursor) map[*types.Func][]inspector.Cursor {
	calls := make(map[*types.Func][]inspector.Cursor)
	for cur := range t.p.inspect.Root().Preorder((*ast.CallExpr)(nil)) {
		fn := typeutil.StaticCallee(t.p.TypesInfo, cur.Node().(*ast.CallExpr))
		if fn == nil {
			continue
		}
		fn = fn.Origin()
		if _, ok := decls[fn]; ok && inFunc(cur) && freshResultIndex(fn.Signature(), 0) >= 0 {
			calls[fn] = append(calls[fn], cur)
		}
	}
	return calls
}

// freshResultIndex is the index, from start on, of the first result of sig
// that can carry a connection pool, or -1.
func freshResultIndex(sig *types.Signature, start int) int {
	for i := start; i < sig.Results().Len(); i++ {
		typ := sig.Results().At(i).Type()
		if knowledge.IsClient(typ) || knowledge.IsTransport(typ) || knowledge.IsRoundTripper(typ) {
			return i
		}
	}
	return -1
}

// freshResult reports whether every return statement of the function
// declared at decl yields, at one result index, either nil or a transport
// built in this call that nothing else keeps.
func (t *transportCheck) freshResult(decl inspector.Cursor) (int, bool) {
	fd := decl.Node().(*ast.FuncDecl)
	sig := t.p.TypesInfo.Defs[fd.Name].(*types.Func).Signature()
	carried := make(map[*ast.ReturnStmt]int)
	for _, root := range t.roots {
		if enclosingFunc(root) != decl {
			continue
		}
		if f := t.flow(root); !f.escapes {
			for ret, i := range f.returns {
				carried[ret] = i
			}
		}
	}
	if len(carried) == 0 {
		return -1, false
	}
	var returns []*ast.ReturnStmt
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			returns = append(returns, n)
		}
		return true
	})
next:
	for idx := freshResultIndex(sig, 0); idx >= 0; idx = freshResultIndex(sig, idx+1) {
		for _, ret := range returns {
			if i, ok := carried[ret]; ok && i == idx {
				continue
			}
			if len(ret.Results) == sig.Results().Len() && t.p.TypesInfo.Types[ret.Results[idx]].IsNil() {
				continue
			}
			continue next
		}
		return idx, true
	}
	return -1, false
}

// check reports root if its transport is used for requests and never
// leaves the function, in a loop or in a function that may run per request.
func (t *transportCheck) check(root inspector.Cursor) {
	f := t.flow(root)
	if f.escapes || f.bound || len(f.returns) > 0 || len(f.sends) == 0 {
		return
	}
	factory := ""
	if call, ok := root.Node().(*ast.CallExpr); ok {
		if fn := typeutil.StaticCallee(t.p.TypesInfo, call); fn != nil {
			if _, ok := t.factories[fn.Origin()]; ok {
				factory = fn.Name()
			} else if !knowledge.IsTransportClone(fn) && t.libFactory(call) != nil {
				factory = qualifiedName(fn)
			}
		}
	}
	if loop, ok := enclosingLoop(root); ok {
		for _, pos := range f.sends {
			if loop.Pos() <= pos && pos < loop.End() {
				if factory != "" {
					t.p.reportFix(TransportPerRequest, root.Node(), hoist(root.Node()), "%s builds a new http.Transport per call and is called inside a loop for requests: each iteration opens new connections; call it once before the loop and reuse its result", factory)
				} else {
					t.p.reportFix(TransportPerRequest, root.Node(), hoist(root.Node()), "http.Transport built inside a loop and used for requests in it: each iteration opens new connections; build it once before the loop and reuse it")
				}
				return
			}
		}
	}
	if t.runsOnce(root) {
		return
	}
	if factory != "" {
		t.p.reportFix(TransportPerRequest, root.Node(), hoist(root.Node()), "%s builds a new http.Transport per call and its result is used for requests in this function: each call opens new connections; build the client once (package level or in a constructor) and reuse it", factory)
	} else {
		t.p.reportFix(TransportPerRequest, root.Node(), hoist(root.Node()), "http.Transport built per call and used for requests in this function: each call opens new connections; build it once (package level or in a constructor) and reuse it")
	}
}

// transportFlow is where one new transport goes within the function that
// builds it, following local variables, &, conversions, the Transport field
// of a Client literal and the closures that capture them.
type transportFlow struct {
	t       *transportCheck
	root    inspector.Cursor
	home    inspector.Cursor // innermost function around root
	resIdx  int              // which result of a factory call root holds it
	vars    map[*types.Var]bool
	lits    map[ast.Node]bool
	sends   []token.Pos             // requests sent through it
	returns map[*ast.ReturnStmt]int // returned by home, at this result index
	escapes bool                    // kept somewhere this check cannot follow
	bound   bool                    // dials or proxies through this call's variables
}

func (t *transportCheck) flow(root inspector.Cursor) *transportFlow {
	if f, ok := t.flows[root]; ok {
		return f
	}
	f := &transportFlow{
		t:       t,
		root:    root,
		home:    enclosingFunc(root),
		vars:    make(map[*types.Var]bool),
		lits:    make(map[ast.Node]bool),
		returns: make(map[*ast.ReturnStmt]int),
	}
	t.flows[root] = f
	switch n := root.Node().(type) {
	case *ast.ValueSpec:
		for _, name := range n.Names {
			if v, ok := t.p.TypesInfo.Defs[name].(*types.Var); ok {
				f.track(v)
			}
		}
	case *ast.CallExpr:
		if fn := typeutil.StaticCallee(t.p.TypesInfo, n); fn != nil {
			if idx, ok := t.factories[fn.Origin()]; ok {
				f.resIdx = idx
			} else if lib := t.libFactory(n); lib != nil {
				f.resIdx = lib.Result
			}
		}
		f.value(root)
	default:
		lit, _ := n.(*ast.CompositeLit)
		if u, ok := n.(*ast.UnaryExpr); ok {
			lit, _ = u.X.(*ast.CompositeLit)
		}
		if lit != nil {
			for _, elt := range lit.Elts {
				if kv, ok := elt.(*ast.KeyValueExpr); ok && f.capturesLocal(kv.Value) {
					f.bound = true
				}
			}
		}
		f.value(root)
	}
	return f
}

// capturesLocal reports whether e is a dial function literal (one that
// returns a net.Conn) that hands out a connection of the function building
// the transport, such as a net.Pipe end: a transport that dials through it is
// bound to this call and cannot be shared. A dial closure over other locals
// (an address pinned per call, a socket path) still builds a pool per call.
func (f *transportFlow) capturesLocal(e ast.Expr) bool {
	lit, ok := ast.Unparen(e).(*ast.FuncLit)
	if !ok {
		return false
	}
	sig, ok := f.t.p.TypesInfo.TypeOf(lit).(*types.Signature)
	if !ok || sig.Results().Len() == 0 {
		return false
	}
	conn, ok := sig.Results().At(0).Type().Underlying().(*types.Interface)
	if !ok || !knowledge.IsNamed(sig.Results().At(0).Type(), "net", "Conn") {
		return false
	}
	home := f.home.Node()
	captures := false
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if v, ok := f.t.p.TypesInfo.Uses[id].(*types.Var); ok && !v.IsField() &&
				home.Pos() <= v.Pos() && v.Pos() < home.End() &&
				(v.Pos() < lit.Pos() || lit.End() <= v.Pos()) &&
				types.Implements(v.Type(), conn) {
				captures = true
			}
		}
		return !captures
	})
	return captures
}

// value follows the expression at cur, which holds the transport, one step
// up the syntax tree.
func (f *transportFlow) value(cur inspector.Cursor) {
	if f.escapes {
		return
	}
	info := f.t.p.TypesInfo
	parent := cur.Parent()
	kind, i := cur.ParentEdge()
	// The result of a factory call may be one of several.
	idx := 0
	if cur == f.root {
		idx = f.resIdx
	}
	switch kind {
	case edge.ParenExpr_X, edge.TypeAssertExpr_X:
		f.value(parent)
	case edge.UnaryExpr_X:
		if parent.Node().(*ast.UnaryExpr).Op == token.AND {
			f.value(parent)
		} else {
			f.escapes = true
		}
	case edge.SelectorExpr_X:
		f.selector(parent)
	case edge.CallExpr_Fun, edge.BinaryExpr_X, edge.BinaryExpr_Y, edge.ExprStmt_X:
		// A closure called, a nil check, a discarded result.
	case edge.CallExpr_Args:
		// net/http has no function that takes a Transport or Client and
		// does not keep it (RegisterProtocol keeps it), so any call but a
		// conversion may store it.
		if tv, ok := info.Types[parent.Node().(*ast.CallExpr).Fun]; ok && tv.IsType() {
			f.value(parent)
		} else {
			f.escapes = true
		}
	case edge.KeyValueExpr_Value:
		kv := parent.Node().(*ast.KeyValueExpr)
		lit := parent.Parent()
		key, _ := kv.Key.(*ast.Ident)
		if key != nil && (knowledge.IsClient(info.TypeOf(lit.Node().(ast.Expr))) && knowledge.IsClientTransportField(info.Uses[key]) ||
			knowledge.IsProxyTransportField(info.Uses[key])) {
			f.value(lit)
		} else {
			f.escapes = true
		}
	case edge.CompositeLit_Elts:
		typ := info.TypeOf(parent.Node().(ast.Expr))
		if st, ok := typ.Underlying().(*types.Struct); knowledge.IsClient(typ) && ok && i < st.NumFields() && knowledge.IsClientTransportField(st.Field(i)) {
			f.value(parent)
		} else {
			f.escapes = true
		}
	case edge.AssignStmt_Rhs:
		as := parent.Node().(*ast.AssignStmt)
		switch {
		case len(as.Lhs) == len(as.Rhs):
			f.store(as.Lhs[i])
		case len(as.Rhs) == 1 && idx < len(as.Lhs):
			f.store(as.Lhs[idx]) // c, err := newClient() or t, ok := rt.(*http.Transport)
		default:
			f.escapes = true
		}
	case edge.ValueSpec_Values:
		spec := parent.Node().(*ast.ValueSpec)
		switch {
		case len(spec.Names) == len(spec.Values):
			f.store(spec.Names[i])
		case len(spec.Values) == 1 && idx < len(spec.Names):
			f.store(spec.Names[idx])
		default:
			f.escapes = true
		}
	case edge.ReturnStmt_Results:
		ret := parent.Node().(*ast.ReturnStmt)
		if enclosingFunc(parent) != f.home {
			f.escapes = true
		} else if len(ret.Results) == 1 {
			f.returns[ret] = idx
		} else {
			f.returns[ret] = i
		}
	default:
		// Sent on a channel, put in a slice or map, dereferenced and
		// copied, ranged over...: assume it is kept.
		f.escapes = true
	}
}

// selector follows x.sel where x holds the transport.
func (f *transportFlow) selector(cur inspector.Cursor) {
	sel, ok := f.t.p.TypesInfo.Selections[cur.Node().(*ast.SelectorExpr)]
	if !ok {
		f.escapes = true
		return
	}
	switch sel.Kind() {
	case types.MethodVal:
		if cur.ParentEdgeKind() != edge.CallExpr_Fun {
			f.escapes = true // a method value may outlive the function
			return
		}
		if obj := sel.Obj(); knowledge.IsMethod(obj, knowledge.NetHTTP, "Client", knowledge.ClientSendMethods...) || knowledge.IsRoundTrip(obj) {
			f.sends = append(f.sends, cur.Parent().Node().Pos())
		} else if holder(sel.Recv()) {
			// A method of a struct that holds the pool (a retrying
			// client, resty.Client.R): the only use of building one.
			f.sends = append(f.sends, cur.Parent().Node().Pos())
		}
		// Other methods (CloseIdleConnections, Clone, ...) keep nothing.
	case types.FieldVal:
		// Setting or reading a field configures the value in place; only
		// client.Transport hands the transport on.
		kind, i := cur.ParentEdge()
		if kind != edge.AssignStmt_Lhs {
			if knowledge.IsClientTransportField(sel.Obj()) || knowledge.IsProxyTransportField(sel.Obj()) || (holder(sel.Recv()) && poolType(sel.Obj().Type())) {
				f.value(cur) // c.Transport, or a holder's c.HTTPClient
			}
		} else if as := cur.Parent().Node().(*ast.AssignStmt); len(as.Lhs) == len(as.Rhs) &&
			knowledge.IsTransport(sel.Recv()) && f.capturesLocal(as.Rhs[i]) {
			f.bound = true
		}
	default:
		f.escapes = true
	}
}

// store follows an assignment of the transport to lhs.
func (f *transportFlow) store(lhs ast.Expr) {
	info := f.t.p.TypesInfo
	switch lhs := ast.Unparen(lhs).(type) {
	case *ast.Ident:
		if lhs.Name == "_" {
			return
		}
		if v, ok := info.ObjectOf(lhs).(*types.Var); ok && f.local(v) {
			f.track(v)
			return
		}
	case *ast.SelectorExpr:
		// client.Transport = t on a local client (or proxy.Transport on a
		// local httputil.ReverseProxy) makes it hold the transport.
		if sel, ok := info.Selections[lhs]; ok && (knowledge.IsClientTransportField(sel.Obj()) || knowledge.IsProxyTransportField(sel.Obj())) {
			if id, ok := ast.Unparen(lhs.X).(*ast.Ident); ok {
				if v, ok := info.Uses[id].(*types.Var); ok && f.local(v) {
					f.track(v)
					return
				}
			}
		}
	}
	f.escapes = true // a field, global, element, parameter or result
}

// local reports whether v is a variable declared in the body of the
// function that builds the transport. A variable of an enclosing function,
// e.g. one set in a sync.Once closure, outlives the call.
func (f *transportFlow) local(v *types.Var) bool {
	body := funcBody(f.home.Node())
	return body != nil && !v.IsField() && body.Pos() <= v.Pos() && v.Pos() < body.End()
}

// track follows every read of v.
func (f *transportFlow) track(v *types.Var) {
	if f.vars[v] {
		return
	}
	f.vars[v] = true
	for _, use := range f.t.readsOf(v, f.home) {
		if f.escapes {
			return
		}
		f.captured(use)
		f.value(use)
	}
}

// captured follows the closures between a read and the function that
// builds the transport: a closure that leaves the function takes the
// transport with it.
func (f *transportFlow) captured(use inspector.Cursor) {
	for lit := range use.Enclosing((*ast.FuncLit)(nil)) {
		if lit == f.home || !f.home.Contains(lit) {
			return
		}
		if !f.lits[lit.Node()] {
			f.lits[lit.Node()] = true
			f.value(lit)
		}
	}
}

// readsOf returns the identifiers that read v, indexing the outermost
// function around home on first use.
func (t *transportCheck) readsOf(v *types.Var, home inspector.Cursor) []inspector.Cursor {
	outer := home
	for fn := range home.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		outer = fn
	}
	if !t.indexed[outer.Node()] {
		t.indexed[outer.Node()] = true
		for id := range outer.Preorder((*ast.Ident)(nil)) {
			if id.ParentEdgeKind() == edge.AssignStmt_Lhs {
				continue // overwritten, not read
			}
			if u, ok := t.p.TypesInfo.Uses[id.Node().(*ast.Ident)].(*types.Var); ok && !u.IsField() && u.Parent() != u.Pkg().Scope() {
				t.uses[u] = append(t.uses[u], id)
			}
		}
	}
	return t.uses[v]
}

func enclosingFunc(cur inspector.Cursor) inspector.Cursor {
	for fn := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		return fn
	}
	return inspector.Cursor{}
}

func funcBody(n ast.Node) *ast.BlockStmt {
	switch n := n.(type) {
	case *ast.FuncDecl:
		return n.Body
	case *ast.FuncLit:
		return n.Body
	}
	return nil
}

// calledInPlace reports whether the function literal at lit runs where it
// is written: func(){...}(), go func(){...}(), defer func(){...}().
func calledInPlace(lit inspector.Cursor) bool {
	for lit.ParentEdgeKind() == edge.ParenExpr_X {
		lit = lit.Parent()
	}
	return lit.ParentEdgeKind() == edge.CallExpr_Fun
}

// enclosingLoop returns the body of the innermost for or range loop around
// cur in its function, looking through closures called in place.
func enclosingLoop(cur inspector.Cursor) (*ast.BlockStmt, bool) {
	for c := cur; c.Node() != nil; c = c.Parent() {
		switch c.ParentEdgeKind() {
		case edge.ForStmt_Body, edge.RangeStmt_Body:
			return c.Node().(*ast.BlockStmt), true
		case edge.FuncDecl_Body, edge.Invalid:
			return nil, false
		case edge.FuncLit_Body:
			if !calledInPlace(c.Parent()) {
				return nil, false
			}
		}
	}
	return nil, false
}

// runsOnce reports whether the code at cur runs once per process, not per
// request: in main.main or an init function, outside any closure that may
// be called later, or anywhere in a test file, whose helpers run per test.
func (t *transportCheck) runsOnce(cur inspector.Cursor) bool {
	if isTestFile(t.p, cur.Node()) {
		return true
	}
	for fn := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		if fd, ok := fn.Node().(*ast.FuncDecl); ok {
			return fd.Recv == nil && (fd.Name.Name == "init" || fd.Name.Name == "main" && t.p.Pkg.Name() == "main")
		}
		if !calledInPlace(fn) {
			return false
		}
	}
	return false
}

func hoist(n ast.Node) func(*fixer.Planner) *fixer.Fix {
	return func(pl *fixer.Planner) *fixer.Fix { return pl.Hoist(n) }
}

// holder reports whether t is a struct of another kind than net/http's that
// a factory returns with a pool inside (retryablehttp.Client).
func holder(t types.Type) bool {
	if poolType(t) {
		return false
	}
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	_, ok := t.Underlying().(*types.Struct)
	return ok
}

func poolType(t types.Type) bool {
	return knowledge.IsTransport(t) || knowledge.IsClient(t) || knowledge.IsRoundTripper(t)
}

// qualifiedName is pkg.Func or pkg.Type.Method, as a user writes it.
func qualifiedName(fn *types.Func) string {
	name := fn.Name()
	if recv := fn.Signature().Recv(); recv != nil {
		t := recv.Type()
		if p, ok := types.Unalias(t).(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			name = n.Obj().Name() + "." + name
		}
	}
	if fn.Pkg() != nil {
		name = fn.Pkg().Name() + "." + name
	}
	return name
}
