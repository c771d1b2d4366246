package repo

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/template"
	"gopkg.in/yaml.v3"
)

// ComposeFile is a parsed Docker Compose file. Values keep their raw text
// and line; Interpolate resolves ${VAR} the way Compose does, from the
// .env file next to the compose file.
type ComposeFile struct {
	Path     string
	Services []*Service
	// Volumes are the top-level named volumes.
	Volumes []string
	// Override is true for docker-compose.override.yml and friends.
	Override bool

	dotenv map[string]string
}

// Value is a scalar as written, with its line.
type Value struct {
	Raw  string
	Line int
}

// Service is one compose service.
type Service struct {
	File        string
	Name        string
	Line        int
	Image       Value
	Build       *Build
	Environment []EnvVar
	EnvFiles    []Value
	Ports       []Port
	Volumes     []Mount
	// Command is the command split into words; CommandLine its line.
	Command     []string
	CommandLine int
	Healthcheck *Healthcheck
	DependsOn   []DependsOn
	Networks    []string
	NetworkMode string
	Profiles    []string
	// Resource settings (mem_limit, deploy.resources.limits, shm_size).
	MemLimit Value
	CPUs     Value
	ShmSize  Value
	Restart  Value
	Node     *yaml.Node

	compose *ComposeFile
}

// Build is a service's build section.
type Build struct {
	Context    string
	Dockerfile string
	Line       int
}

// Port is one published port.
type Port struct {
	Raw       string
	HostIP    string
	Published string
	Target    string
	Line      int
}

// Mount is one volume or bind mount.
type Mount struct {
	Type   string // volume, bind, tmpfs
	Source string
	Target string
	Line   int
}

// Healthcheck is a service's healthcheck.
type Healthcheck struct {
	Test     []string
	Disabled bool
	Line     int
}

// DependsOn is one dependency of a service.
type DependsOn struct {
	Service   string
	Condition string // "" for the short form (service_started)
	Line      int
}

// Compose parses every compose file once, in a stable order: base files
// before their overrides.
func (r *Repo) Compose() []*ComposeFile {
	return cached(r, "compose", func() []*ComposeFile {
		out := parseFiles(r, KindCompose, func(f *File, b []byte) (*ComposeFile, bool) {
			root, err := parseYAML(b)
			if err != nil {
				r.Warn(f.Path, yamlErrLine(err), "invalid YAML, compose file skipped: %v", trimYAMLErr(err))
				return nil, false
			}
			cf := &ComposeFile{Path: f.Path, Override: strings.Contains(path.Base(f.Path), "override"), dotenv: r.dotenvFor(f.Path)}
			if root != nil && root.Kind == yaml.MappingNode {
				cf.parse(root)
			}
			return cf, true
		})
		sort.SliceStable(out, func(i, j int) bool { return !out[i].Override && out[j].Override })
		return out
	})
}

// dotenvFor reads the .env next to a compose file, which Compose uses
// for interpolation.
func (r *Repo) dotenvFor(composePath string) map[string]string {
	vars := map[string]string{}
	want := path.Join(path.Dir(composePath), ".env")
	for _, ef := range r.EnvFiles() {
		if ef.Path == want {
			for _, v := range ef.Vars {
				vars[v.Key] = v.Raw
			}
		}
	}
	return vars
}

func (cf *ComposeFile) parse(root *yaml.Node) {
	if vols := mapGet(root, "volumes"); vols != nil && vols.Kind == yaml.MappingNode {
		for i := 0; i < len(vols.Content); i += 2 {
			cf.Volumes = append(cf.Volumes, vols.Content[i].Value)
		}
	}
	services := mapGet(root, "services")
	if services == nil || services.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(services.Content); i += 2 {
		k, v := services.Content[i], services.Content[i+1]
		if v.Kind != yaml.MappingNode {
			continue
		}
		s := &Service{File: cf.Path, Name: k.Value, Line: k.Line, Node: v, compose: cf}
		s.parse(v)
		cf.Services = append(cf.Services, s)
	}
}

func valueOf(n *yaml.Node) Value {
	if n == nil {
		return Value{}
	}
	return Value{Raw: scalar(n), Line: n.Line}
}

func (s *Service) parse(n *yaml.Node) {
	s.Image = valueOf(mapGet(n, "image"))
	if b := mapGet(n, "build"); b != nil {
		s.Build = &Build{Line: mapKey(n, "build").Line, Dockerfile: "Dockerfile"}
		if b.Kind == yaml.ScalarNode {
			s.Build.Context = b.Value
		} else {
			s.Build.Context = scalar(mapGet(b, "context"))
			if d := scalar(mapGet(b, "dockerfile")); d != "" {
				s.Build.Dockerfile = d
			}
		}
		if s.Build.Context == "" {
			s.Build.Context = "."
		}
	}
	s.Environment = parseEnvironment(mapGet(n, "environment"))
	if ef := mapGet(n, "env_file"); ef != nil {
		for _, item := range seqOrScalar(ef) {
			if item.Kind == yaml.MappingNode {
				item = mapGet(item, "path")
			}
			s.EnvFiles = append(s.EnvFiles, valueOf(item))
		}
	}
	for _, p := range seqOrScalar(mapGet(n, "ports")) {
		s.Ports = append(s.Ports, parsePort(p))
	}
	for _, v := range seqOrScalar(mapGet(n, "volumes")) {
		s.Volumes = append(s.Volumes, parseMount(v))
	}
	// tmpfs: [/var/lib/postgresql/data] is a mount too.
	for _, v := range seqOrScalar(mapGet(n, "tmpfs")) {
		target, _, _ := strings.Cut(v.Value, ":")
		s.Volumes = append(s.Volumes, Mount{Type: "tmpfs", Target: target, Line: v.Line})
	}
	if c := mapGet(n, "command"); c != nil {
		s.CommandLine = c.Line
		if c.Kind == yaml.SequenceNode {
			for _, w := range c.Content {
				s.Command = append(s.Command, w.Value)
			}
		} else {
			s.Command = splitWords(c.Value)
		}
	}
	if h := mapGet(n, "healthcheck"); h != nil {
		hc := &Healthcheck{Line: mapKey(n, "healthcheck").Line}
		if t := mapGet(h, "test"); t != nil {
			if t.Kind == yaml.SequenceNode {
				for _, w := range t.Content {
					hc.Test = append(hc.Test, w.Value)
				}
			} else {
				hc.Test = []string{"CMD-SHELL", t.Value}
			}
		}
		hc.Disabled = scalar(mapGet(h, "disable")) == "true" || len(hc.Test) > 0 && hc.Test[0] == "NONE"
		s.Healthcheck = hc
	}
	if d := mapGet(n, "depends_on"); d != nil {
		if d.Kind == yaml.SequenceNode {
			for _, item := range d.Content {
				s.DependsOn = append(s.DependsOn, DependsOn{Service: item.Value, Line: item.Line})
			}
		} else if d.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(d.Content); i += 2 {
				s.DependsOn = append(s.DependsOn, DependsOn{
					Service: d.Content[i].Value, Line: d.Content[i].Line,
					Condition: scalar(mapGet(d.Content[i+1], "condition")),
				})
			}
		}
	}
	if nets := mapGet(n, "networks"); nets != nil {
		if nets.Kind == yaml.SequenceNode {
			for _, item := range nets.Content {
				s.Networks = append(s.Networks, item.Value)
			}
		} else if nets.Kind == yaml.MappingNode {
			for i := 0; i < len(nets.Content); i += 2 {
				s.Networks = append(s.Networks, nets.Content[i].Value)
			}
		}
	}
	s.NetworkMode = scalar(mapGet(n, "network_mode"))
	for _, p := range seqOrScalar(mapGet(n, "profiles")) {
		s.Profiles = append(s.Profiles, p.Value)
	}
	s.MemLimit = valueOf(mapGet(n, "mem_limit"))
	s.CPUs = valueOf(mapGet(n, "cpus"))
	if limits := mapGet(mapGet(mapGet(n, "deploy"), "resources"), "limits"); limits != nil {
		if s.MemLimit.Raw == "" {
			s.MemLimit = valueOf(mapGet(limits, "memory"))
		}
		if s.CPUs.Raw == "" {
			s.CPUs = valueOf(mapGet(limits, "cpus"))
		}
	}
	s.ShmSize = valueOf(mapGet(n, "shm_size"))
	s.Restart = valueOf(mapGet(n, "restart"))
}

func seqOrScalar(n *yaml.Node) []*yaml.Node {
	switch {
	case n == nil:
		return nil
	case n.Kind == yaml.SequenceNode:
		return n.Content
	}
	return []*yaml.Node{n}
}

// parseEnvironment reads both forms: a mapping, or a list of KEY=VALUE.
func parseEnvironment(n *yaml.Node) []EnvVar {
	var out []EnvVar
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			out = append(out, EnvVar{Key: n.Content[i].Value, Raw: scalar(n.Content[i+1]), Line: n.Content[i].Line})
		}
	case yaml.SequenceNode:
		for _, item := range n.Content {
			k, v, _ := strings.Cut(item.Value, "=")
			out = append(out, EnvVar{Key: k, Raw: v, Line: item.Line})
		}
	}
	return out
}

func parsePort(n *yaml.Node) Port {
	p := Port{Line: n.Line}
	if n.Kind == yaml.MappingNode {
		p.Target = scalar(mapGet(n, "target"))
		p.Published = scalar(mapGet(n, "published"))
		p.HostIP = scalar(mapGet(n, "host_ip"))
		p.Raw = fmt.Sprintf("%s:%s", p.Published, p.Target)
		return p
	}
	p.Raw = n.Value
	spec, _, _ := strings.Cut(n.Value, "/") // drop /tcp
	// IPv6 host addresses are bracketed: [::1]:5432:5432.
	if strings.HasPrefix(spec, "[") {
		if end := strings.Index(spec, "]"); end > 0 {
			p.HostIP = spec[1:end]
			spec = strings.TrimPrefix(spec[end+1:], ":")
		}
	}
	parts := strings.Split(spec, ":")
	switch len(parts) {
	case 1:
		p.Target = parts[0]
	case 2:
		p.Published, p.Target = parts[0], parts[1]
	default:
		p.HostIP, p.Published, p.Target = strings.Join(parts[:len(parts)-2], ":"), parts[len(parts)-2], parts[len(parts)-1]
	}
	return p
}

func parseMount(n *yaml.Node) Mount {
	m := Mount{Line: n.Line}
	if n.Kind == yaml.MappingNode {
		m.Type = scalar(mapGet(n, "type"))
		m.Source = scalar(mapGet(n, "source"))
		m.Target = scalar(mapGet(n, "target"))
		return m
	}
	parts := strings.Split(n.Value, ":")
	switch len(parts) {
	case 1:
		m.Type, m.Target = "volume", parts[0] // anonymous volume
	default:
		m.Source, m.Target = parts[0], parts[1]
		m.Type = "volume"
		if strings.HasPrefix(m.Source, ".") || strings.HasPrefix(m.Source, "/") || strings.HasPrefix(m.Source, "~") || strings.HasPrefix(m.Source, "$") {
			m.Type = "bind"
		}
	}
	return m
}

// splitWords splits a shell-ish command string on spaces, honouring
// simple quotes.
func splitWords(s string) []string {
	var out []string
	var cur strings.Builder
	var quote rune
	inWord := false
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out
}

// Interpolate resolves ${VAR}, ${VAR:-default}, ${VAR:?err} and friends
// as Compose does, from the .env file next to the compose file. ok is
// false when a required variable is missing (the value is a placeholder
// for something supplied at run time).
func (cf *ComposeFile) Interpolate(raw string) (value string, ok bool) {
	v, err := template.SubstituteWithOptions(raw, func(name string) (string, bool) {
		val, found := cf.dotenv[name]
		return val, found
	}, template.WithoutLogging)
	if err != nil {
		return "", false
	}
	return v, true
}

// Interpolate resolves a value of this service (see ComposeFile.Interpolate).
func (s *Service) Interpolate(raw string) (string, bool) { return s.compose.Interpolate(raw) }

// Env returns the service's environment variable key.
func (s *Service) Env(key string) (EnvVar, bool) {
	for _, e := range s.Environment {
		if e.Key == key {
			return e, true
		}
	}
	return EnvVar{}, false
}

// EnvValue returns key's interpolated value ("" when unset or required).
func (s *Service) EnvValue(key string) string {
	e, ok := s.Env(key)
	if !ok {
		return ""
	}
	v, _ := s.Interpolate(e.Raw)
	return v
}

var postgresImage = regexp.MustCompile(`(?i)(^|/)(postgres|postgresql|postgis|timescaledb(-ha)?|pgvector|citus|supabase/postgres|cloudnative-pg/postgresql|bitnami/postgresql)(:|@|$)`)

// IsPostgresImage reports whether an image reference is a Postgres server.
func IsPostgresImage(ref string) bool {
	return postgresImage.MatchString(ref) || strings.Contains(strings.ToLower(ref), "postgres")
}

// ImageRef is the service's image with variables interpolated.
func (s *Service) ImageRef() string {
	v, _ := s.Interpolate(s.Image.Raw)
	return v
}

// ServerSettings reads `-c key=value` (and `--key=value`) flags from a
// postgres command line.
func (s *Service) ServerSettings() map[string]string {
	out := map[string]string{}
	words := s.Command
	for i := 0; i < len(words); i++ {
		w := words[i]
		var kv string
		switch {
		case w == "-c" && i+1 < len(words):
			kv = words[i+1]
			i++
		case strings.HasPrefix(w, "-c") && len(w) > 2:
			kv = w[2:]
		case strings.HasPrefix(w, "--") && strings.Contains(w, "="):
			kv = strings.TrimPrefix(w, "--")
		default:
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if ok {
			if iv, ok := s.Interpolate(v); ok {
				v = iv
			}
			out[strings.ReplaceAll(strings.TrimSpace(k), "-", "_")] = strings.Trim(v, `"'`)
		}
	}
	return out
}

// MajorOfImage reads a Postgres major version from an image tag:
// postgres:15-alpine -> 15, postgis/postgis:16-3.4 -> 16. 0 if unknown.
func MajorOfImage(ref string) int {
	_, tag, ok := strings.Cut(lastSegment(ref), ":")
	if !ok {
		return 0
	}
	tag, _, _ = strings.Cut(tag, "@")
	digits := strings.TrimLeft(tag, "v")
	end := 0
	for end < len(digits) && digits[end] >= '0' && digits[end] <= '9' {
		end++
	}
	n, err := strconv.Atoi(digits[:end])
	if err != nil || n < 7 || n > 40 {
		return 0
	}
	return n
}

func lastSegment(ref string) string {
	if i := strings.LastIndex(ref, "/"); i >= 0 {
		return ref[i+1:]
	}
	return ref
}

func yamlErrLine(err error) int {
	var line int
	if _, e := fmt.Sscanf(strings.TrimPrefix(err.Error(), "yaml: "), "line %d:", &line); e == nil {
		return line
	}
	return 0
}

func trimYAMLErr(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "line ") {
		msg = msg[i+2:]
	}
	return msg
}
