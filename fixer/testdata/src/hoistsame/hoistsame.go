// Package hoistsame builds the same Transport in two functions.
package hoistsame

import "net/http"

// List builds a transport per call.
func List(u string) (int, error) {
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}} // want `http.Transport built per call`
	resp, err := c.Head(u)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// Show builds the same one: after the fix both share one pool.
func Show(u string) (int, error) {
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}} // want `http.Transport built per call`
	resp, err := c.Head(u)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

// Other builds a different one, which keeps its own variable.
func Other(u string) (int, error) {
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}} // want `http.Transport built per call`
	resp, err := c.Head(u)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}
