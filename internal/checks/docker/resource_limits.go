package docker

import (
	"strings"

	"github.com/pgreview/pgreview/internal/check"
)

// DBResourceLimits finds a database service without a memory limit or a
// shared-memory size.
var DBResourceLimits = &check.Check{
	Name:     "db-resource-limits",
	Item:     "7.5",
	Severity: check.Good,
	Doc: `Give the database container a memory limit and enough shared memory.

Docker gives a container 64 MB of /dev/shm. Postgres uses it for parallel
queries and large sorts, which then fail with "could not resize shared
memory segment ... No space left on device". Set shm_size (256mb or more).
Without a memory limit, a runaway query can take the whole host's memory
and the kernel's OOM killer picks a victim; with one, size shared_buffers
and work_mem to it. Set mem_limit (or deploy.resources.limits.memory), and
cpus if the host is shared.`,
	Run: runDBResourceLimits,
}

func runDBResourceLimits(p *check.Pass) error {
	db := runningDB(p)
	if db == nil {
		return nil
	}
	var haveMem, haveShm bool
	for _, cf := range p.Repo.Compose() {
		for _, s := range cf.Services {
			if s.Name != db.Name {
				continue
			}
			if s.MemLimit.Raw != "" {
				haveMem = true
				p.Evidence(loc(cf.Path, s.MemLimit.Line), "%s has a memory limit", s.Name)
			}
			if s.ShmSize.Raw != "" {
				haveShm = true
				p.Evidence(loc(cf.Path, s.ShmSize.Line), "%s sets shm_size", s.Name)
			}
		}
	}
	// Setting dynamic_shared_memory_type=mmap also avoids /dev/shm.
	if settings := db.ServerSettings(); settings["dynamic_shared_memory_type"] == "mmap" || settings["dynamic_shared_memory_type"] == "sysv" {
		haveShm = true
	}
	var missing []string
	if !haveMem {
		missing = append(missing, "no memory limit (mem_limit or deploy.resources.limits.memory)")
	}
	if !haveShm {
		missing = append(missing, "no shm_size, so /dev/shm is Docker's 64 MB and parallel queries can fail")
	}
	if len(missing) > 0 {
		p.Reportf(loc(db.File, db.Line), "database service %s has %s", db.Name, strings.Join(missing, ", and "))
	}
	return nil
}
