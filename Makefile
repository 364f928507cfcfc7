# Engelbot's two everyday commands are `make demo` and `make test`; both
# install what they need (Go modules, Dendrite, the Gitea build, the npm
# packages of the Element-like test client; MkDocs from Debian packages) into
# $(ENGELBOT_CACHE) the first time and reuse it afterwards.

ENGELBOT_CACHE ?= $(HOME)/.cache/engelbot
export ENGELBOT_CACHE

GO ?= go
# goolm: end-to-end encryption with mautrix's pure-Go olm (no C library to
# install). Every build and test here uses it; a binary built without it
# starts only with encryption.enabled: false.
TAGS ?= goolm
TEST_FLAGS ?= -count=1 -timeout 30m

# The version `engelbot version` and !status report. Outside a git checkout
# (a source archive) it is empty and the binary falls back to the module
# version Go records; set it there: make build VERSION=v1.2.3
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null)
LDFLAGS := $(if $(VERSION),-X smartup0.org/engelbot/app.stamped=$(VERSION))
# Where make build writes the binary.
BINARY ?= engelbot

.PHONY: all build test servers demo vet docs bench clean

all: build

## build: the production binary, its version stamped from git
build:
	$(GO) build -tags "$(TAGS)" -ldflags "$(LDFLAGS)" -o $(BINARY) ./cmd/engelbot

## servers: install Dendrite, build Gitea into the cache, install MkDocs (skipped when present)
servers:
	bash scripts/install-servers.sh all

## test: every test, unit and end-to-end against real Dendrite and Gitea
test: servers vet
	$(GO) test -tags "$(TAGS)" $(TEST_FLAGS) ./...
	# A binary built without the tag must refuse to start with encryption on.
	$(GO) test $(TEST_FLAGS) ./bot -run TestEncryptionWithoutItsBuildTag

vet:
	$(GO) vet -tags "$(TAGS)" ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi

## demo: a local homeserver, a seeded local ledger and the bot, with a console to talk to it
demo:
	bash scripts/install-servers.sh dendrite
	bash scripts/install-servers.sh mkdocs
	$(GO) run -tags "$(TAGS)" ./cmd/engelbot-demo demo

## bench: one report of the measured figures against a real Gitea (about 10 minutes)
bench: servers
	$(GO) run -tags "$(TAGS)" ./bench/cmd/engelbot-bench

## docs: regenerate docs/commands.md from the command registry
docs:
	$(GO) test -tags "$(TAGS)" ./toolbox -run TestCommandsDoc -update

clean:
	rm -rf engelbot .demo
