package knowledge_test

import (
	"go/importer"
	"go/token"
	"go/types"
	"testing"

	"github.com/keepalivefix/keepalivefix/internal/knowledge"
)

func lookup(t *testing.T, pkg *types.Package, typ, name string) *types.Func {
	t.Helper()
	if typ == "" {
		return pkg.Scope().Lookup(name).(*types.Func)
	}
	obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(pkg.Scope().Lookup(typ).Type()), true, pkg, name)
	return obj.(*types.Func)
}

func TestTable(t *testing.T) {
	imp := importer.ForCompiler(token.NewFileSet(), "source", nil)
	http, err := imp.Import("net/http")
	if err != nil {
		t.Fatal(err)
	}
	io, err := imp.Import("io")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		fn   *types.Func
		send bool
	}{
		{lookup(t, http, "", "Get"), true},
		{lookup(t, http, "", "PostForm"), true},
		{lookup(t, http, "Client", "Do"), true},
		{lookup(t, http, "Transport", "RoundTrip"), true},
		{lookup(t, http, "", "NewRequest"), false},
		{lookup(t, http, "Client", "CloseIdleConnections"), false},
	} {
		if got := knowledge.IsSend(tc.fn); got != tc.send {
			t.Errorf("IsSend(%s) = %v, want %v", tc.fn.FullName(), got, tc.send)
		}
	}
	if u, ok := knowledge.StdUse(lookup(t, io, "", "Copy"), 1); !ok || u != knowledge.Drains {
		t.Errorf("StdUse(io.Copy, 1) = %v, %v; want Drains", u, ok)
	}
	if _, ok := knowledge.StdUse(lookup(t, io, "", "Copy"), 0); ok {
		t.Error("StdUse(io.Copy, 0): the writer is not a body")
	}
	if !knowledge.Unpooled(lookup(t, http, "", "ReadResponse")) {
		t.Error("http.ReadResponse should be unpooled")
	}
	var nilFunc *types.Func
	if knowledge.IsFunc(nilFunc, knowledge.NetHTTP, "Get") || knowledge.IsMethod(nilFunc, knowledge.NetHTTP, "Client", "Do") {
		t.Error("a nil *types.Func matched")
	}
	resp := types.NewPointer(http.Scope().Lookup("Response").Type())
	if !knowledge.IsBodyType(resp) || !knowledge.IsBodyType(io.Scope().Lookup("ReadCloser").Type()) || knowledge.IsBodyType(types.Typ[types.Int]) {
		t.Error("IsBodyType is wrong for *http.Response, io.ReadCloser or int")
	}
}
