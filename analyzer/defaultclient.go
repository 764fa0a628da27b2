package analyzer

import (
	"go/ast"
	"go/types"
	"strconv"

	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/keepalivefix/keepalivefix/fixer"
	"github.com/keepalivefix/keepalivefix/internal/knowledge"
)

// DefaultClient is KA1001.
var DefaultClient = &Check{
	ID:    "KA1001",
	Name:  "default-client",
	Title: "http.Get and friends, or http.DefaultClient, in code that runs repeatedly",
	Why: `
http.Get, http.Head, http.Post and http.PostForm send through
http.DefaultClient, which is &http.Client{} over http.DefaultTransport: the
pool is shared, but there is no timeout at all, and the Transport keeps only
DefaultMaxIdleConnsPerHost = 2 idle connections per host. As soon as more than
two goroutines call the same host, the extra connections are closed after
each request and dialled again for the next, and a slow server can hold every
caller forever.

The check reports these calls, and methods called on http.DefaultClient, in
library packages and in code of package main that runs repeatedly (in a loop,
a goroutine, an HTTP handler, a method). It stays quiet in one-shot code
(straight-line main and init, tests and examples, test-support packages:
those with a function that takes a *testing.T or testing.TB) and where http.DefaultClient
is only a default value that callers can replace
(if c == nil { c = http.DefaultClient }). A variable set once, where it is
declared, to http.DefaultClient or to http.Get and its siblings
(c := http.DefaultClient, var get = http.Get), and never assigned again nor
its address taken, counts as what it holds, and so does an unexported field
that every write in the package sets to http.DefaultClient (a constructor's
&api{hc: http.DefaultClient} with no option to replace it); an exported
package-level variable or field, a parameter, or a field also set from
elsewhere is the caller's to replace and is not followed. Functions of other
packages that
happen to be named Get (retryablehttp.Get, a wrapper's Get) are not net/http's
and are not reported.`,
	Bad: `
func (s *Store) Fetch(id string) (*Item, error) {
	resp, err := http.Get(s.base + "/items/" + id)
	...
}`,
	Good: `
var httpClient = &http.Client{
	Transport: func() http.RoundTripper {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64
		t.ResponseHeaderTimeout = 30 * time.Second
		return t
	}(),
}

func (s *Store) Fetch(id string) (*Item, error) {
	resp, err := httpClient.Get(s.base + "/items/" + id)
	...
}`,
	Fix: `
http.Get(u) becomes httpClient.Get(u), and http.DefaultClient.Do(req)
becomes httpClient.Do(req). httpClient is the package's existing package-level
*http.Client if it has exactly one, the client named with -client, or else one
declaration added to the package: a client whose Transport clones
http.DefaultTransport (keeping its proxy, dial and TLS timeouts and HTTP/2) with
MaxIdleConnsPerHost raised to 64 (-max-idle-per-host) and a 30 s
ResponseHeaderTimeout (-header-timeout). Client.Timeout stays unset unless
-timeout is given, since it also cuts off long body reads.
`,
}

func runDefaultClient(p *pass) {
	info := p.TypesInfo
	if p.Pkg.Path() == knowledge.NetHTTP {
		return // http.Get itself is written with DefaultClient
	}
	isMain := p.Pkg.Name() == "main"
	aliases := defaultAliases(p)
	for cur := range p.inspect.Root().Preorder((*ast.CallExpr)(nil)) {
		call := cur.Node().(*ast.CallExpr)
		if isTestFile(p, call) {
			continue
		}
		if a, v, ok := aliasCall(info, aliases, call); ok {
			if isMain && !runsRepeatedly(info, cur) {
				continue
			}
			what := v.Name() + " (" + a.what + ", declared at line " + strconv.Itoa(p.Fset.Position(a.pos).Line) + ")"
			set := v.Name() + " is set once to " + a.what
			if a.field {
				what = "the field " + v.Name() + " (" + a.what + ", set at line " + strconv.Itoa(p.Fset.Position(a.pos).Line) + ")"
				set = "the field " + v.Name() + " is only ever set to " + a.what
			}
			if a.what != "http.DefaultClient" {
				what += " sends through http.DefaultClient, which"
			}
			// The call cannot be pointed elsewhere on its own: the
			// variable would be left unused, or half its uses changed.
			p.reportFix(DefaultClient, call, nil, "%s has no timeout and keeps only 2 idle connections per host: send through a shared *http.Client with a tuned Transport; no fix: %s, so set it to a shared client instead", what, set)
			continue
		}
		fn, _ := typeutil.Callee(info, call).(*types.Func)
		if fn == nil {
			continue
		}
		var what string
		switch {
		case knowledge.IsFunc(fn, knowledge.NetHTTP, knowledge.PackageClientFuncs...):
			what = "http." + fn.Name() + " sends through http.DefaultClient, which"
		case knowledge.IsMethod(fn, knowledge.NetHTTP, "Client", knowledge.ClientSendMethods...) && isDefaultClient(info, call.Fun):
			what = "http.DefaultClient"
		default:
			continue
		}
		if isMain && !runsRepeatedly(info, cur) {
			continue
		}
		p.reportFix(DefaultClient, call, func(pl *fixer.Planner) *fixer.Fix { return pl.SharedClient(call) }, "%s has no timeout and keeps only 2 idle connections per host: send through a shared *http.Client with a tuned Transport", what)
	}
}

// aliasCall reports whether call sends through a variable that holds
// http.DefaultClient (c.Do(req)) or http.Get and its siblings (get(u)) for
// its whole life.
func aliasCall(info *types.Info, aliases map[*types.Var]defaultAlias, call *ast.CallExpr) (defaultAlias, *types.Var, bool) {
	if len(aliases) == 0 {
		return defaultAlias{}, nil, false
	}
	var id *ast.Ident
	client := false
	switch fun := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		id = fun
	case *ast.SelectorExpr:
		fn, _ := typeutil.Callee(info, call).(*types.Func)
		if !knowledge.IsMethod(fn, knowledge.NetHTTP, "Client", knowledge.ClientSendMethods...) {
			return defaultAlias{}, nil, false
		}
		id = nameIdent(fun.X) // a variable, or a field: s.client.Do(req)
		client = true
	}
	if id == nil {
		return defaultAlias{}, nil, false
	}
	v, _ := info.Uses[id].(*types.Var)
	a, ok := aliases[v]
	if !ok || client != (a.what == "http.DefaultClient") {
		return defaultAlias{}, nil, false
	}
	return a, v, true
}

// isDefaultClient reports whether fun is a method selected on
// http.DefaultClient itself. Other uses of http.DefaultClient (a default
// value, an argument, a comparison) leave the choice to the caller.
func isDefaultClient(info *types.Info, fun ast.Expr) bool {
	sel, ok := ast.Unparen(fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id := nameIdent(sel.X)
	if id == nil {
		return false
	}
	v, ok := info.ObjectOf(id).(*types.Var)
	return ok && v.Name() == "DefaultClient" && v.Pkg() != nil && v.Pkg().Path() == knowledge.NetHTTP
}

// runsRepeatedly reports whether the code at cur may run many times in one
// process: inside a loop, a goroutine, an HTTP handler or a method.
func runsRepeatedly(info *types.Info, cur inspector.Cursor) bool {
	for e := range cur.Enclosing() {
		switch n := e.Node().(type) {
		case *ast.ForStmt, *ast.RangeStmt, *ast.GoStmt:
			return true
		case *ast.FuncLit:
			if isHandlerType(info, n.Type) {
				return true
			}
		case *ast.FuncDecl:
			return n.Recv != nil || isHandlerType(info, n.Type)
		}
	}
	return false
}

// isHandlerType reports whether ft has the parameters of an HTTP handler,
// (http.ResponseWriter, *http.Request).
func isHandlerType(info *types.Info, ft *ast.FuncType) bool {
	var params []types.Type
	for _, f := range ft.Params.List {
		for range max(len(f.Names), 1) {
			params = append(params, info.TypeOf(f.Type))
		}
	}
	return len(params) == 2 && knowledge.IsNamed(params[0], knowledge.NetHTTP, "ResponseWriter") && knowledge.IsRequest(params[1])
}
