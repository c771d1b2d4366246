package repo

import (
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Workflow is a parsed GitHub Actions workflow (.github/workflows/*.yml).
// Values keep their line; `${{ expressions }}` are left as written.
type Workflow struct {
	Path string
	Name string
	// On lists the triggering events (push, pull_request, ...).
	On   []string
	Env  []EnvVar
	Jobs []*Job
}

// Job is one job of a workflow.
type Job struct {
	File string
	ID   string
	Name string
	Line int
	// RunsOn holds the runner labels; an expression is one label.
	RunsOn []Value
	// Container is the job's container image, if it runs in one.
	Container *JobContainer
	Services  []*JobContainer
	Env       []EnvVar
	Steps     []*Step
	Node      *yaml.Node
}

// JobContainer is a job's container or one of its services.
type JobContainer struct {
	File string
	Job  string // the job's ID
	// Name is the service's key ("" for the job container).
	Name    string
	Line    int
	Image   Value
	Env     []EnvVar
	Ports   []Value
	Options Value
}

// Step is one step of a job.
type Step struct {
	Name string
	ID   string
	Line int
	Uses Value
	Run  Value
	With map[string]Value
	Env  []EnvVar
}

// Workflows parses every workflow once, sorted by path. A file that is
// not valid YAML is skipped with a warning.
func (r *Repo) Workflows() []*Workflow {
	return cached(r, "workflows", func() []*Workflow {
		out := parseFiles(r, KindWorkflow, func(f *File, b []byte) (*Workflow, bool) {
			root, err := parseYAML(b)
			if err != nil {
				r.Warn(f.Path, yamlErrLine(err), "invalid YAML, workflow skipped: %v", trimYAMLErr(err))
				return nil, false
			}
			if root == nil || root.Kind != yaml.MappingNode {
				return nil, false
			}
			return parseWorkflow(f.Path, root), true
		})
		sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
		return out
	})
}

func parseWorkflow(path string, root *yaml.Node) *Workflow {
	w := &Workflow{Path: path, Name: scalar(mapGet(root, "name")), Env: parseEnvironment(mapGet(root, "env"))}
	switch on := mapGet(root, "on"); {
	case on == nil:
	case on.Kind == yaml.MappingNode:
		for i := 0; i < len(on.Content); i += 2 {
			w.On = append(w.On, on.Content[i].Value)
		}
	default:
		for _, n := range seqOrScalar(on) {
			w.On = append(w.On, n.Value)
		}
	}
	jobs := mapGet(root, "jobs")
	if jobs == nil || jobs.Kind != yaml.MappingNode {
		return w
	}
	for i := 0; i+1 < len(jobs.Content); i += 2 {
		k, v := jobs.Content[i], jobs.Content[i+1]
		if v.Kind != yaml.MappingNode {
			continue
		}
		w.Jobs = append(w.Jobs, parseJob(path, k, v))
	}
	return w
}

func parseJob(path string, key, n *yaml.Node) *Job {
	j := &Job{File: path, ID: key.Value, Line: key.Line, Name: scalar(mapGet(n, "name")), Node: n,
		Env: parseEnvironment(mapGet(n, "env"))}
	runsOn := mapGet(n, "runs-on")
	if runsOn != nil && runsOn.Kind == yaml.MappingNode {
		// runs-on: {group: ..., labels: [...]}
		runsOn = mapGet(runsOn, "labels")
	}
	for _, l := range seqOrScalar(runsOn) {
		j.RunsOn = append(j.RunsOn, valueOf(l))
	}
	if c := mapGet(n, "container"); c != nil {
		j.Container = parseJobContainer(path, j.ID, "", c)
	}
	if svcs := mapGet(n, "services"); svcs != nil && svcs.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(svcs.Content); i += 2 {
			s := parseJobContainer(path, j.ID, svcs.Content[i].Value, svcs.Content[i+1])
			s.Line = svcs.Content[i].Line
			j.Services = append(j.Services, s)
		}
	}
	if steps := mapGet(n, "steps"); steps != nil && steps.Kind == yaml.SequenceNode {
		for _, s := range steps.Content {
			if s.Kind == yaml.MappingNode {
				j.Steps = append(j.Steps, parseStep(s))
			}
		}
	}
	return j
}

// parseJobContainer reads `container:` or a service: an image name, or a
// mapping with image, env, ports and options.
func parseJobContainer(path, job, name string, n *yaml.Node) *JobContainer {
	c := &JobContainer{File: path, Job: job, Name: name, Line: n.Line}
	if n.Kind == yaml.ScalarNode {
		c.Image = valueOf(n)
		return c
	}
	c.Image = valueOf(mapGet(n, "image"))
	c.Env = parseEnvironment(mapGet(n, "env"))
	for _, p := range seqOrScalar(mapGet(n, "ports")) {
		c.Ports = append(c.Ports, valueOf(p))
	}
	c.Options = valueOf(mapGet(n, "options"))
	return c
}

func parseStep(n *yaml.Node) *Step {
	s := &Step{Name: scalar(mapGet(n, "name")), ID: scalar(mapGet(n, "id")), Line: n.Line,
		Uses: valueOf(mapGet(n, "uses")), Run: valueOf(mapGet(n, "run")), Env: parseEnvironment(mapGet(n, "env"))}
	if with := mapGet(n, "with"); with != nil && with.Kind == yaml.MappingNode {
		s.With = map[string]Value{}
		for i := 0; i+1 < len(with.Content); i += 2 {
			s.With[with.Content[i].Value] = valueOf(with.Content[i+1])
		}
	}
	return s
}

// EnvValue returns key's value as written ("" when unset).
func (c *JobContainer) EnvValue(key string) string {
	for _, e := range c.Env {
		if e.Key == key {
			return e.Raw
		}
	}
	return ""
}

// WorkflowPostgres finds the first Postgres service of a CI workflow whose
// image is a plain reference (not a ${{ matrix }} expression), or nil.
func (r *Repo) WorkflowPostgres() *JobContainer {
	for _, w := range r.Workflows() {
		for _, j := range w.Jobs {
			for _, s := range j.Services {
				if img := s.Image.Raw; img != "" && !strings.Contains(img, "${{") && IsPostgresImage(img) {
					return s
				}
			}
		}
	}
	return nil
}
