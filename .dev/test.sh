#!/usr/bin/env bash
# Sets up and runs the whole test suite: formatting and lints, unit and
# integration tests of every crate, then the end-to-end tests of the real
# app under a virtual display.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .dev/setup.sh --test
export PATH="$HOME/.cargo/bin:$PATH"

echo "==> formatting and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --features zaitaku-desk/e2e --locked -- -D warnings

echo "==> unit and integration tests"
cargo test --workspace --locked

echo "==> end-to-end tests (real app, WebKitWebDriver, Xvfb)"
xvfb-run -a -s "-screen 0 1280x800x24" \
  cargo test -p zaitaku-desk --features e2e --test e2e --locked -- --test-threads=1

echo "==> Linux package (build, install, start, remove)"
bash .dev/package-test.sh
