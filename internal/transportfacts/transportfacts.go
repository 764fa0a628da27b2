package transportfacts

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"reflect"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/types/typeutil"

	"github.com/keepalivefix/keepalivefix/internal/knowledge"
)

// Factory is exported for each function that builds a new connection pool
// on every call.
type Factory struct {
	// Result is the index of the result that holds the new pool.
	Result int
	// KeepAliveOff is set when the new Transport has keep-alive switched
	// off (DisableKeepAlives, a negative MaxIdleConnsPerHost): each request
	// through it opens a new connection, however long it lives.
	KeepAliveOff bool
	// Unless, when not 0, is 1 + the index of an *http.Client parameter
	// that the function gives a new Transport only when it has none
	// (resty's createClient): a call builds a new pool only when that
	// argument is a client literal without a Transport, or with a new one.
	Unless int
}

func (*Factory) AFact() {}

func (f *Factory) String() string {
	s := fmt.Sprintf("factory(result %d", f.Result)
	if f.KeepAliveOff {
		s += " keepAliveOff"
	}
	if f.Unless > 0 {
		s += fmt.Sprintf(" unless %d", f.Unless-1)
	}
	return s + ")"
}

// Analyzer computes the Factory facts of a package.
var Analyzer = &analysis.Analyzer{
	Name:       "keepalivefactories",
	Doc:        "find the functions that build a new HTTP connection pool on every call (facts for keepalive)",
	URL:        "https://github.com/keepalivefix/keepalivefix",
	FactTypes:  []analysis.Fact{new(Factory)},
	ResultType: reflect.TypeOf((*Result)(nil)),
	Run:        run,
}

// Result answers whether a call builds a new pool, from this package's
// factories and the facts of the packages it imports.
type Result struct {
	pass  *analysis.Pass
	local map[*types.Func]*Factory
}

// Of returns the Factory of fn, from this package or a fact.
func (r *Result) Of(fn *types.Func) *Factory {
	if fn == nil {
		return nil
	}
	fn = fn.Origin()
	if f, ok := r.local[fn]; ok {
		return f
	}
	if fn.Pkg() == nil || fn.Pkg() == r.pass.Pkg {
		return nil
	}
	f := new(Factory)
	if r.pass.ImportObjectFact(fn, f) {
		return f
	}
	return nil
}

// Call returns the Factory of the function call calls when this call builds
// a new pool: for a factory with Unless, only when the argument it names is
// a client literal that leaves the Transport to it.
func (r *Result) Call(call *ast.CallExpr) *Factory {
	f := r.Of(typeutil.StaticCallee(r.pass.TypesInfo, call))
	if f == nil {
		return nil
	}
	if f.Unless > 0 {
		if f.Unless > len(call.Args) || call.Ellipsis.IsValid() {
			return nil
		}
		s := &summary{pass: r.pass, res: r}
		if !s.emptyClient(call.Args[f.Unless-1]) {
			return nil
		}
	}
	return f
}

func run(pass *analysis.Pass) (any, error) {
	res := &Result{pass: pass, local: make(map[*types.Func]*Factory)}
	var decls []*ast.FuncDecl
	for _, file := range pass.Files {
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn, ok := pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if ok && len(poolResults(fn.Signature())) > 0 {
				decls = append(decls, fd)
			}
		}
	}
	// A factory may call another one declared later: repeat until no
	// function is added (each round adds at least one, or stops).
	for changed := true; changed; {
		changed = false
		for _, fd := range decls {
			fn := pass.TypesInfo.Defs[fd.Name].(*types.Func)
			if _, done := res.local[fn]; done {
				continue
			}
			if f := summarize(pass, res, fd, fn); f != nil {
				res.local[fn] = f
				changed = true
			}
		}
	}
	for fn, f := range res.local {
		pass.ExportObjectFact(fn, f)
	}
	return res, nil
}

// poolResults returns the indices of the results of sig that can hold a
// connection pool.
func poolResults(sig *types.Signature) []int {
	var idx []int
	for i := range sig.Results().Len() {
		if canHoldPool(sig.Results().At(i).Type(), 0) {
			idx = append(idx, i)
		}
	}
	return idx
}

// canHoldPool reports whether a value of type t can carry a Transport: a
// Transport, Client or RoundTripper, or a struct (or a pointer to one) with
// a field that can, two levels deep at most.
func canHoldPool(t types.Type, depth int) bool {
	if knowledge.IsTransport(t) || knowledge.IsClient(t) || knowledge.IsRoundTripper(t) {
		return true
	}
	if depth > 1 {
		return false
	}
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	if _, named := types.Unalias(t).(*types.Named); !named {
		return false
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for i := range st.NumFields() {
		if canHoldPool(st.Field(i).Type(), depth+1) {
			return true
		}
	}
	return false
}

// summary holds what one function's summary needs.
type summary struct {
	pass   *analysis.Pass
	res    *Result
	fd     *ast.FuncDecl
	params map[*types.Var]int

	defs       map[*types.Var][]def      // the values assigned to each variable
	transports map[*types.Var][]ast.Expr // the Transports given to each client variable
	uses       map[*types.Var][]ast.Node // the parents of each read
	spoiled    map[*types.Var]bool       // assigned or read in a way no summary follows
	busy       map[*types.Var]bool
}

func summarize(pass *analysis.Pass, res *Result, fd *ast.FuncDecl, fn *types.Func) *Factory {
	s := &summary{pass: pass, res: res, fd: fd, params: make(map[*types.Var]int), busy: make(map[*types.Var]bool)}
	sig := fn.Signature()
	for i := range sig.Params().Len() {
		s.params[sig.Params().At(i)] = i
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
	if len(returns) == 0 {
		return nil
	}
	nres := sig.Results().Len()
next:
	for _, idx := range poolResults(sig) {
		f := &Factory{Result: idx, KeepAliveOff: true}
		fresh := 0
		for _, ret := range returns {
			var e ast.Expr
			switch {
			case len(ret.Results) == nres:
				e = ret.Results[idx]
			case len(ret.Results) == 1:
				// return newClient(): the callee's result at idx.
				call, ok := ast.Unparen(ret.Results[0]).(*ast.CallExpr)
				if !ok {
					continue next
				}
				g := s.call(call)
				if g == nil || g.result != idx {
					continue next
				}
				f.KeepAliveOff = f.KeepAliveOff && g.off
				if !f.merge(g.unless) {
					continue next
				}
				fresh++
				continue
			default:
				continue next // a naked return
			}
			if pass.TypesInfo.Types[e].IsNil() {
				continue
			}
			v, ok := s.fresh(e)
			if !ok {
				continue next
			}
			f.KeepAliveOff = f.KeepAliveOff && v.off
			if !f.merge(v.unless) {
				continue next
			}
			fresh++
		}
		if fresh > 0 {
			return f
		}
	}
	return nil
}

// merge records that a fresh result depends on parameter unless (1-based,
// 0 for none); one function may depend on one parameter at most.
func (f *Factory) merge(unless int) bool {
	switch {
	case unless == 0:
	case f.Unless == 0:
		f.Unless = unless
	case f.Unless != unless:
		return false
	}
	return true
}

// freshValue describes a value built in the call.
type freshValue struct {
	off    bool // its Transport has keep-alive off
	unless int  // 1 + the parameter it is fresh through, or 0
	result int  // for a call, which of its results
}

// call returns the fresh value a call yields: a new Transport, a clone, or
// the result of a factory.
func (s *summary) call(call *ast.CallExpr) *freshValue {
	info := s.pass.TypesInfo
	if tv, ok := info.Types[ast.Unparen(call.Fun)]; ok && tv.IsBuiltin() {
		if knowledge.IsPointerTo(info.TypeOf(call), knowledge.NetHTTP, "Transport") {
			return &freshValue{}
		}
		return nil
	}
	fn, _ := typeutil.Callee(info, call).(*types.Func)
	if knowledge.IsTransportClone(fn) {
		return &freshValue{}
	}
	f := s.res.Of(typeutil.StaticCallee(info, call))
	if f == nil {
		return nil
	}
	v := &freshValue{off: f.KeepAliveOff, result: f.Result}
	if f.Unless > 0 {
		if f.Unless > len(call.Args) || call.Ellipsis.IsValid() {
			return nil
		}
		arg := ast.Unparen(call.Args[f.Unless-1])
		if id, ok := arg.(*ast.Ident); ok {
			if p, ok := info.Uses[id].(*types.Var); ok {
				if i, isParam := s.params[p]; isParam && s.fd != nil {
					v.unless = i + 1 // passed on: fresh when our caller's is
					return v
				}
			}
		}
		if !s.emptyClient(arg) {
			return nil
		}
	}
	return v
}

// emptyClient reports whether e is &http.Client{...} without a Transport,
// or with a new one.
func (s *summary) emptyClient(e ast.Expr) bool {
	u, ok := ast.Unparen(e).(*ast.UnaryExpr)
	if !ok || u.Op != token.AND {
		return false
	}
	lit, ok := u.X.(*ast.CompositeLit)
	if !ok || !knowledge.IsClient(s.pass.TypesInfo.TypeOf(lit)) {
		return false
	}
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			return false
		}
		if key, _ := kv.Key.(*ast.Ident); key != nil && key.Name == "Transport" {
			if _, fresh := s.fresh(kv.Value); !fresh {
				return false
			}
		}
	}
	return true
}

// fresh reports whether e is a value built in this call.
func (s *summary) fresh(e ast.Expr) (freshValue, bool) {
	info := s.pass.TypesInfo
	switch e := ast.Unparen(e).(type) {
	case *ast.UnaryExpr:
		if lit, ok := e.X.(*ast.CompositeLit); ok && e.Op == token.AND {
			return s.literal(lit)
		}
	case *ast.CompositeLit:
		if !knowledge.IsTransport(info.TypeOf(e)) && !knowledge.IsClient(info.TypeOf(e)) {
			return s.literal(e)
		}
	case *ast.CallExpr:
		if v := s.call(e); v != nil && v.result == 0 {
			if t, ok := info.TypeOf(e).(*types.Tuple); !ok || t.Len() == 1 {
				return *v, true
			}
		}
	case *ast.Ident:
		if v, ok := info.Uses[e].(*types.Var); ok {
			return s.variable(v)
		}
	}
	return freshValue{}, false
}

// literal reports whether lit is a new Transport, a Client with a new one,
// or a struct with a field that holds one.
func (s *summary) literal(lit *ast.CompositeLit) (freshValue, bool) {
	info := s.pass.TypesInfo
	typ := info.TypeOf(lit)
	if knowledge.IsTransport(typ) {
		return freshValue{off: keepAliveOff(info, lit)}, true
	}
	st, ok := typ.Underlying().(*types.Struct)
	if !ok {
		return freshValue{}, false
	}
	isClient := knowledge.IsClient(typ)
	for i, elt := range lit.Elts {
		field, val := (*types.Var)(nil), elt
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			key, _ := kv.Key.(*ast.Ident)
			if key == nil {
				continue
			}
			field, _ = info.Uses[key].(*types.Var)
			val = kv.Value
		} else if i < st.NumFields() {
			field = st.Field(i)
		}
		if field == nil || !canHoldPool(field.Type(), 1) || (isClient && field.Name() != "Transport") {
			continue
		}
		if v, ok := s.fresh(val); ok {
			return v, true
		}
	}
	return freshValue{}, false
}

// variable reports whether v, a parameter or a local, holds a value built
// in this call for the whole call: a local set once to a fresh value and
// only configured in place, or an *http.Client parameter that the function
// gives a new Transport.
func (s *summary) variable(v *types.Var) (freshValue, bool) {
	if s.fd == nil || s.busy[v] {
		return freshValue{}, false
	}
	s.busy[v] = true
	defer delete(s.busy, v)
	s.index()
	if s.spoiled[v] || !s.staysHere(v) {
		return freshValue{}, false
	}
	defs := s.defs[v]
	var got freshValue
	ok := false
	if i, isParam := s.params[v]; isParam {
		// func createClient(hc *http.Client) { if hc.Transport == nil
		// { hc.Transport = createTransport(nil) } ...: fresh when the
		// caller's client has no Transport.
		if len(defs) > 0 || !knowledge.IsClient(v.Type()) {
			return freshValue{}, false
		}
		for _, t := range s.transports[v] {
			if w, fresh := s.fresh(t); fresh {
				got, ok = w, true
			}
		}
		got.unless = i + 1
		return got, ok
	}
	if len(defs) != 1 {
		return freshValue{}, false
	}
	if d := defs[0]; d.call != nil {
		// t, err := newTransport()
		if w := s.call(d.call); w != nil && w.result == d.index {
			got, ok = *w, true
		}
	} else {
		got, ok = s.fresh(d.expr)
	}
	for _, t := range s.transports[v] {
		// c := &http.Client{}; c.Transport = newTransport()
		if w, fresh := s.fresh(t); fresh {
			got, ok = w, true
		}
	}
	if ok && knowledge.IsTransport(v.Type()) && s.switchesOff(v) {
		got.off = true
	}
	return got, ok
}

// staysHere reports whether every read of v configures it in place (a
// field, a method), compares it with nil, returns it or puts it in a
// composite literal: nothing else can keep it.
func (s *summary) staysHere(v *types.Var) bool {
	for _, parent := range s.uses[v] {
		switch p := parent.(type) {
		case *ast.SelectorExpr, *ast.ReturnStmt, *ast.CompositeLit, *ast.KeyValueExpr:
		case *ast.BinaryExpr:
			if !s.pass.TypesInfo.Types[p.X].IsNil() && !s.pass.TypesInfo.Types[p.Y].IsNil() {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// switchesOff reports whether the function turns keep-alive off on the
// Transport in v: v.DisableKeepAlives = true, v.MaxIdleConnsPerHost = -1.
func (s *summary) switchesOff(v *types.Var) bool {
	info := s.pass.TypesInfo
	off := false
	ast.Inspect(s.fd.Body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, lhs := range as.Lhs {
			sel, ok := ast.Unparen(lhs).(*ast.SelectorExpr)
			if !ok {
				continue
			}
			if id, ok := ast.Unparen(sel.X).(*ast.Ident); !ok || info.Uses[id] != v {
				continue
			}
			off = off || offSetting(info, sel.Sel.Name, as.Rhs[i])
		}
		return true
	})
	return off
}

// keepAliveOff reports whether a Transport literal switches keep-alive off.
func keepAliveOff(info *types.Info, lit *ast.CompositeLit) bool {
	for _, elt := range lit.Elts {
		if kv, ok := elt.(*ast.KeyValueExpr); ok {
			if key, ok := kv.Key.(*ast.Ident); ok && offSetting(info, key.Name, kv.Value) {
				return true
			}
		}
	}
	return false
}

func offSetting(info *types.Info, field string, val ast.Expr) bool {
	tv := info.Types[val]
	if tv.Value == nil {
		return false
	}
	switch field {
	case "DisableKeepAlives":
		return tv.Value.Kind() == constant.Bool && constant.BoolVal(tv.Value)
	case "MaxIdleConnsPerHost":
		return tv.Value.Kind() == constant.Int && constant.Sign(tv.Value) < 0
	}
	return false
}

// def is one value assigned to a variable: an expression, or one result
// of a call (t, err := newTransport()).
type def struct {
	expr  ast.Expr
	call  *ast.CallExpr
	index int
}

// index records, once, the values assigned to the function's variables,
// the Transports given to its clients and the parents of their reads. A
// variable assigned in any other way (a range, a type switch, its address
// taken) or read inside a function literal is spoiled: no summary accepts
// it.
func (s *summary) index() {
	if s.defs != nil {
		return
	}
	info := s.pass.TypesInfo
	s.defs = make(map[*types.Var][]def)
	s.transports = make(map[*types.Var][]ast.Expr)
	s.uses = make(map[*types.Var][]ast.Node)
	s.spoiled = make(map[*types.Var]bool)
	local := func(e ast.Expr) *types.Var {
		id, ok := ast.Unparen(e).(*ast.Ident)
		if !ok {
			return nil
		}
		v, ok := info.ObjectOf(id).(*types.Var)
		if !ok || v.IsField() {
			return nil
		}
		return v
	}
	var stack []ast.Node
	inLit := 0
	ast.Inspect(s.fd.Body, func(n ast.Node) bool {
		if n == nil {
			if _, ok := stack[len(stack)-1].(*ast.FuncLit); ok {
				inLit--
			}
			stack = stack[:len(stack)-1]
			return true
		}
		var parent ast.Node
		if len(stack) > 0 {
			parent = stack[len(stack)-1]
		}
		stack = append(stack, n)
		switch n := n.(type) {
		case *ast.FuncLit:
			inLit++
		case *ast.AssignStmt:
			for i, lhs := range n.Lhs {
				if v := local(lhs); v != nil {
					switch {
					case n.Tok != token.ASSIGN && n.Tok != token.DEFINE:
						s.spoiled[v] = true
					case len(n.Lhs) == len(n.Rhs):
						s.defs[v] = append(s.defs[v], def{expr: n.Rhs[i]})
					default:
						call, ok := ast.Unparen(n.Rhs[0]).(*ast.CallExpr)
						if !ok {
							s.spoiled[v] = true
						} else {
							s.defs[v] = append(s.defs[v], def{call: call, index: i})
						}
					}
					continue
				}
				// c.Transport = t makes c hold t.
				if sel, ok := ast.Unparen(lhs).(*ast.SelectorExpr); ok && sel.Sel.Name == "Transport" && len(n.Lhs) == len(n.Rhs) {
					if v := local(sel.X); v != nil && knowledge.IsClient(v.Type()) {
						s.transports[v] = append(s.transports[v], n.Rhs[i])
					}
				}
			}
		case *ast.ValueSpec:
			for i, name := range n.Names {
				v, ok := info.Defs[name].(*types.Var)
				if !ok {
					continue
				}
				if len(n.Values) == len(n.Names) {
					s.defs[v] = append(s.defs[v], def{expr: n.Values[i]})
				} else {
					s.spoiled[v] = true
				}
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if v := local(e); v != nil {
					s.spoiled[v] = true
				}
			}
		case *ast.Ident:
			v, ok := info.Uses[n].(*types.Var)
			if !ok || v.IsField() {
				return true
			}
			if as, ok := parent.(*ast.AssignStmt); ok && isLhs(as, n) {
				return true
			}
			if u, ok := parent.(*ast.UnaryExpr); inLit > 0 || (ok && u.Op == token.AND) {
				s.spoiled[v] = true
			}
			s.uses[v] = append(s.uses[v], parent)
		}
		return true
	})
}

func isLhs(as *ast.AssignStmt, id *ast.Ident) bool {
	for _, l := range as.Lhs {
		if ast.Unparen(l) == id {
			return true
		}
	}
	return false
}
