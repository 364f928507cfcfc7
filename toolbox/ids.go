package toolbox

import (
	"iter"
	"strconv"
)

// firstFreeID is prefix<n> for the first n from from on that taken does not
// claim. Rows are never erased, so numbering from a count lands on a free
// ID at once unless rows were numbered otherwise.
func firstFreeID(prefix string, from int, taken func(id string) bool) string {
	for n := from; ; n++ {
		if id := prefix + strconv.Itoa(n); !taken(id) {
			return id
		}
	}
}

// countOf is how many rows a listing has.
func countOf[R any](rows iter.Seq[R]) int {
	n := 0
	for range rows {
		n++
	}
	return n
}
