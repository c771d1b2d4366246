package repo

import (
	"path"
	"strings"

	"github.com/joho/godotenv"
)

// EnvFile is a parsed .env file.
type EnvFile struct {
	Path string
	Vars []EnvVar
	// Example is true for templates (.env.example, .env.sample,
	// .env.template, .env.dist): they document variables, not secrets.
	Example bool
}

// EnvVar is one variable of an .env file or a compose environment.
type EnvVar struct {
	Key string
	// Raw is the value as written, before interpolation.
	Raw  string
	Line int
}

// Lookup returns the raw value of key.
func (e *EnvFile) Lookup(key string) (string, bool) {
	for _, v := range e.Vars {
		if v.Key == key {
			return v.Raw, true
		}
	}
	return "", false
}

// IsExampleEnv reports whether an env file name is a template.
func IsExampleEnv(p string) bool {
	b := strings.ToLower(path.Base(p))
	for _, s := range []string{"example", "sample", "template", "dist", "tmpl", "defaults"} {
		if strings.Contains(b, s) {
			return true
		}
	}
	return false
}

// IsTestEnv reports whether an env file name holds test settings:
// .env.test, .env.testing, .env.ci, .env.e2e.
func IsTestEnv(p string) bool {
	b := strings.ToLower(path.Base(p))
	for _, s := range []string{".test", ".testing", ".ci", ".e2e"} {
		if strings.HasSuffix(b, s) || strings.Contains(b, s+".") {
			return true
		}
	}
	return false
}

// EnvFiles parses every .env-style file once.
func (r *Repo) EnvFiles() []*EnvFile {
	return cached(r, "env", func() []*EnvFile {
		return parseFiles(r, KindEnv, func(f *File, b []byte) (*EnvFile, bool) {
			vals, err := godotenv.UnmarshalBytes(b)
			if err != nil {
				r.Warn(f.Path, 0, "not a valid .env file: %v", err)
				return nil, false
			}
			ef := &EnvFile{Path: f.Path, Example: IsExampleEnv(f.Path)}
			for i, line := range strings.Split(string(b), "\n") {
				t := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "export "))
				if t == "" || strings.HasPrefix(t, "#") {
					continue
				}
				k, _, ok := strings.Cut(t, "=")
				if !ok {
					k, _, ok = strings.Cut(t, ":")
				}
				k = strings.TrimSpace(k)
				if v, found := vals[k]; ok && found {
					ef.Vars = append(ef.Vars, EnvVar{Key: k, Raw: v, Line: i + 1})
				}
			}
			return ef, true
		})
	})
}
