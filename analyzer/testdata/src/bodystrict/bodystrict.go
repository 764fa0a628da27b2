package bodystrict

import (
	"bodyhelpers"
	"bufio"
	"encoding/json"
	"io"
	"net/http"
)

func Decode(c *http.Client, url string, v any) error {
	resp, err := c.Get(url) // want `resp\.Body is closed unread at line 16 on the path that returns at line \d+`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

func FirstLine(c *http.Client, url string) string {
	resp, err := c.Get(url) // want `resp\.Body is closed unread at line 25 on the path that returns at line \d+`
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Scan()
	return sc.Text()
}

func DecodeThenDrain(c *http.Client, url string, v any) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	err = json.NewDecoder(resp.Body).Decode(v)
	io.Copy(io.Discard, resp.Body)
	return err
}

// Under -strict-drain a copy to io.Discard through io.LimitReader is a
// drain, inline or in a helper known by its fact.
func LimitedDrain(c *http.Client, url string, v any) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	defer func() {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
	}()
	return json.NewDecoder(resp.Body).Decode(v)
}

func LimitedDrainHelper(c *http.Client, url string, v any) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	defer bodyhelpers.DrainLimited(resp.Body)
	return json.NewDecoder(resp.Body).Decode(v)
}

// A scanner loop that runs until Scan says there is no more reads to EOF.
func AllLines(c *http.Client, url string) (n int, err error) {
	resp, err := c.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		n++
	}
	return n, sc.Err()
}

// One that returns from inside the loop does not.
func UntilBlank(c *http.Client, url string) (n int, err error) {
	resp, err := c.Get(url) // want `resp\.Body is closed unread at line \d+ on the path that returns at line \d+`
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if sc.Text() == "" {
			return n, nil
		}
		n++
	}
	return n, sc.Err()
}
