package threefiles

import "net/http"

// A gets u.
func A(u string) (int, error) {
	resp, err := http.Get(u) // want `http.Get sends` "KA1005"
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}
