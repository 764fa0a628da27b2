package bodypartial

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// --- reported without -strict-drain: a read that stops before EOF ---

func FindLine(c *http.Client, u, want string) (bool, error) {
	resp, err := c.Get(u) // want `resp\.Body is closed unread at line 19 on the path that returns at line 23`
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if strings.Contains(sc.Text(), want) {
			return true, nil
		}
	}
	return false, sc.Err()
}

type event struct{ Last bool }

func FirstLast(c *http.Client, u string) error {
	resp, err := c.Get(u) // want `resp\.Body is closed unread at line 43 on the path that returns at line 43`
	if err != nil {
		return err
	}
	dec := json.NewDecoder(resp.Body)
	for dec.More() {
		var ev event
		if err := dec.Decode(&ev); err != nil {
			break
		}
		if ev.Last {
			return resp.Body.Close()
		}
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}

func Snippet(c *http.Client, u string) error {
	res, err := c.Get(u) // want `res\.Body is closed unread at line 55 on the path that returns at line 58`
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 512))
		return fmt.Errorf("%s: %s", res.Status, b)
	}
	_, err = io.Copy(io.Discard, res.Body)
	return err
}

// --- quiet ---

func ScanToEnd(c *http.Client, u string) ([]string, error) {
	resp, err := c.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var lines []string
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines, sc.Err()
}

func LargeLimit(c *http.Client, u string) ([]byte, error) {
	resp, err := c.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(io.LimitReader(resp.Body, 10<<20))
}

func LimitedDiscard(c *http.Client, u string) error {
	resp, err := c.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("status %s", resp.Status)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}
