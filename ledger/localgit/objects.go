package localgit

import (
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"

	"smartup0.org/engelbot/ledger"
)

func writeBlob(st storer.EncodedObjectStorer, content []byte) (plumbing.Hash, error) {
	obj := st.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(content); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(obj)
}

// writeCommit stores a commit of tree on top of parent (none for a root
// commit), authored and committed now by c.Author.
func writeCommit(st storer.EncodedObjectStorer, tree plumbing.Hash, parent *plumbing.Hash, c ledger.Commit) (plumbing.Hash, error) {
	sig := signature(c.Author, time.Now().UTC())
	commit := &object.Commit{
		Author:    sig,
		Committer: sig,
		Message:   message(c.Message),
		TreeHash:  tree,
	}
	if parent != nil {
		commit.ParentHashes = []plumbing.Hash{*parent}
	}
	obj := st.NewEncodedObject()
	if err := commit.Encode(obj); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(obj)
}

// signature drops what would break a commit header, as git's own ident code
// does: a line break in a name would let it write header lines of its own.
func signature(who ledger.Signature, when time.Time) object.Signature {
	name := strings.TrimSpace(withoutCrud(who.Name))
	if name == "" {
		name = botName
	}
	return object.Signature{Name: name, Email: strings.TrimSpace(withoutCrud(who.Email)), When: when}
}

func withoutCrud(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '<', '>', '\n', '\r', 0:
			return -1
		}
		return r
	}, s)
}

// message ends the commit message with a newline, as git does, so that
// `git log` shows it the way it shows any other commit.
func message(m string) string {
	if !strings.HasSuffix(m, "\n") {
		m += "\n"
	}
	return m
}
