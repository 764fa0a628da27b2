package bodyclose

import (
	"bodyhelpers"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

type API struct {
	client *http.Client
	doer   Doer
	last   *http.Response
}

// --- reported ---

func (a *API) EarlyReturnOnStatus(url string) error {
	resp, err := a.client.Get(url) // want `resp\.Body is not closed on the path that returns at line \d+`
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	defer resp.Body.Close()
	_, err = io.ReadAll(resp.Body)
	return err
}

func (a *API) CloseInOneBranch(url string) ([]byte, error) {
	resp, err := a.client.Get(url) // want `resp\.Body is not closed on the path that returns`
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusOK {
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		return b, err
	}
	return nil, errors.New("not ok")
}

func (a *API) RetryContinue(req *http.Request) error {
	for i := 0; i < 3; i++ {
		resp, err := a.client.Do(req) // want `resp\.Body is still open when the loop sends the next request`
		if err != nil {
			continue
		}
		if resp.StatusCode == http.StatusServiceUnavailable {
			time.Sleep(time.Second)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return nil
	}
	return errors.New("gave up")
}

func (a *API) Overwritten(u1, u2 string) error {
	resp, err := a.client.Get(u1) // want `resp\.Body is still open when resp is overwritten at line \d+`
	if err != nil {
		return err
	}
	resp, err = a.client.Get(u2)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func (a *API) Discarded(req *http.Request) error {
	_, err := a.client.Do(req) // want `the response of a\.(client|doer)\.Do is assigned to _`
	return err
}

func (a *API) DroppedStatement(req *http.Request) {
	a.client.Do(req) // want `the response of a\.client\.Do is discarded \(the call is a statement of its own\)`
}

func (a *API) ThroughInterface(req *http.Request) (int, error) {
	resp, err := a.doer.Do(req) // want `resp\.Body is not closed`
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}

func Must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func GenericWrapper(url string) int {
	resp := Must(http.Get(url)) // want `resp\.Body is not closed`
	return resp.StatusCode
}

func (a *API) DeferInLoop(urls []string) error {
	for _, u := range urls {
		resp, err := a.client.Get(u) // want `the defer at line \d+ in a loop keeps every resp\.Body open until the function returns`
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if err := json.NewDecoder(resp.Body).Decode(new(int)); err != nil {
			return err
		}
	}
	return nil
}

// A function that itself returns a response is checked too.
func (a *API) Fetch(ctx context.Context, url string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := a.client.Do(req) // want `resp\.Body is not closed on the path that returns`
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 400 {
		return nil, fmt.Errorf("fetch %s: %s", url, resp.Status)
	}
	return resp, nil
}

// CheckedDo may return a response with its error: the error path owes a close.
func (a *API) ResponseWithError(req *http.Request) error {
	resp, err := bodyhelpers.CheckedDo(a.client, req) // want `resp\.Body is not closed on the path that returns`
	if err != nil {
		return err
	}
	bodyhelpers.DrainClose(resp.Body)
	return nil
}

func (a *API) BorrowingHelperDoesNotClose(url string) []byte {
	resp, err := a.client.Get(url) // want `resp\.Body is not closed`
	if err != nil {
		return nil
	}
	return bodyhelpers.Peek(resp.Body)
}

func (a *API) DecodeWithoutClose(url string, v any) error {
	resp, err := a.client.Get(url) // want `resp\.Body is not closed`
	if err != nil {
		return err
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// --- quiet ---

func (a *API) Canonical(url string, v any) error {
	resp, err := a.client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

func (a *API) ClosedByHelperElsewhere(url string) error {
	resp, err := a.client.Get(url)
	if err != nil {
		return err
	}
	defer bodyhelpers.DrainClose(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return errors.New("bad status")
	}
	return nil
}

func (a *API) ClosedByComposedHelper(url string) {
	resp, err := a.client.Get(url)
	if err != nil {
		return
	}
	bodyhelpers.Finish(resp)
}

func (a *API) ClosedByLocalHelper(url string) error {
	resp, err := a.client.Get(url)
	if err != nil {
		return err
	}
	return consume(resp)
}

func consume(resp *http.Response) error {
	defer resp.Body.Close()
	_, err := io.Copy(io.Discard, resp.Body)
	return err
}

func (a *API) Returned(req *http.Request) (*http.Response, error) {
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, err
	}
	return resp, nil
}

func (a *API) PassThrough(req *http.Request) (*http.Response, error) {
	return a.client.Do(req)
}

func (a *API) StoredInField(req *http.Request) error {
	resp, err := a.client.Do(req)
	if err != nil {
		return err
	}
	a.last = resp
	return nil
}

func (a *API) SentOnChannel(req *http.Request, out chan<- *http.Response) error {
	resp, err := a.client.Do(req)
	if err != nil {
		return err
	}
	out <- resp
	return nil
}

func (a *API) HandedToGoroutine(req *http.Request) error {
	resp, err := a.client.Do(req)
	if err != nil {
		return err
	}
	go func() {
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
	}()
	return nil
}

func (a *API) ClosedInDeferredClosure(url string) ([]byte, error) {
	resp, err := a.client.Get(url)
	if err != nil {
		return nil, err
	}
	defer func() {
		_ = resp.Body.Close()
	}()
	return io.ReadAll(resp.Body)
}

func (a *API) LoopClosesEachIteration(urls []string) error {
	for _, u := range urls {
		resp, err := a.client.Get(u)
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func (a *API) RetryClosesBeforeContinue(req *http.Request) error {
	for i := 0; i < 3; i++ {
		resp, err := a.client.Do(req)
		if err != nil {
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable {
			continue
		}
		return nil
	}
	return errors.New("gave up")
}

func (a *API) BodyAlias(url string) error {
	resp, err := a.client.Get(url)
	if err != nil {
		return err
	}
	body := resp.Body
	defer body.Close()
	_, err = io.ReadAll(body)
	return err
}

func (a *API) PlainWrapper(req *http.Request) error {
	resp, err := bodyhelpers.PlainDo(a.client, req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func (a *API) ResponseWithErrorHandled(req *http.Request) error {
	resp, err := bodyhelpers.CheckedDo(a.client, req)
	if resp != nil {
		defer bodyhelpers.DrainClose(resp.Body)
	}
	return err
}

func (a *API) HeadDiscarded(url string) error {
	_, err := a.client.Head(url)
	return err
}

func (a *API) FatalOnError(url string) {
	resp, err := a.client.Get(url)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
}

func (a *API) StatusAfterErrCheckCombined(url string) error {
	resp, err := a.client.Get(url)
	if err != nil || resp == nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func (a *API) Wrapped(req *http.Request) *wrapped {
	resp, err := a.client.Do(req)
	if err != nil {
		return nil
	}
	return &wrapped{resp: resp}
}

type wrapped struct{ resp *http.Response }

func NamedResult(c *http.Client, url string) (resp *http.Response, err error) {
	resp, err = c.Get(url)
	return
}

func (a *API) HelperReturnsClosedResponse(url string) (int, []byte) {
	resp, body := bodyhelpers.GetBody(a.client, url)
	_, _ = bodyhelpers.GetBody(a.client, url)
	return resp.StatusCode, body
}

func (a *API) ExpectsFailure(url string) error {
	_, err := a.client.Get(url)
	if err == nil {
		return errors.New("expected an error")
	}
	return nil
}

func (a *API) RetryUntilSuccessDeferOnce(req *http.Request) ([]byte, error) {
	for {
		resp, err := a.client.Do(req)
		if err != nil {
			continue
		}
		defer resp.Body.Close()
		return io.ReadAll(resp.Body)
	}
}

func (a *API) TaglessSwitch(url string) error {
	resp, err := a.client.Get(url)
	switch {
	case err != nil:
		return err
	case resp.StatusCode != http.StatusOK:
		bodyhelpers.DrainClose(resp.Body)
		return errors.New(resp.Status)
	}
	defer bodyhelpers.DrainClose(resp.Body)
	return nil
}

func (a *API) NilBodyGuard(url string) {
	resp, err := a.client.Get(url)
	if err != nil {
		return
	}
	if resp.Body != nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func (a *API) CleanupClosure(url string, cleanup func(func())) error {
	resp, err := a.client.Get(url)
	if err != nil {
		return err
	}
	cleanup(func() { resp.Body.Close() })
	return nil
}

func (a *API) ErrorWrappedStillNil(url string) error {
	resp, err := a.client.Get(url)
	if err != nil {
		return fmt.Errorf("get %s: %w", url, err)
	}
	defer closeQuietly(resp.Body)
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func closeQuietly(c io.Closer) { _ = c.Close() }

func (a *API) SwitchLeak(url string) error {
	resp, err := a.client.Get(url) // want `resp\.Body is not closed on the path that returns`
	switch {
	case err != nil:
		return err
	case resp.StatusCode == http.StatusNotFound:
		return errors.New("not found")
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func (a *API) InterfaceDiscarded(req *http.Request) error {
	_, err := a.doer.Do(req) // want `the response of a\.(client|doer)\.Do is assigned to _`
	return err
}

func (a *API) RetryRebuildsRequest(ctx context.Context, url string) error {
	for attempt := 0; attempt < 3; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := a.client.Do(req) // want `resp\.Body is still open when the loop goes round again`
		if err != nil {
			return err
		}
		if resp.StatusCode == http.StatusTooManyRequests {
			continue
		}
		io.Copy(io.Discard, resp.Body)
		return resp.Body.Close()
	}
	return errors.New("rate limited")
}
