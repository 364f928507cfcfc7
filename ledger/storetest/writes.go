package storetest

import (
	"testing"

	"smartup0.org/engelbot/ledger"
)

func updateWithCurrentSHA(t *testing.T, s ledger.Store) {
	commit(t, s, "storetest: create", create("update/wallet.csv", "alias,sc\nana,1\n"))
	before := read(t, s, "update/wallet.csv")
	commit(t, s, "storetest: update", update("update/wallet.csv", "alias,sc\nana,2\n", before.SHA))
	hasContent(t, s, "update/wallet.csv", "alias,sc\nana,2\n")
	// The SHA it was updated from is now stale.
	conflict(t, s, "storetest: update from the old SHA", update("update/wallet.csv", "alias,sc\nana,3\n", before.SHA))
	hasContent(t, s, "update/wallet.csv", "alias,sc\nana,2\n")
}

func deleteRemovesFile(t *testing.T, s ledger.Store) {
	base := tree(t, s, "")
	commit(t, s, "storetest: create two",
		create("delete/folder/gone.md", "gone\n"),
		create("delete/kept.md", "kept\n"),
	)
	commit(t, s, "storetest: delete", remove("delete/folder/gone.md", ledger.BlobSHA([]byte("gone\n"))))
	notFound(t, s, "delete/folder/gone.md")
	hasContent(t, s, "delete/kept.md", "kept\n")
	sameFiles(t, tree(t, s, ""), files(base.Files, map[string]string{"delete/kept.md": "kept\n"}))

	// A deleted path is free again.
	commit(t, s, "storetest: create again", create("delete/folder/gone.md", "back\n"))
	hasContent(t, s, "delete/folder/gone.md", "back\n")
}

func multiFileCommitIsOneCommit(t *testing.T, s ledger.Store) {
	h0 := head(t, s)
	base := tree(t, s, "")
	c1 := commit(t, s, "storetest: one command",
		create("pages/tasks/6_1_1_1.md", "---\ntitle: First task\n---\n"),
		create("indexes/tasks.csv", "task_id,wiki_path\n6_1_1_1,pages/tasks/6_1_1_1.md\n"),
		create("master-events/2025-01.csv", "event_id,action\n$a,create_task\n"),
	)
	want1 := files(base.Files, map[string]string{
		"pages/tasks/6_1_1_1.md":    "---\ntitle: First task\n---\n",
		"indexes/tasks.csv":         "task_id,wiki_path\n6_1_1_1,pages/tasks/6_1_1_1.md\n",
		"master-events/2025-01.csv": "event_id,action\n$a,create_task\n",
	})
	// The head went straight from h0 to c1: h0 has none of the files, c1 all.
	sameFiles(t, tree(t, s, h0), base.Files)
	sameFiles(t, tree(t, s, c1.Commit), want1)

	c2 := commit(t, s, "storetest: create, update and delete at once",
		create("pages/tasks/6_1_1_2.md", "---\ntitle: Second task\n---\n"),
		update("indexes/tasks.csv", "task_id,wiki_path\n6_1_1_2,pages/tasks/6_1_1_2.md\n",
			ledger.BlobSHA([]byte("task_id,wiki_path\n6_1_1_1,pages/tasks/6_1_1_1.md\n"))),
		remove("pages/tasks/6_1_1_1.md", ledger.BlobSHA([]byte("---\ntitle: First task\n---\n"))),
	)
	sameFiles(t, tree(t, s, c1.Commit), want1)
	sameFiles(t, tree(t, s, c2.Commit), files(want1, map[string]string{
		"pages/tasks/6_1_1_2.md": "---\ntitle: Second task\n---\n",
		"indexes/tasks.csv":      "task_id,wiki_path\n6_1_1_2,pages/tasks/6_1_1_2.md\n",
	}, "pages/tasks/6_1_1_1.md"))

	// A folder, or a path through a file, is not a file.
	notFound(t, s, "pages/tasks")
	notFound(t, s, "indexes/tasks.csv/row")
}
