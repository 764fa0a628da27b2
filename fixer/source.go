package fixer

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/token"
	"strconv"
	"strings"

	"github.com/dave/dst"
	"github.com/dave/dst/decorator"
	"golang.org/x/tools/go/analysis"
)

// srcFile is one file of the package with its text, read once.
type srcFile struct {
	ast       *ast.File
	tf        *token.File
	name      string
	src       []byte
	test      bool
	generated bool
	cgo       bool

	clean   int // 0 unknown, 1 gofmt-clean, 2 not
	dec     *decorator.Decorator
	dstFile *dst.File

	imports map[string]string // import path -> name to use, memoized
}

func newSrcFile(pass *analysis.Pass, f *ast.File) *srcFile {
	tf := pass.Fset.File(f.FileStart)
	sf := &srcFile{ast: f, tf: tf, name: tf.Name(), imports: make(map[string]string)}
	sf.test = strings.HasSuffix(sf.name, "_test.go")
	sf.generated = ast.IsGenerated(f)
	for _, spec := range f.Imports {
		if p, _ := strconv.Unquote(spec.Path.Value); p == "C" {
			sf.cgo = true
		}
	}
	src, err := pass.ReadFile(sf.name)
	if err != nil || len(src) != tf.Size() {
		// A file rewritten by cgo or by //line directives is not the
		// file on disk: never edit it.
		sf.cgo = true
		return sf
	}
	sf.src = src
	return sf
}

func (sf *srcFile) off(pos token.Pos) int { return sf.tf.Offset(pos) }

func (sf *srcFile) text(n ast.Node) string {
	return string(sf.src[sf.off(n.Pos()):sf.off(n.End())])
}

// lineStart returns the offset of the start of the line holding off.
func (sf *srcFile) lineStart(off int) int {
	return bytes.LastIndexByte(sf.src[:off], '\n') + 1
}

// lineEnd returns the offset of the newline ending the line holding off,
// or the file's length.
func (sf *srcFile) lineEnd(off int) int {
	if i := bytes.IndexByte(sf.src[off:], '\n'); i >= 0 {
		return off + i
	}
	return len(sf.src)
}

// indentOf returns the leading white space of the line holding pos.
func (sf *srcFile) indentOf(pos token.Pos) string {
	start := sf.lineStart(sf.off(pos))
	end := start
	for end < len(sf.src) && (sf.src[end] == '\t' || sf.src[end] == ' ') {
		end++
	}
	return string(sf.src[start:end])
}

// blank reports whether src[from:to] is only spaces and tabs.
func (sf *srcFile) blank(from, to int) bool {
	return len(bytes.Trim(sf.src[from:to], " \t")) == 0
}

// gofmtClean reports whether the file is formatted as gofmt would; only
// then are the fixes' results formatted too, so that an unformatted file
// changes only where it is fixed.
func (sf *srcFile) gofmtClean() bool {
	if sf.clean == 0 {
		sf.clean = 2
		if out, err := format.Source(sf.src); err == nil && bytes.Equal(out, sf.src) {
			sf.clean = 1
		}
	}
	return sf.clean == 1
}

// dstNode returns the decorated node for n, with the comments inside it.
func (sf *srcFile) dstNode(fset *token.FileSet, n ast.Node) (dst.Node, error) {
	if sf.dec == nil {
		dec := decorator.NewDecorator(fset)
		f, err := dec.DecorateFile(sf.ast)
		if err != nil {
			return nil, err
		}
		sf.dec, sf.dstFile = dec, f
	}
	d, ok := sf.dec.Dst.Nodes[n]
	if !ok {
		return nil, errorf("no decorated node")
	}
	return d, nil
}

// rawEdit is one edit of a fix, in byte offsets of its file, before the
// package's combined result is formatted.
type rawEdit struct {
	file       *srcFile
	start, end int
	text       string
}
