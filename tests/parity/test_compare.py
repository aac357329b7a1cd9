#!/usr/bin/env python3
"""Unit test of compare.py on two small recorded traces (suite 'unit').

data/high_slices.{gst,layer}.trace.gz are the first 4 pictures of the
high_slices stream as visl traced them in the VM (tests/parity/capture),
GStreamer's 16 requests (4 slices per picture) and the layer's 4, with the
ref_pic_list / pred_weights events and the CAPTURE v4l2_qbuf events left
out (compare.py reads neither).  They agree once normalized -- the layer's
POCs carry FFmpeg's +65536 and 2 of its DPBs list references in another
order -- so the pair must pass, and each edit below, a difference no rule
may hide, must fail."""

import gzip
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
COMPARE = os.path.join(HERE, 'compare.py')
GST = os.path.join(HERE, 'data', 'high_slices.gst.trace.gz')
LAYER = os.path.join(HERE, 'data', 'high_slices.layer.trace.gz')

failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print('FAIL: %s' % what)
    else:
        print('ok: %s' % what)


def run(gst, layer):
    p = subprocess.run([sys.executable, COMPARE, '--name', 't', gst, layer],
                       capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def read(path):
    with gzip.open(path, 'rt') as f:
        return f.read().split('\n')


def edit(lines, event, nth, field_re, repl):
    """Rewrites, in the nth (0-based) `event`, the first body line or (for
    one-line events) the header matching field_re."""
    seen = -1
    in_event = False
    out = list(lines)
    for i, line in enumerate(out):
        if (': %s: ' % event) in line or line.endswith(': %s:' % event):
            seen += 1
            in_event = seen == nth
            if in_event and re.search(field_re, line):
                out[i] = re.sub(field_re, repl, line, count=1)
                return out
            continue
        if re.match(r'^\s*\S.*\[\d{3}\]', line):
            in_event = False
        if in_event and re.search(field_re, line):
            out[i] = re.sub(field_re, repl, line, count=1)
            return out
    raise AssertionError('no %s #%d with %s' % (event, nth, field_re))


def mutated(tmp, name, lines):
    path = os.path.join(tmp, name)
    with open(path, 'w') as f:
        f.write('\n'.join(lines))
    return path


def main():
    status, out = run(GST, LAYER)
    check(status == 0, 'the recorded pair agrees (status %d)' % status)
    check('4 pictures, 0 differences' in out, 'it reports 4 pictures and no difference')
    check('POC origin (FFmpeg +65536) 0 / 4' in out, 'the POC rule applied to the layer only')
    check('DPB entry order 0 / 2' in out, 'the DPB order rule applied to 2 layer pictures')

    layer = read(LAYER)
    gst = read(GST)
    with tempfile.TemporaryDirectory() as tmp:
        cases = [
            ('frame_num of picture 2', 'layer',
             edit(layer, 'v4l2_ctrl_h264_decode_params', 2, r'^frame_num (\d+)', 'frame_num 9'),
             'decode_params.frame_num'),
            ('a reference_ts no picture had', 'layer',
             edit(layer, 'v4l2_h264_dpb_entry', 16 * 2, r'reference_ts \d+', 'reference_ts 7000'),
             'unknown ts 7000'),
            ('a POC offset other than 65536', 'layer',
             edit(layer, 'v4l2_ctrl_h264_decode_params', 1, r'^top_field_order_cnt (\d+)',
                  'top_field_order_cnt 65541'),
             'decode_params.top_field_order_cnt'),
            ('decode_params flags without PFRAME', 'layer',
             edit(layer, 'v4l2_ctrl_h264_decode_params', 1, r'^flags PFRAME', 'flags '),
             'decode_params.flags'),
            ('a non-flat matrix sent without SCALING_MATRIX_PRESENT', 'layer',
             edit(layer, 'v4l2_ctrl_h264_scaling_matrix', 3, r'^10 10', '0f 10'),
             'scaling_matrix.scaling_list_4x4'),
            ('an SPS field', 'layer',
             edit(layer, 'v4l2_ctrl_h264_sps', 0, r'^level_idc (\d+)', 'level_idc 41'),
             'sps.level_idc'),
            ('a DPB entry\'s field flags', 'layer',
             edit(layer, 'v4l2_h264_dpb_entry', 16 * 3, r'fields TOP_FIELD_REF\|BOTTOM_FIELD_REF',
                  'fields TOP_FIELD_REF'),
             'dpb['),
        ]
        for what, side, lines, field in cases:
            path = mutated(tmp, side + '.trace', lines)
            g, l = (path, LAYER) if side == 'gst' else (GST, path)
            status, out = run(g, l)
            check(status == 1 and field in out,
                  '%s (%s side) fails and names %s (status %d)' % (what, side, field, status))

        # One picture fewer on the layer's side: cut at its 4th request.
        cut = next(i for i, s in enumerate(layer)
                   if s.endswith('v4l2_ctrl_h264_sps: ') and
                   sum(x.endswith('v4l2_ctrl_h264_sps: ') for x in layer[:i]) == 3)
        short = [s for s in layer[:cut]]
        qbufs = [i for i, s in enumerate(short) if 'v4l2_qbuf:' in s]
        short = [s for i, s in enumerate(short) if i not in qbufs[3:]]
        status, out = run(GST, mutated(tmp, 'short.trace', short))
        check(status == 1 and 'number of pictures' in out,
              'a missing picture fails (status %d)' % status)

        # GStreamer's slices of one picture must carry the same picture
        # controls (else the grouping into pictures is wrong): an error.
        odd = edit(gst, 'v4l2_ctrl_h264_decode_params', 5, r'^nal_ref_idc (\d+)', 'nal_ref_idc 0')
        status, out = run(mutated(tmp, 'odd.trace', odd), LAYER)
        check(status == 2 and 'differs between its slices' in out,
              'slices of one picture that disagree are an error (status %d)' % status)

        status, out = run(GST, mutated(tmp, 'garbage.trace', ['garbage']))
        check(status == 2, 'a trace without pictures is an error (status %d)' % status)

    print('test_compare: %d failed' % failures)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
