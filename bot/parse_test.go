package bot

import (
	"reflect"
	"testing"
)

func TestParseCommand(t *testing.T) {
	for _, tc := range []struct {
		body string
		name string
		args []string
		ok   bool
		err  bool
	}{
		{body: "!help", name: "help", ok: true},
		{body: "  !Start_Work 6_1_2_3  ", name: "start_work", args: []string{"6_1_2_3"}, ok: true},
		{body: `!stop_work "done, finally" now`, name: "stop_work", args: []string{"done, finally", "now"}, ok: true},
		{body: "!stop_work \u201cdone, with smart quotes\u201d", name: "stop_work", args: []string{"done, with smart quotes"}, ok: true},
		{body: "!stop_work I didn't finish", name: "stop_work", args: []string{"I", "didn't", "finish"}, ok: true},
		{body: `!kudos bob ""`, name: "kudos", args: []string{"bob", ""}, ok: true},
		{body: "!stop_work line one\nline two", name: "stop_work", args: []string{"line", "one", "line", "two"}, ok: true},
		{body: `!stop_work "not closed`, ok: true, err: true},
		{body: "hello !help", ok: false},
		{body: "!!!", ok: false},
		{body: "! help", ok: false},
		{body: "!", ok: false},
	} {
		t.Run(tc.body, func(t *testing.T) {
			name, args, ok, err := parseCommand(tc.body)
			if ok != tc.ok || (err != nil) != tc.err {
				t.Fatalf("ok=%v err=%v, want ok=%v err=%v", ok, err, tc.ok, tc.err)
			}
			if tc.err || !tc.ok {
				return
			}
			if name != tc.name || !reflect.DeepEqual(args, tc.args) && !(len(args) == 0 && len(tc.args) == 0) {
				t.Fatalf("got %q %q, want %q %q", name, args, tc.name, tc.args)
			}
		})
	}
}

// rawArgs keeps what splitting drops: line breaks and quotes.
func TestRawArgs(t *testing.T) {
	for body, want := range map[string]string{
		"!propose Fridays | We \"meet\".\n\nTwice.  ": "Fridays | We \"meet\".\n\nTwice.",
		"  !help":                     "",
		"!vote\nprop_1 yes":           "prop_1 yes",
		"hello":                       "",
		"!stop_work \u201cdone\u201d": "\u201cdone\u201d",
	} {
		if got := rawArgs(body); got != want {
			t.Errorf("rawArgs(%q) = %q, want %q", body, got, want)
		}
	}
}
