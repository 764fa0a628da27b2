package analyzer

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/keepalivefix/keepalivefix/internal/knowledge"
)

// defaultAlias is a variable that holds http.DefaultClient or one of
// net/http's package-level send functions for its whole life:
// `c := http.DefaultClient`, `var get = http.Get`.
type defaultAlias struct {
	what  string    // "http.DefaultClient", "http.Get"
	pos   token.Pos // its declaration, or a field's first write
	field bool      // an unexported field written only with what
}

// defaultAliases finds the variables of the package that are set once, where
// they are declared, to http.DefaultClient or to http.Get and its siblings,
// and never assigned again nor have their address taken, so that a send
// through them is a send through http.DefaultClient. Exported package-level
// variables are left out: another package may replace them, which is what
// such a variable is for (var Client = http.DefaultClient). Parameters and
// exported fields are left out for the same reason: the caller chooses
// them. An unexported field of a struct of the package is an alias when
// every write of it in the package (a composite literal, an assignment) is
// the same one of those values and its address is never taken: nothing
// outside the package can set it.
func defaultAliases(p *pass) map[*types.Var]defaultAlias {
	info := p.TypesInfo
	init := make(map[*types.Var]ast.Expr)
	spoiled := make(map[*types.Var]bool)
	variable := func(e ast.Expr) *types.Var {
		id, ok := ast.Unparen(e).(*ast.Ident)
		if !ok {
			return nil
		}
		v, _ := info.ObjectOf(id).(*types.Var)
		if v == nil || v.IsField() || v.Pkg() != p.Pkg {
			return nil
		}
		return v
	}
	declare := func(v *types.Var, val ast.Expr) {
		if _, seen := init[v]; seen || val == nil {
			spoiled[v] = true
			return
		}
		init[v] = val
	}
	fieldVal := make(map[*types.Var]string) // "" once a write is something else
	fieldPos := make(map[*types.Var]token.Pos)
	field := func(e ast.Expr) *types.Var {
		sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
		if !ok {
			return nil
		}
		s, ok := info.Selections[sel]
		if !ok || s.Kind() != types.FieldVal {
			return nil
		}
		v, _ := s.Obj().(*types.Var)
		return v
	}
	writeField := func(v *types.Var, val ast.Expr, at token.Pos) {
		if v == nil || v.Exported() || v.Pkg() != p.Pkg {
			return
		}
		what := ""
		if val != nil {
			what = defaultValue(info, val)
		}
		if prev, seen := fieldVal[v]; seen && prev != what {
			what = ""
		}
		if _, seen := fieldPos[v]; !seen || at < fieldPos[v] {
			fieldPos[v] = at
		}
		fieldVal[v] = what
	}
	for _, f := range p.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CompositeLit:
				st, ok := types.Unalias(info.TypeOf(n)).Underlying().(*types.Struct)
				if !ok {
					break
				}
				for i, elt := range n.Elts {
					if kv, ok := elt.(*ast.KeyValueExpr); ok {
						if key, ok := kv.Key.(*ast.Ident); ok {
							v, _ := info.Uses[key].(*types.Var)
							writeField(v, kv.Value, kv.Pos())
						}
					} else if i < st.NumFields() {
						writeField(st.Field(i), elt, elt.Pos())
					}
				}
			case *ast.ValueSpec:
				for i, name := range n.Names {
					v, _ := info.Defs[name].(*types.Var)
					if v == nil {
						continue
					}
					if len(n.Values) == len(n.Names) {
						declare(v, n.Values[i])
					} else {
						spoiled[v] = true
					}
				}
			case *ast.AssignStmt:
				for i, lhs := range n.Lhs {
					if fv := field(lhs); fv != nil {
						var val ast.Expr
						if len(n.Lhs) == len(n.Rhs) && n.Tok == token.ASSIGN {
							val = n.Rhs[i]
						}
						writeField(fv, val, lhs.Pos())
						continue
					}
					v := variable(lhs)
					if v == nil {
						continue
					}
					id := ast.Unparen(lhs).(*ast.Ident)
					if n.Tok == token.DEFINE && info.Defs[id] == v && len(n.Lhs) == len(n.Rhs) {
						declare(v, n.Rhs[i])
					} else {
						spoiled[v] = true
					}
				}
			case *ast.UnaryExpr:
				if n.Op == token.AND {
					if v := variable(n.X); v != nil {
						spoiled[v] = true
					}
					writeField(field(n.X), nil, n.Pos())
				}
			case *ast.RangeStmt:
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if v := variable(e); v != nil {
						spoiled[v] = true
					}
					writeField(field(e), nil, n.Pos())
				}
			}
			return true
		})
	}
	aliases := make(map[*types.Var]defaultAlias)
	for v, val := range init {
		if spoiled[v] || (v.Exported() && v.Parent() == p.Pkg.Scope()) {
			continue
		}
		if what := defaultValue(info, val); what != "" {
			aliases[v] = defaultAlias{what: what, pos: v.Pos()}
		}
	}
	for v, what := range fieldVal {
		if what != "" {
			aliases[v] = defaultAlias{what: what, pos: fieldPos[v], field: true}
		}
	}
	return aliases
}

// defaultValue names what val is when it is http.DefaultClient or one of
// net/http's package-level send functions (not called), or "".
func defaultValue(info *types.Info, val ast.Expr) string {
	id := nameIdent(val)
	if id == nil {
		return ""
	}
	switch obj := info.ObjectOf(id).(type) {
	case *types.Var:
		if obj.Name() == "DefaultClient" && obj.Pkg() != nil && obj.Pkg().Path() == knowledge.NetHTTP {
			return "http.DefaultClient"
		}
	case *types.Func:
		if knowledge.IsFunc(obj, knowledge.NetHTTP, knowledge.PackageClientFuncs...) {
			return "http." + obj.Name()
		}
	}
	return ""
}
