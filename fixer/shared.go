package fixer

import (
	"fmt"
	"go/format"
	"go/version"
	"strings"
)

// SharedPackageSource is the one file of the package that a module's fixes
// share when several of its packages need a client or a drain helper:
// keepalivefix -w writes it once (at internal/keepalive by default) rather
// than the same declarations in every package. name is the package name;
// goVersion, the module's go line, decides between io.Discard and
// ioutil.Discard.
func SharedPackageSource(name string, opts Options, goVersion string) ([]byte, error) {
	discard, ioutil := "io.Discard", false
	if goVersion != "" && version.Compare("go"+strings.TrimPrefix(goVersion, "go"), "go1.16") < 0 {
		discard, ioutil = "ioutil.Discard", true
	}
	var b strings.Builder
	b.WriteString(Comment("Package " + name + " holds what this module's HTTP requests share so that their connections are kept alive and reused: one client, whose transport has a larger idle pool per host than http.DefaultTransport, and a helper that reads a response body to EOF (boundedly) before closing it, since net/http reuses a connection only then. keepalivefix wrote it; it is the module's own code now."))
	fmt.Fprintf(&b, "package %s\n\nimport (\n\t\"io\"\n", name)
	if ioutil {
		b.WriteString("\t\"io/ioutil\"\n")
	}
	b.WriteString("\t\"net/http\"\n\t\"sync\"\n")
	if opts.ResponseHeaderTimeout > 0 || opts.Timeout > 0 {
		b.WriteString("\t\"time\"\n")
	}
	b.WriteString(")\n\n")
	b.WriteString(Comment(SharedClient + " is the client this module's requests share (see transport)."))
	if opts.Timeout > 0 {
		fmt.Fprintf(&b, "var %s = &http.Client{\n\tTimeout:   %s,\n\tTransport: new(transport),\n}\n", SharedClient, durationExpr("time", opts.Timeout))
	} else {
		fmt.Fprintf(&b, "var %s = &http.Client{Transport: new(transport)}\n", SharedClient)
	}
	b.WriteString(TransportSource("transport", "http", "sync", "time", opts))
	b.WriteString(DrainSource(SharedDrain, "io", discard))
	return format.Source([]byte(b.String()))
}
