package analyzer

import (
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/keepalivefix/keepalivefix/internal/bodyfacts"
	"github.com/keepalivefix/keepalivefix/internal/knowledge"
	"github.com/keepalivefix/keepalivefix/internal/transportfacts"
)

// touchesNetHTTP reports whether the package's code can hold anything the
// checks look at: a client, a Transport, a request or a response. In a large
// module most packages see net/http through their imports (a logger, an RPC
// library) and never touch it; for them the checks would build an inspector
// and walk every file for nothing (0.75 s of CPU on 2,000 generated
// packages, BENCHMARKS.md section 4).
//
// Every finding starts from a value whose type mentions a type of net/http
// (a client, a Transport, a RoundTripper, a request, a response, a function
// returning one), or from a call of a function known by a fact to build a
// pool or return a response, whatever its signature says (a factory of a
// struct that holds a Transport). Such a value is named in the code by an
// identifier that uses or declares an object whose type mentions it, or by
// a call of such a function. So a package that imports net/http, or has one
// of those identifiers, is checked; so is one with a keepalive directive,
// whose use the checks report. Any other package has nothing to report.
func touchesNetHTTP(ap *analysis.Pass) bool {
	for _, imp := range ap.Pkg.Imports() {
		if imp.Path() == knowledge.NetHTTP {
			return true
		}
	}
	for _, f := range ap.Files {
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if strings.Contains(c.Text, "keepalive:") {
					return true
				}
			}
		}
	}
	libs, _ := ap.ResultOf[transportfacts.Analyzer].(*transportfacts.Result)
	bodies, _ := ap.ResultOf[bodyfacts.Analyzer].(*bodyfacts.Result)
	m := mentions{}
	touches := func(obj types.Object) bool {
		if obj == nil {
			return false
		}
		if _, ok := obj.(*types.PkgName); ok {
			return false // an import: net/http's is above
		}
		if pkg := obj.Pkg(); pkg != nil && pkg.Path() == knowledge.NetHTTP {
			return true
		}
		if m.of(obj.Type()) {
			return true
		}
		if fn, ok := obj.(*types.Func); ok {
			if libs != nil && libs.Of(fn) != nil {
				return true
			}
			if bodies != nil && bodies.HasFact(fn) {
				return true
			}
		}
		return false
	}
	for _, obj := range ap.TypesInfo.Uses {
		if touches(obj) {
			return true
		}
	}
	for _, obj := range ap.TypesInfo.Defs {
		if touches(obj) {
			return true
		}
	}
	for _, obj := range ap.TypesInfo.Implicits {
		if touches(obj) {
			return true
		}
	}
	return false
}

// mentions memoises whether a type mentions a named type of net/http.
type mentions map[types.Type]bool

// of reports whether t is, or is built from, a named type of net/http: a
// pointer to one, a slice, map or channel of one, a function taking or
// returning one, an unnamed struct or interface with one in a field or a
// method, or an instance of a generic type with one among its arguments.
// A named type of another package is not looked into: a value of it names
// the net/http parts it holds by fields and methods, which are objects of
// their own.
func (m mentions) of(t types.Type) bool {
	if t == nil {
		return false
	}
	t = types.Unalias(t)
	if v, ok := m[t]; ok {
		return v
	}
	m[t] = false // a type that refers to itself
	v := m.walk(t)
	m[t] = v
	return v
}

func (m mentions) walk(t types.Type) bool {
	switch t := t.(type) {
	case *types.Named:
		if obj := t.Obj(); obj.Pkg() != nil && obj.Pkg().Path() == knowledge.NetHTTP {
			return true
		}
		for i := 0; i < t.TypeArgs().Len(); i++ {
			if m.of(t.TypeArgs().At(i)) {
				return true
			}
		}
	case *types.Pointer:
		return m.of(t.Elem())
	case *types.Slice:
		return m.of(t.Elem())
	case *types.Array:
		return m.of(t.Elem())
	case *types.Chan:
		return m.of(t.Elem())
	case *types.Map:
		return m.of(t.Key()) || m.of(t.Elem())
	case *types.Signature:
		return m.of(t.Params()) || m.of(t.Results())
	case *types.Tuple:
		for i := 0; i < t.Len(); i++ {
			if m.of(t.At(i).Type()) {
				return true
			}
		}
	case *types.Struct:
		for i := 0; i < t.NumFields(); i++ {
			if m.of(t.Field(i).Type()) {
				return true
			}
		}
	case *types.Interface:
		for i := 0; i < t.NumEmbeddeds(); i++ {
			if m.of(t.EmbeddedType(i)) {
				return true
			}
		}
		for i := 0; i < t.NumExplicitMethods(); i++ {
			if m.of(t.ExplicitMethod(i).Type()) {
				return true
			}
		}
	case *types.TypeParam:
		return m.of(t.Constraint())
	case *types.Union:
		for i := 0; i < t.Len(); i++ {
			if m.of(t.Term(i).Type()) {
				return true
			}
		}
	}
	return false
}
