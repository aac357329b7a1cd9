#!/usr/bin/env python3
"""Decodes a generated stream with v4l2-h264-decode (through the emulator or
a real V4L2 decoder) and compares its frames, in output order, with FFmpeg's
software decode: `ffmpeg -i X -noautoscale -f framemd5 -pix_fmt yuv420p -`
(-noautoscale keeps each frame's own size across a resolution change).
Only the size and MD5 columns are compared.

usage: check_decode.py DECODER GENERATE STREAMS_DIR NAME
"""
import os
import shlex
import subprocess
import sys


def built(program):
    """A program of this build: under meson's exe wrapper in a cross build
    (qemu-aarch64 for the arm64 pass), as it is otherwise."""
    return shlex.split(os.environ.get("MESON_EXE_WRAPPER", "")) + [program]


def frames(text):
    rows = []
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        cols = [c.strip() for c in line.split(",")]
        rows.append((cols[4], cols[5]))
    return rows


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    decoder, generate, streams_dir, name = sys.argv[1:5]
    subprocess.run([generate, streams_dir, name], check=True)
    stream = f"{streams_dir}/{name}.h264"
    want = frames(subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", stream, "-noautoscale",
         "-f", "framemd5", "-pix_fmt", "yuv420p", "-"],
        check=True, capture_output=True, text=True).stdout)
    got_run = subprocess.run(built(decoder) + [stream], capture_output=True, text=True)
    sys.stderr.write(got_run.stderr)
    got = frames(got_run.stdout)
    bad = 0
    for i in range(max(len(want), len(got))):
        w = want[i] if i < len(want) else None
        g = got[i] if i < len(got) else None
        if w != g:
            bad += 1
            if bad <= 10:
                print(f"frame {i}: ffmpeg {w}, v4l2-h264-decode {g}")
    print(f"{name}: {len(got)} frames decoded, {len(want)} expected, {bad} differ, "
          f"decoder exit {got_run.returncode}")
    return 0 if bad == 0 and got_run.returncode == 0 and want else 1


if __name__ == "__main__":
    sys.exit(main())
