package github

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxRetryWait is the longest Retry-After we wait out; past it the error
// is reported instead of holding the job.
const maxRetryWait = 60 * time.Second

// retryTransport retries a request once when GitHub answers 5xx or a
// secondary rate limit, after a backoff. Primary rate limits are not
// retried: their reset can be an hour away.
type retryTransport struct {
	next  http.RoundTripper
	sleep func(time.Duration)
	// calls counts requests sent, retries included.
	calls *int
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.send(req)
	if err != nil {
		return nil, err
	}
	wait, retry := shouldRetry(resp)
	if !retry {
		return resp, nil
	}
	if req.Body != nil {
		if req.GetBody == nil {
			return resp, nil
		}
		body, err := req.GetBody()
		if err != nil {
			return resp, nil
		}
		req = req.Clone(req.Context())
		req.Body = body
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	t.sleep(wait)
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	return t.send(req)
}

func (t *retryTransport) send(req *http.Request) (*http.Response, error) {
	if t.calls != nil {
		*t.calls++
	}
	return t.next.RoundTrip(req)
}

// shouldRetry says whether resp is worth one more try, and after how long.
func shouldRetry(resp *http.Response) (time.Duration, bool) {
	switch {
	case resp.StatusCode >= 500:
		return 2 * time.Second, true
	case resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusTooManyRequests:
		if resp.Header.Get("X-RateLimit-Remaining") == "0" {
			return 0, false // primary rate limit
		}
		wait, hinted := retryAfter(resp.Header)
		if !hinted && !mentionsSecondaryLimit(resp) {
			return 0, false // a plain 403: permissions
		}
		if wait > maxRetryWait {
			return 0, false
		}
		return wait, true
	}
	return 0, false
}

func retryAfter(h http.Header) (time.Duration, bool) {
	v := h.Get("Retry-After")
	if v == "" {
		return 5 * time.Second, false
	}
	secs, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || secs < 0 {
		return 5 * time.Second, true
	}
	return time.Duration(secs) * time.Second, true
}

// mentionsSecondaryLimit peeks at the body and puts it back for go-github.
func mentionsSecondaryLimit(resp *http.Response) bool {
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		return false
	}
	s := strings.ToLower(string(b))
	return strings.Contains(s, "secondary rate limit") || strings.Contains(s, "abuse")
}
