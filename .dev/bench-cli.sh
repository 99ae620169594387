#!/usr/bin/env bash
# Times the administrator's command `zaitaku` (release build) as whole
# processes, as an office's script would run it: `--version`, and a sample
# flyer PDF on the demo database. Prints the median and 90th percentile of
# RUNS runs and the peak memory (max RSS). Targets: --version ≤ 5 ms, the
# flyer ≤ 12 ms, peak ≤ 40 MB. Not part of the tests.
# Usage: bash .dev/bench-cli.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
runs="${1:-50}"

cargo build --release -p zaitaku-cli --locked
target="$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$target/release/zaitaku" demo-data --db "$work/demo.db" >/dev/null

python3 - "$runs" "$target/release" "$work" <<'PY'
import os, subprocess, sys, time

runs, release, work = int(sys.argv[1]), sys.argv[2], sys.argv[3]
env = {k: v for k, v in os.environ.items() if k != "ZAITAKU_DESK_DB"}
quiet = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]


def measure(argv):
    """Median and p90 wall time (ms) of whole runs, and the median CPU time
    (user + system, ms), which other work on a busy machine does not
    inflate as much."""
    times, cpu = [], []
    for _ in range(runs):
        start = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, env, file_actions=quiet)
        _, status, usage = os.wait4(pid, 0)
        times.append((time.perf_counter() - start) * 1e3)
        cpu.append((usage.ru_utime + usage.ru_stime) * 1e3)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"failed: {' '.join(argv)}")
    times.sort()
    cpu.sort()
    return times[len(times) // 2], times[len(times) * 9 // 10], cpu[len(cpu) // 2]


def peak_mb(argv):
    """Max RSS (MB) by GNU time: Linux keeps a process's peak across exec,
    so a child of this Python would report Python's own size."""
    if not os.path.exists("/usr/bin/time"):
        return float("nan")
    out = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *argv],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True,
    )
    return int(out.stderr.strip().splitlines()[-1]) / 1024


def show(label, argv, target=""):
    median, p90, cpu = measure(argv)
    peak = peak_mb(argv)
    print(f"{label:<44} {median:7.2f} ms {p90:7.2f} ms {cpu:7.2f} ms {peak:7.1f} MB   {target}")


zaitaku = os.path.join(release, "zaitaku")
pdf = os.path.join(work, "flyer.pdf")
print(f"whole processes, {runs} runs each{'':<17} median      p90  CPU time  peak RSS   target")
show("/bin/true (the cost of spawning and timing)", ["/bin/true"])
show("zaitaku --version", [zaitaku, "--version"], "≤ 5 ms, ≤ 40 MB")
show(
    "zaitaku flyer --sample lecture (demo db)",
    [zaitaku, "flyer", "--sample", "lecture", "--db", os.path.join(work, "demo.db"), "--out", pdf],
    "≤ 12 ms, ≤ 40 MB",
)
print(f"flyer PDF: {os.path.getsize(pdf) // 1024} KB")
desk = os.path.join(release, "zaitaku-desk")
if os.path.exists(desk):
    show("zaitaku-desk --version (GUI binary, if built)", [desk, "--version"])
print("before the split (one binary linking GTK/WebKit): --version 55 ms / 50 MB, flyer 81 ms / 75 MB")
PY
