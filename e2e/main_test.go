package e2e

import (
	"os"
	"testing"

	"smartup0.org/engelbot/servers"
)

func TestMain(m *testing.M) {
	servers.RequireForTests("e2e", servers.NeedDendrite, servers.NeedGitea)
	os.Exit(m.Run())
}
