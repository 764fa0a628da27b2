// Package knowledge is the one place that knows how the standard library
// treats HTTP responses and their bodies: which calls send a request and
// return a response, which read a body to EOF, which only read a prefix.
// Checks ask it questions instead of matching names themselves.
package knowledge

import (
	"go/types"
)

// NetHTTP is the import path of net/http.
const NetHTTP = "net/http"

// IsNamed reports whether t, or the type it points to, is the named type
// pkg.name.
func IsNamed(t types.Type, pkg, name string) bool {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	obj := n.Obj()
	return obj.Name() == name && obj.Pkg() != nil && obj.Pkg().Path() == pkg
}

// IsPointerTo reports whether t is *pkg.name.
func IsPointerTo(t types.Type, pkg, name string) bool {
	p, ok := types.Unalias(t).(*types.Pointer)
	return ok && IsNamed(p.Elem(), pkg, name)
}

// IsResponse reports whether t is *http.Response.
func IsResponse(t types.Type) bool { return IsPointerTo(t, NetHTTP, "Response") }

// IsRequest reports whether t is *http.Request.
func IsRequest(t types.Type) bool { return IsPointerTo(t, NetHTTP, "Request") }

// IsTransport reports whether t is http.Transport or *http.Transport.
func IsTransport(t types.Type) bool { return IsNamed(t, NetHTTP, "Transport") }

// IsClient reports whether t is http.Client or *http.Client.
func IsClient(t types.Type) bool { return IsNamed(t, NetHTTP, "Client") }

// IsFunc reports whether obj is the package-level function pkg.name for one
// of the given names.
func IsFunc(obj types.Object, pkg string, names ...string) bool {
	fn, ok := obj.(*types.Func)
	if !ok || fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != pkg {
		return false
	}
	if sig, ok := fn.Type().(*types.Signature); !ok || sig.Recv() != nil {
		return false
	}
	return oneOf(fn.Name(), names)
}

// IsMethod reports whether obj is a method of pkg.recv (value or pointer
// receiver) named one of names.
func IsMethod(obj types.Object, pkg, recv string, names ...string) bool {
	fn, ok := obj.(*types.Func)
	if !ok || fn == nil {
		return false
	}
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil {
		return false
	}
	return IsNamed(sig.Recv().Type(), pkg, recv) && oneOf(fn.Name(), names)
}

func oneOf(s string, names []string) bool {
	for _, n := range names {
		if s == n {
			return true
		}
	}
	return false
}

// PackageClientFuncs are the net/http functions that send through
// http.DefaultClient.
var PackageClientFuncs = []string{"Get", "Head", "Post", "PostForm"}

// ClientSendMethods are the http.Client methods that send a request.
var ClientSendMethods = []string{"Do", "Get", "Head", "Post", "PostForm"}

// IsSend reports whether obj sends an HTTP request through net/http: a
// package-level helper, a Client method, or Transport.RoundTrip.
func IsSend(obj types.Object) bool {
	return IsFunc(obj, NetHTTP, PackageClientFuncs...) ||
		IsMethod(obj, NetHTTP, "Client", ClientSendMethods...) ||
		IsMethod(obj, NetHTTP, "Transport", "RoundTrip")
}

// ReturnsResponse reports the index of the *http.Response result of sig, or
// -1 if it has none.
func ReturnsResponse(sig *types.Signature) int {
	res := sig.Results()
	for i := 0; i < res.Len(); i++ {
		if IsResponse(res.At(i).Type()) {
			return i
		}
	}
	return -1
}

// ImportsNetHTTP reports whether pkg imports net/http directly or
// indirectly; only such packages can hold a *http.Response. The answer is
// memoised in seen, which the caller owns.
func ImportsNetHTTP(pkg *types.Package, seen map[*types.Package]bool) bool {
	if v, ok := seen[pkg]; ok {
		return v
	}
	seen[pkg] = false
	if pkg.Path() == NetHTTP {
		seen[pkg] = true
		return true
	}
	for _, imp := range pkg.Imports() {
		if ImportsNetHTTP(imp, seen) {
			seen[pkg] = true
			return true
		}
	}
	return false
}

// IsRoundTripper reports whether t is the http.RoundTripper interface.
func IsRoundTripper(t types.Type) bool { return IsNamed(t, NetHTTP, "RoundTripper") }

// IsTransportClone reports whether obj is (*http.Transport).Clone, which
// returns a new Transport with its own, empty connection pool.
func IsTransportClone(obj types.Object) bool { return IsMethod(obj, NetHTTP, "Transport", "Clone") }

// IsRoundTrip reports whether obj sends a request through a RoundTripper
// without a Client: (*http.Transport).RoundTrip or http.RoundTripper's.
func IsRoundTrip(obj types.Object) bool {
	return IsMethod(obj, NetHTTP, "Transport", "RoundTrip") ||
		IsMethod(obj, NetHTTP, "RoundTripper", "RoundTrip")
}

// IsClientTransportField reports whether obj is the Transport field of
// http.Client, the RoundTripper whose pool the client's requests share.
func IsClientTransportField(obj types.Object) bool {
	v, ok := obj.(*types.Var)
	return ok && IsField(v, "Client", "Transport")
}

// IsProxyTransportField reports whether obj is the Transport field of
// httputil.ReverseProxy: a proxy built per request with a Transport of its
// own opens new connections to the backend for every request it serves.
func IsProxyTransportField(obj types.Object) bool {
	v, ok := obj.(*types.Var)
	return ok && v.IsField() && v.Name() == "Transport" && v.Pkg() != nil && v.Pkg().Path() == "net/http/httputil"
}

// IsField reports whether field is the field name of net/http's struct
// type typeName.
func IsField(field *types.Var, typeName, name string) bool {
	if field == nil || !field.IsField() || field.Name() != name || field.Pkg() == nil || field.Pkg().Path() != NetHTTP {
		return false
	}
	obj, ok := field.Pkg().Scope().Lookup(typeName).(*types.TypeName)
	if !ok {
		return false
	}
	st, ok := obj.Type().Underlying().(*types.Struct)
	if !ok {
		return false
	}
	for i := 0; i < st.NumFields(); i++ {
		if st.Field(i) == field {
			return true
		}
	}
	return false
}
