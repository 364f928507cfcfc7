package servers

import (
	"bytes"
	"fmt"
	"text/template"
)

// giteaConfig holds what varies between test forges.
type giteaConfig struct {
	Dir           string // work path; data, repositories and logs live below it
	StaticRoot    string // the Gitea source copy with templates/ and options/
	Port          int
	SecretKey     string
	InternalToken string
}

// giteaINI is a forge for one test: already installed, SQLite, loopback
// only, nothing that reaches out (no SSH, mail, cron or update checks;
// OFFLINE_MODE also turns off avatars from the net), in-memory cache,
// session and queues, and a cheap password hash so that creating users
// costs milliseconds. New repositories start on branch main.
var giteaINI = template.Must(template.New("app.ini").Parse(`APP_NAME = Engelbot test forge
RUN_MODE = prod
WORK_PATH = {{.Dir}}
I_AM_BEING_UNSAFE_RUNNING_AS_ROOT = true

[server]
PROTOCOL = http
HTTP_ADDR = 127.0.0.1
HTTP_PORT = {{.Port}}
DOMAIN = 127.0.0.1
ROOT_URL = http://127.0.0.1:{{.Port}}/
DISABLE_SSH = true
START_SSH_SERVER = false
OFFLINE_MODE = true
LFS_START_SERVER = false
STATIC_ROOT_PATH = {{.StaticRoot}}
APP_DATA_PATH = {{.Dir}}/data
GRACEFUL_HAMMER_TIME = 2s

[database]
DB_TYPE = sqlite3
PATH = {{.Dir}}/data/gitea.db
; WAL makes the migration five times faster and lets readers run
; alongside a writer; the longer busy timeout rides out write bursts.
SQLITE_JOURNAL_MODE = WAL
SQLITE_TIMEOUT = 5000

[repository]
ROOT = {{.Dir}}/repositories
DEFAULT_BRANCH = main

[security]
INSTALL_LOCK = true
SECRET_KEY = {{.SecretKey}}
INTERNAL_TOKEN = {{.InternalToken}}
PASSWORD_HASH_ALGO = pbkdf2$1000$32
PASSWORD_COMPLEXITY = off

[service]
DISABLE_REGISTRATION = true
REGISTER_EMAIL_CONFIRM = false
ENABLE_NOTIFY_MAIL = false
DEFAULT_ALLOW_CREATE_ORGANIZATION = true

[oauth2]
ENABLED = false

[mailer]
ENABLED = false

[cron]
ENABLED = false

[cron.update_checker]
ENABLED = false

[cache]
ADAPTER = memory

[session]
PROVIDER = memory

[queue]
TYPE = channel

[api]
; Production forges page recursive trees by 1,000 entries; small pages here
; make every test with a few hundred files exercise a client's paging.
DEFAULT_GIT_TREES_PER_PAGE = 100

[indexer]
REPO_INDEXER_ENABLED = false

[actions]
ENABLED = false

[log]
MODE = console
LEVEL = warn
ROOT_PATH = {{.Dir}}/log
`))

// render writes the app.ini text.
func (c giteaConfig) render() ([]byte, error) {
	var buf bytes.Buffer
	if err := giteaINI.Execute(&buf, c); err != nil {
		return nil, fmt.Errorf("servers: render app.ini: %w", err)
	}
	return buf.Bytes(), nil
}
