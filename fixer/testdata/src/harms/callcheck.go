package harms

import "net/http"

// fetch returns the response of u with a count; the caller owns its body.
func fetch(u string) (*http.Response, int, error) {
	resp, err := http.Get(u) // want "KA1001"
	if err != nil {
		return nil, 0, err
	}
	return resp, 1, nil
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// CallCheck checks the error with a helper: the response is nil when the
// helper is reached on error, so the close before it is guarded by
// resp != nil (a bare defer would panic).
func CallCheck(u string) int {
	resp, n, err := fetch(u) // want "KA1004"
	must(err)
	return resp.StatusCode + n
}

// Checked has a check that leaves: the close goes after it.
func Checked(u string) int {
	resp, n, err := fetch(u) // want "KA1004"
	if err != nil {
		return 0
	}
	return resp.StatusCode + n
}
