package production

import (
	"regexp"
	"strings"

	"github.com/pgreview/pgreview/internal/check"
)

// BackupProcedure cites the database's backups and the documented way to
// restore them, and reports a repository that has neither.
var BackupProcedure = &check.Check{
	Name:     "backup-procedure",
	Item:     "10.1",
	Severity: check.Important,
	Doc: `Back the database up, and write down how to restore it.

A backup is a job that runs on a schedule (pg_dump, pgBackRest, WAL-G,
barman, or the managed service's automated backups with a retention
period) and a restore that someone has written down and tried. Keep both
in the repository, next to the code that depends on the data:

  # .github/workflows/backup.yml or a cron job
  pg_dump --format=custom --file="backup-$(date +%F).dump" "$DATABASE_URL"

  ## Restore (README)
  pg_restore --clean --if-exists --dbname="$DATABASE_URL" backup-2024-05-01.dump

When the database is managed elsewhere, say where its backups are taken
and how to restore them in the README or a runbook.`,
	Run: runBackupProcedure,
}

var (
	backupTool = regexp.MustCompile(`\b(pg_dumpall|pg_dump|pg_basebackup|pgbackrest|pgBackRest|wal-g|walg|wal-e|barman(-cloud-backup)?|pg_probackup)\b`)
	schemaOnly = regexp.MustCompile(`(--schema-only|\s-s\b|--section[= ]pre-data)`)
	backupConf = regexp.MustCompile(`(?i)(backup_retention_period\s*=\s*[1-9]|backup_retention_days\s*=\s*[1-9]|point_in_time_recovery_enabled\s*=\s*true|kind:\s*ScheduledBackup|barmanObjectStore:|enableLogicalBackup:\s*true|postgres-backup-(local|s3)|pg-backup|db-backup)`)
	backupDocs = regexp.MustCompile(`(?i)(\bpg_dump(all)?\b|\bpg_basebackup\b|pgbackrest|\bwal-g\b|\bbarman\b|point[- ]in[- ]time recovery|\bPITR\b|automated backups?|backup retention|nightly backups?|daily backups?|backups? (are|is) (taken|kept|stored|scheduled))`)
	pgRestore  = regexp.MustCompile(`\bpg_restore\b`)
	restoreRe  = regexp.MustCompile(`(?i)(\bpg_restore\b|\brestor(e|es|ed|ing)\b|\bpoint[- ]in[- ]time recovery\b|\bPITR\b|\brecover(y|ing)? (from|the) (a )?backup)`)
)

func runBackupProcedure(p *check.Pass) error {
	if notRunning(p) {
		return nil
	}
	backups := 0
	for _, h := range append(grepOperational(p.Repo, backupTool), grepWorkflows(p.Repo, backupTool, true)...) {
		if schemaOnly.MatchString(h.Text) || strings.Contains(h.Text, "pg_restore") {
			continue
		}
		backups++
		p.Evidence(h.at(), "backup job: %s", short(h.Text))
	}
	for _, h := range grepOperational(p.Repo, backupConf) {
		backups++
		p.Evidence(h.at(), "backups configured: %s", short(h.Match))
	}
	for _, h := range grepDocs(p.Repo, backupDocs) {
		if schemaOnly.MatchString(h.Text) {
			continue
		}
		backups++
		p.Evidence(h.at(), "backups documented: %s", short(h.Text))
	}
	restores := 0
	for _, h := range grepDocs(p.Repo, restoreRe) {
		if !backupContext(h) {
			continue
		}
		restores++
		p.Evidence(h.at(), "restore documented: %s", short(h.Text))
	}
	for _, h := range append(grepOperational(p.Repo, pgRestore), grepWorkflows(p.Repo, pgRestore, false)...) {
		restores++
		p.Evidence(h.at(), "restore script: %s", short(h.Text))
	}
	switch {
	case backups > 0 && restores > 0:
	case backups > 0:
		p.Manual("backups were found, but no documented restore; write down how to restore (pg_restore, point-in-time recovery) and test it")
	case restores > 0:
		p.Manual("a restore is documented, but no backup job or backup configuration was found; check where backups are taken")
	default:
		where, _ := runsDatabase(p)
		p.Reportf(where, "nothing in the repository backs up the database or documents its backups (a pg_dump, pgBackRest or WAL-G job, or the managed service's backups), nor how to restore them; add a backup job and a restore procedure, or document where they live")
	}
	return nil
}

// backupContext: a documentation line about restoring a database, not
// "restore the default settings".
func backupContext(h hit) bool {
	about := strings.ToLower(h.Text + " " + h.Heading)
	for _, w := range []string{"backup", "back up", "dump", "pg_restore", "database", "postgres", "recovery", "disaster", "pitr", "point-in-time", "point in time"} {
		if strings.Contains(about, w) {
			return true
		}
	}
	return false
}
