package bodystrict

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
)

func Decode(c *http.Client, url string, v any) error {
	resp, err := c.Get(url) // want `resp\.Body is closed unread at line 15 on the path that returns at line \d+`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

func FirstLine(c *http.Client, url string) string {
	resp, err := c.Get(url) // want `resp\.Body is closed unread at line 24 on the path that returns at line \d+`
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
