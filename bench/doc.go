// Package bench measures Engelbot against the targets of the product brief
// and prints one report: forge requests and commits per write command, query
// and write latencies, a burst of concurrent writes next to the original
// system's pattern, write latency against the size of the audit trail, the
// memory and load time of a large ledger, publishing the public site, and
// what commands cost on a ledger with 100 times the history of another.
//
// Every figure comes from a real Gitea on loopback (started by package
// servers) or from a local git store, measured in the run that prints it;
// nothing is hard-coded. The package drives Engelbot only through the
// exported APIs of ledger, toolbox and forgejo, and must not change what it
// measures: it writes only to the repositories it creates for itself.
package bench
