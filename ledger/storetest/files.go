package storetest

import (
	"bytes"
	"testing"

	"smartup0.org/engelbot/ledger"
)

func readFileReturnsExactBytes(t *testing.T, s ledger.Store) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	cases := []struct {
		name    string
		path    string
		content []byte
	}{
		{"CSV with quotes, commas and CRLF", "bytes/quotes.csv", []byte("id,title,note\r\n1,\"Say \"\"hi\"\", then go\",\"a,b\"\r\n")},
		{"newlines inside a quoted field", "bytes/multiline.csv", []byte("id,body\n1,\"first line\nsecond line\"\n")},
		{"unicode", "bytes/unicode.md", []byte("Ünïcödé — 日本語 — 🎉\n")},
		{"NUL byte", "bytes/nul.bin", []byte("before\x00after")},
		{"every byte value", "bytes/all.bin", all},
		{"no final newline", "bytes/last-line.txt", []byte("last line")},
		{"empty file", "bytes/empty.csv", []byte{}},
	}
	base := tree(t, s, "")
	var changes []ledger.Change
	want := make(map[string]string)
	for _, c := range cases {
		changes = append(changes, ledger.Change{Op: ledger.OpCreate, Path: c.path, Content: c.content})
		want[c.path] = string(c.content)
	}
	commit(t, s, "storetest: exact bytes", changes...)

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := read(t, s, c.path)
			if !bytes.Equal(f.Content, c.content) {
				t.Errorf("ReadFile(%q) content = %q, want %q", c.path, f.Content, c.content)
			}
			if wantSHA := ledger.BlobSHA(c.content); f.SHA != wantSHA {
				t.Errorf("ReadFile(%q) SHA = %q, want the blob SHA %q", c.path, f.SHA, wantSHA)
			}
		})
	}
	sameFiles(t, tree(t, s, ""), files(base.Files, want))
}

func readFileOfMissingFileIsNotFound(t *testing.T, s ledger.Store) {
	for _, path := range []string{
		"missing.csv",
		"no/such/folder/page.md",
		"indexes/tasks.csv",
	} {
		notFound(t, s, path)
	}
}

func treeListsFilesAtHeadAndOlderCommits(t *testing.T, s ledger.Store) {
	base := tree(t, s, "")
	c1 := commit(t, s, "storetest: tree one",
		create("tree/a.csv", "a1\n"),
		create("tree/docs/b.md", "b1\n"),
		create("tree/docs/deep/c.md", "c1\n"),
	)
	want1 := files(base.Files, map[string]string{"tree/a.csv": "a1\n", "tree/docs/b.md": "b1\n", "tree/docs/deep/c.md": "c1\n"})
	c2 := commit(t, s, "storetest: tree two",
		update("tree/a.csv", "a2\n", ledger.BlobSHA([]byte("a1\n"))),
		remove("tree/docs/b.md", ledger.BlobSHA([]byte("b1\n"))),
		create("tree/e.md", "e1\n"),
	)
	want2 := files(want1, map[string]string{"tree/a.csv": "a2\n", "tree/e.md": "e1\n"}, "tree/docs/b.md")

	cases := []struct {
		name   string
		commit string
		want   ledger.Tree
	}{
		{"head", "", ledger.Tree{Commit: c2.Commit, Files: want2}},
		{"head by ID", c2.Commit, ledger.Tree{Commit: c2.Commit, Files: want2}},
		{"previous commit", c1.Commit, ledger.Tree{Commit: c1.Commit, Files: want1}},
		{"initial commit", base.Commit, base},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := tree(t, s, c.commit)
			if got.Commit != c.want.Commit {
				t.Errorf("Tree(%q).Commit = %q, want %q", c.commit, got.Commit, c.want.Commit)
			}
			sameFiles(t, got, c.want.Files)
		})
	}
}
