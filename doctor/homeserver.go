package doctor

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

// dated is a server's clock as one of its answers gave it (the Date
// header), and this machine's clock when the answer came.
type dated struct {
	server, local time.Time
	known         bool
}

// get sends one GET with an optional Authorization header and returns the
// status, the body (at most 1 MiB: these answers are small) and when it
// came. A nil error means an answer came, whatever its status.
func (r *run) get(ctx context.Context, url, authorization string) (int, []byte, dated, error) {
	ctx, cancel := r.timeout(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, dated{}, err
	}
	req.Header.Set("Accept", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := r.http.Do(req)
	if err != nil {
		return 0, nil, dated{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, nil, dated{}, err
	}
	d := dated{local: r.opts.Now()}
	if t, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		d.server, d.known = t, true
	}
	return resp.StatusCode, body, d, nil
}

// homeserver checks that the homeserver answers the client-server API at
// homeserver.url, and keeps its clock for the skew check.
func (r *run) homeserver(ctx context.Context) {
	const check = "homeserver"
	url := strings.TrimRight(r.cfg.Homeserver.URL, "/")
	status, body, d, err := r.get(ctx, url+"/_matrix/client/versions", "")
	if err != nil {
		r.fail(check, "no answer from %s (%v): check homeserver.url and that the homeserver is running and reachable from here", url, err)
		return
	}
	var v struct {
		Versions []string `json:"versions"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &v) != nil || len(v.Versions) == 0 {
		r.fail(check, "%s answers /_matrix/client/versions with HTTP %d, not a Matrix version list: homeserver.url must be where the client-server API answers", url, status)
		return
	}
	r.homeserverOK, r.homeserverDate = true, d
	r.ok(check, "%s answers (Matrix %s)", url, v.Versions[len(v.Versions)-1])
}

// serverName checks homeserver.server_name against the server part of the
// bot's user ID as the homeserver itself reports it: the surest word on
// which server this is (a homeserver serves no other names).
func (r *run) serverName(s *sessions) {
	const check = "server name"
	who := s.known()
	if who == nil {
		r.skip(check, "needs a session of the bot's to ask the homeserver who it is (see the bot lines above)")
		return
	}
	_, server, _ := strings.Cut(string(who.user), ":")
	if server != r.cfg.Homeserver.ServerName {
		r.fail(check, "homeserver.server_name is %q, but the homeserver at %s names its users …:%s (the bot is %s): set homeserver.server_name to %s, and the user IDs in the file to match",
			r.cfg.Homeserver.ServerName, r.cfg.Homeserver.URL, server, who.user, server)
		return
	}
	r.ok(check, "the homeserver serves %s, as homeserver.server_name says", server)
}
