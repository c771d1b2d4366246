package production

import (
	"regexp"

	"github.com/pgreview/pgreview/internal/check"
)

// DisasterRecovery cites recovery objectives and backups kept off-site.
var DisasterRecovery = &check.Check{
	Name:     "disaster-recovery",
	Item:     "10.3",
	Severity: check.Info,
	Doc: `Plan for losing the whole database, not just a row.

Disaster recovery answers two questions before they are asked: how much
data may be lost (the recovery point objective, RPO) and how long the
service may be down (the recovery time objective, RTO). Backups that
meet them live somewhere a disaster in the primary's site cannot reach:
another region or account (WAL-G or pgBackRest to S3/GCS/Azure, cross-
region snapshot copies). Write both down; this check cites what it finds
and leaves the rest to a human.`,
	Run: runDisasterRecovery,
}

var (
	objectives = regexp.MustCompile(`(?i)(\bRPO\b|\bRTO\b|recovery point objective|recovery time objective)`)
	offsiteOps = regexp.MustCompile(`(?i)(WALG_(S3|GS|AZ)_PREFIX|WALE_S3_PREFIX|repo[0-9]+-type\s*=\s*(s3|gcs|azure)|repo[0-9]+-s3-bucket|barmanObjectStore:|destinationPath:\s*"?(s3|gs|https)://|aws s3 (cp|sync)|gsutil (cp|rsync)|az storage blob upload|rclone (copy|sync)|automated_backups_replication|backup-s3)`)
	offsiteDoc = regexp.MustCompile(`(?i)(off-?site|another region|cross-region|second region|other region|geo-redundant)`)
)

func runDisasterRecovery(p *check.Pass) error {
	if notRunning(p) {
		return nil
	}
	objs := grepDocs(p.Repo, objectives)
	for _, h := range objs {
		p.Evidence(h.at(), "recovery objectives documented: %s", short(h.Text))
	}
	offsite := append(grepOperational(p.Repo, offsiteOps), grepWorkflows(p.Repo, offsiteOps, true)...)
	for _, h := range offsite {
		p.Evidence(h.at(), "backups leave the site: %s", short(h.Match))
	}
	docs := grepDocs(p.Repo, offsiteDoc)
	for _, h := range docs {
		if backupContext(h) {
			offsite = append(offsite, h)
			p.Evidence(h.at(), "off-site backups documented: %s", short(h.Text))
		}
	}
	switch {
	case len(objs) > 0 && len(offsite) > 0:
	case len(objs) > 0:
		p.Manual("recovery objectives are documented, but no off-site backups were found; keep backups in another region or account")
	case len(offsite) > 0:
		p.Manual("backups leave the site, but no recovery objectives (RPO/RTO) are documented; write down how much data and time a disaster may cost")
	default:
		p.Manual("no documented RPO/RTO and no off-site backups found; write down the recovery objectives and where backups survive a lost region")
	}
	return nil
}
