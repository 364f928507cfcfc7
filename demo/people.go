package demo

import (
	"fmt"

	"smartup0.org/engelbot/ledger"
)

// Person is someone in the demo community.
type Person struct {
	Name     string // alias in the Book of Owners, and Matrix localpart
	License  string // "" for someone who is not an owner
	Roles    []string
	Password string
	UserID   string
}

// The demo team: its room is the team room, its captain bob.
const (
	Team      = "3_7_operational_team"
	OtherTeam = "3_3_developer_team"
)

// People is the demo community: a founder, a captain, two workers paired
// on a task, a newcomer with a Work license and no role yet, an owner with
// a Watch license, and someone who is not an owner at all. extraWorkers
// adds workers w01, w02, … each on a task of their own (the end-to-end
// tests use them for bursts). Build makes it in the ledger, by command.
func People(extraWorkers int) []Person {
	people := []Person{
		{Name: "alice", License: ledger.LicenseOrganizational, Roles: []string{"4_1_1_tc_leadership_team"}},
		{Name: "bob", License: ledger.LicenseWork, Roles: []string{"4_1_7_tc_operational_team"}},
		{Name: "carol", License: ledger.LicenseWork, Roles: []string{"4_2_7_operations_lead"}},
		{Name: "dave", License: ledger.LicenseWork, Roles: []string{"4_3_7_operations_junior"}},
		{Name: "nina", License: ledger.LicenseWork},
		{Name: "erin", License: ledger.LicenseWatch},
		{Name: "mallory"},
	}
	for i := 1; i <= extraWorkers; i++ {
		people = append(people, Person{Name: fmt.Sprintf("w%02d", i), License: ledger.LicenseWork, Roles: []string{"4_3_7_operations_junior"}})
	}
	return people
}
