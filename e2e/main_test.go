package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"smartup0.org/engelbot/servers"
)

func TestMain(m *testing.M) {
	servers.RequireForTests("e2e", servers.NeedDendrite, servers.NeedGitea)
	code := m.Run()
	if builtBinary != "" {
		_ = os.RemoveAll(filepath.Dir(builtBinary))
	}
	os.Exit(code)
}
