package forgejo

import (
	"os"
	"testing"

	"smartup0.org/engelbot/servers"
)

func TestMain(m *testing.M) {
	servers.RequireForTests("forgejo", servers.NeedGitea)
	os.Exit(m.Run())
}
