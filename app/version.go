package app

import (
	"regexp"
	"runtime/debug"
)

// stamped is the version `make build` writes into the binary:
//
//	go build -ldflags "-X smartup0.org/engelbot/app.stamped=$(git describe --tags --always --dirty)"
//
// A binary built another way leaves it empty.
var stamped string

// Version is the build's version, for `engelbot version` and !status: the
// one make build stamped; else the module version `go install …@v1.2.3`
// records; else, for a plain go build, the date of its commit.
func Version() string {
	if stamped != "" {
		return stamped
	}
	info, ok := debug.ReadBuildInfo()
	if !ok || info.Main.Version == "" || info.Main.Version == "(devel)" {
		return "development build"
	}
	// A pseudo-version carries a commit hash; it is shown by its date only.
	if m := pseudoVersion.FindStringSubmatch(info.Main.Version); m != nil {
		return "development build of " + m[1] + "-" + m[2] + "-" + m[3]
	}
	return info.Main.Version
}

var pseudoVersion = regexp.MustCompile(`[.-](\d{4})(\d{2})(\d{2})\d{6}-[0-9a-f]{12}`)
