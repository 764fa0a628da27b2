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
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"

	"github.com/keepalivefix/keepalivefix/analyzer"
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
	create   bool // a new file: the module's shared package
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

// fixMode is what -w, -d and -l ask of the fixes.
type fixMode struct {
	write, diff, list bool
	format            string // of the findings left unfixed by -w
	shared            string // module-relative directory of the shared package; "" for none
	fixTests          bool   // fix findings in _test.go files too
}

// fix applies, prints or lists the fixes of the findings res holds (already
// filtered by baseline and -new-from-rev), as gofmt does with -w, -d and
// -l. It plans the fixes again for exactly those findings, checks that
// every package they touch still type-checks, and writes all files or
// none. Findings left without a fix are printed to stderr, or in -format
// to stdout with -w. The exit code is 1 when a diff or list is printed or
// a finding is left unfixed by -w, and 3 when a package failed to load,
// a package would not type-check after its fixes, or a file could not be
// written.
func fix(res *result, opts analyzer.Options, m fixMode, stdout, stderr io.Writer) int {
	cwd := res.cwd
	shared, problems, err := planFixes(res, opts, m.shared, m.fixTests)
	if err != nil {
		fmt.Fprintf(stderr, "keepalivefix: %v\n", err)
		return exitLoad
	}
	readOnly := make(map[string]bool)
	for _, f := range res.findings {
		if f.noFix == noFixReadOnly && !readOnly[f.path] {
			readOnly[f.path] = true
			problems = append(problems, fmt.Sprintf("%s is read-only; left alone", f.path))
		}
	}
	changes, more := planChanges(res.findings)
	problems = append(problems, more...)
	changes, more = addShared(changes, shared, opts)
	problems = append(problems, more...)
	changes, more = keepCompiling(res, changes, shared)
	problems = append(problems, more...)

	code := exitClean
	shown := slices.Clone(changes)
	sort.Slice(shown, func(i, j int) bool { return shown[i].path < shown[j].path })
	for _, c := range shown {
		name := relPath(cwd, c.path)
		if m.list {
			fmt.Fprintln(stdout, name)
			code = exitFindings
		}
		if m.diff {
			orig := name + ".orig"
			if c.create {
				orig = "/dev/null"
			}
			fmt.Fprintf(stdout, "diff %s %s\n", orig, name)
			fmt.Fprint(stdout, fixer.Unified(orig, name, c.old, c.new))
			code = exitFindings
		}
	}
	if m.write {
		if err := writeAll(changes); err != nil {
			problems = append(problems, err.Error())
			for _, f := range res.findings {
				f.fix, f.noFix = nil, "no fix: nothing was written"
			}
		}
	}
	var unfixed []*finding
	for _, f := range res.findings {
		if len(f.fix) == 0 {
			unfixed = append(unfixed, f)
		}
	}
	if m.write && m.format != "text" {
		if err := writeFindings(stdout, m.format, unfixed); err != nil {
			problems = append(problems, err.Error())
		}
	} else {
		for _, f := range unfixed {
			fmt.Fprintf(stderr, "%s (%s)\n", f, unfixedWhy(f))
		}
	}
	for _, p := range problems {
		fmt.Fprintf(stderr, "keepalivefix: %s\n", p)
	}
	switch {
	case len(res.loadErrors) > 0 || len(problems) > 0:
		return exitLoad
	case m.write && len(unfixed) > 0:
		return exitFindings
	}
	return code
}

// unfixedWhy is the note printed after a finding left without a fix: the
// reason, when the message does not give one already.
func unfixedWhy(f *finding) string {
	switch {
	case f.noFix != "":
		return "no automatic fix: " + strings.TrimPrefix(f.noFix, "no fix: ")
	case strings.Contains(f.msg, "no fix"), strings.Contains(f.msg, "no automatic fix"):
		return "no automatic fix"
	}
	return "no automatic fix: fix it by hand as the message says; keepalivefix -explain " + f.id + " shows how"
}

// addShared adds the file of each module's shared package that the changes
// import and that does not exist yet.
func addShared(changes []change, shared map[string]*sharedPkg, opts analyzer.Options) ([]change, []string) {
	var problems []string
	for _, s := range sortedShared(shared) {
		if s.exists {
			continue
		}
		used := false
		for _, c := range changes {
			used = used || importsShared(c.new, s.path)
		}
		if !used {
			continue
		}
		src, err := fixer.SharedPackageSource(filepath.Base(s.dir), fixer.Options{
			MaxIdleConnsPerHost:   opts.MaxIdleConnsPerHost,
			ResponseHeaderTimeout: opts.ResponseHeaderTimeout,
			Timeout:               opts.Timeout,
		}, s.goVersion)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", s.path, err))
			continue
		}
		// First, so that an interrupted -w never leaves a file
		// importing a package that is not there.
		changes = append([]change{{path: s.file, new: src, mode: 0o644, create: true}}, changes...)
	}
	return changes, problems
}

func sortedShared(shared map[string]*sharedPkg) []*sharedPkg {
	var out []*sharedPkg
	for _, s := range shared {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// keepCompiling drops the changes of every package that would not
// type-check with them, together with the changes of the package variants
// that share a file with it, and names each package with its error.
func keepCompiling(res *result, changes []change, shared map[string]*sharedPkg) ([]change, []string) {
	content := make(map[string][]byte)
	for _, c := range changes {
		content[c.path] = c.new
	}
	sources := make(map[string][][]byte)
	for _, s := range shared {
		for _, c := range changes {
			if c.create && c.path == s.file {
				sources[s.path] = [][]byte{c.new}
			}
		}
		if s.exists {
			sources[s.path] = packageSources(s.dir)
		}
	}
	failed := verify(res.loaded, content, sources)
	if len(failed) == 0 {
		return changes, nil
	}
	var problems []string
	drop := make(map[string]bool)
	var mark func(p *packages.Package)
	mark = func(p *packages.Package) {
		for _, name := range p.CompiledGoFiles {
			if _, ok := content[name]; ok && !drop[name] {
				drop[name] = true
				for _, group := range res.loaded {
					for _, q := range group {
						if slices.Contains(q.CompiledGoFiles, name) {
							mark(q)
						}
					}
				}
			}
		}
	}
	var names []string
	for p, err := range failed {
		mark(p)
		names = append(names, fmt.Sprintf("%s: fixes left out, the package would not compile with them: %v", p.ID, err))
	}
	sort.Strings(names)
	problems = append(problems, names...)
	var kept []change
	for _, c := range changes {
		if !drop[c.path] {
			kept = append(kept, c)
		}
	}
	for _, f := range res.findings {
		for _, e := range f.fix {
			if drop[e.path] {
				f.fix, f.noFix = nil, "no fix: its package would not compile with the fixes (see below)"
				break
			}
		}
	}
	// A shared package nobody imports any more is not written.
	var out []change
	for _, c := range kept {
		if c.create {
			used := false
			for _, s := range shared {
				if s.file == c.path {
					for _, o := range kept {
						used = used || importsShared(o.new, s.path)
					}
				}
			}
			if !used {
				continue
			}
		}
		out = append(out, c)
	}
	return out, problems
}

// packageSources returns the contents of the non-test Go files in dir.
func packageSources(dir string) [][]byte {
	var out [][]byte
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".go") && !strings.HasSuffix(e.Name(), "_test.go") {
			if src, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil {
				out = append(out, src)
			}
		}
	}
	return out
}

// writeAll writes every change or, if one cannot be written, none: the
// files written before the failure get their old contents back and the
// files created are removed.
func writeAll(changes []change) error {
	for _, c := range changes {
		if c.create {
			continue
		}
		if c.mode.Perm()&0o200 == 0 {
			return fmt.Errorf("%s is read-only; nothing was written", c.path)
		}
	}
	var done []change
	var made []string // directories created
	for _, c := range changes {
		var err error
		if c.create {
			var dirs []string
			dirs, err = mkdirs(filepath.Dir(c.path))
			made = append(made, dirs...)
			if err == nil {
				err = createFile(c.path, c.new)
			}
		} else {
			err = writeAtomic(c.path, c.new, c.mode)
		}
		if err != nil {
			for _, d := range done {
				if d.create {
					_ = os.Remove(d.path)
				} else {
					_ = writeAtomic(d.path, d.old, d.mode)
				}
			}
			for i := len(made) - 1; i >= 0; i-- {
				_ = os.Remove(made[i])
			}
			return fmt.Errorf("%w; the files written before it were restored", err)
		}
		done = append(done, c)
	}
	return nil
}

// mkdirs creates dir and its missing parents and returns those it created,
// outermost first.
func mkdirs(dir string) ([]string, error) {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		}
		missing = append([]string{d}, missing...)
		if filepath.Dir(d) == d {
			break
		}
	}
	for _, d := range missing {
		if err := os.Mkdir(d, 0o755); err != nil {
			return missing, err
		}
	}
	return missing, nil
}

// createFile writes a new file, failing if it exists, through a temporary
// file so that it never exists half-written.
func createFile(path string, data []byte) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s: already exists", path)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".keepalivefix-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644)
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

// within reports whether path lies in the directory tree of dir.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}
