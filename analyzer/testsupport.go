package analyzer

import (
	"go/ast"
	"go/types"
	"strings"
)

// isTestFile reports whether n lies in test code: a _test.go file, or any
// file of a test-support package (see testSupport). KA1001, KA1002, KA1003
// and KA1006 stay quiet there: a client, Transport or keep-alive setting per
// test keeps tests from sharing connections, which is often the point.
func isTestFile(p *pass, n ast.Node) bool {
	return p.testSupport || strings.HasSuffix(p.Fset.File(n.Pos()).Name(), "_test.go")
}

// testSupport reports whether the package is test support: a function
// outside its _test.go files takes a *testing.T, *testing.B, *testing.F or
// testing.TB. Such a package (an assertion or fixture library) runs only
// inside tests, whoever imports it. Importing testing alone is not enough:
// production code may call testing.Testing.
func testSupport(p *pass) bool {
	for _, f := range p.Files {
		if strings.HasSuffix(p.Fset.File(f.FileStart).Name(), "_test.go") {
			continue
		}
		if !importsTesting(f) {
			continue
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			fn, ok := p.TypesInfo.Defs[fd.Name].(*types.Func)
			if !ok {
				continue
			}
			params := fn.Signature().Params()
			for i := range params.Len() {
				if isTestingHandle(params.At(i).Type()) {
					return true
				}
			}
		}
	}
	return false
}

func importsTesting(f *ast.File) bool {
	for _, imp := range f.Imports {
		if imp.Path.Value == `"testing"` {
			return true
		}
	}
	return false
}

// isTestingHandle reports whether t is *testing.T, *testing.B, *testing.F
// or testing.TB.
func isTestingHandle(t types.Type) bool {
	if ptr, ok := t.(*types.Pointer); ok {
		t = ptr.Elem()
	}
	named, ok := types.Unalias(t).(*types.Named)
	if !ok || named.Obj().Pkg() == nil || named.Obj().Pkg().Path() != "testing" {
		return false
	}
	switch named.Obj().Name() {
	case "T", "B", "F", "TB":
		return true
	}
	return false
}
