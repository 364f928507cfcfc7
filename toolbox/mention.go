package toolbox

import (
	"net/url"
	"strings"

	"smartup0.org/engelbot/ledger"
)

// matrixToPrefix starts a Matrix mention link, as clients write pills.
const matrixToPrefix = "matrix.to/#/"

// mentionLink reads the Matrix ID of a user named by a matrix.to link;
// isLink is false when s holds no such link. The link must be the whole of
// s: bare (https://matrix.to/#/@frank:server, with or without its scheme),
// in angle brackets, or as a Markdown link [name](…), the ID optionally
// followed by a ?via=… query. Anything else around it is refused rather
// than trimmed away: another address can carry "matrix.to/#/@…" in its
// path or query, and words typed before a link were meant as something.
func mentionLink(s string) (mxid string, isLink bool, err error) {
	i := strings.Index(s, matrixToPrefix)
	if i < 0 {
		return "", false, nil
	}
	bad := ledger.Refuse("%s is not a mention I can read: a link names an owner only on its own, like `https://matrix.to/#/@carol:server` "+
		"or a mention picked from the list, with nothing typed before or after it. Naming them by alias (`carol`) always works.", quoteArg(s))
	before, link := s[:i], s[i+len(matrixToPrefix):]
	for _, scheme := range []string{"https://", "http://"} {
		if b, ok := strings.CutSuffix(before, scheme); ok {
			before = b
			break
		}
	}
	closed := true
	switch {
	case before == "":
	case before == "<":
		link, closed = strings.CutSuffix(link, ">")
	case strings.HasPrefix(before, "[") && strings.HasSuffix(before, "](") && balanced(before[1:len(before)-2]):
		link, closed = strings.CutSuffix(link, ")")
	default:
		return "", true, bad
	}
	link, _, _ = strings.Cut(link, "?") // ?via=server: where to find a room, not who
	id, err := url.PathUnescape(link)
	if !closed || err != nil || !strings.HasPrefix(id, "@") || strings.ContainsAny(id, " <>()[]?#/") {
		return "", true, bad
	}
	return id, true, nil
}

// balanced reports whether a Markdown link's text holds its brackets in
// pairs, so that the link's own brackets enclose all of it: in
// "[x] y [carol](…)" the first bracket closes early, and "x] y [carol" is
// not one link text but words in front of a link.
func balanced(text string) bool {
	depth := 0
	for _, r := range text {
		switch r {
		case '[':
			depth++
		case ']':
			if depth--; depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}
