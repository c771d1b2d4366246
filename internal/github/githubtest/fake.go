// Package githubtest is a fake GitHub REST API for tests: an httptest
// server on loopback that checks every request it receives (method, path,
// token, body) and keeps PR comments in memory across runs.
package githubtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"
)

// MaxBody is GitHub's limit on a comment body, in characters.
const MaxBody = 65536

// Token is a credential the fake accepts.
type Token struct {
	Login string
	// Installation tokens (GITHUB_TOKEN, GitHub Apps) get 403 on GET /user.
	Installation bool
	// ReadOnly tokens get 403 on writes, as on pull requests from forks.
	ReadOnly bool
}

// Comment is a stored PR comment.
type Comment struct {
	ID     int64
	Repo   string // owner/name
	Issue  int
	Author string
	Body   string
}

// Fake is the fake API. Its zero value is not usable; call New.
type Fake struct {
	Server *httptest.Server
	// Prefix is the API root's path: "" for api.github.com, "/api/v3" for
	// GitHub Enterprise Server.
	Prefix string

	mu       sync.Mutex
	tokens   map[string]Token
	prs      map[string]string // "owner/name#n" -> head sha
	comments []*Comment
	nextID   int64
	calls    []string
	problems []string
	faults   []*fault
}

type fault struct {
	method string
	path   *regexp.Regexp
	status int
	header map[string]string
	body   string
	times  int
}

// New starts a fake on 127.0.0.1 serving under prefix ("" or "/api/v3").
func New(prefix string) *Fake {
	f := &Fake{Prefix: prefix, tokens: map[string]Token{}, prs: map[string]string{}, nextID: 1000}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// URL is the API root to put in GITHUB_API_URL.
func (f *Fake) URL() string { return f.Server.URL + f.Prefix }

func (f *Fake) Close() { f.Server.Close() }

// AddToken registers a credential.
func (f *Fake) AddToken(token string, t Token) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens[token] = t
}

// AddPR makes owner/name#n exist, with its head commit.
func (f *Fake) AddPR(repo string, n int, headSHA string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.prs[fmt.Sprintf("%s#%d", repo, n)] = headSHA
}

// RemovePR deletes a pull request: its comments answer 404 from now on.
func (f *Fake) RemovePR(repo string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.prs, fmt.Sprintf("%s#%d", repo, n))
}

// AddComment stores a comment as if author had posted it.
func (f *Fake) AddComment(repo string, issue int, author, body string) *Comment {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.add(repo, issue, author, body)
}

func (f *Fake) add(repo string, issue int, author, body string) *Comment {
	f.nextID++
	c := &Comment{ID: f.nextID, Repo: repo, Issue: issue, Author: author, Body: body}
	f.comments = append(f.comments, c)
	return c
}

// Comments returns copies of the comments on repo#issue, oldest first.
func (f *Fake) Comments(repo string, issue int) []Comment {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Comment
	for _, c := range f.comments {
		if c.Repo == repo && c.Issue == issue {
			out = append(out, *c)
		}
	}
	return out
}

// Edit changes a comment's body as a human would in the web UI (ticking a
// task-list box is such an edit).
func (f *Fake) Edit(id int64, edit func(string) string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.comments {
		if c.ID == id {
			c.Body = edit(c.Body)
			return true
		}
	}
	return false
}

// FailNext makes the next `times` requests matching method and the path
// pattern (after the prefix) answer status with headers and body: a JSON
// document when it starts with "{", else the error message.
func (f *Fake) FailNext(method, pathPattern string, status, times int, body string, header map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, &fault{method: method, path: regexp.MustCompile(pathPattern), status: status, header: header, body: body, times: times})
}

// Calls returns "METHOD /path?query" for every request since the last
// ResetCalls, and ResetCalls clears it.
func (f *Fake) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *Fake) ResetCalls() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = nil
}

// Problems lists every request the fake found wrong: unknown routes,
// missing or bad tokens, bad bodies, edits of someone else's comment.
func (f *Fake) Problems() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.problems...)
}

// ClearProblems forgets the problems found so far, for tests that send
// bad requests on purpose (an unknown token).
func (f *Fake) ClearProblems() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.problems = nil
}

func (f *Fake) problem(format string, args ...any) {
	f.problems = append(f.problems, fmt.Sprintf(format, args...))
}

var (
	reUser         = regexp.MustCompile(`^/user$`)
	reListComments = regexp.MustCompile(`^/repos/([^/]+/[^/]+)/issues/(\d+)/comments$`)
	reEditComment  = regexp.MustCompile(`^/repos/([^/]+/[^/]+)/issues/comments/(\d+)$`)
	rePull         = regexp.MustCompile(`^/repos/([^/]+/[^/]+)/pulls/(\d+)$`)
)

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	path, ok := strings.CutPrefix(r.URL.Path, f.Prefix)
	f.calls = append(f.calls, r.Method+" "+r.URL.RequestURI())
	if !ok {
		f.problem("%s %s: outside the API root %q (GITHUB_API_URL not honoured?)", r.Method, r.URL.Path, f.Prefix)
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	if r.Header.Get("Accept") == "" || !strings.Contains(r.Header.Get("Accept"), "application/vnd.github") {
		f.problem("%s %s: Accept header %q is not GitHub's media type", r.Method, path, r.Header.Get("Accept"))
	}
	for _, flt := range f.faults {
		if flt.times > 0 && flt.method == r.Method && flt.path.MatchString(path) {
			flt.times--
			for k, v := range flt.header {
				w.Header().Set(k, v)
			}
			if strings.HasPrefix(flt.body, "{") {
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.WriteHeader(flt.status)
				w.Write([]byte(flt.body))
			} else {
				writeError(w, flt.status, flt.body)
			}
			return
		}
	}
	auth := r.Header.Get("Authorization")
	token, ok := strings.CutPrefix(auth, "Bearer ")
	tok, known := f.tokens[token]
	if !ok || !known {
		f.problem("%s %s: Authorization header is not a known bearer token", r.Method, path)
		writeError(w, http.StatusUnauthorized, "Bad credentials")
		return
	}
	switch {
	case reUser.MatchString(path) && r.Method == http.MethodGet:
		if tok.Installation {
			writeError(w, http.StatusForbidden, "Resource not accessible by integration")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"login": tok.Login, "type": "User"})
	case reListComments.MatchString(path):
		m := reListComments.FindStringSubmatch(path)
		f.issueComments(w, r, tok, m[1], atoi(m[2]))
	case reEditComment.MatchString(path) && r.Method == http.MethodPatch:
		m := reEditComment.FindStringSubmatch(path)
		f.editComment(w, r, tok, m[1], int64(atoi(m[2])))
	case rePull.MatchString(path) && r.Method == http.MethodGet:
		m := rePull.FindStringSubmatch(path)
		sha, ok := f.prs[fmt.Sprintf("%s#%s", m[1], m[2])]
		if !ok {
			writeError(w, http.StatusNotFound, "Not Found")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"number": atoi(m[2]), "head": map[string]any{"sha": sha}})
	default:
		f.problem("%s %s: no such route in the fake GitHub", r.Method, path)
		writeError(w, http.StatusNotFound, "Not Found")
	}
}

func (f *Fake) issueComments(w http.ResponseWriter, r *http.Request, tok Token, repo string, issue int) {
	if _, ok := f.prs[fmt.Sprintf("%s#%d", repo, issue)]; !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	switch r.Method {
	case http.MethodGet:
		f.listComments(w, r, repo, issue)
	case http.MethodPost:
		body, ok := f.readBody(w, r, tok)
		if !ok {
			return
		}
		c := f.add(repo, issue, tok.Login, body)
		writeJSON(w, http.StatusCreated, f.commentJSON(c))
	default:
		f.problem("%s %s: method not allowed", r.Method, r.URL.Path)
		writeError(w, http.StatusMethodNotAllowed, "Method Not Allowed")
	}
}

func (f *Fake) listComments(w http.ResponseWriter, r *http.Request, repo string, issue int) {
	q := r.URL.Query()
	perPage, page := 30, 1
	if v := q.Get("per_page"); v != "" {
		perPage = atoi(v)
	}
	if v := q.Get("page"); v != "" {
		page = atoi(v)
	}
	if perPage < 1 || perPage > 100 || page < 1 {
		f.problem("GET %s: bad paging per_page=%q page=%q", r.URL.Path, q.Get("per_page"), q.Get("page"))
	}
	var all []*Comment
	for _, c := range f.comments {
		if c.Repo == repo && c.Issue == issue {
			all = append(all, c)
		}
	}
	start, end := (page-1)*perPage, page*perPage
	if start > len(all) {
		start = len(all)
	}
	if end > len(all) {
		end = len(all)
	}
	out := []any{}
	for _, c := range all[start:end] {
		out = append(out, f.commentJSON(c))
	}
	if end < len(all) {
		next := *r.URL
		q.Set("page", fmt.Sprint(page+1))
		next.RawQuery = q.Encode()
		w.Header().Set("Link", fmt.Sprintf(`<%s%s>; rel="next"`, f.Server.URL, next.RequestURI()))
	}
	writeJSON(w, http.StatusOK, out)
}

func (f *Fake) editComment(w http.ResponseWriter, r *http.Request, tok Token, repo string, id int64) {
	var c *Comment
	for _, x := range f.comments {
		if x.ID == id && x.Repo == repo {
			c = x
		}
	}
	if c == nil {
		f.problem("PATCH %s: no comment %d in %s", r.URL.Path, id, repo)
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	if _, ok := f.prs[fmt.Sprintf("%s#%d", repo, c.Issue)]; !ok {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	body, ok := f.readBody(w, r, tok)
	if !ok {
		return
	}
	if c.Author != tok.Login {
		f.problem("PATCH %s: edits %s's comment %d as %s", r.URL.Path, c.Author, id, tok.Login)
		writeError(w, http.StatusForbidden, "Must have admin rights to Repository.")
		return
	}
	c.Body = body
	writeJSON(w, http.StatusOK, f.commentJSON(c))
}

// readBody checks a comment write: JSON with exactly a non-empty "body"
// of at most MaxBody characters, by a token that may write.
func (f *Fake) readBody(w http.ResponseWriter, r *http.Request, tok Token) (string, bool) {
	if tok.ReadOnly {
		writeError(w, http.StatusForbidden, "Resource not accessible by integration")
		return "", false
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		f.problem("%s %s: Content-Type %q", r.Method, r.URL.Path, ct)
	}
	var in map[string]any
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		f.problem("%s %s: body is not JSON: %v", r.Method, r.URL.Path, err)
		writeError(w, http.StatusBadRequest, "Problems parsing JSON")
		return "", false
	}
	body, _ := in["body"].(string)
	if len(in) != 1 || body == "" {
		f.problem("%s %s: want exactly a non-empty \"body\", got keys %v", r.Method, r.URL.Path, keys(in))
		writeError(w, http.StatusUnprocessableEntity, "Validation Failed")
		return "", false
	}
	if n := utf8.RuneCountInString(body); n > MaxBody {
		f.problem("%s %s: body of %d characters is over GitHub's %d", r.Method, r.URL.Path, n, MaxBody)
		writeError(w, http.StatusUnprocessableEntity, "Body is too long (maximum is 65536 characters)")
		return "", false
	}
	return body, true
}

func (f *Fake) commentJSON(c *Comment) map[string]any {
	typ := "User"
	if strings.HasSuffix(c.Author, "[bot]") {
		typ = "Bot"
	}
	return map[string]any{
		"id": c.ID, "body": c.Body,
		"user":     map[string]any{"login": c.Author, "type": typ},
		"html_url": fmt.Sprintf("https://github.example/%s/pull/%d#issuecomment-%d", c.Repo, c.Issue, c.ID),
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]any{"message": message, "documentation_url": "https://docs.github.com/rest"})
}

func atoi(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
