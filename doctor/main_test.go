package doctor_test

import (
	"os"
	"testing"

	"smartup0.org/engelbot/servers"
)

func TestMain(m *testing.M) {
	servers.RequireForTests("doctor", servers.NeedDendrite, servers.NeedGitea)
	os.Exit(m.Run())
}
