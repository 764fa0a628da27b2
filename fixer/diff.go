package fixer

import (
	"bytes"
	"fmt"
	"strings"
)

// A Hunk replaces whole lines: bytes [Start, End) of the old text, which
// are lines [OldLine, OldLine+OldLines) counting from 0, become New.
type Hunk struct {
	Start, End        int
	OldLine, OldLines int
	NewLine, NewLines int
	New               string
}

// splitLines splits text after each newline; the last line may lack one.
func splitLines(text []byte) []string {
	var lines []string
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			lines = append(lines, string(text))
			break
		}
		lines = append(lines, string(text[:i+1]))
		text = text[i+1:]
	}
	return lines
}

// Diff returns the hunks that turn old into new, line by line, with no
// context: runs of equal lines separate hunks. It is Myers' algorithm,
// linear in the size of the texts for the small edits fixes make.
func Diff(old, new []byte) []Hunk {
	a, b := splitLines(old), splitLines(new)
	// Trim the common prefix and suffix: fixes change little.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ops := myers(a[pre:len(a)-suf], b[pre:len(b)-suf])
	offsets := make([]int, len(a)+1)
	for i, l := range a {
		offsets[i+1] = offsets[i] + len(l)
	}
	var hunks []Hunk
	i, j := pre, pre
	var cur *Hunk
	var text strings.Builder
	flush := func() {
		if cur != nil {
			cur.End = offsets[i]
			cur.OldLines = i - cur.OldLine
			cur.NewLines = j - cur.NewLine
			cur.New = text.String()
			hunks = append(hunks, *cur)
			cur = nil
			text.Reset()
		}
	}
	for _, op := range ops {
		if op == opEqual {
			flush()
			i++
			j++
			continue
		}
		if cur == nil {
			cur = &Hunk{Start: offsets[i], OldLine: i, NewLine: j}
		}
		if op == opDelete {
			i++
		} else {
			text.WriteString(b[j])
			j++
		}
	}
	flush()
	return hunks
}

type op byte

const (
	opEqual op = iota
	opDelete
	opInsert
)

// myers returns a shortest edit script from a to b.
func myers(a, b []string) []op {
	n, m := len(a), len(b)
	max := n + m
	if max == 0 {
		return nil
	}
	v := make([]int, 2*max+2)
	var trace [][]int
	for d := 0; d <= max; d++ {
		trace = append(trace, append([]int(nil), v...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[max+k-1] < v[max+k+1]) {
				x = v[max+k+1]
			} else {
				x = v[max+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[max+k] = x
			if x >= n && y >= m {
				return backtrack(trace, a, b, max, d)
			}
		}
	}
	return nil
}

func backtrack(trace [][]int, a, b []string, max, d int) []op {
	x, y := len(a), len(b)
	var ops []op
	for ; d > 0; d-- {
		v := trace[d]
		k := x - y
		var pk int
		if k == -d || (k != d && v[max+k-1] < v[max+k+1]) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := v[max+pk]
		py := px - pk
		for x > px && y > py {
			ops = append(ops, opEqual)
			x--
			y--
		}
		if x == px {
			ops = append(ops, opInsert)
		} else {
			ops = append(ops, opDelete)
		}
		x, y = px, py
	}
	for x > 0 && y > 0 {
		ops = append(ops, opEqual)
		x--
		y--
	}
	for i, j := 0, len(ops)-1; i < j; i, j = i+1, j-1 {
		ops[i], ops[j] = ops[j], ops[i]
	}
	return ops
}

// Unified returns the unified diff from old to new with three lines of
// context, in the form gofmt -d prints; "" when they are equal.
func Unified(oldName, newName string, old, new []byte) string {
	hunks := Diff(old, new)
	if len(hunks) == 0 {
		return ""
	}
	a, b := splitLines(old), splitLines(new)
	const ctx = 3
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldName, newName)
	for i := 0; i < len(hunks); {
		// Merge hunks whose context would touch.
		j := i
		for j+1 < len(hunks) && hunks[j+1].OldLine-(hunks[j].OldLine+hunks[j].OldLines) <= 2*ctx {
			j++
		}
		first, last := hunks[i], hunks[j]
		oStart := max(first.OldLine-ctx, 0)
		oEnd := min(last.OldLine+last.OldLines+ctx, len(a))
		nStart := first.NewLine - (first.OldLine - oStart)
		nEnd := last.NewLine + last.NewLines + (oEnd - (last.OldLine + last.OldLines))
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", rangeOf(oStart, oEnd-oStart), rangeOf(nStart, nEnd-nStart))
		o := oStart
		for _, h := range hunks[i : j+1] {
			for ; o < h.OldLine; o++ {
				writeLine(&out, ' ', a[o])
			}
			for k := 0; k < h.OldLines; k++ {
				writeLine(&out, '-', a[o])
				o++
			}
			for k := 0; k < h.NewLines; k++ {
				writeLine(&out, '+', b[h.NewLine+k])
			}
		}
		for ; o < oEnd; o++ {
			writeLine(&out, ' ', a[o])
		}
		i = j + 1
	}
	return out.String()
}

func rangeOf(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	if n == 1 {
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

func writeLine(out *strings.Builder, mark byte, line string) {
	out.WriteByte(mark)
	out.WriteString(line)
	if !strings.HasSuffix(line, "\n") {
		out.WriteString("\n\\ No newline at end of file\n")
	}
}
