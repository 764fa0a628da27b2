package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

var (
	ghDataEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	ghPropEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

// WriteGitHub writes one GitHub Actions "::warning" workflow command per
// finding, so that findings appear as annotations on pull requests.
func WriteGitHub(w io.Writer, fs []Finding) error {
	bw := bufio.NewWriter(w)
	for _, f := range fs {
		var b strings.Builder
		b.WriteString("::warning file=")
		b.WriteString(ghPropEscaper.Replace(f.File))
		if f.Line > 0 {
			fmt.Fprintf(&b, ",line=%d", f.Line)
		}
		if f.Col > 0 {
			fmt.Fprintf(&b, ",col=%d", f.Col)
		}
		if f.EndLine > 0 {
			fmt.Fprintf(&b, ",endLine=%d", f.EndLine)
		}
		if f.EndCol > 0 {
			fmt.Fprintf(&b, ",endColumn=%d", f.EndCol)
		}
		title := strings.TrimSpace(f.Check + " " + f.Name)
		if title != "" {
			b.WriteString(",title=")
			b.WriteString(ghPropEscaper.Replace(title))
		}
		b.WriteString("::")
		b.WriteString(ghDataEscaper.Replace(f.Message))
		b.WriteByte('\n')
		_, _ = bw.WriteString(b.String())
	}
	return bw.Flush()
}
