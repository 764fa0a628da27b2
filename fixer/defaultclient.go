package fixer

import (
	"fmt"
	"go/ast"
	"go/types"
	"path/filepath"

	"github.com/keepalivefix/keepalivefix/internal/knowledge"
)

// defaultClientConfigured returns where the package changes
// http.DefaultClient (assigns it, or its Transport, Timeout, Jar or
// CheckRedirect), or "": code that configures the default client there
// (a proxy, a test's stub transport, a timeout) expects http.Get and
// http.DefaultClient.Do to use that configuration, and the shared client
// would bypass it. Only the package being fixed is seen, with its test
// files when its test variant is analysed; the check's page says so.
func (pl *Planner) defaultClientConfigured() string {
	if pl.defaultClientSet != nil {
		return *pl.defaultClientSet
	}
	where := ""
	info := pl.pass.TypesInfo
	for _, f := range pl.pass.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			if where != "" {
				return false
			}
			as, ok := n.(*ast.AssignStmt)
			if !ok {
				return true
			}
			for _, lhs := range as.Lhs {
				if isDefaultClient(info, lhs) {
					pos := pl.pass.Fset.Position(lhs.Pos())
					where = fmt.Sprintf("%s:%d", filepath.Base(pos.Filename), pos.Line)
				}
			}
			return true
		})
	}
	pl.defaultClientSet = &where
	return where
}

// isDefaultClient reports whether e is http.DefaultClient, a field of it
// or what it points to.
func isDefaultClient(info *types.Info, e ast.Expr) bool {
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.SelectorExpr:
			if v, ok := info.ObjectOf(x.Sel).(*types.Var); ok && !v.IsField() && v.Pkg() != nil && v.Pkg().Path() == knowledge.NetHTTP && v.Name() == "DefaultClient" {
				return true
			}
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.Ident:
			v, ok := info.ObjectOf(x).(*types.Var)
			return ok && v.Pkg() != nil && v.Pkg().Path() == knowledge.NetHTTP && v.Name() == "DefaultClient"
		default:
			return false
		}
	}
}
