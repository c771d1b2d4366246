package github

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	gh "github.com/google/go-github/v62/github"
)

// Config says how to reach GitHub.
type Config struct {
	// APIURL is GITHUB_API_URL: https://api.github.com, or
	// https://HOST/api/v3 on GitHub Enterprise Server.
	APIURL string
	Token  string
	// Transport is the HTTP transport (nil: http.DefaultTransport).
	Transport http.RoundTripper
	// Sleep waits before a retry (nil: time.Sleep); tests make it instant.
	Sleep func(time.Duration)
}

// Client is a go-github client with one retry on 5xx and secondary rate
// limits, and a count of the requests it sent.
type Client struct {
	gh    *gh.Client
	token string
	calls int
}

// NewClient builds a client for cfg.APIURL.
func NewClient(cfg Config) (*Client, error) {
	if cfg.Token == "" {
		return nil, fmt.Errorf("no GitHub token: set the github-token input, or GITHUB_TOKEN")
	}
	base, err := apiBaseURL(cfg.APIURL)
	if err != nil {
		return nil, err
	}
	next := cfg.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	sleep := cfg.Sleep
	if sleep == nil {
		sleep = time.Sleep
	}
	c := &Client{token: cfg.Token}
	httpClient := &http.Client{
		Transport: &retryTransport{next: next, sleep: sleep, calls: &c.calls},
		Timeout:   60 * time.Second,
	}
	c.gh = gh.NewClient(httpClient).WithAuthToken(cfg.Token)
	c.gh.BaseURL = base
	c.gh.UserAgent = "pgreview"
	return c, nil
}

// Calls is the number of HTTP requests sent so far, retries included.
func (c *Client) Calls() int { return c.calls }

// apiBaseURL takes GITHUB_API_URL as it is: GitHub sets it to the API root
// on github.com and on Enterprise Server alike.
func apiBaseURL(s string) (*url.URL, error) {
	if s == "" {
		s = DefaultAPIURL
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("GITHUB_API_URL %q is not a URL (want e.g. https://api.github.com or https://HOST/api/v3)", s)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u, nil
}
