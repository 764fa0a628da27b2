package report

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// ChangedLines reports which lines of the work tree under dir differ from
// revision rev: for each file path (relative to dir, slash-separated), the
// set of 1-based line numbers that were added or modified since rev,
// including staged and unstaged changes. Untracked files that are not
// ignored count as entirely changed. Deleted lines leave no trace.
//
// It runs "git diff --unified=0 --relative REV --" and
// "git ls-files --others --exclude-standard" in dir.
func ChangedLines(dir, rev string) (map[string]map[int]bool, error) {
	if rev == "" {
		return nil, errors.New("report: empty revision")
	}
	if strings.HasPrefix(rev, "-") {
		return nil, fmt.Errorf("report: invalid revision %q", rev)
	}
	if _, err := git(dir, "rev-parse", "--is-inside-work-tree"); err != nil {
		return nil, fmt.Errorf("report: %s is not in a git work tree: %w", dir, err)
	}
	if _, err := git(dir, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}"); err != nil {
		return nil, fmt.Errorf("report: unknown git revision %q", rev)
	}

	out, err := git(dir, "-c", "core.quotePath=false", "diff",
		"--unified=0", "--no-color", "--no-ext-diff", "--no-textconv",
		"--src-prefix=a/", "--dst-prefix=b/", "--relative", rev, "--")
	if err != nil {
		return nil, fmt.Errorf("report: git diff %s: %w", rev, err)
	}
	changed, err := parseDiff(out)
	if err != nil {
		return nil, err
	}

	out, err = git(dir, "ls-files", "-z", "--others", "--exclude-standard")
	if err != nil {
		return nil, fmt.Errorf("report: listing untracked files: %w", err)
	}
	for _, name := range strings.Split(string(out), "\x00") {
		if name == "" {
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			continue // vanished, or not a regular file
		}
		n := bytes.Count(src, []byte{'\n'})
		if len(src) > 0 && src[len(src)-1] != '\n' {
			n++
		}
		lines := make(map[int]bool, n)
		for i := 1; i <= n; i++ {
			lines[i] = true
		}
		changed[name] = lines
	}
	return changed, nil
}

// git runs git -C dir args... and returns its standard output; a failure
// carries git's standard error.
func git(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("%w: %s", err, msg)
		}
		return nil, err
	}
	return stdout.Bytes(), nil
}

// parseDiff extracts the new-side line numbers of each hunk of a unified
// diff produced with --unified=0.
func parseDiff(diff []byte) (map[string]map[int]bool, error) {
	changed := make(map[string]map[int]bool)
	var cur map[int]bool // nil: current file is deleted or unknown
	header := false      // within a file header, before its first hunk
	sc := bufio.NewScanner(bytes.NewReader(diff))
	sc.Buffer(make([]byte, 0, 64*1024), 64*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "diff "):
			cur, header = nil, true
		case header && strings.HasPrefix(line, "+++ "):
			name, err := diffPath(strings.TrimPrefix(line, "+++ "))
			if err != nil {
				return nil, err
			}
			if name == "" {
				cur = nil
				continue
			}
			cur = changed[name]
			if cur == nil {
				cur = make(map[int]bool)
				changed[name] = cur
			}
		case strings.HasPrefix(line, "@@ "):
			header = false
			start, count, err := parseHunk(line)
			if err != nil {
				return nil, err
			}
			if cur == nil {
				continue
			}
			for i := start; i < start+count; i++ {
				cur[i] = true
			}
		}
	}
	return changed, sc.Err()
}

// diffPath decodes the path of a "+++ " line; it returns "" for /dev/null.
func diffPath(s string) (string, error) {
	s = strings.TrimSuffix(s, "\t") // git appends a tab to names with spaces
	if s == "/dev/null" {
		return "", nil
	}
	if strings.HasPrefix(s, `"`) {
		u, err := strconv.Unquote(s)
		if err != nil {
			return "", fmt.Errorf("report: cannot decode path %s in git diff: %w", s, err)
		}
		s = u
	}
	if !strings.HasPrefix(s, "b/") {
		return "", fmt.Errorf("report: unexpected path %q in git diff", s)
	}
	return s[len("b/"):], nil
}

// parseHunk parses "@@ -a[,b] +c[,d] @@..." and returns c and d.
func parseHunk(line string) (start, count int, err error) {
	fields := strings.Fields(line)
	if len(fields) < 4 || fields[3] != "@@" || !strings.HasPrefix(fields[2], "+") {
		return 0, 0, fmt.Errorf("report: malformed hunk header %q", line)
	}
	spec := fields[2][1:]
	count = 1
	if i := strings.IndexByte(spec, ','); i >= 0 {
		count, err = strconv.Atoi(spec[i+1:])
		spec = spec[:i]
	}
	if err == nil {
		start, err = strconv.Atoi(spec)
	}
	if err != nil || start < 0 || count < 0 {
		return 0, 0, fmt.Errorf("report: malformed hunk header %q", line)
	}
	return start, count, nil
}

// FilterChanged returns, in input order, the findings whose start line is
// among the changed lines of their file.
func FilterChanged(fs []Finding, changed map[string]map[int]bool) []Finding {
	var out []Finding
	for _, f := range fs {
		lines := changed[f.File]
		if lines == nil && f.File != "" {
			lines = changed[path.Clean(f.File)]
		}
		if lines[f.Line] {
			out = append(out, f)
		}
	}
	return out
}
