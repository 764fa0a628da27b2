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
	if where := pl.defaultClientConfigured(); where != "" && pl.opts.Client == "" {
		return errorf("no fix: this package configures http.DefaultClient (at %s), and a shared client would bypass that; give the shared client the same configuration by hand, or name one with -client", where)
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
	} else if pl.sharedClient {
		name, edits := pl.importAs(f.file, pl.opts.Shared)
		f.raw = append(f.raw, edits...)
		client = name + "." + SharedClient
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

// clientDecl declares the shared client after sf's imports, with the
// transport type it sends through.
func (pl *Planner) clientDecl(sf *srcFile) []rawEdit {
	httpName, edits := pl.importAs(sf, "net/http")
	syncName, e := pl.importAs(sf, "sync")
	edits = append(edits, e...)
	var timeName string
	if pl.opts.ResponseHeaderTimeout > 0 || pl.opts.Timeout > 0 {
		timeName, e = pl.importAs(sf, "time")
		edits = append(edits, e...)
	}
	var b strings.Builder
	b.WriteString("\n\n" + Comment(pl.client+" is shared by the requests of this package, so that their connections are kept alive and reused (see "+pl.transportType+")."))
	if pl.opts.Timeout > 0 {
		fmt.Fprintf(&b, "var %s = &%s.Client{\n", pl.client, httpName)
		fmt.Fprintf(&b, "\tTimeout:   %s,\n", durationExpr(timeName, pl.opts.Timeout))
		fmt.Fprintf(&b, "\tTransport: new(%s),\n}\n", pl.transportType)
	} else {
		fmt.Fprintf(&b, "var %s = &%s.Client{Transport: new(%s)}\n", pl.client, httpName, pl.transportType)
	}
	b.WriteString(TransportSource(pl.transportType, httpName, syncName, timeName, pl.opts))
	at := sf.off(sf.ast.Name.End())
	for _, decl := range sf.ast.Decls {
		if gd, ok := decl.(*ast.GenDecl); ok && gd.Tok.String() == "import" {
			at = sf.off(gd.End())
		}
	}
	return append(edits, rawEdit{file: sf, start: at, end: at, text: strings.TrimSuffix(b.String(), "\n")})
}

// TransportSource is the declaration of the transport type a shared client
// sends through, named name, in a file that imports net/http, sync and time
// as httpName, syncName and timeName. It clones http.DefaultTransport on
// first use, which keeps the proxy from the environment, the dial and TLS
// handshake timeouts and HTTP/2, and gives it a larger idle pool per host.
// Code that replaces http.DefaultTransport (test mocks such as httpmock or
// gock, tracing wrappers) keeps working: while it is replaced, requests go
// through the replacement, as they did through http.DefaultClient.
// Client.Timeout is left unset unless asked for: it bounds the whole
// exchange, body included, and would cut off streams.
func TransportSource(name, httpName, syncName, timeName string, opts Options) string {
	var b strings.Builder
	b.WriteString("\n")
	doc := name + " sends through a clone of http.DefaultTransport, made on first use, with a larger idle pool per host"
	if opts.ResponseHeaderTimeout > 0 {
		doc += " and a bound on the wait for response headers"
	}
	doc += ". While http.DefaultTransport is replaced (by a test's mock or a tracing wrapper), it sends through the replacement, as http.DefaultClient would."
	b.WriteString(Comment(doc))
	fmt.Fprintf(&b, "type %s struct {\n", name)
	fmt.Fprintf(&b, "\tonce  %s.Once\n", syncName)
	fmt.Fprintf(&b, "\tbase  *%s.Transport // http.DefaultTransport as first used\n", httpName)
	fmt.Fprintf(&b, "\tclone *%s.Transport\n", httpName)
	b.WriteString("}\n\n")
	fmt.Fprintf(&b, "func (t *%s) current() %s.RoundTripper {\n", name, httpName)
	b.WriteString("\tt.once.Do(func() {\n")
	fmt.Fprintf(&b, "\t\tif base, ok := %s.DefaultTransport.(*%s.Transport); ok {\n", httpName, httpName)
	b.WriteString("\t\t\tt.base, t.clone = base, base.Clone()\n")
	fmt.Fprintf(&b, "\t\t\tt.clone.MaxIdleConnsPerHost = %d\n", opts.MaxIdleConnsPerHost)
	if opts.ResponseHeaderTimeout > 0 {
		fmt.Fprintf(&b, "\t\t\tt.clone.ResponseHeaderTimeout = %s\n", durationExpr(timeName, opts.ResponseHeaderTimeout))
	}
	b.WriteString("\t\t}\n")
	b.WriteString("\t})\n")
	fmt.Fprintf(&b, "\tif base, ok := %s.DefaultTransport.(*%s.Transport); ok && base == t.base {\n", httpName, httpName)
	b.WriteString("\t\treturn t.clone\n")
	b.WriteString("\t}\n")
	fmt.Fprintf(&b, "\treturn %s.DefaultTransport\n", httpName)
	b.WriteString("}\n\n")
	fmt.Fprintf(&b, "// RoundTrip sends req through the transport in use.\n")
	fmt.Fprintf(&b, "func (t *%s) RoundTrip(req *%s.Request) (*%s.Response, error) {\n", name, httpName, httpName)
	b.WriteString("\treturn t.current().RoundTrip(req)\n")
	b.WriteString("}\n\n")
	b.WriteString(Comment("CloseIdleConnections closes the idle connections of the transport in use."))
	fmt.Fprintf(&b, "func (t *%s) CloseIdleConnections() {\n", name)
	b.WriteString("\tif c, ok := t.current().(interface{ CloseIdleConnections() }); ok {\n")
	b.WriteString("\t\tc.CloseIdleConnections()\n")
	b.WriteString("\t}\n")
	b.WriteString("}\n")
	return b.String()
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
	ioName, discard, edits := pl.discardIn(sf)
	at := len(sf.src)
	return append(edits, rawEdit{file: sf, start: at, end: at, text: DrainSource(pl.drain, ioName, discard)})
}

// discardIn returns the names under which sf refers to package io and to
// io.Discard, with the edits importing them: ioutil.Discard when the
// module's go line predates Go 1.16, which added io.Discard.
func (pl *Planner) discardIn(sf *srcFile) (ioName, discard string, edits []rawEdit) {
	ioName, edits = pl.importAs(sf, "io")
	discard = ioName + ".Discard"
	if v := pl.pass.Pkg.GoVersion(); v != "" && version.Compare(v, "go1.16") < 0 {
		ioutil, e := pl.importAs(sf, "io/ioutil")
		edits = append(edits, e...)
		discard = ioutil + ".Discard"
	}
	return ioName, discard, edits
}

// DrainSource is the declaration of the drain helper named name, in a file
// that imports io as ioName, with discard naming io.Discard. It returns
// nothing, as a deferred Close discards its error: linters that check
// errors (errcheck) have nothing to report on the calls the fixes write.
func DrainSource(name, ioName, discard string) string {
	var b strings.Builder
	b.WriteString("\n" + Comment(fmt.Sprintf("%s reads what is left of body, up to %d KiB, and closes it. net/http reuses a connection only once its response body has been read to EOF; the bound keeps a large body from being downloaded just for that. Its callers are done with the response, so an error from Close is of no use to them.", name, DrainLimit>>10)))
	fmt.Fprintf(&b, "func %s(body %s.ReadCloser) {\n", name, ioName)
	fmt.Fprintf(&b, "\t_, _ = %s.CopyN(%s, body, %d<<10)\n", ioName, discard, DrainLimit>>10)
	b.WriteString("\t_ = body.Close()\n")
	b.WriteString("}\n")
	return b.String()
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

// Comment wraps text into // comment lines of at most 77 columns, the
// width gofmt's own comments keep to.
func Comment(text string) string {
	var b strings.Builder
	line := "//"
	for _, w := range strings.Fields(text) {
		if len(line)+1+len(w) > 77 && line != "//" {
			b.WriteString(line + "\n")
			line = "//"
		}
		line += " " + w
	}
	b.WriteString(line + "\n")
	return b.String()
}
