package bodyreach

import (
	"bodyreachlib"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
)

// --- read to EOF releases the connection (b1) ---

func Raw(c *http.Client, req *http.Request) (io.ReadCloser, error) {
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 400 {
		return nil, bodyreachlib.ReadError(resp)
	}
	return resp.Body, nil
}

func ReadAllNeverClosed(c *http.Client, u string) ([]byte, error) {
	resp, err := c.Get(u)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(resp.Body)
}

func CopiedNeverClosed(c *http.Client, u string, w io.Writer) error {
	resp, err := c.Get(u)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, resp.Body)
	return err
}

func HelperReadsToEOF(c *http.Client, u string) (int, error) {
	resp, _, err := bodyreachlib.FetchGet(c, u)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

func OverwrittenAfterEOF(c *http.Client, u1, u2 string) ([]byte, error) {
	resp, err := c.Get(u1)
	if err != nil {
		return nil, err
	}
	if _, err := io.ReadAll(resp.Body); err != nil {
		return nil, err
	}
	resp, err = c.Get(u2)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func DeferInLoopReadToEOF(c *http.Client, urls []string) error {
	for _, u := range urls {
		resp, err := c.Get(u)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if _, err := io.ReadAll(resp.Body); err != nil {
			return err
		}
	}
	return nil
}

// A bounded drain is no EOF: the early return still leaks the body.
func BoundedDrainIsNoEOF(c *http.Client, u string) error {
	res, err := c.Get(u) // want `res\.Body is not closed on the path that returns at line \d+`
	if err != nil {
		return err
	}
	_, _ = io.CopyN(io.Discard, res.Body, 512)
	return nil
}

// A decoder is no EOF either.
func DecodedNotClosed(c *http.Client, u string, v any) error {
	apiResp, err := c.Get(u) // want `apiResp\.Body is not closed on the path that returns at line \d+`
	if err != nil {
		return err
	}
	return json.NewDecoder(apiResp.Body).Decode(v)
}

// --- a response returned with an error is closed already (b2, b3) ---

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
	return errors.New("no redirects")
}}

func Location(u string) (string, error) {
	resp, err := noRedirects.Get(u)
	if resp != nil && resp.StatusCode == http.StatusFound {
		return resp.Header.Get("Location"), nil
	}
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return "", errors.New("no redirect")
}

func StatusBeforeErrorCheck(c *bodyreachlib.Client, u string) (int, error) {
	resp, err := c.Get(u)
	if resp.StatusCode == http.StatusNotFound {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// The error is never tested: the open response of a success leaks.
func ErrorNeverTested(c *bodyreachlib.Client, u string) int {
	resp, err := c.Get(u) // want `resp\.Body is not closed on the path that returns at line \d+`
	_ = err
	return resp.StatusCode
}

// After the error check the response is live: a 2xx other than 201 leaks.
func WrapperSuccessLeaks(c *bodyreachlib.Client, u string) error {
	resp, err := c.Get(u) // want `resp\.Body is not closed on the path that returns at line \d+`
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusCreated {
		return errors.New("unexpected status")
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// --- no body: 204, 304, HEAD ---

func NoContent(c *http.Client, req *http.Request, v any) error {
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNoContent {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func NotModifiedOrNoContent(c *http.Client, req *http.Request, v any) error {
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified || resp.StatusCode == 204 {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func SwitchNoContent(c *http.Client, req *http.Request, v any) error {
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusNoContent, http.StatusNotModified:
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func HeadBranch(c *http.Client, req *http.Request, v any) error {
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if req.Method == http.MethodHead {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// Not 204: the other statuses have bodies.
func NotNoContent(c *http.Client, req *http.Request) error {
	resp, err := c.Do(req) // want `resp\.Body is closed unread at line \d+ on the path that returns at line \d+`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return errors.New(resp.Status)
	}
	return nil
}

// A status that has a body is no exemption.
func OKBranch(c *http.Client, req *http.Request) error {
	resp, err := c.Do(req) // want `resp\.Body is closed unread at line \d+`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// --- return resp.Body.Close() ---

func ReturnClose(c *http.Client, u string) error {
	resp, err := c.Get(u) // want `resp\.Body is closed unread at line 238 on the path that returns at line 238`
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func ReturnCloseAfterRead(c *http.Client, u string) error {
	resp, err := c.Get(u)
	if err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		resp.Body.Close()
		return err
	}
	return resp.Body.Close()
}

// --- one finding per response and check, at the call ---

func TwoExitsOneFinding(c *http.Client, u string) error {
	resp, err := c.Get(u) // want `resp\.Body is not closed on the path that returns at line 261`
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusTeapot {
		return errors.New("teapot")
	}
	if resp.StatusCode == http.StatusGone {
		return errors.New("gone")
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func TwoUnreadExitsOneFinding(c *http.Client, u string) error {
	resp, err := c.Get(u) // want `resp\.Body is closed unread at line 276 on the path that returns at line 278`
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusTeapot {
		return errors.New("teapot")
	}
	if resp.StatusCode == http.StatusGone {
		return errors.New("gone")
	}
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

// --- discarded responses ---

func GoDiscard(c *http.Client, u string) {
	go c.Post(u, "text/plain", nil) // want `the response of c\.Post is discarded by the go statement`
}

func DeferDiscard(c *http.Client, u string) {
	defer c.Get(u) // want `the response of c\.Get is discarded by the defer statement`
}

func WrapperDiscarded(c *bodyreachlib.Client, req *http.Request) {
	_, _ = c.Send(req) // want `the response of c\.Send is assigned to _`
}

func WrapperStatement(c *bodyreachlib.Client, req *http.Request) {
	c.Send(req) // want `the response of c\.Send is discarded`
}

// The helper read the body to EOF: nothing to discard.
func ReadHelperDiscarded(c *http.Client, u string) {
	_, _, _ = bodyreachlib.Fetch(c, u)
}

// --- formatting and logging take no ownership ---

func Logged(c *http.Client, u string) error {
	resp, err := c.Get(u) // want `resp\.Body is not closed on the path that returns at line \d+`
	if err != nil {
		return err
	}
	fmt.Print(resp)
	log.Print(resp.Body)
	return fmt.Errorf("status %v", resp)
}

// --- closures ---

func ClosureNeverCalled(c *http.Client, u string) int {
	resp, err := c.Get(u) // want `resp\.Body is not closed on the path that returns at line 335` `resp\.Body is closed unread at line 329 on the path that returns at line 333`
	if err != nil {
		return 0
	}
	closeBody := func() { resp.Body.Close() }
	_ = closeBody
	if resp.StatusCode != http.StatusOK {
		closeBody()
		return 0
	}
	return resp.StatusCode
}

func ClosureCalled(c *http.Client, u string) int {
	resp, err := c.Get(u)
	if err != nil {
		return 0
	}
	done := func() {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	code := resp.StatusCode
	done()
	return code
}

func ClosureDeferred(c *http.Client, u string) int {
	resp, err := c.Get(u)
	if err != nil {
		return 0
	}
	done := func() {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	defer done()
	return resp.StatusCode
}

func ClosureHandedOn(c *http.Client, u string, cleanup func(func())) int {
	resp, err := c.Get(u)
	if err != nil {
		return 0
	}
	done := func() { resp.Body.Close() }
	cleanup(done)
	return resp.StatusCode
}

func requireError(err error) {
	if err == nil {
		panic("want an error")
	}
}

// The error is tested by a helper: the response that came with it (a
// failed CheckRedirect) is closed.
func RedirectTestedByHelper(u string) int {
	resp, err := noRedirects.Get(u)
	requireError(err)
	return resp.StatusCode
}

// --- an upgrade handshake's response, read from the library's own
// connection: quiet; one that may come from a client: reported ---

func Upgrade(addr string, req *http.Request) (int, error) {
	c, resp, err := bodyreachlib.Dial(addr, req)
	if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
		return resp.StatusCode, err
	}
	if err != nil {
		return 0, err
	}
	defer c.Close()
	return resp.StatusCode, nil
}

func UpgradeOrGet(hc *http.Client, addr string, req *http.Request) (int, error) {
	c, resp, err := bodyreachlib.DialOrGet(hc, addr, req) // want `KA1004: resp\.Body is not closed`
	if err != nil {
		return 0, err
	}
	if c != nil {
		defer c.Close()
	}
	return resp.StatusCode, nil
}

// The decoder closed the body on success; on a failed send the response
// it passes through is nil or closed: nothing to discard.
func DecoderDiscarded(d *bodyreachlib.Decoder, req *http.Request) error {
	var v struct{ ID string }
	_, err := d.Do(req, &v)
	return err
}
