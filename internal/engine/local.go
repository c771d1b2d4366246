package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Local runs a throwaway cluster from the PostgreSQL server binaries found
// on PATH or under /usr/lib/postgresql/*/bin: initdb into a temporary
// directory, a free loopback port, the fast settings, and everything
// removed on Stop. As root it runs the server as an unprivileged user,
// because Postgres refuses to run as root.
type Local struct {
	// BinDirs overrides where server binaries are looked for (tests).
	BinDirs []string
}

func (Local) Kind() Kind { return KindLocal }

// FindServerBinaries returns the directory holding initdb and postgres,
// preferring the requested major version, else the newest found.
func FindServerBinaries(major int, extra ...string) (string, error) {
	var candidates []string
	candidates = append(candidates, extra...)
	if p, err := exec.LookPath("initdb"); err == nil {
		candidates = append(candidates, filepath.Dir(p))
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOfDir(dirs[i]) > versionOfDir(dirs[j]) })
	candidates = append(candidates, dirs...)
	var usable []string
	for _, d := range candidates {
		if isExecutable(filepath.Join(d, "initdb")) && isExecutable(filepath.Join(d, "postgres")) {
			usable = append(usable, d)
		}
	}
	if len(usable) == 0 {
		return "", errors.New("no PostgreSQL server binaries (initdb, postgres) on PATH or under /usr/lib/postgresql/*/bin; install them (apt-get install postgresql) or use engine: testcontainers")
	}
	for _, d := range usable {
		if major != 0 && versionOfDir(d) == major {
			return d, nil
		}
	}
	return usable[0], nil
}

func versionOfDir(d string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(d)))
	return n
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode()&0o111 != 0
}

// Start implements Engine.
func (l Local) Start(ctx context.Context, opts Options) (pg *Postgres, err error) {
	bin, err := FindServerBinaries(opts.Major, l.BinDirs...)
	if err != nil {
		return nil, err
	}
	cred, err := serverCredential()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(tempRoot(cred), "pgreview-pg-")
	if err != nil {
		return nil, err
	}
	cleanupDir := func() { os.RemoveAll(dir) }
	defer func() {
		if err != nil {
			cleanupDir()
		}
	}()
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return nil, fmt.Errorf("hand %s to the server user: %w", dir, err)
		}
	}
	data := filepath.Join(dir, "data")
	superuser := opts.user()
	opts.logf("engine local: initdb with %s", bin)
	initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"),
		"-D", data, "-U", superuser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true}
	initdb.Dir = dir
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb failed: %v\n%s", err, tail(out, 10))
	}

	port, err := freePort()
	if err != nil {
		return nil, err
	}
	settings := map[string]string{}
	for k, v := range opts.Settings {
		settings[k] = v
	}
	for k, v := range FastSettings {
		settings[k] = v
	}
	args := []string{"-D", data, "-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + dir}
	for _, k := range sortedKeys(settings) {
		args = append(args, "-c", k+"="+settings[k])
	}
	var logBuf lockedBuffer
	server := exec.Command(filepath.Join(bin, "postgres"), args...)
	server.Stdout, server.Stderr = &logBuf, &logBuf
	server.Dir = dir
	// Own process group, so a terminal's Ctrl-C reaches us first and we stop
	// the server in order; Pdeathsig stops it if we are killed outright.
	server.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true, Pdeathsig: syscall.SIGKILL}
	opts.logf("engine local: starting postgres on 127.0.0.1:%d", port)
	if err := server.Start(); err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- server.Wait() }()
	stopServer := func() error {
		server.Process.Signal(syscall.SIGINT) // fast shutdown
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			server.Process.Kill()
			<-exited
		}
		cleanupDir()
		return nil
	}
	defer func() {
		if err != nil {
			stopServer()
		}
	}()

	adminURL := fmt.Sprintf("postgres://%s@127.0.0.1:%d/postgres?sslmode=disable", superuser, port)
	alive := func() error {
		select {
		case e := <-exited:
			exited <- e
			return fmt.Errorf("postgres exited during start-up (%v):\n%s", e, tail(logBuf.Bytes(), 15))
		default:
			return nil
		}
	}
	if err := waitReady(ctx, adminURL, 30*time.Second, alive); err != nil {
		return nil, fmt.Errorf("%w\nserver log:\n%s", err, tail(logBuf.Bytes(), 15))
	}
	db := opts.database()
	if err := createDatabase(ctx, adminURL, db, ""); err != nil {
		return nil, fmt.Errorf("create database %s: %w", db, err)
	}
	pg = &Postgres{
		Kind:     KindLocal,
		URL:      withDatabase(adminURL, db),
		Database: db,
		Settings: settings,
		adminURL: adminURL,
		dir:      dir,
		stop:     func(context.Context) error { return stopServer() },
	}
	if err := describeServer(ctx, pg); err != nil {
		return nil, err
	}
	return pg, nil
}

// serverCredential returns the unprivileged user to run the server as when
// we are root ("postgres" if it exists, else "nobody"), or nil otherwise.
func serverCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("running as root, and neither a postgres nor a nobody user exists to run the server as; create one (useradd postgres)")
}

// tempRoot is where the cluster's directory goes. The unprivileged server
// user must be able to reach it, which a private TMPDIR (0700, as test
// harnesses make) does not allow; /tmp always does.
func tempRoot(cred *syscall.Credential) string {
	root := os.TempDir()
	if cred == nil {
		return root
	}
	for d := root; ; d = filepath.Dir(d) {
		st, err := os.Stat(d)
		if err != nil || st.Mode().Perm()&0o001 == 0 {
			return "/tmp"
		}
		if d == filepath.Dir(d) {
			return root
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func tail(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]byte(nil), b.buf.Bytes()...)
}
