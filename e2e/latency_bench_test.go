package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix/id"

	"smartup0.org/engelbot/demo"
)

// BenchmarkAnswerLatency measures, side by side in one run on the real
// Dendrite and Gitea, how long a person waits from sending a command to
// reading its answer: a query (!my_tasks) and a write (!create_task, one
// commit on the forge) in a plain team room and in an encrypted one. The
// rooms take turns, so that a slow moment of the machine falls on both.
// It reports the medians and their ratios; it asserts no time.
//
//	go test -tags goolm -run '^$' -bench AnswerLatency -benchtime 20x ./e2e
func BenchmarkAnswerLatency(b *testing.B) {
	e := newEnvWith(b, envOptions{})
	alice := e.login("alice") // the founder captains every team
	mustEncrypt(b, alice)
	plain := idOf(e.room(demo.RoomTeam))
	encrypted := idOf(e.room(demo.RoomOtherTeam))
	e.encryptRoom(alice, encrypted)

	rooms := []struct {
		name string
		id   id.RoomID
	}{{"plain", plain}, {"encrypted", encrypted}}
	took := map[string][]time.Duration{}
	n := 0
	round := func(record bool) {
		for k := range rooms {
			r := rooms[(k+n)%len(rooms)] // who goes first alternates
			for _, cmd := range []struct{ kind, text, want string }{
				{"query", "!my_tasks", ""},
				{"write", fmt.Sprintf("!create_task S Bench task %d in the %s room", n, r.name), "created"},
			} {
				began := time.Now()
				_, reply := e.askIn(alice, r.id, cmd.text)
				d := time.Since(began)
				if reply.Encrypted != (r.id == encrypted) || !strings.Contains(reply.Body, cmd.want) {
					b.Fatalf("%s in the %s room answered %+v", cmd.text, r.name, reply)
				}
				if record {
					took[r.name+"-"+cmd.kind] = append(took[r.name+"-"+cmd.kind], d)
				}
			}
		}
		n++
	}
	round(false) // the first encrypted message sets up the sessions: not what a person waits for later
	for b.Loop() {
		round(true)
	}
	for _, kind := range []string{"query", "write"} {
		p, q := median(took["plain-"+kind]), median(took["encrypted-"+kind])
		b.ReportMetric(float64(p.Microseconds())/1000, "plain-"+kind+"-p50-ms")
		b.ReportMetric(float64(q.Microseconds())/1000, "encrypted-"+kind+"-p50-ms")
		b.ReportMetric(float64(q)/float64(p), "encrypted/plain-"+kind)
	}
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
