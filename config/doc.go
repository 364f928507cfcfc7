// Package config reads and checks Engelbot's YAML configuration. The
// commented example (config.example.yaml at the top of the repository) is
// embedded here too, so the binary can print it and tests can prove it loads.
//
// It holds no behaviour beyond loading, defaults and validation.
package config
