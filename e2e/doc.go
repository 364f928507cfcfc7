// Package e2e holds the end-to-end tests: Engelbot wired as in production,
// talking to a real Dendrite homeserver and a real Gitea forge started on
// loopback for each test, driven by Matrix clients the way owners use it.
package e2e
