package repo

import (
	"strings"
)

// Dockerfile is a parsed Dockerfile: its instructions with their lines,
// continuation lines joined, and its build stages.
type Dockerfile struct {
	Path         string
	Instructions []Instruction
	Stages       []*Stage
}

// Instruction is one Dockerfile instruction.
type Instruction struct {
	Cmd  string // upper case: FROM, ENV, RUN...
	Args string // the rest, continuation lines joined with a space
	Line int    // where the instruction starts
}

// Stage is a FROM and the instructions after it.
type Stage struct {
	// Image is the base image with ${ARG}s replaced by the defaults of the
	// ARGs declared before the first FROM.
	Image string
	// RawImage is the image as written.
	RawImage string
	Name     string // the AS name
	Line     int
	// Instructions of the stage, FROM excluded.
	Instructions []Instruction
}

// Dockerfiles parses every Dockerfile once.
func (r *Repo) Dockerfiles() []*Dockerfile {
	return cached(r, "dockerfiles", func() []*Dockerfile {
		return parseFiles(r, KindDockerfile, func(f *File, b []byte) (*Dockerfile, bool) {
			return ParseDockerfile(f.Path, b), true
		})
	})
}

// Dockerfile returns the parsed Dockerfile at path, or nil.
func (r *Repo) Dockerfile(path string) *Dockerfile {
	for _, d := range r.Dockerfiles() {
		if d.Path == path {
			return d
		}
	}
	return nil
}

// ParseDockerfile reads a Dockerfile. It never fails: lines that are not
// instructions are skipped. Heredocs (RUN <<EOF) are consumed as the
// instruction's argument.
func ParseDockerfile(path string, src []byte) *Dockerfile {
	d := &Dockerfile{Path: path}
	lines := strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")
	escape := byte('\\')
	directives := true
	var globalArgs = map[string]string{}
	var stage *Stage
	for i := 0; i < len(lines); i++ {
		trimmed := strings.TrimSpace(lines[i])
		if strings.HasPrefix(trimmed, "#") {
			// Parser directives come first: # escape=`
			if directives {
				k, v, ok := strings.Cut(strings.TrimSpace(trimmed[1:]), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "escape") && len(strings.TrimSpace(v)) == 1 {
					escape = strings.TrimSpace(v)[0]
				}
			}
			continue
		}
		if trimmed == "" {
			continue
		}
		directives = false
		start := i
		// Join continuation lines; comment lines inside are dropped.
		var b strings.Builder
		line := trimmed
		for strings.HasSuffix(line, string(escape)) && i+1 < len(lines) {
			b.WriteString(strings.TrimRight(strings.TrimSuffix(line, string(escape)), " \t"))
			b.WriteByte(' ')
			i++
			line = strings.TrimSpace(lines[i])
			for strings.HasPrefix(line, "#") && i+1 < len(lines) {
				i++
				line = strings.TrimSpace(lines[i])
			}
		}
		b.WriteString(line)
		full := b.String()
		cmd, args, _ := strings.Cut(full, " ")
		if j := strings.IndexAny(cmd, "\t"); j > 0 {
			cmd, args = cmd[:j], cmd[j+1:]+" "+args
		}
		in := Instruction{Cmd: strings.ToUpper(cmd), Args: strings.TrimSpace(args), Line: start + 1}
		// Heredocs: <<EOF or <<-EOF, quoted or not, up to the terminator.
		if term := heredocTerminator(in.Args); term != "" {
			var body []string
			for i+1 < len(lines) {
				i++
				if strings.TrimSpace(lines[i]) == term {
					break
				}
				body = append(body, lines[i])
			}
			in.Args += "\n" + strings.Join(body, "\n")
		}
		d.Instructions = append(d.Instructions, in)
		switch in.Cmd {
		case "FROM":
			stage = &Stage{Line: in.Line}
			words := strings.Fields(in.Args)
			for len(words) > 0 && strings.HasPrefix(words[0], "--") {
				words = words[1:]
			}
			if len(words) > 0 {
				stage.RawImage = words[0]
				stage.Image = expandArgs(words[0], globalArgs)
			}
			if len(words) >= 3 && strings.EqualFold(words[1], "AS") {
				stage.Name = words[2]
			}
			d.Stages = append(d.Stages, stage)
		case "ARG":
			if stage == nil {
				for _, kv := range in.KeyValues() {
					globalArgs[kv.Key] = kv.Raw
				}
			}
			fallthrough
		default:
			if stage != nil {
				stage.Instructions = append(stage.Instructions, in)
			}
		}
	}
	return d
}

func heredocTerminator(args string) string {
	i := strings.Index(args, "<<")
	if i < 0 {
		return ""
	}
	rest := strings.TrimPrefix(args[i+2:], "-")
	rest = strings.TrimLeft(rest, `"'`)
	end := 0
	for end < len(rest) && (rest[end] == '_' || rest[end] >= 'A' && rest[end] <= 'Z' || rest[end] >= 'a' && rest[end] <= 'z' || rest[end] >= '0' && rest[end] <= '9') {
		end++
	}
	if end == 0 {
		return ""
	}
	return rest[:end]
}

// expandArgs replaces $NAME, ${NAME} and ${NAME:-default} with the ARG
// defaults; unknown variables expand to their own default or stay as written.
func expandArgs(s string, args map[string]string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		if s[i+1] == '{' {
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				b.WriteString(s[i:])
				break
			}
			expr := s[i+2 : i+end]
			name, def, hasDef := strings.Cut(expr, ":-")
			if !hasDef {
				name, def, hasDef = strings.Cut(expr, "-")
			}
			if v, ok := args[name]; ok && v != "" {
				b.WriteString(v)
			} else if hasDef {
				b.WriteString(def)
			} else {
				b.WriteString(s[i : i+end+1])
			}
			i += end
			continue
		}
		j := i + 1
		for j < len(s) && (s[j] == '_' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= '0' && s[j] <= '9') {
			j++
		}
		if v, ok := args[s[i+1:j]]; ok && v != "" {
			b.WriteString(v)
		} else {
			b.WriteString(s[i:j])
		}
		i = j - 1
	}
	return b.String()
}

// KeyValues reads the KEY=VALUE pairs of an ENV, ARG or LABEL instruction,
// and the legacy "ENV KEY value" form. Values are unquoted; an ARG without
// a default has an empty Raw.
func (in Instruction) KeyValues() []EnvVar {
	words := shellWords(in.Args)
	if len(words) == 0 {
		return nil
	}
	if in.Cmd == "ENV" && !strings.Contains(words[0], "=") {
		// ENV KEY the rest is the value
		_, rest, _ := strings.Cut(strings.TrimSpace(in.Args), words[0])
		return []EnvVar{{Key: words[0], Raw: unquote(strings.TrimSpace(rest)), Line: in.Line}}
	}
	var out []EnvVar
	for _, w := range words {
		k, v, _ := strings.Cut(w, "=")
		if k != "" {
			out = append(out, EnvVar{Key: k, Raw: v, Line: in.Line})
		}
	}
	return out
}

// shellWords splits on blanks, honouring quotes and backslash escapes, and
// removes the quotes.
func shellWords(s string) []string {
	var out []string
	var cur strings.Builder
	var quote byte
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else if c == '\\' && quote == '"' && i+1 < len(s) {
				i++
				cur.WriteByte(s[i])
			} else {
				cur.WriteByte(c)
			}
		case c == '"' || c == '\'':
			quote, inWord = c, true
		case c == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inWord = true
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

// Words splits an instruction's arguments as a shell would, or reads its
// JSON (exec) form: CMD ["uvicorn", "app:app", "--workers", "4"].
func (in Instruction) Words() []string {
	a := strings.TrimSpace(in.Args)
	if strings.HasPrefix(a, "[") && strings.HasSuffix(a, "]") {
		return splitJSONArray(a[1 : len(a)-1])
	}
	return shellWords(a)
}

// splitJSONArray reads the strings of a JSON array body leniently.
func splitJSONArray(body string) []string {
	var out []string
	for i := 0; i < len(body); i++ {
		if body[i] != '"' {
			continue
		}
		var cur strings.Builder
		j := i + 1
		for ; j < len(body) && body[j] != '"'; j++ {
			if body[j] == '\\' && j+1 < len(body) {
				j++
			}
			cur.WriteByte(body[j])
		}
		out = append(out, cur.String())
		i = j
	}
	return out
}
