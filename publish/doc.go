// Package publish renders the public view of the ledger: an MkDocs site
// section (markdown pages, an SVG chart, the nav entry that lists them) that
// anyone may read, made from the ledger's public records only.
//
// It is private by structure. It reads a ledger read view and nothing else:
// it must never import ledger/identity, the bot, the forge or the storage
// packages (arch_test.go fails if it does, even indirectly), and it reads
// only the public fields of public records — never a Matrix ID, never a page
// or a record marked public: false. Every piece of text a person typed is
// escaped so that it stays text on the site.
package publish
