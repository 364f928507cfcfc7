package toolbox

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"smartup0.org/engelbot/ledger"
)

// This file turns the ways owners name a team (3_7_operational_team, 7,
// operational, dev…) into team IDs, and holds the small text helpers the
// lookups share.

// knownTeams lists the teams the ledger knows: those of the teams index
// and any team a role names.
func knownTeams(tx *ledger.Tx) []string {
	seen := map[string]bool{}
	var ids []string
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for t := range tx.Teams() {
		add(t.ID)
	}
	for r := range tx.Roles() {
		add(r.Team)
	}
	slices.SortFunc(ids, compareIDs)
	return ids
}

// teamArg resolves a team named in a command, or says which teams exist.
func teamArg(tx *ledger.Tx, arg string) (string, error) {
	id, candidates := findTeam(tx, arg)
	switch {
	case id != "":
		return id, nil
	case len(candidates) > 1:
		return "", ambiguousTeam(tx, arg, candidates)
	}
	known := knownTeams(tx)
	if len(known) == 0 {
		return "", ledger.Refuse("I know no team called %s: the ledger has no teams yet. An admin adds them, with their roles.", quoteArg(arg))
	}
	return "", ledger.Refuse("I know no team called %s. The teams are: %s.", quoteArg(arg), teamList(tx, known))
}

func ambiguousTeam(tx *ledger.Tx, arg string, candidates []string) error {
	return ledger.Refuse("%s could be more than one team: %s. Please name one of them.", quoteArg(arg), teamList(tx, candidates))
}

// findTeam matches a team by ID, number (7 or 3_7), short name
// (operational, operational_team), full name, or a prefix of the short
// name long enough to be unambiguous. With no single match, candidates
// lists the teams a prefix matched.
func findTeam(tx *ledger.Tx, arg string) (id string, candidates []string) {
	want := strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(arg)))
	if want == "" {
		return "", nil
	}
	known := knownTeams(tx)
	for _, id := range known {
		short := teamShort(id)
		names := []string{strings.ToLower(id), short, short + "_team"}
		if n := teamNumber(id); n != "" {
			names = append(names, n, "3_"+n)
		}
		if t, ok := tx.Team(id); ok && t.Name != "" {
			names = append(names, strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(t.Name)))
		}
		if slices.Contains(names, want) {
			return id, nil
		}
	}
	if utf8.RuneCountInString(want) < 3 {
		return "", nil
	}
	for _, id := range known {
		if strings.HasPrefix(teamShort(id), want) {
			candidates = append(candidates, id)
		}
	}
	if len(candidates) == 1 {
		return candidates[0], nil
	}
	return "", candidates
}

// splitTeamID splits 3_7_operational_team into its number and the rest.
func splitTeamID(id string) (number, rest string, ok bool) {
	parts := strings.SplitN(id, "_", 3)
	if len(parts) != 3 || parts[0] != "3" {
		return "", id, false
	}
	if _, err := strconv.Atoi(parts[1]); err != nil {
		return "", id, false
	}
	return parts[1], parts[2], true
}

// teamNumber is the team's number within layer 3 ("7"), if its ID has one.
func teamNumber(id string) string {
	n, _, _ := splitTeamID(id)
	return n
}

// teamShort is the name an owner types for a team: "operational" for
// 3_7_operational_team.
func teamShort(id string) string {
	_, rest, _ := splitTeamID(id)
	return strings.TrimSuffix(strings.ToLower(rest), "_team")
}

// teamWords is a team in words, for a reply: its name in the teams index
// (text someone typed, so escaped), or one made from its ID ("Operational
// team").
func teamWords(tx *ledger.Tx, id string) string {
	if t, ok := tx.Team(id); ok && t.Name != "" {
		return mdText(t.Name)
	}
	_, rest, _ := splitTeamID(id)
	if name := strings.ReplaceAll(rest, "_", " "); name != "" {
		if !strings.HasSuffix(name, "team") {
			name += " team"
		}
		return capitalize(name)
	}
	return id
}

// teamList names teams the way an owner can type them.
func teamList(tx *ledger.Tx, ids []string) string {
	if len(ids) == 0 {
		return "none yet"
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = fmt.Sprintf("`%s` (%s)", teamShort(id), teamWords(tx, id))
	}
	return strings.Join(out, ", ")
}

// exampleTeam is a team to show in an example: the first one known.
func exampleTeam(tx *ledger.Tx) string {
	if known := knownTeams(tx); len(known) > 0 {
		return teamShort(known[0])
	}
	return "operational"
}

// compareIDs orders layer IDs (3_7_…, 4_2_7_…, 6_1_7_10) part by part,
// numbers as numbers, so that 6_1_7_2 comes before 6_1_7_10.
func compareIDs(a, b string) int {
	pa, pb := strings.Split(a, "_"), strings.Split(b, "_")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		na, errA := strconv.Atoi(pa[i])
		nb, errB := strconv.Atoi(pb[i])
		var c int
		if errA == nil && errB == nil {
			c = cmp.Compare(na, nb)
		} else {
			c = strings.Compare(pa[i], pb[i])
		}
		if c != 0 {
			return c
		}
	}
	return cmp.Compare(len(pa), len(pb))
}

// firstLine is the first line of a text, cut to at most n characters.
func firstLine(s string, n int) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n]) + "…"
	}
	return s
}

// joinWords joins words as a sentence does: "a, b or c".
func joinWords(words []string, and string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " " + and + " " + words[len(words)-1]
}

func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return s
	}
	return strings.ToUpper(string(r)) + s[size:]
}
