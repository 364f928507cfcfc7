package ledger

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"strconv"
)

// Store is where the ledger's files live: a git branch, reached either through
// the forge's API (package forgejo) or on disk (package ledger/localgit).
//
// Every implementation has the same semantics, checked by ledger/storetest:
// file SHAs are git blob SHAs (see BlobSHA), and Commit is atomic and locked
// per file by the SHA each change was computed from.
type Store interface {
	// Head returns the commit ID at the tip of the ledger branch. It is the
	// one cheap call that tells whether anything changed since the last read.
	Head(ctx context.Context) (string, error)

	// Tree lists every file on the branch at the given commit ("" = the head)
	// with its blob SHA, so that a reader reloads only the files that changed.
	Tree(ctx context.Context, commit string) (Tree, error)

	// ReadFile returns one file's content and blob SHA at the head of the
	// branch. A missing file is ErrNotFound.
	ReadFile(ctx context.Context, path string) (File, error)

	// Commit applies every change in one commit on the branch, or none of them.
	// A Create whose path exists, or an Update or Delete whose SHA is not the
	// file's current SHA, fails the whole commit with an error wrapping
	// ErrConflict; so does losing a race against another push. The changes are
	// applied in the order given.
	Commit(ctx context.Context, c Commit) (CommitResult, error)
}

// Tree is a listing of a branch at one commit.
type Tree struct {
	Commit string
	Files  map[string]string // path → blob SHA
}

// File is one file read from the store.
type File struct {
	Path    string
	Content []byte
	SHA     string
}

// Op says what a Change does to its file.
type Op int

// The operations a commit may carry. There is deliberately no unchecked
// overwrite: every update and delete names the SHA it expects.
const (
	OpCreate Op = iota + 1
	OpUpdate
	OpDelete
)

func (o Op) String() string {
	switch o {
	case OpCreate:
		return "create"
	case OpUpdate:
		return "update"
	case OpDelete:
		return "delete"
	}
	return "op(" + strconv.Itoa(int(o)) + ")"
}

// Change is one file in a commit.
type Change struct {
	Op      Op
	Path    string
	Content []byte // for OpCreate and OpUpdate
	SHA     string // for OpUpdate and OpDelete: the blob SHA the change was computed from
}

// Commit is a set of changes to apply atomically.
type Commit struct {
	Message string
	Author  Signature
	Changes []Change
}

// Signature names who a commit is by.
type Signature struct {
	Name  string
	Email string
}

// CommitResult is what a successful commit produced.
type CommitResult struct {
	Commit string // the new head
	// Parent is the commit the changes were applied on. When it is not the
	// head the writer last read, someone else committed in between (to other
	// files), and the writer must refresh before it trusts its snapshot.
	Parent string
}

// Errors a Store returns, to be tested with errors.Is.
var (
	// ErrNotFound: the file does not exist on the branch.
	ErrNotFound = errors.New("ledger: file not found")
	// ErrConflict: the branch moved under the commit (a stale SHA, a path that
	// now exists, or a lost push race). Re-read and try again.
	ErrConflict = errors.New("ledger: conflicting change")
	// ErrPermanent: the store refuses this and retrying will not help — the
	// forge rejects the token, the token's user may not write, the repository
	// or the branch does not exist, or the request is one the store never
	// accepts. A person has to fix the configuration, so the writer answers
	// at once instead of retrying. Stores wrap it (see PermanentClass).
	ErrPermanent = errors.New("ledger: the store refuses this and retrying will not help")
)

// PermanentClass returns a sentinel for a store's own class of failures
// that no retry clears: errors.Is matches it as itself and as ErrPermanent,
// so a store keeps its finer classes and the writer still knows to stop.
func PermanentClass(text string) error { return &permanentClass{text: text} }

type permanentClass struct{ text string }

func (c *permanentClass) Error() string        { return c.text }
func (c *permanentClass) Is(target error) bool { return target == ErrPermanent }

// BlobSHA is the SHA-1 git gives a blob with this content. Both backends
// report it, so a writer knows the SHA of what it wrote without asking again.
func BlobSHA(content []byte) string {
	h := sha1.New()
	h.Write([]byte("blob " + strconv.Itoa(len(content)) + "\x00"))
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}

// BlobReader is a Store that can hand over many files at once by their
// blob SHAs (as Tree lists them). Loading a large ledger reads a thousand
// files; a forge answers each read on its own at a cost of its own, so a
// store that can fetch them in one go makes the load several times
// faster. Load falls back to reading file by file when it fails.
type BlobReader interface {
	// ReadBlobs fetches the blobs with the given SHAs and calls got with
	// each as it arrives, so that the caller can use the first while the
	// rest are on their way; got is called from one goroutine, once per
	// distinct SHA. It returns once every blob has been handed over, or
	// with the first error, got's included.
	ReadBlobs(ctx context.Context, shas []string, got func(Blob) error) error
}

// Blob is a file's content as a BlobReader hands it over.
type Blob struct {
	SHA     string
	Content []byte
	// Deflated is Content compressed as a raw DEFLATE stream (RFC 1951),
	// when the store received it so and kept it; nil otherwise. A ledger
	// that keeps a file compressed uses it instead of compressing again.
	Deflated []byte
}

// Historian is a Store that can walk the branch's history. Verify uses it
// to check that every commit that changed the ledger carries audit rows
// for what it changed.
type Historian interface {
	// History calls fn for each commit on the branch, newest first, each
	// with the paths it changed against its first parent, until fn returns
	// false or the history ends.
	History(ctx context.Context, fn func(CommitInfo) bool) error
}

// CommitInfo is one commit of the history.
type CommitInfo struct {
	ID      string
	Parent  string // the first parent; "" for the root commit
	Message string
	Author  Signature
	Files   []string // paths added, changed or deleted against Parent
}

// Readme is the one file of a new ledger repository, so that whoever finds
// it knows what it is and that its files are not edited by hand. Every
// backend starts a new ledger's history with it.
const Readme = `# Engelbot ledger

This repository is an Engelbot ledger: the books of a SmartupOS company
(CSV indexes, markdown pages and the master-events audit trail).

Every change is made by Engelbot, one commit per command. Do not edit these
files by hand: read them, or talk to the bot.
`
