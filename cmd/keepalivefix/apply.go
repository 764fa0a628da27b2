package main

import (
	"bytes"
	"fmt"
	"go/format"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/keepalivefix/keepalivefix/fixer"
)

// fileEdit is one text edit in byte offsets of a file.
type fileEdit struct {
	path       string
	size       int // the file's size when it was analysed
	start, end int
	text       string
}

func fileEdits(fset *token.FileSet, fix analysis.SuggestedFix) []fileEdit {
	var out []fileEdit
	for _, e := range fix.TextEdits {
		tf := fset.File(e.Pos)
		if tf == nil {
			return nil
		}
		end := e.End
		if !end.IsValid() {
			end = e.Pos
		}
		out = append(out, fileEdit{path: tf.Name(), size: tf.Size(), start: tf.Offset(e.Pos), end: tf.Offset(end), text: string(e.NewText)})
	}
	return out
}

// change is the new content of one file.
type change struct {
	path     string
	old, new []byte
	mode     os.FileMode
}

// planChanges merges the fixes of findings file by file, as go fix and
// golangci-lint do: identical edits once, and a fix whose edits overlap
// another's left out. It returns the changed files in name order and what
// it could not apply.
func planChanges(findings []*finding) ([]change, []string) {
	byFile := make(map[string][]fileEdit)
	var problems []string
	for _, f := range findings {
		if len(f.fix) == 0 {
			continue
		}
		if overlaps(byFile, f.fix) {
			problems = append(problems, fmt.Sprintf("%s: fix left out: it overlaps another fix", f))
			continue
		}
		for _, e := range f.fix {
			if !containsEdit(byFile[e.path], e) {
				byFile[e.path] = append(byFile[e.path], e)
			}
		}
	}
	var paths []string
	for p := range byFile {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var changes []change
	for _, path := range paths {
		edits := byFile[path]
		info, err := os.Stat(path)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		old, err := os.ReadFile(path)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		if len(old) != edits[0].size {
			problems = append(problems, fmt.Sprintf("%s: changed while it was analysed; left alone", path))
			continue
		}
		sort.SliceStable(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
		var out bytes.Buffer
		last := 0
		for _, e := range edits {
			out.Write(old[last:e.start])
			out.WriteString(e.text)
			last = e.end
		}
		out.Write(old[last:])
		if err := check(path, old, out.Bytes()); err != nil {
			problems = append(problems, fmt.Sprintf("%s: left alone: %v", path, err))
			continue
		}
		changes = append(changes, change{path: path, old: old, new: out.Bytes(), mode: info.Mode()})
	}
	return changes, problems
}

func containsEdit(edits []fileEdit, e fileEdit) bool {
	for _, o := range edits {
		if o == e {
			return true
		}
	}
	return false
}

func overlaps(byFile map[string][]fileEdit, edits []fileEdit) bool {
	for _, e := range edits {
		for _, o := range byFile[e.path] {
			if o != e && e.start < o.end && o.start < e.end {
				return true
			}
		}
	}
	return false
}

// check makes sure a rewritten file still parses and, if it was formatted
// before, is formatted after. The analyzer type-checked the package with
// these edits already.
func check(path string, old, new []byte) error {
	if _, err := parser.ParseFile(token.NewFileSet(), path, new, parser.ParseComments); err != nil {
		return fmt.Errorf("the result does not parse: %w", err)
	}
	if formatted, err := format.Source(old); err == nil && bytes.Equal(formatted, old) {
		if formatted, err := format.Source(new); err != nil || !bytes.Equal(formatted, new) {
			return fmt.Errorf("the result is not gofmt-clean")
		}
	}
	return nil
}

// writeAtomic replaces the file at path with data: it writes a temporary
// file beside it, with the same mode, and renames it over the original, so
// that an interrupted run leaves either the old file or the new one. A
// symbolic link is followed and stays a link.
func writeAtomic(path string, data []byte, mode os.FileMode) error {
	if mode.Perm()&0o200 == 0 {
		return fmt.Errorf("%s is read-only; left alone", path)
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".keepalivefix-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(mode.Perm())
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		_ = os.Remove(name)
	}
	return err
}

// fix applies, prints or lists the fixes, as gofmt does with -w, -d and -l.
// Findings without a fix are printed to stderr. The exit code is 1 when a
// diff or list is printed or a finding is left unfixed by -w, and 3 when a
// package failed to load or a file could not be written.
func fix(res *result, write, diff, list bool, stdout, stderr io.Writer) int {
	cwd, _ := os.Getwd()
	for _, f := range res.findings {
		for _, e := range f.fix {
			if !within(cwd, e.path) {
				// -w all would otherwise reach GOROOT: only files
				// below the working directory are ever rewritten.
				f.fix = nil
				break
			}
		}
	}
	changes, problems := planChanges(res.findings)
	code := exitClean
	for _, c := range changes {
		name := relPath(cwd, c.path)
		if list {
			fmt.Fprintln(stdout, name)
			code = exitFindings
		}
		if diff {
			fmt.Fprintf(stdout, "diff %s.orig %s\n", name, name)
			fmt.Fprint(stdout, fixer.Unified(name+".orig", name, c.old, c.new))
			code = exitFindings
		}
		if write {
			if err := writeAtomic(c.path, c.new, c.mode); err != nil {
				problems = append(problems, err.Error())
			}
		}
	}
	unfixed := 0
	for _, f := range res.findings {
		if len(f.fix) == 0 {
			unfixed++
			fmt.Fprintf(stderr, "%s (no automatic fix)\n", f)
		}
	}
	for _, p := range problems {
		fmt.Fprintf(stderr, "keepalivefix: %s\n", p)
	}
	switch {
	case len(res.loadErrors) > 0 || len(problems) > 0:
		return exitLoad
	case write && unfixed > 0:
		return exitFindings
	}
	return code
}

// within reports whether path lies in the directory tree of dir.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}
