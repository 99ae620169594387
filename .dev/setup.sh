#!/usr/bin/env bash
# Installs what building (and, with --test, testing) zaitaku-desk needs on a
# Debian/Ubuntu machine: system packages, Rust, and tauri-driver. Safe to run
# again: it only installs what is missing.
set -euo pipefail

want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# Build: WebKitGTK and GTK headers for Tauri, a C toolchain for bundled SQLite.
# SQLCipher compiles its own OpenSSL (perl, make); the session extension makes
# libsqlite3-sys generate its bindings, which needs libclang.
packages=(libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev build-essential pkg-config curl ca-certificates perl make libclang-dev)
# Test: a virtual display and the WebKit WebDriver that tauri-driver talks to.
# No Japanese system font on purpose: the app must show its bundled one.
# poppler-utils and qpdf check every PDF the app writes (tests/cli/print.rs).
# desktop-file-utils checks the installed package's menu entry, rpm the .rpm's
# digests (.dev/package-test.sh).
if [[ $want_test -eq 1 ]]; then
  packages+=(xvfb xauth webkit2gtk-driver poppler-utils qpdf desktop-file-utils rpm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "==> apt-get install ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v cargo >/dev/null; then
  echo "==> installing Rust (rustup)"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
fi

# The test command checks formatting and lints; a minimal rustup profile lacks both.
if [[ $want_test -eq 1 ]] && ! (cargo fmt --version && cargo clippy --version) >/dev/null 2>&1; then
  echo "==> rustup component add rustfmt clippy"
  rustup component add rustfmt clippy
fi

if [[ $want_test -eq 1 ]] && ! command -v tauri-driver >/dev/null; then
  echo "==> cargo install tauri-driver"
  cargo install tauri-driver --version '^2' --locked --quiet
fi
