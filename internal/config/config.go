// Package config reads .pgreview.yml. Unknown keys and bad values are
// errors that name the key and its line, so a typo never silently turns a
// check off or on.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// DefaultFile is looked up at the repository root.
const DefaultFile = ".pgreview.yml"

// Config is the content of .pgreview.yml.
type Config struct {
	Version    int                  `yaml:"version"`
	Checks     Checks               `yaml:"checks"`
	Settings   map[string]yaml.Node `yaml:"settings"`
	Exclusions []Exclusion          `yaml:"exclusions"`
	Engine     Engine               `yaml:"engine"`
	Migrations Migrations           `yaml:"migrations"`

	// File is where the config was read from ("" for the defaults).
	File  string `yaml:"-"`
	lines map[string]int
}

// Checks selects and tunes checks. Selectors are check names
// ("fk-without-index"), item IDs ("5.2") or areas ("7" or "docker").
type Checks struct {
	Enable   []string          `yaml:"enable"`
	Disable  []string          `yaml:"disable"`
	Severity map[string]string `yaml:"severity"`
}

// Exclusion silences findings; a reason is required.
type Exclusion struct {
	Checks  []string `yaml:"checks"`
	Paths   []string `yaml:"paths"`
	Objects []string `yaml:"objects"`
	Reason  string   `yaml:"reason"`
}

// Engine configures the Postgres a review runs against.
type Engine struct {
	Kind        string        `yaml:"kind"`
	Image       string        `yaml:"image"`
	Version     int           `yaml:"version"`
	DatabaseURL string        `yaml:"database-url"`
	Timeout     time.Duration `yaml:"timeout"`
}

// Migrations configures how the history is found and applied.
type Migrations struct {
	Tool    string `yaml:"tool"`
	Dir     string `yaml:"dir"`
	Command string `yaml:"command"`
	// Placeholders are Flyway ${placeholders}.
	Placeholders map[string]string `yaml:"placeholders"`
}

// Error is a config problem at a line.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// Default is the configuration used when there is no file.
func Default() *Config { return &Config{Version: 1, lines: map[string]int{}} }

// Load reads a config file. A missing file is an error; callers decide
// whether the default location may be absent.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, b)
}

// Parse reads config from b; name is used in messages.
func Parse(name string, b []byte) (*Config, error) {
	cfg := Default()
	cfg.File = name
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, errEOF(err)) {
			return nil, &Error{File: name, Msg: "empty file; it needs at least `version: 1`"}
		}
		return nil, &Error{File: name, Line: yamlErrorLine(err), Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if len(doc.Content) == 0 {
		return nil, &Error{File: name, Msg: "empty file; it needs at least `version: 1`"}
	}
	root := doc.Content[0]
	if err := checkKeys(root, reflect.TypeOf(Config{}), "", cfg.lines); err != nil {
		err.File = name
		return nil, err
	}
	if err := root.Decode(cfg); err != nil {
		return nil, &Error{File: name, Line: yamlErrorLine(err), Msg: cleanDecodeError(err)}
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

func errEOF(err error) error {
	if err != nil && err.Error() == "EOF" {
		return err
	}
	return errors.New("not EOF")
}

var lineRe = regexp.MustCompile(`line (\d+)`)

func yamlErrorLine(err error) int {
	if m := lineRe.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

func cleanDecodeError(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: unmarshal errors:\n")
	msg = lineRe.ReplaceAllString(msg, "")
	msg = strings.TrimLeft(strings.TrimSpace(msg), ": ")
	msg = strings.ReplaceAll(msg, "time.Duration", "a duration like 10m")
	return msg
}

// checkKeys walks a mapping node against a struct type and rejects keys the
// struct does not declare. It records the line of every key it sees under
// its dotted path ("engine.image", "checks.disable[1]").
func checkKeys(n *yaml.Node, t reflect.Type, path string, lines map[string]int) *Error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if t == reflect.TypeOf(time.Duration(0)) {
			return nil
		}
		if n.Kind != yaml.MappingNode {
			if n.Tag == "!!null" {
				return nil
			}
			return &Error{Line: n.Line, Msg: fmt.Sprintf("%s must be a mapping", orTop(path))}
		}
		fields := map[string]reflect.StructField{}
		var names []string
		for i := 0; i < t.NumField(); i++ {
			tag := strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]
			if tag != "" && tag != "-" {
				fields[tag] = t.Field(i)
				names = append(names, tag)
			}
		}
		sort.Strings(names)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			f, ok := fields[k.Value]
			if !ok {
				return &Error{Line: k.Line, Msg: fmt.Sprintf("unknown key %q in %s (known keys: %s)", k.Value, orTop(path), strings.Join(names, ", "))}
			}
			p := join(path, k.Value)
			lines[p] = k.Line
			if err := checkKeys(v, f.Type, p, lines); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if n.Kind == yaml.SequenceNode {
			for i, item := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				lines[p] = item.Line
				if err := checkKeys(item, t.Elem(), p, lines); err != nil {
					return err
				}
			}
		}
	case reflect.Map:
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				p := join(path, n.Content[i].Value)
				lines[p] = n.Content[i].Line
				if t.Elem() != reflect.TypeOf(yaml.Node{}) {
					if err := checkKeys(n.Content[i+1], t.Elem(), p, lines); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func orTop(path string) string {
	if path == "" {
		return "the top level"
	}
	return "`" + path + "`"
}

// Line returns the line of the key at a dotted path, or 0.
func (c *Config) Line(path string) int { return c.lines[path] }

// Errorf builds an error located at the key path.
func (c *Config) Errorf(path, format string, args ...any) error {
	return &Error{File: c.File, Line: c.Line(path), Msg: fmt.Sprintf(format, args...)}
}
