package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// A stamp lets a warm run skip go list. The cache key (cache.go) needs a go
// list of the whole package graph, which is most of a warm run's time (0.23
// of 0.33 s on 250 packages). Everything that list and the key read comes
// from files and directories: the Go files and go.mod files hashed, the
// directories of the packages, and every directory of the modules that the
// patterns can match (a new package or file changes its directory). A stamp
// records, under a key of the options and the go command's environment,
// each of them with its stat and a digest of its content (a directory's
// digest is of its sorted names), and the cache key they led to. When the
// stat of every entry is unchanged, or its digest is, nothing the key read
// has changed and the stamp's key is the run's key.
//
// Stats are trusted as git trusts its index: only for an entry whose change
// and modification times lie well before the stamp was taken, so that a
// write within the file system's timestamp granularity of the stamp cannot
// hide behind an unchanged stat. Any other entry is read again and compared
// by digest. The change time (ctime), which no tool can set back, is part of
// the stat; where it is not known, stats are never trusted.

// racyWindow is how long before a stamp's time an entry's times must lie
// for its stat alone to prove it unchanged: above the coarsest timestamp
// granularity among common file systems (2 s on FAT).
const racyWindow = 3 * time.Second

type stampEntry struct {
	Path string
	Dir  bool `json:",omitempty"`
	fileStat
	Sum string
}

// fileStat is what a stat says of an entry; ctime 0 means unknown.
type fileStat struct {
	Size         int64
	Mtime, Ctime int64 // Unix nanoseconds
	Ino, Dev     uint64
	Mode         uint32
}

type stamp struct {
	Key     string
	Taken   int64 // Unix nanoseconds, before the first stat
	Entries []stampEntry

	pre   string          // the stamp's own key: options and environment
	seen  map[string]bool // entries already recorded
	moved bool            // entries whose stats changed while their digest did not
	off   bool            // the key read something a stamp cannot record
}

// disable marks the run as one whose key a stamp cannot vouch for.
func (s *stamp) disable() {
	if s != nil {
		s.off = true
	}
}

// addPatternDirs records the directories that lc's directory patterns
// name, with every directory below those ending in /...: groupByModule
// looks for modules there. It reports false for a pattern it cannot record.
func (s *stamp) addPatternDirs(lc loadConfig) bool {
	for _, pat := range lc.patterns {
		if !isDirPattern(pat) {
			// An import path's directory is recorded from go list;
			// what an import path pattern matches can lie in any
			// module.
			if strings.Contains(pat, "...") {
				return false
			}
			continue
		}
		base, walk := strings.TrimSuffix(pat, "/..."), strings.HasSuffix(pat, "/...")
		if !filepath.IsAbs(base) {
			base = filepath.Join(lc.dir, base)
		}
		if s.addDir(base, walk) != nil {
			return false
		}
	}
	return true
}

func statOf(path string) (fileStat, bool, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStat{}, false, err
	}
	st := fileStat{Size: fi.Size(), Mtime: fi.ModTime().UnixNano(), Mode: uint32(fi.Mode())}
	if fi.IsDir() {
		st.Size = 0 // a directory's size says nothing its digest does not
	}
	sysStat(fi, &st)
	return st, fi.IsDir(), nil
}

// trusted reports whether st alone proves an entry unchanged since a stamp
// taken at taken.
func (st fileStat) trusted(taken int64) bool {
	limit := taken - int64(racyWindow)
	return st.Ctime != 0 && st.Ctime < limit && st.Mtime < limit
}

// fileDigest hashes the content of the file name into w and returns its
// own digest.
func fileDigest(w io.Writer, name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	d := sha256.New()
	_, err = io.Copy(io.MultiWriter(w, d), f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return hex.EncodeToString(d.Sum(nil)), err
}

// dirDigest returns a digest of a directory's entries, their names and
// whether each is a directory, and the entries.
func dirDigest(name string) (string, []os.DirEntry, error) {
	ents, err := os.ReadDir(name)
	if err != nil {
		return "", nil, err
	}
	d := sha256.New()
	for _, e := range ents {
		fmt.Fprintf(d, "%s\x00%v\n", e.Name(), e.IsDir())
	}
	return hex.EncodeToString(d.Sum(nil)), ents, nil
}

func newStamp(pre string) *stamp {
	return &stamp{pre: pre, Taken: time.Now().UnixNano(), seen: make(map[string]bool)}
}

// hashFile adds the content of the file name to h and, when s is not nil,
// records it in s.
func (s *stamp) hashFile(h io.Writer, name string) error {
	fmt.Fprintf(h, "content %s\n", name)
	if s == nil || s.seen[name] {
		_, err := fileDigest(h, name)
		return err
	}
	st, _, err := statOf(name)
	if err != nil {
		return err
	}
	sum, err := fileDigest(h, name)
	if err != nil {
		return err
	}
	s.seen[name] = true
	s.Entries = append(s.Entries, stampEntry{Path: name, fileStat: st, Sum: sum})
	return nil
}

// addDir records the directory name; with walk, every directory below it
// that a package pattern can match too. The go command skips directories
// whose names begin with . or _ and those named testdata, and a directory
// with a go.mod of its own is another module: it is recorded (a go.mod
// added or removed changes it) but not entered.
func (s *stamp) addDir(name string, walk bool) error {
	if s == nil {
		return nil
	}
	if s.seen[name] {
		if !walk || s.seen[name+"/..."] {
			return nil
		}
	}
	st, _, err := statOf(name)
	if err != nil {
		return err
	}
	sum, ents, err := dirDigest(name)
	if err != nil {
		return err
	}
	if !s.seen[name] {
		s.seen[name] = true
		s.Entries = append(s.Entries, stampEntry{Path: name, Dir: true, fileStat: st, Sum: sum})
	}
	if !walk {
		return nil
	}
	s.seen[name+"/..."] = true
	for _, e := range ents {
		n := e.Name()
		if !e.IsDir() || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_") || n == "testdata" {
			continue
		}
		sub := filepath.Join(name, n)
		_, nested := os.Stat(filepath.Join(sub, "go.mod"))
		if err := s.addDir(sub, nested != nil); err != nil {
			return err
		}
	}
	return nil
}

// check reports whether nothing the stamp records has changed. Entries
// whose stat is not trusted are compared by digest and, when that is
// unchanged, take their new stat, so that a later run can trust it.
func (s *stamp) check() bool {
	now := time.Now().UnixNano()
	for i := range s.Entries {
		e := &s.Entries[i]
		st, dir, err := statOf(e.Path)
		if err != nil || dir != e.Dir {
			return false
		}
		if st == e.fileStat && st.trusted(s.Taken) {
			continue
		}
		var sum string
		if dir {
			sum, _, err = dirDigest(e.Path)
		} else {
			sum, err = fileDigest(io.Discard, e.Path)
		}
		if err != nil || sum != e.Sum {
			return false
		}
		if after, _, err := statOf(e.Path); err != nil || after != st {
			return false // changed while it was read
		}
		if st != e.fileStat {
			e.fileStat = st
		}
		if st.trusted(now) {
			s.moved = true
		}
	}
	if s.moved {
		s.Taken = now
	}
	return true
}

func stampPath(cdir, pre string) string {
	return filepath.Join(cdir, "stamps", pre[:2], pre+".json")
}

// readStamp returns the stamp stored under pre, if any.
func readStamp(cdir, pre string) *stamp {
	data, err := os.ReadFile(stampPath(cdir, pre))
	if err != nil {
		return nil
	}
	s := &stamp{pre: pre}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if dec.Decode(s) != nil || s.Key == "" {
		return nil
	}
	return s
}

// write stores the stamp; errors are ignored, as the cache's are.
func (s *stamp) write(cdir string) {
	data, err := json.Marshal(s)
	if err != nil {
		return
	}
	path := stampPath(cdir, s.pre)
	writeCacheFile(filepath.Dir(path), filepath.Base(path), data)
}
