package state

import (
	"embed"

	"go.mau.fi/util/dbutil"
)

// upgradeFiles holds the numbered migrations; 00-latest.sql creates the whole
// schema on a fresh file, later files upgrade older ones.
//
//go:embed upgrades/*.sql
var upgradeFiles embed.FS

// upgradeTable builds the migration table each time it is needed, so that no
// package-level table can be mutated between databases.
func upgradeTable() dbutil.UpgradeTable {
	return dbutil.BuildUpgradeTable().WithFSPath(upgradeFiles, "upgrades").Finish()
}
