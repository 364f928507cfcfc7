package metrics_test

import (
	"os"
	"testing"

	"smartup0.org/engelbot/servers"
)

func TestMain(m *testing.M) {
	servers.RequireForTests("metrics", servers.NeedGitea)
	os.Exit(m.Run())
}
