package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

// The vet driver runs the analysis under the go command, with this binary
// as its vet tool: each package is analysed in a process of its own, over
// its dependencies' export data and the facts they exported, which the go
// command keeps in its build cache. Memory is then bounded by the largest
// package and its direct imports, not by the module, and an unchanged
// package is answered from the build cache. The in-process driver (load.go)
// holds every package of the module, with syntax and types, at once; it is
// kept for fixing, which plans the fixes of several packages together, and
// for small runs, where starting a process per package costs more than it
// saves.

// vetDriverPackages is the number of packages (the patterns' and their
// dependencies outside the standard library) from which a run that only
// reports uses the vet driver. The load driver holds about half a megabyte
// per package of a generated module (950 MB at 2,000, BENCHMARKS.md) and
// more for real ones; below this, it is the faster of the two by 2-3x.
const vetDriverPackages = 1000

// chooseDriver returns "vet" or "load" for a run that only reports, given
// the -driver flag; auto counts the packages of the run.
func chooseDriver(flag string, lc loadConfig, fixing bool) (string, error) {
	switch flag {
	case "load":
		return "load", nil
	case "vet":
		if fixing {
			return "", errors.New("-driver=vet only reports; -w, -d, -l and -new-from-rev use the load driver")
		}
		if !lc.tests {
			return "", errors.New("-driver=vet analyses test files, as go vet does; drop -test=false or use -driver=load")
		}
		return "vet", nil
	case "auto":
		if fixing || !lc.tests {
			return "load", nil
		}
		if n, err := countPackages(lc); err == nil && n >= vetDriverPackages {
			return "vet", nil
		}
		return "load", nil
	}
	return "", fmt.Errorf("unknown -driver %q (auto, load, vet)", flag)
}

// countPackages counts the packages of lc's patterns and their dependencies
// outside the standard library, by go list.
func countPackages(lc loadConfig) (int, error) {
	groups, order, err := groupByModule(lc.dir, lc.patterns)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, dir := range order {
		args := append([]string{"list", "-e", "-deps", "-test", "-f", "{{if not .Standard}}x{{end}}"}, lc.buildFlags...)
		cmd := exec.Command("go", append(args, groups[dir]...)...)
		cmd.Dir, cmd.Env = dir, lc.env
		out, err := cmd.Output()
		if err != nil {
			return 0, err
		}
		n += bytes.Count(out, []byte("x"))
	}
	return n, nil
}

// vetFlags are the analyzer's flags, as the go command passes them on to
// its vet tool, for the options the command was given.
func vetFlags(opts analyzer.Options) []string {
	def := analyzer.DefaultOptions()
	flags := []string{"-keepalive.checks=" + opts.Checks}
	if opts.StrictDrain {
		flags = append(flags, "-keepalive.strict-drain")
	}
	if opts.ReportUnusedIgnores {
		flags = append(flags, "-keepalive.unused-ignores")
	}
	if opts.Client != "" {
		flags = append(flags, "-keepalive.client="+opts.Client)
	}
	if opts.MaxIdleConnsPerHost != def.MaxIdleConnsPerHost {
		flags = append(flags, "-keepalive.max-idle-per-host="+strconv.Itoa(opts.MaxIdleConnsPerHost))
	}
	if opts.ResponseHeaderTimeout != def.ResponseHeaderTimeout {
		flags = append(flags, "-keepalive.header-timeout="+opts.ResponseHeaderTimeout.String())
	}
	if opts.Timeout != 0 {
		flags = append(flags, "-keepalive.timeout="+opts.Timeout.String())
	}
	if opts.NoFixEdits {
		flags = append(flags, "-keepalive.fix-edits=false")
	}
	return flags
}

// vetDiagnostic is a diagnostic as the vet tool prints it with -json.
type vetDiagnostic struct {
	Category       string `json:"category"`
	Posn           string `json:"posn"`
	End            string `json:"end"`
	Message        string `json:"message"`
	URL            string `json:"url"`
	SuggestedFixes []struct {
		Edits []struct {
			Filename   string `json:"filename"`
			Start, End int
			New        string `json:"new"`
		} `json:"edits"`
	} `json:"suggested_fixes"`
	Related []struct {
		Posn    string `json:"posn"`
		Message string `json:"message"`
	} `json:"related"`
}

// analyzeVet runs the analysis of lc under go vet, module by module.
func analyzeVet(opts analyzer.Options, lc loadConfig) (*result, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	groups, order, err := groupByModule(lc.dir, lc.patterns)
	if err != nil {
		return nil, err
	}
	res := &result{cwd: lc.dir}
	seen := make(map[key]*finding)
	for _, dir := range order {
		args := append([]string{"vet", "-vettool=" + exe, "-json"}, lc.buildFlags...)
		args = append(args, vetFlags(opts)...)
		cmd := exec.Command("go", append(args, groups[dir]...)...)
		cmd.Dir, cmd.Env = dir, lc.env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		runErr := cmd.Run()
		found, err := parseVetJSON(&stdout, lc.dir, seen)
		if err != nil {
			return nil, fmt.Errorf("reading go vet's output: %w", err)
		}
		res.findings = append(res.findings, found...)
		errs := vetErrors(stderr.String(), dir, lc.dir)
		if runErr != nil && len(errs) == 0 {
			var exit *exec.ExitError
			if !errors.As(runErr, &exit) {
				return nil, runErr
			}
			errs = []string{fmt.Sprintf("go vet %s: %v", strings.Join(groups[dir], " "), runErr)}
		}
		res.loadErrors = append(res.loadErrors, errs...)
	}
	sortFindings(res.findings)
	sort.Strings(res.loadErrors)
	res.loadErrors = compact(res.loadErrors)
	return res, nil
}

// parseVetJSON reads the JSON trees go vet -json prints, one per package
// ({"pkg": {"keepalive": [diagnostics] or {"error": ...}}}), into findings.
func parseVetJSON(r io.Reader, cwd string, seen map[key]*finding) ([]*finding, error) {
	var all []*finding
	dec := json.NewDecoder(r)
	for {
		var tree map[string]map[string]json.RawMessage
		if err := dec.Decode(&tree); err == io.EOF {
			return all, nil
		} else if err != nil {
			return nil, err
		}
		for _, byAnalyzer := range tree {
			raw, ok := byAnalyzer["keepalive"]
			if !ok || len(raw) == 0 || raw[0] != '[' {
				continue // an {"error": ...} also appears on stderr
			}
			var diags []vetDiagnostic
			if err := json.Unmarshal(raw, &diags); err != nil {
				return nil, err
			}
			for _, d := range diags {
				f, err := vetFinding(d, cwd)
				if err != nil {
					return nil, err
				}
				if seen[f.key()] != nil {
					continue // the package's test variant reports it too
				}
				seen[f.key()] = f
				all = append(all, f)
			}
		}
	}
}

func vetFinding(d vetDiagnostic, cwd string) (*finding, error) {
	path, line, col, err := splitPosn(d.Posn)
	if err != nil {
		return nil, err
	}
	f := &finding{file: relPath(cwd, path), path: path, line: line, col: col, id: d.Category,
		msg: strings.TrimPrefix(d.Message, d.Category+": "), url: analyzer.Lookup(d.Category).URL()}
	if d.End != "" {
		if _, l, c, err := splitPosn(d.End); err == nil {
			f.endLine, f.endCol = l, c
		}
	}
	for _, r := range d.Related {
		rp, l, c, err := splitPosn(r.Posn)
		if err != nil {
			return nil, err
		}
		f.related = append(f.related, related{file: relPath(cwd, rp), path: rp, line: l, col: c, msg: r.Message})
	}
	if len(d.SuggestedFixes) > 0 {
		for _, e := range d.SuggestedFixes[0].Edits {
			size := 0
			if fi, err := os.Stat(e.Filename); err == nil {
				size = int(fi.Size())
			}
			f.fix = append(f.fix, fileEdit{path: e.Filename, size: size, start: e.Start, end: e.End, text: e.New})
		}
	}
	return f, nil
}

// splitPosn splits file:line:col.
func splitPosn(posn string) (string, int, int, error) {
	i := strings.LastIndexByte(posn, ':')
	j := strings.LastIndexByte(posn[:max(i, 0)], ':')
	if i < 0 || j < 0 {
		return "", 0, 0, fmt.Errorf("bad position %q", posn)
	}
	line, err1 := strconv.Atoi(posn[j+1 : i])
	col, err2 := strconv.Atoi(posn[i+1:])
	if err1 != nil || err2 != nil {
		return "", 0, 0, fmt.Errorf("bad position %q", posn)
	}
	return posn[:j], line, col, nil
}

// vetErrors turns what go vet printed on stderr (compile errors under
// "# pkg" headers, the go command's own errors) into load errors, with
// paths relative to cwd, as the load driver prints them.
func vetErrors(stderr, dir, cwd string) []string {
	var errs []string
	sc := bufio.NewScanner(strings.NewReader(stderr))
	for sc.Scan() {
		raw := sc.Text()
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if raw[0] == ' ' || raw[0] == '\t' {
			if len(errs) > 0 {
				errs[len(errs)-1] += "\n" + raw // the go command's advice
			}
			continue
		}
		line = strings.TrimPrefix(line, "vet: ")
		if file, rest, ok := strings.Cut(line, ":"); ok && strings.HasSuffix(file, ".go") {
			if !filepath.IsAbs(file) {
				file = filepath.Join(dir, file)
			}
			line = relPath(cwd, file) + ":" + rest
		}
		errs = append(errs, line)
	}
	return errs
}
