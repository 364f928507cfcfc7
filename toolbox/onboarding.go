package toolbox

import (
	"strings"
	"sync"
)

// onboardings are the !add_owner commands between their checks and their
// write's answer: the Matrix IDs and aliases they are about to add. The
// checks read the ledger as committed, which does not hold an owner queued
// by the same admin's previous command yet; one that names someone in
// flight waits for that command to settle and checks again, rather than
// writing the private identity mapping for an onboarding the ledger will
// refuse.
type onboardings struct {
	mu   sync.Mutex
	keys map[string]int
}

func onboardingKeys(n newOwner) []string {
	return []string{"id:" + n.matrixID, "alias:" + strings.ToLower(n.alias)}
}

// inFlight reports whether an onboarding in flight names n's Matrix ID or alias.
func (o *onboardings) inFlight(n newOwner) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, k := range onboardingKeys(n) {
		if o.keys[k] > 0 {
			return true
		}
	}
	return false
}

// claim records n as in flight until release is called.
func (o *onboardings) claim(n newOwner) (release func()) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.keys == nil {
		o.keys = map[string]int{}
	}
	keys := onboardingKeys(n)
	for _, k := range keys {
		o.keys[k]++
	}
	return func() {
		o.mu.Lock()
		defer o.mu.Unlock()
		for _, k := range keys {
			if o.keys[k]--; o.keys[k] == 0 {
				delete(o.keys, k)
			}
		}
	}
}
