package bodydrain

import (
	"bodyhelpers"
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

type Client struct{ hc *http.Client }

// --- reported ---

func (c *Client) StatusCheckBeforeRead(url string, v any) error {
	resp, err := c.hc.Get(url) // want `resp\.Body is closed unread at line 23 on the path that returns at line \d+`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("get %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func (c *Client) Ping(url string) bool {
	resp, err := c.hc.Get(url) // want `resp\.Body is closed unread at line 35 on the path that returns at line \d+`
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func (c *Client) CloseThenDrain(url string) error {
	resp, err := c.hc.Get(url) // want `resp\.Body is closed unread at line 44 on the path that returns at line \d+`
	if err != nil {
		return err
	}
	resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func (c *Client) ExplicitCloseOnBadStatus(url string) ([]byte, error) {
	resp, err := c.hc.Get(url) // want `resp\.Body is closed unread at line 55 on the path that returns at line \d+`
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 400 {
		resp.Body.Close()
		return nil, errors.New(resp.Status)
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func (c *Client) OnlyClosingHelper(url string) int {
	resp, err := c.hc.Get(url) // want `resp\.Body is closed unread at line 67 on the path that returns at line \d+`
	if err != nil {
		return 0
	}
	bodyhelpers.CloseResponse(resp)
	return resp.StatusCode
}

func (c *Client) Post(ctx context.Context, url string, body io.Reader) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, body)
	if err != nil {
		return err
	}
	resp, err := c.hc.Do(req) // want `resp\.Body is closed unread at line 80 on the path that returns at line \d+`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("post: %s", resp.Status)
	}
	return nil
}

func (c *Client) DeferredClosure(url string) error {
	resp, err := c.hc.Get(url) // want `resp\.Body is closed unread at line 92 on the path that returns at line \d+`
	if err != nil {
		return err
	}
	defer func() {
		resp.Body.Close()
	}()
	if resp.StatusCode == http.StatusNotFound {
		return errors.New("not found")
	}
	_, err = io.ReadAll(resp.Body)
	return err
}

func (c *Client) SwitchOnStatus(url string) error {
	resp, err := c.hc.Get(url) // want `resp\.Body is closed unread at line 107 on the path that returns at line \d+`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		_, err := io.Copy(io.Discard, resp.Body)
		return err
	case http.StatusNoContent:
		return nil
	default:
		return errors.New(resp.Status)
	}
}

func (c *Client) AliasClosedUnread(url string) error {
	resp, err := c.hc.Get(url) // want `resp\.Body is closed unread at line 125 on the path that returns at line \d+`
	if err != nil {
		return err
	}
	body := resp.Body
	body.Close()
	return nil
}

func (c *Client) PostForm(url string) error {
	resp, err := c.hc.Post(url, "text/plain", nil) // want `resp\.Body is closed unread at line 134 on the path that returns at line \d+`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return errors.New("not created")
	}
	return nil
}

// --- quiet ---

func (c *Client) DrainedEveryPath(url string, v any) error {
	resp, err := c.hc.Get(url)
	if err != nil {
		return err
	}
	defer func() {
		io.CopyN(io.Discard, resp.Body, 64<<10)
		resp.Body.Close()
	}()
	if resp.StatusCode != http.StatusOK {
		return errors.New(resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func (c *Client) DrainHelper(url string) error {
	resp, err := c.hc.Get(url)
	if err != nil {
		return err
	}
	defer bodyhelpers.DrainClose(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return errors.New(resp.Status)
	}
	return nil
}

func (c *Client) ReadAllFirst(url string) ([]byte, error) {
	resp, err := c.hc.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s", resp.Status, b)
	}
	return b, err
}

func (c *Client) Head(url string) (bool, error) {
	resp, err := c.hc.Head(url)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK, nil
}

func (c *Client) HeadViaDo(ctx context.Context, url string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

func (c *Client) DrainThenClose(url string) error {
	resp, err := c.hc.Get(url)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return err
}

func (c *Client) DecoderDefaultMode(url string, v any) error {
	resp, err := c.hc.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

func (c *Client) ScannerDefaultMode(url string) (lines []string, err error) {
	resp, err := c.hc.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines, sc.Err()
}

func (c *Client) HandedToUnknownReader(url string, parse func(io.Reader) error) error {
	resp, err := c.hc.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return parse(resp.Body)
}

func (c *Client) CopyToWriter(url string, w io.Writer) error {
	resp, err := c.hc.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		return errors.New(resp.Status)
	}
	_, err = io.Copy(w, resp.Body)
	return err
}

func (c *Client) CloseThenPanic(url string) {
	resp, err := c.hc.Get(url)
	if err == nil {
		resp.Body.Close()
		panic("expected an error")
	}
}
