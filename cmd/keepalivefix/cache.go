package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// The result cache makes a second run over unchanged code cost a stat of
// its files (stamp.go), or at most a go list and a hash of them, instead of
// loading and type-checking every package: a run that only
// reports (no -w, -d, -l or -new-from-rev) stores its findings under a key
// made of everything they depend on, and a later run with the same key
// prints them again. The key covers the binary, the options, the go
// command's environment and version, the package graph as go list sees it,
// the contents of every Go file of the packages outside the module cache
// and the standard library (those are immutable by version, which the key
// holds), and go.mod, go.sum and go.work. It lives in the user cache
// directory (keepalivefix/ under os.UserCacheDir, $XDG_CACHE_HOME or
// ~/.cache on Linux); KEEPALIVEFIX_CACHE=off turns it off,
// KEEPALIVEFIX_CACHE=trace says on stderr whether a run hit it, and
// removing the directory clears it.

// cacheVersion changes when the cached form does.
const cacheVersion = "keepalivefix-cache-1"

type cachedFinding struct {
	File, Path      string
	Line, Col       int
	EndLine, EndCol int
	ID, Msg, URL    string
	Fix             []cachedEdit
	NoFix           string          `json:",omitempty"`
	Related         []cachedRelated `json:",omitempty"`
}

type cachedEdit struct {
	Path       string
	Size       int
	Start, End int
	Text       string
}

type cachedRelated struct {
	File      string
	Path      string
	Line, Col int
	Msg       string
}

type cachedResult struct {
	Findings   []cachedFinding
	LoadErrors []string
}

// cacheDir returns the cache directory, or "" when the cache is off.
func cacheDir() string {
	if os.Getenv("KEEPALIVEFIX_CACHE") == "off" {
		return ""
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "keepalivefix")
}

// runKey returns the key of a run with options opts (as text) over what
// lc loads, or "" when it cannot be computed (the run then goes uncached).
// The key comes from the run's stamp (stamp.go) when nothing the stamp
// records has changed, and otherwise from go list. The stamp returned, if
// any, is to be written once a result is stored or found under the key;
// fromStamp says where the key came from.
func runKey(cdir string, lc loadConfig, opts string) (key string, s *stamp, fromStamp bool) {
	exe, err := os.Executable()
	if err != nil {
		return "", nil, false
	}
	env := exec.Command("go", "env", "GOVERSION", "GOOS", "GOARCH", "CGO_ENABLED", "GOFLAGS", "GOEXPERIMENT", "GOROOT", "GOWORK", "GOMOD", "GOMODCACHE")
	env.Dir, env.Env = lc.dir, lc.env
	out, err := env.Output()
	if err != nil {
		return "", nil, false
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) != 10 {
		return "", nil, false
	}
	gowork, modcache := lines[7], lines[9]
	header := fmt.Sprintf("%s\n%s\n%q %q %q %v\n", cacheVersion, opts, lc.dir, lc.patterns, lc.buildFlags, lc.tests)
	pre := sha256.Sum256([]byte(header + exe + "\n" + string(out)))
	s = newStamp(hex.EncodeToString(pre[:]))
	if old := readStamp(cdir, s.pre); old != nil && old.check() {
		if old.moved {
			return old.Key, old, true
		}
		return old.Key, nil, true
	}

	h := sha256.New()
	h.Write([]byte(header))
	if s.hashFile(h, exe) != nil {
		return "", nil, false
	}
	h.Write(out)
	if gowork != "" && gowork != "off" {
		for _, name := range []string{gowork, gowork + ".sum"} {
			if err := s.hashFile(h, name); err != nil && !os.IsNotExist(err) {
				return "", nil, false
			}
		}
	}
	if !s.addPatternDirs(lc) {
		s = nil
	}
	groups, order, err := groupByModule(lc.dir, lc.patterns)
	if err != nil {
		return "", nil, false
	}
	for _, dir := range order {
		if !hashPackages(h, lc, dir, groups[dir], modcache, s) {
			return "", nil, false
		}
	}
	if s != nil && s.off {
		s = nil
	}
	key = hex.EncodeToString(h.Sum(nil))
	if s != nil {
		s.Key = key
	}
	return key, s, false
}

// listed is what go list says of a package that the key needs.
type listed struct {
	ImportPath string
	Dir        string
	Standard   bool
	Module     *struct {
		Path, Version, GoMod, Dir string
		Replace                   *struct{ Path, Version string }
		Main                      bool
	}
	GoFiles, CgoFiles, TestGoFiles, XTestGoFiles, IgnoredGoFiles, EmbedFiles []string
	Error                                                                    *struct{ Err string }
}

// hashPackages adds to h the packages matched by patterns from dir and
// all their dependencies, and records in s (when not nil) what it read.
func hashPackages(h io.Writer, lc loadConfig, dir string, patterns []string, modcache string, s *stamp) bool {
	args := []string{"list", "-e", "-deps", "-json=ImportPath,Dir,Standard,Module,GoFiles,CgoFiles,TestGoFiles,XTestGoFiles,IgnoredGoFiles,EmbedFiles,Error"}
	if lc.tests {
		args = append(args, "-test")
	}
	args = append(args, lc.buildFlags...)
	args = append(args, "--")
	args = append(args, patterns...)
	cmd := exec.Command("go", args...)
	cmd.Dir, cmd.Env = dir, lc.env
	var out bytes.Buffer
	cmd.Stdout = &out
	if cmd.Run() != nil {
		return false
	}
	seenMod := make(map[string]bool)
	dec := json.NewDecoder(&out)
	for {
		var p listed
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return false
		}
		fmt.Fprintf(h, "pkg %s %s\n", p.ImportPath, p.Dir)
		if p.Error != nil {
			fmt.Fprintf(h, "error %s\n", p.Error.Err)
			s.disable() // what fixes an error need not be a file
		}
		switch {
		case p.Standard:
			continue // GOROOT and GOVERSION are in the key
		case p.Module != nil && p.Module.Version != "" && p.Module.Replace == nil && !p.Module.Main && modcache != "" && within(modcache, p.Dir):
			fmt.Fprintf(h, "mod %s@%s\n", p.Module.Path, p.Module.Version)
			continue // the module cache is read-only and versioned
		}
		if p.Module != nil && p.Module.GoMod != "" && !seenMod[p.Module.GoMod] {
			seenMod[p.Module.GoMod] = true
			for _, name := range []string{p.Module.GoMod, strings.TrimSuffix(p.Module.GoMod, ".mod") + ".sum", filepath.Join(filepath.Dir(p.Module.GoMod), "go.work")} {
				if err := s.hashFile(h, name); err != nil && !os.IsNotExist(err) {
					return false
				}
			}
			// A package added to the module changes one of its
			// directories.
			if p.Module.Dir == "" || s.addDir(p.Module.Dir, true) != nil {
				s.disable()
			}
		}
		if p.Module == nil || s.addDir(p.Dir, false) != nil {
			s.disable() // GOPATH mode: no module to walk
		}
		var files []string
		for _, list := range [][]string{p.GoFiles, p.CgoFiles, p.TestGoFiles, p.XTestGoFiles, p.IgnoredGoFiles, p.EmbedFiles} {
			files = append(files, list...)
		}
		sort.Strings(files)
		for _, name := range files {
			if !filepath.IsAbs(name) {
				name = filepath.Join(p.Dir, name)
			}
			fmt.Fprintf(h, "file %s\n", name)
			if err := s.hashFile(h, name); err != nil {
				return false
			}
		}
	}
	return true
}

// loadCached returns the result stored under key, if any.
func loadCached(dir, key string) (*result, bool) {
	if dir == "" || key == "" {
		return nil, false
	}
	data, err := os.ReadFile(filepath.Join(dir, key[:2], key+".json"))
	if err != nil {
		return nil, false
	}
	var c cachedResult
	if json.Unmarshal(data, &c) != nil {
		return nil, false
	}
	res := &result{loadErrors: c.LoadErrors}
	for _, cf := range c.Findings {
		f := &finding{file: cf.File, path: cf.Path, line: cf.Line, col: cf.Col, endLine: cf.EndLine, endCol: cf.EndCol, id: cf.ID, msg: cf.Msg, url: cf.URL, noFix: cf.NoFix}
		for _, e := range cf.Fix {
			f.fix = append(f.fix, fileEdit{path: e.Path, size: e.Size, start: e.Start, end: e.End, text: e.Text})
		}
		for _, r := range cf.Related {
			f.related = append(f.related, related{file: r.File, path: r.Path, line: r.Line, col: r.Col, msg: r.Msg})
		}
		res.findings = append(res.findings, f)
	}
	return res, true
}

// storeCached writes res under key, through a temporary file so that a
// concurrent run never reads half an entry. Errors are ignored: the cache
// is an optimisation.
func storeCached(dir, key string, res *result) {
	if dir == "" || key == "" {
		return
	}
	c := cachedResult{LoadErrors: res.loadErrors}
	for _, f := range res.findings {
		cf := cachedFinding{File: f.file, Path: f.path, Line: f.line, Col: f.col, EndLine: f.endLine, EndCol: f.endCol, ID: f.id, Msg: f.msg, URL: f.url, NoFix: f.noFix}
		for _, e := range f.fix {
			cf.Fix = append(cf.Fix, cachedEdit{Path: e.path, Size: e.size, Start: e.start, End: e.end, Text: e.text})
		}
		for _, r := range f.related {
			cf.Related = append(cf.Related, cachedRelated{File: r.file, Path: r.path, Line: r.line, Col: r.col, Msg: r.msg})
		}
		c.Findings = append(c.Findings, cf)
	}
	data, err := json.Marshal(c)
	if err != nil {
		return
	}
	writeCacheFile(filepath.Join(dir, key[:2]), key+".json", data)
}

// writeCacheFile writes data to dir/name through a temporary file, so that a
// concurrent run never reads half of it. Errors are ignored: the cache is
// an optimisation.
func writeCacheFile(dir, name string, data []byte) {
	if os.MkdirAll(dir, 0o755) != nil {
		return
	}
	tmp, err := os.CreateTemp(dir, ".entry-*")
	if err != nil {
		return
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(dir, name))
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
}
