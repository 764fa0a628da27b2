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
	what string    // "http.DefaultClient", "http.Get"
	pos  token.Pos // its declaration
}

// defaultAliases finds the variables of the package that are set once, where
// they are declared, to http.DefaultClient or to http.Get and its siblings,
// and never assigned again nor have their address taken, so that a send
// through them is a send through http.DefaultClient. Exported package-level
// variables are left out: another package may replace them, which is what
// such a variable is for (var Client = http.DefaultClient). Parameters and
// fields are left out for the same reason: the caller chooses them.
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
	for _, f := range p.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
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
				}
			case *ast.RangeStmt:
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if v := variable(e); v != nil {
						spoiled[v] = true
					}
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
	return aliases
}

// defaultValue names what val is when it is http.DefaultClient or one of
// net/http's package-level send functions (not called), or "".
func defaultValue(info *types.Info, val ast.Expr) string {
	var id *ast.Ident
	switch x := ast.Unparen(val).(type) {
	case *ast.SelectorExpr:
		id = x.Sel
	case *ast.Ident:
		id = x
	default:
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
