package fixer

import (
	"fmt"
	"go/ast"
	"go/types"
	"go/version"
	"strings"
	"time"
)

// planSharedClient rewrites http.Get(u) to httpClient.Get(u) and
// http.DefaultClient.Do(req) to httpClient.Do(req): the receiver (or the
// package name) is replaced by the shared client.
func (pl *Planner) planSharedClient(f *Fix) error {
	call := f.node.(*ast.CallExpr)
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return errorf("unrecognised call")
	}
	client := pl.client
	if pl.opts.Client != "" {
		path, name := splitClient(pl.opts.Client)
		client = name
		if path != "" && path != pl.pass.Pkg.Path() {
			if !pl.reachable(path) {
				return errorf("no fix: the -client package %s is neither a dependency of this package nor in its module, so importing it could need a go.mod change", path)
			}
			pkg, edits := pl.importAs(f.file, path)
			f.raw = append(f.raw, edits...)
			client = pkg + "." + name
		}
	} else if client == "" {
		return errorf("no fix: %s", pl.clientReason)
	} else if pl.declareClient {
		f.needs |= needClient
	}
	f.raw = append(f.raw, rawEdit{file: f.file, start: f.file.off(sel.X.Pos()), end: f.file.off(sel.X.End()), text: client})
	f.Message = "Send through the shared client " + client
	return nil
}

// splitClient splits "importpath.Name" at its last dot.
func splitClient(s string) (path, name string) {
	i := strings.LastIndexByte(s, '.')
	if i < 0 || strings.LastIndexByte(s, '/') > i {
		return "", s
	}
	return s[:i], s[i+1:]
}

// planSharedDecls adds the shared client and the drain helper, once each, to
// every fix that uses them.
func (pl *Planner) planSharedDecls() {
	if pl.declareClient {
		if sf := pl.declFile(needClient); sf != nil {
			edits := pl.clientDecl(sf)
			for _, f := range pl.fixes {
				if !f.dropped && f.needs&needClient != 0 {
					f.raw = append(f.raw, edits...)
				}
			}
		}
	}
	if pl.declareDrain {
		if sf := pl.declFile(needDrainHelper); sf != nil {
			edits := pl.drainDecl(sf)
			for _, f := range pl.fixes {
				if !f.dropped && f.needs&needDrainHelper != 0 {
					f.raw = append(f.raw, edits...)
				}
			}
		}
	}
}

// clientDecl declares the shared client after sf's imports. Its Transport
// is a clone of http.DefaultTransport, which keeps the proxy from the
// environment, the dial and TLS handshake timeouts and HTTP/2, with a
// larger idle pool per host. Client.Timeout is left unset unless asked for:
// it bounds the whole exchange, body included, and would cut off streams.
func (pl *Planner) clientDecl(sf *srcFile) []rawEdit {
	httpName, edits := pl.importAs(sf, "net/http")
	var timeName string
	if pl.opts.ResponseHeaderTimeout > 0 || pl.opts.Timeout > 0 {
		var e []rawEdit
		timeName, e = pl.importAs(sf, "time")
		edits = append(edits, e...)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n\n// %s is shared by the requests of this package, so that their\n", pl.client)
	b.WriteString("// connections are kept alive and reused. Its transport is a clone of\n")
	b.WriteString("// http.DefaultTransport (proxy, dial and TLS timeouts, HTTP/2) with a larger\n")
	b.WriteString("// idle pool per host")
	if pl.opts.ResponseHeaderTimeout > 0 {
		b.WriteString(" and a bound on the wait for response headers")
	}
	b.WriteString(".\n")
	fmt.Fprintf(&b, "var %s = &%s.Client{\n", pl.client, httpName)
	if pl.opts.Timeout > 0 {
		fmt.Fprintf(&b, "\tTimeout: %s,\n", durationExpr(timeName, pl.opts.Timeout))
	}
	fmt.Fprintf(&b, "\tTransport: func() %s.RoundTripper {\n", httpName)
	fmt.Fprintf(&b, "\t\tt, ok := %s.DefaultTransport.(*%s.Transport)\n", httpName, httpName)
	b.WriteString("\t\tif !ok {\n")
	fmt.Fprintf(&b, "\t\t\treturn %s.DefaultTransport\n", httpName)
	b.WriteString("\t\t}\n")
	b.WriteString("\t\tt = t.Clone()\n")
	fmt.Fprintf(&b, "\t\tt.MaxIdleConnsPerHost = %d\n", pl.opts.MaxIdleConnsPerHost)
	if pl.opts.ResponseHeaderTimeout > 0 {
		fmt.Fprintf(&b, "\t\tt.ResponseHeaderTimeout = %s\n", durationExpr(timeName, pl.opts.ResponseHeaderTimeout))
	}
	b.WriteString("\t\treturn t\n")
	b.WriteString("\t}(),\n")
	b.WriteString("}")
	at := sf.off(sf.ast.Name.End())
	for _, decl := range sf.ast.Decls {
		if gd, ok := decl.(*ast.GenDecl); ok && gd.Tok.String() == "import" {
			at = sf.off(gd.End())
		}
	}
	return append(edits, rawEdit{file: sf, start: at, end: at, text: b.String()})
}

// durationExpr writes d as Go source in the units a person would use.
func durationExpr(timeName string, d time.Duration) string {
	units := []struct {
		d    time.Duration
		name string
	}{{time.Hour, "Hour"}, {time.Minute, "Minute"}, {time.Second, "Second"}, {time.Millisecond, "Millisecond"}}
	for _, u := range units {
		if d%u.d == 0 {
			if d == u.d {
				return timeName + "." + u.name
			}
			return fmt.Sprintf("%d * %s.%s", d/u.d, timeName, u.name)
		}
	}
	return fmt.Sprintf("%s.Duration(%d)", timeName, int64(d))
}

// drainDecl declares the drain helper at the end of sf.
func (pl *Planner) drainDecl(sf *srcFile) []rawEdit {
	ioName, edits := pl.importAs(sf, "io")
	discard := ioName + ".Discard"
	if v := pl.pass.Pkg.GoVersion(); v != "" && version.Compare(v, "go1.16") < 0 {
		// io.Discard is new in Go 1.16; the module's go line is older.
		var e []rawEdit
		var ioutil string
		ioutil, e = pl.importAs(sf, "io/ioutil")
		edits = append(edits, e...)
		discard = ioutil + ".Discard"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n// %s reads what is left of body, up to %d KiB, and closes it.\n", pl.drain, DrainLimit>>10)
	b.WriteString("// net/http reuses a connection only once its response body has been read\n")
	b.WriteString("// to EOF; the bound keeps a large body from being downloaded just for that.\n")
	fmt.Fprintf(&b, "func %s(body %s.ReadCloser) error {\n", pl.drain, ioName)
	fmt.Fprintf(&b, "\t_, _ = %s.CopyN(%s, body, %d<<10)\n", ioName, discard, DrainLimit>>10)
	b.WriteString("\treturn body.Close()\n")
	b.WriteString("}\n")
	at := len(sf.src)
	return append(edits, rawEdit{file: sf, start: at, end: at, text: b.String()})
}

// reachable reports whether the package at path can be imported without a
// go.mod (or vendor/) change: it is already among the package's
// dependencies, or in its own module. Under GOPATH there is no module.
func (pl *Planner) reachable(path string) bool {
	m := pl.pass.Module
	if m == nil || m.Path == "" || path == m.Path || strings.HasPrefix(path, m.Path+"/") {
		return true
	}
	seen := make(map[*types.Package]bool)
	var walk func(*types.Package) bool
	walk = func(p *types.Package) bool {
		for _, imp := range p.Imports() {
			if imp.Path() == path {
				return true
			}
			if !seen[imp] {
				seen[imp] = true
				if walk(imp) {
					return true
				}
			}
		}
		return false
	}
	return walk(pl.pass.Pkg)
}
