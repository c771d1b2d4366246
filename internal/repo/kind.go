package repo

import (
	"path"
	"strings"
)

// Kind classifies a file by its name.
type Kind string

const (
	KindPython       Kind = "python"
	KindGo           Kind = "go"
	KindSQL          Kind = "sql"
	KindCompose      Kind = "compose"
	KindWorkflow     Kind = "workflow" // .github/workflows/*.yml
	KindYAML         Kind = "yaml"
	KindDockerfile   Kind = "dockerfile"
	KindEnv          Kind = "env"
	KindINI          Kind = "ini"
	KindTOML         Kind = "toml"
	KindRequirements Kind = "requirements"
	KindGoMod        Kind = "gomod"
	KindMarkdown     Kind = "markdown"
	KindShell        Kind = "shell"
	KindPGConf       Kind = "pgconf" // postgresql.conf and friends
	KindOther        Kind = "other"
)

// KindOf classifies a slash-separated path.
func KindOf(p string) Kind {
	base := path.Base(p)
	lower := strings.ToLower(base)
	ext := path.Ext(lower)
	switch {
	case ext == ".py" || ext == ".pyi":
		return KindPython
	case ext == ".go":
		return KindGo
	case ext == ".sql":
		return KindSQL
	case isCompose(lower):
		return KindCompose
	case (ext == ".yml" || ext == ".yaml") && strings.HasPrefix(p, ".github/workflows/"):
		return KindWorkflow
	case ext == ".yml" || ext == ".yaml":
		return KindYAML
	case lower == "dockerfile" || strings.HasPrefix(lower, "dockerfile.") && !notDockerfileExt[ext] || ext == ".dockerfile" || strings.HasSuffix(lower, ".containerfile") || lower == "containerfile":
		return KindDockerfile
	case lower == ".env" || strings.HasPrefix(lower, ".env.") || ext == ".env":
		return KindEnv
	case ext == ".ini" || lower == "setup.cfg":
		return KindINI
	case ext == ".toml":
		return KindTOML
	case strings.HasPrefix(lower, "requirements") && ext == ".txt", ext == ".in" && strings.HasPrefix(lower, "requirements"):
		return KindRequirements
	case lower == "go.mod":
		return KindGoMod
	case ext == ".md" || ext == ".markdown" || ext == ".rst":
		return KindMarkdown
	case ext == ".sh" || ext == ".bash":
		return KindShell
	case lower == "postgresql.conf" || strings.HasSuffix(lower, ".conf") && strings.Contains(lower, "postgres"):
		return KindPGConf
	}
	return KindOther
}

func isCompose(lower string) bool {
	ext := path.Ext(lower)
	if ext != ".yml" && ext != ".yaml" {
		return false
	}
	name := strings.TrimSuffix(lower, ext)
	return name == "compose" || name == "docker-compose" ||
		strings.HasPrefix(name, "compose.") || strings.HasPrefix(name, "docker-compose.") ||
		strings.HasPrefix(name, "docker-compose-") || strings.HasPrefix(name, "compose-")
}

// notDockerfileExt: Dockerfile.dev is a Dockerfile; Dockerfile.md or a
// test fixture named dockerfile.txtar is not.
var notDockerfileExt = map[string]bool{
	".txtar": true, ".md": true, ".txt": true, ".json": true, ".yml": true, ".yaml": true, ".sh": true,
	".py": true, ".go": true, ".bak": true, ".orig": true, ".rej": true, ".swp": true, ".lock": true, ".j2": true, ".tmpl": true,
}
