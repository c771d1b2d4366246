package repo

import (
	"strings"

	"gopkg.in/ini.v1"
)

// INIFile is a parsed .ini-style file (alembic.ini, setup.cfg, tox.ini,
// pytest.ini), read as Python's configparser reads it: keys are case
// insensitive, indented lines continue a value, there are no inline
// comments.
type INIFile struct {
	Path     string
	Sections []*INISection
}

// INISection is one [section]; keys before any header are in "DEFAULT".
type INISection struct {
	Name string
	Line int
	Keys []INIKey
}

// INIKey is one key with its raw value (before %(interpolation)s).
type INIKey struct {
	Name  string // lower case
	Value string
	Line  int
}

// INIFiles parses every .ini file (and setup.cfg) once.
func (r *Repo) INIFiles() []*INIFile {
	return cached(r, "ini", func() []*INIFile {
		return parseFiles(r, KindINI, func(f *File, b []byte) (*INIFile, bool) {
			ini, err := ParseINI(f.Path, b)
			if err != nil {
				r.Warn(f.Path, 0, "not a valid INI file, skipped: %v", err)
				return nil, false
			}
			return ini, true
		})
	})
}

// ParseINI reads an INI file. Values come from ini.v1; line numbers from a
// scan of the same text, since ini.v1 does not keep them.
func ParseINI(path string, src []byte) (*INIFile, error) {
	cfg, err := ini.LoadSources(ini.LoadOptions{
		Loose:                      true,
		InsensitiveKeys:            true,
		IgnoreInlineComment:        true,
		AllowPythonMultilineValues: true,
		SkipUnrecognizableLines:    true,
		AllowBooleanKeys:           true,
		KeyValueDelimiters:         "=:",
	}, src)
	if err != nil {
		return nil, err
	}
	lines := iniLines(src)
	out := &INIFile{Path: path}
	for _, s := range cfg.Sections() {
		name := s.Name()
		sec := &INISection{Name: name, Line: lines[name+"\x00"]}
		for _, k := range s.Keys() {
			sec.Keys = append(sec.Keys, INIKey{Name: k.Name(), Value: k.Value(), Line: lines[name+"\x00"+k.Name()]})
		}
		if name == ini.DefaultSection && len(sec.Keys) == 0 {
			continue
		}
		out.Sections = append(out.Sections, sec)
	}
	return out, nil
}

// iniLines maps "section\x00" and "section\x00key" to their first line.
func iniLines(src []byte) map[string]int {
	out := map[string]int{}
	section := ini.DefaultSection
	for i, raw := range strings.Split(string(src), "\n") {
		line := strings.TrimRight(raw, "\r")
		t := strings.TrimSpace(line)
		if t == "" || t[0] == '#' || t[0] == ';' || line[0] == ' ' || line[0] == '\t' {
			continue
		}
		if t[0] == '[' {
			if end := strings.IndexByte(t, ']'); end > 0 {
				section = t[1:end]
				if _, ok := out[section+"\x00"]; !ok {
					out[section+"\x00"] = i + 1
				}
			}
			continue
		}
		end := strings.IndexAny(t, "=:")
		if end < 0 {
			end = len(t)
		}
		key := section + "\x00" + strings.ToLower(strings.TrimSpace(t[:end]))
		if _, ok := out[key]; !ok {
			out[key] = i + 1
		}
	}
	return out
}

// Section returns the named section, or nil.
func (f *INIFile) Section(name string) *INISection {
	for _, s := range f.Sections {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Get returns a key of a section.
func (f *INIFile) Get(section, key string) (INIKey, bool) {
	if s := f.Section(section); s != nil {
		for _, k := range s.Keys {
			if k.Name == strings.ToLower(key) {
				return k, true
			}
		}
	}
	return INIKey{}, false
}
