package monitoring

import (
	"path"
	"regexp"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
	"github.com/pgreview/pgreview/internal/checks/dbcode"
	"github.com/pgreview/pgreview/internal/repo"
)

// MetricsExporter cites a collector of database metrics: postgres_exporter,
// pgwatch, pganalyze, a cloud's performance insights.
var MetricsExporter = &check.Check{
	Name:     "metrics-exporter",
	Item:     "9.5",
	Severity: check.Info,
	Doc: `Collect the database's own metrics.

Connections, transactions per second, cache hit ratio, replication lag,
locks, bloat and dead tuples come from the server's statistics views, and
someone has to scrape them: postgres_exporter for Prometheus, pgwatch,
pganalyze, or the managed service's metrics (RDS Performance Insights,
Cloud SQL Insights). This check cites a collector it finds in compose
files, manifests, Terraform or Helm values; when it finds none, a human
confirms how production is monitored.`,
	Run: runMetricsExporter,
}

var (
	exporterImage = regexp.MustCompile(`(?i)(postgres[-_]exporter|pgwatch|pganalyze/collector|percona/pmm-client|sql_exporter|pgexporter)`)
	exporterText  = regexp.MustCompile(`(?i)\b(postgres[-_]exporter|pgwatch2?|pganalyze[-_]collector|enablePodMonitor:\s*true|performance_insights_enabled\s*=\s*true|query_insights_enabled\s*=\s*true|monitoring_interval\s*=\s*[1-9])`)
)

func runMetricsExporter(p *check.Pass) error {
	if dbcode.NoDatabase(p) {
		return nil
	}
	for _, cf := range p.Repo.Compose() {
		for _, s := range cf.Services {
			if img := s.ImageRef(); exporterImage.MatchString(img) {
				p.Evidence(at(cf.Path, s.Image.Line), "service %s runs %s", s.Name, img)
			}
		}
	}
	for _, f := range p.Repo.Files() {
		if !manifest(f) {
			continue
		}
		for i, line := range strings.Split(f.Text(), "\n") {
			t := strings.TrimSpace(line)
			if strings.HasPrefix(t, "#") || strings.HasPrefix(t, "//") {
				continue
			}
			if m := exporterText.FindString(line); m != "" {
				p.Evidence(at(f.Path, i+1), "database metrics collected (%s)", m)
				break
			}
		}
	}
	p.ManualUnlessCited("no database metrics collector found (postgres_exporter, pgwatch, pganalyze, RDS Performance Insights); confirm how production is monitored")
	return nil
}

// manifest: deployment files other than compose (already read as
// services): Kubernetes and Helm YAML, Terraform.
func manifest(f *repo.File) bool {
	switch f.Kind {
	case repo.KindYAML:
		return true
	case repo.KindOther:
		ext := path.Ext(f.Path)
		return ext == ".tf" || ext == ".hcl" || ext == ".tfvars"
	}
	return false
}
