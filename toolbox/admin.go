package toolbox

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"smartup0.org/engelbot/ledger"
)

// adminCommands are the admins' commands, for a direct chat only: the
// register (onboarding, licenses, deactivation, roles) and the health
// checks. Each group lives in its own admin_*.go file.
var adminCommands = []*Command{cmdAddOwner, cmdSetLicense, cmdDeactivate, cmdCreateRole, cmdUpdateRole, cmdAssignRole, cmdEndRole,
	cmdCreateObjective, cmdDeposit, cmdWithdraw, cmdVerify, cmdStatus}

// Identity is the private identity repository as onboarding sees it: it
// can be written, never read. The app gives the toolbox one that records
// into ledger/identity; the toolbox does not import that package, so no
// code built on the toolbox (the bot, public pages) links a way to it.
type Identity interface {
	// Record keeps e. It calls queued once e is in line to be written, or
	// once it is known it will not be: an entry recorded after that call
	// is written after e, in the same commit or a later one.
	Record(ctx context.Context, e IdentityEntry, queued func()) error
}

// IdentityEntry is one person in the identity mapping. Its fields are those
// of ledger/identity's Entry, so that one converts to the other.
type IdentityEntry struct {
	MatrixID   string
	Alias      string
	RealName   string
	Email      string
	RecordedAt time.Time
	RecordedBy string
	EventID    string
}

// OwnerPagesDir holds the owners' public pages, by alias.
const OwnerPagesDir = "pages/owners"

// RolePagesDir holds the roles' pages, by role ID.
const RolePagesDir = "pages/roles"

// licenses are the licenses from least to most, as an admin types them.
var licenses = []string{ledger.LicenseCampaign, ledger.LicenseWatch, ledger.LicenseWork, ledger.LicenseOrganizational}

// licenseArg is the license an argument names, case aside.
func licenseArg(arg string) (string, error) {
	if l, ok := license(arg); ok {
		return l, nil
	}
	return "", licenseRefusal(quoteArg(arg))
}

// license is the license arg names, case aside.
func license(arg string) (string, bool) {
	l := strings.ToLower(strings.TrimSpace(arg))
	return l, slices.Contains(licenses, l)
}

// licenseRefusal refuses what, which is not a license.
func licenseRefusal(what string) error {
	return ledger.Refuse("%s is not a license. The licenses are %s.", what, joinWords(licenses, "and"))
}

// ownerPage renders an owner's public page from their Book of Owners row:
// alias, license, status, since when. Never a real name or an e-mail
// address: those exist only in the private identity mapping.
func ownerPage(o ledger.Owner) ledger.Page {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", o.Alias)
	fmt.Fprintf(&b, "- License: %s\n", o.License)
	fmt.Fprintf(&b, "- Status: %s\n", o.Status)
	if !o.Joined.IsZero() {
		fmt.Fprintf(&b, "- Owner since: %s\n", o.Joined.Format("2006-01-02"))
	}
	date := ""
	if !o.Joined.IsZero() {
		date = o.Joined.Format("2006-01-02")
	}
	return ledger.Page{
		Front: ledger.Frontmatter{Title: "Owner " + o.Alias, Author: o.Alias, Date: date, Topic: "owner", Public: true},
		Body:  b.String(),
	}
}

// writeOwner stores an owner's row and renders their page again, so the two
// never disagree. An owner added before pages existed gets one now; a page
// kept somewhere else than the owners' folder is left alone.
func writeOwner(tx *ledger.Tx, o ledger.Owner) ledger.Owner {
	if o.WikiPath == "" {
		o.WikiPath = path.Join(OwnerPagesDir, o.Alias+".md")
	}
	if strings.HasPrefix(o.WikiPath, OwnerPagesDir+"/") {
		tx.WritePage(o.WikiPath, ownerPage(o))
	}
	tx.PutOwner(o)
	return o
}
