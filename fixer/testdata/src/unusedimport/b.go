package unusedimport

import (
	"io"
	"net/http"
)

// Both reads two pages; the package name http is used only by the two
// calls the fixes rewrite.
func Both(u, v string) ([]byte, error) {
	r1, err := http.Get(u) // want `http.Get sends`
	if err != nil {
		return nil, err
	}
	defer r1.Body.Close()
	a, err := io.ReadAll(r1.Body)
	if err != nil {
		return nil, err
	}
	r2, err := http.Get(v) // want `http.Get sends`
	if err != nil {
		return nil, err
	}
	defer r2.Body.Close()
	b, err := io.ReadAll(r2.Body)
	return append(a, b...), err
}
