package localgit

import (
	"fmt"
	"strings"
)

// splitPath checks that p can name a file in a git tree that git, go-git and
// a checkout on any system accept, and returns its segments.
func splitPath(p string) ([]string, error) {
	if p == "" {
		return nil, fmt.Errorf("%w: empty", ErrInvalidPath)
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return nil, fmt.Errorf("%w %q: control character or backslash", ErrInvalidPath, p)
		}
	}
	segs := strings.Split(p, "/")
	for _, seg := range segs {
		switch strings.ToLower(seg) {
		case "", ".", "..", ".git", "git~1":
			return nil, fmt.Errorf("%w %q: segment %q", ErrInvalidPath, p, seg)
		}
	}
	if strings.Contains(segs[0], ":") {
		return nil, fmt.Errorf("%w %q: looks like a drive or URL", ErrInvalidPath, p)
	}
	return segs, nil
}
