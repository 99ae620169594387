#!/usr/bin/env python3
"""Times a window's start under X and measures its memory, for
.dev/bench-startup.sh. Run inside a display (xvfb-run).

  measure.py [--runs N] [--env K=V ...] [--before CMD] -- PROGRAM ARGS...

For each run it starts PROGRAM, grabs the screen through one X connection
(a new connection per grab makes Xvfb refuse clients), and prints:
- first paint: the first screen that differs from the empty one;
- drawn: the last change of the screen before it stays still for 1.5 s;
- PSS and USS of the whole process tree (the app, WebKit's web and
  network processes) once drawn, from /proc/<pid>/smaps_rollup.
The bottom-right corner where the app's backup notice appears is left out
of the comparison: the notice is not the screen being drawn.
"""

import argparse
import ctypes
import os
import signal
import statistics
import subprocess
import sys
import time

STILL_FOR = 1.5
# Set ZAITAKU_TRACE=1 to see every change of the screen (to tell the
# window's frame, the page's first paint and the font's swap apart).
TRACE = os.environ.get("ZAITAKU_TRACE") == "1"
GIVE_UP_AFTER = 30.0
NOTICE_W, NOTICE_H = 460, 120

x11 = ctypes.cdll.LoadLibrary("libX11.so.6")
x11.XOpenDisplay.restype = ctypes.c_void_p
x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
x11.XDefaultRootWindow.restype = ctypes.c_ulong
x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
x11.XDisplayWidth.argtypes = [ctypes.c_void_p, ctypes.c_int]
x11.XDisplayHeight.argtypes = [ctypes.c_void_p, ctypes.c_int]
x11.XGetImage.restype = ctypes.c_void_p
x11.XGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int,
                          ctypes.c_uint, ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]
x11.XDestroyImage.argtypes = [ctypes.c_void_p]


class XImage(ctypes.Structure):
    _fields_ = [("width", ctypes.c_int), ("height", ctypes.c_int), ("xoffset", ctypes.c_int),
                ("format", ctypes.c_int), ("data", ctypes.c_void_p), ("byte_order", ctypes.c_int),
                ("bitmap_unit", ctypes.c_int), ("bitmap_bit_order", ctypes.c_int),
                ("bitmap_pad", ctypes.c_int), ("depth", ctypes.c_int),
                ("bytes_per_line", ctypes.c_int), ("bits_per_pixel", ctypes.c_int)]


class Screen:
    def __init__(self):
        self.display = x11.XOpenDisplay(None)
        if not self.display:
            sys.exit("no X display: run under xvfb-run")
        self.root = x11.XDefaultRootWindow(self.display)
        self.w = x11.XDisplayWidth(self.display, 0)
        self.h = x11.XDisplayHeight(self.display, 0)

    def rows(self):
        """One hash per screen row, the notice corner left out."""
        ptr = x11.XGetImage(self.display, self.root, 0, 0, self.w, self.h, 0xFFFFFFFF, 2)
        img = ctypes.cast(ptr, ctypes.POINTER(XImage)).contents
        stride, bpp = img.bytes_per_line, img.bits_per_pixel // 8
        data = ctypes.string_at(img.data, stride * img.height)
        x11.XDestroyImage(ptr)
        cut = (self.w - NOTICE_W) * bpp
        return [hash(data[y * stride:(y * stride + cut) if y >= self.h - NOTICE_H else (y + 1) * stride])
                for y in range(self.h)]


def tree(pid):
    """pid and all its descendants."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def process_memory_kb(pid):
    """(PSS, USS) of one process in kB, or None if it is gone."""
    pss = uss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                key, value = line.split()[:2]
                if key == "Pss:":
                    pss += int(value)
                elif key in ("Private_Clean:", "Private_Dirty:"):
                    uss += int(value)
    except OSError:
        return None
    return pss, uss


def process_name(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


def memory_mb(pid):
    """(PSS, USS, {process name: PSS}) of the tree. PSS shares a library's
    pages among all the processes mapping it, so it drops while other WebKit
    apps run: measure on a quiet machine; USS (private pages only) does not
    move with them."""
    pss = uss = 0
    each = {}
    for p in tree(pid):
        kb = process_memory_kb(p)
        if kb is None:
            continue
        pss += kb[0]
        uss += kb[1]
        name = process_name(p)
        each[name] = each.get(name, 0) + kb[0] / 1024
    return pss / 1024, uss / 1024, each


def one_run(screen, command, env, before):
    if before:
        subprocess.run(before, shell=True, check=True)
    empty = screen.rows()
    start = time.monotonic()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    last, first_paint, drawn = empty, None, None
    try:
        while True:
            now = time.monotonic() - start
            rows = screen.rows()
            if rows != last:
                if first_paint is None and rows != empty:
                    first_paint = now
                if TRACE:
                    changed = sum(a != b for a, b in zip(rows, last))
                    print(f"    {now * 1000:6.0f} ms: {changed} rows changed", file=sys.stderr)
                drawn, last = now, rows
            elif drawn is not None and now - drawn >= STILL_FOR:
                break
            if now > GIVE_UP_AFTER or proc.poll() is not None:
                raise SystemExit(f"no still screen within {GIVE_UP_AFTER} s: {' '.join(command)}")
            time.sleep(0.005)
        pss, uss, each = memory_mb(proc.pid)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        time.sleep(0.3)
    return first_paint * 1000, drawn * 1000, pss, uss, each


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--label", required=True)
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--before", help="shell command run before each start")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    env = dict(os.environ)
    env.update(kv.split("=", 1) for kv in args.env)
    screen = Screen()
    one_run(screen, command, env, args.before)  # warm the page cache
    runs = [one_run(screen, command, env, args.before) for _ in range(args.runs)]
    first, drawn, pss, uss = (statistics.median(col) for col in list(zip(*runs))[:4])
    print(f"{args.label:<40} first paint {first:5.0f} ms  drawn {drawn:5.0f} ms  "
          f"PSS {pss:5.1f} MB  USS {uss:5.1f} MB  (median of {args.runs})", flush=True)
    # Which process holds the memory: the app, WebKit's web or network process.
    names = sorted({name for run in runs for name in run[4]})
    print("    PSS by process: " + ", ".join(
        f"{name} {statistics.median(run[4].get(name, 0) for run in runs):.1f} MB" for name in names), flush=True)
    print(f"RESULT {args.label}\t{first:.1f}\t{drawn:.1f}\t{pss:.1f}\t{uss:.1f}", file=sys.stderr)


if __name__ == "__main__":
    main()
