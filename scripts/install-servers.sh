#!/usr/bin/env bash
# Installs the real servers that Engelbot's tests and demo run against, once,
# into a cache outside the clone: Dendrite (Matrix homeserver), Gitea (the
# forge that stands in for Forgejo) and Element's crypto stack (matrix-js-sdk
# from npm, for the encryption interoperability test); and MkDocs with the
# Material theme (Debian packages), which builds the published site in the
# tests. Skips whatever is already installed.
#
#   ENGELBOT_CACHE   cache folder (default: $HOME/.cache/engelbot)
#
# Prints nothing but progress on stderr; the binaries land in $ENGELBOT_CACHE/bin,
# the npm packages in $ENGELBOT_CACHE/element-<hash of the lock file>/node_modules.
set -euo pipefail

DENDRITE_VERSION=v0.13.8
GITEA_VERSION=v1.26.0

cache="${ENGELBOT_CACHE:-$HOME/.cache/engelbot}"
bin="$cache/bin"
mkdir -p "$bin"

log() { printf 'install-servers: %s\n' "$*" >&2; }

install_dendrite() {
  local stamp="$bin/.dendrite-$DENDRITE_VERSION"
  if [[ -x "$bin/dendrite" && -x "$bin/generate-keys" && -x "$bin/generate-config" && -f "$stamp" ]]; then
    return
  fi
  log "building Dendrite $DENDRITE_VERSION (about 2 minutes the first time)"
  # Dendrite's own go.mod pins its dependencies; install each command at the tag.
  for c in dendrite generate-keys generate-config; do
    GOBIN="$bin" GOFLAGS=-buildvcs=false go install "github.com/matrix-org/dendrite/cmd/$c@$DENDRITE_VERSION"
  done
  touch "$stamp"
}

install_gitea() {
  # The stamp's suffix names the build recipe: change it when the recipe
  # changes, so that caches built the old way are rebuilt.
  local stamp="$bin/.gitea-$GITEA_VERSION-r2"
  local src="$cache/gitea-src-$GITEA_VERSION"
  if [[ -x "$bin/gitea" && -f "$stamp" && -d "$src/templates" ]]; then
    return
  fi
  log "building Gitea $GITEA_VERSION (about 7 minutes the first time)"
  # go install refuses Gitea (its go.mod has replace directives), so build the
  # downloaded module as the main module in a writable copy. The copy also
  # serves as Gitea's STATIC_ROOT_PATH: templates and options are read from disk.
  local dir
  dir=$(go mod download -json "code.gitea.io/gitea@$GITEA_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  if [[ -z "$dir" ]]; then
    log "could not download code.gitea.io/gitea@$GITEA_VERSION"; exit 1
  fi
  rm -rf "$src.tmp"
  cp -r "$dir" "$src.tmp"
  chmod -R u+w "$src.tmp"
  # Without -X main.Version the server reports "development", which API
  # clients that check the version (the Gitea SDK by default) reject.
  local tags='sqlite sqlite_unlock_notify'
  (cd "$src.tmp" && CGO_ENABLED=1 GOFLAGS=-buildvcs=false go build -tags "$tags" \
    -ldflags "-X main.Version=${GITEA_VERSION#v} -X 'main.Tags=$tags'" -o "$bin/gitea.tmp" .)
  rm -rf "$src"
  mv "$src.tmp" "$src"
  mv "$bin/gitea.tmp" "$bin/gitea"
  touch "$stamp"
}

install_element() {
  # Keyed by the lock file's hash, so a changed lock installs afresh beside
  # the old one and an unchanged one is reused. e2e/element_test.go computes
  # the same folder name: keep the two in step.
  local here lock hash dir
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/e2e/element"
  lock="$here/package-lock.json"
  hash=$(sha256sum "$lock" | cut -c1-16)
  dir="$cache/element-$hash"
  if [[ -f "$dir/.installed" && -d "$dir/node_modules" ]]; then
    return
  fi
  if ! command -v npm >/dev/null; then
    log "npm is missing: install Node.js 20 or newer with npm (e.g. apt-get install nodejs npm)"; exit 1
  fi
  log "installing matrix-js-sdk from npm into $dir"
  rm -rf "$dir.tmp"
  mkdir -p "$dir.tmp"
  cp "$here/package.json" "$lock" "$dir.tmp/"
  # npm ci installs exactly the lock file; the packages need no install scripts.
  (cd "$dir.tmp" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
  touch "$dir.tmp/.installed"
  rm -rf "$dir"
  mv "$dir.tmp" "$dir"
}

# mkdocs_works: mkdocs is on the PATH and builds a page with the Material
# theme (the package that brings the theme can be missing on its own).
mkdocs_works() {
  command -v mkdocs >/dev/null || return 1
  local dir
  dir=$(mktemp -d)
  mkdir -p "$dir/docs"
  printf '# Check\n' >"$dir/docs/index.md"
  printf 'site_name: check\ntheme:\n  name: material\n' >"$dir/mkdocs.yml"
  local ok=0
  (cd "$dir" && mkdocs build --strict --quiet >/dev/null 2>&1) || ok=1
  rm -rf "$dir"
  return "$ok"
}

install_mkdocs() {
  if mkdocs_works; then
    return
  fi
  local as_root=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      as_root=(sudo -n)
    else
      log "mkdocs with the Material theme is missing; install it as root: apt-get update && apt-get install -y mkdocs mkdocs-material"
      exit 1
    fi
  fi
  if ! command -v apt-get >/dev/null; then
    log "mkdocs with the Material theme is missing and this is no Debian system: install MkDocs 1.4+ and mkdocs-material (pip install mkdocs mkdocs-material)"
    exit 1
  fi
  log "installing the Debian packages mkdocs and mkdocs-material"
  "${as_root[@]}" apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq mkdocs mkdocs-material >&2
  if ! mkdocs_works; then
    log "mkdocs was installed but does not build a page with the Material theme"
    exit 1
  fi
}

case "${1:-all}" in
  dendrite) install_dendrite ;;
  gitea) install_gitea ;;
  element) install_element ;;
  mkdocs) install_mkdocs ;;
  all) install_dendrite; install_gitea; install_element; install_mkdocs ;;
  *) log "usage: $0 [dendrite|gitea|element|mkdocs|all]"; exit 2 ;;
esac
