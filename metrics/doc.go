// Package metrics lets an operator watch a running Engelbot: it counts what
// the bot and the ledger do as Prometheus metrics, and says over HTTP
// whether the process is alive (/healthz) and ready to serve (/readyz).
//
// It implements the bot's and the ledger's observers (bot.Observer,
// ledger.Observer) with plain methods, so that neither of them imports
// Prometheus, and it keeps a registry of its own rather than Prometheus's
// global one. It only listens: it must never change what the bot or the
// ledger do, nor reach the forge except through the probe it is given.
package metrics
