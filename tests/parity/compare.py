#!/usr/bin/env python3
"""Control-level parity of our layer with GStreamer's v4l2slh264dec on visl.

    compare.py [--name NAME] [--report FILE] GST_TRACE LAYER_TRACE

Both traces come from tests/vm/trace-capture with the visl_h264_controls
and v4l2/v4l2_qbuf events (tests/parity/capture).  They are read into
pictures in decode order (GStreamer drives visl one request per slice,
the layer one request per frame: trace.pictures), and picture i of one
side is compared with picture i of the other, field by field, for the
controls both send per picture: SPS, PPS, scaling matrix, decode
parameters and the valid DPB entries.  Slice-level controls
(slice_params, ref_pic_list0/1, pred_weights) are not compared: in
FRAME_BASED mode the layer does not send them and visl traces whatever
value the control holds.

Every difference between the two sides fails, except what the NORMALIZE
table below rewrites, on both sides, before the comparison: the only
place where legitimate differences are named.  Exit status 1 when a
difference is found, 2 when a trace cannot be read.  A markdown section
per stream is appended to FILE (or printed)."""

import argparse
import gzip
import sys

import trace

DPB_FIELDS = ('reference_ts', 'pic_num', 'frame_num', 'fields',
              'top_field_order_cnt', 'bottom_field_order_cnt', 'flags')


def rule_reference_ts(pics, side):
    """Each side numbers its buffers its own way (GStreamer: frame number
    * 1000 ns; the layer: its own clock), so reference_ts is compared as
    "the picture decoded into that buffer": the index, in decode order,
    of the picture whose OUTPUT buffer carried that timestamp.  A
    reference_ts no picture had stays visible as 'unknown ts' and so
    differs: on hantro/rkvdec that is silent corruption."""
    index = {p['ts']: i for i, p in enumerate(pics)}
    for p in pics:
        for e in p['dpb']:
            ts = int(e['reference_ts'])
            e['reference_ts'] = 'picture %d' % index[ts] if ts in index else 'unknown ts %d' % ts
    return len(pics)


def rule_unused_dpb_slots(pics, side):
    """Entries without VALID are unused slots: drivers skip them
    (v4l2_h264_init_reflist_builder, hantro, rkvdec test the flags), and
    the two sides leave different holes.  Only valid entries are
    compared."""
    n = 0
    for p in pics:
        valid = [e for e in p['dpb'] if 'VALID' in trace.flags_set(e['flags'])]
        n += len(valid) != len(p['dpb'])
        p['dpb'] = valid
    return n


def rule_long_term_pic_num(pics, side):
    """pic_num of a long-term entry: the kernel's reference-list builder
    and hantro/rkvdec use frame_num (LongTermFrameIdx for long-term
    entries) and do not read pic_num for them; the layer writes
    LongTermPicNum derived from it, GStreamer its own long_term_pic_num
    bookkeeping (layer: v4l2/h264/h264_ctrls.c, add_ref)."""
    n = 0
    for p in pics:
        for e in p['dpb']:
            if 'LONG_TERM' in trace.flags_set(e['flags']):
                e['pic_num'] = '(long-term: not compared)'
                n += 1
    return n


FFMPEG_POC_SEED = 1 << 16


def rule_poc_origin(pics, side):
    """Picture order counts of POC type 0 are rebased to the origin of
    8.2.1 (an IDR has PicOrderCntMsb 0, so TopFieldOrderCnt =
    pic_order_cnt_lsb).  libavcodec's H.264 parser seeds prev_poc_msb with
    1 << 16 at every IDR, so FFmpeg's Vulkan hwaccel hands the layer
    spec POC + 65536 for every picture of the coded video sequence, and
    the layer forwards the client's StdVideoDecodeH264PictureInfo /
    ReferenceInfo PicOrderCnt as given.  Decoders use POC differences
    (temporal direct, implicit weights) and POC order (B reference
    lists) only, both unchanged by a constant offset.  Only exactly that
    offset, constant from one IDR to the next, is removed: any other
    offset stays and differs."""
    n = 0
    offset = 0
    for p in pics:
        if p['sps'].get('pic_order_cnt_type') != '0':
            offset = 0
            continue
        dp = p['decode_params']
        if 'IDR_PIC' in trace.flags_set(dp.get('flags', '')):
            top = int(dp['top_field_order_cnt'])
            lsb = int(dp['pic_order_cnt_lsb'])
            offset = FFMPEG_POC_SEED if top - lsb == FFMPEG_POC_SEED else 0
        if not offset:
            continue
        for key in ('top_field_order_cnt', 'bottom_field_order_cnt'):
            dp[key] = str(int(dp[key]) - offset)
        for e in p['dpb']:
            for key in ('top_field_order_cnt', 'bottom_field_order_cnt'):
                e[key] = str(int(e[key]) - offset)
        n += 1
    return n


def rule_dpb_order(pics, side):
    """Order of the valid DPB entries: in FRAME_BASED mode the driver
    builds the reference lists itself by sorting the entries
    (v4l2_h264_init_reflist_builder + v4l2_h264_build_{p,b}_ref_lists by
    PicNum / POC), hantro matches entries to its own slots by POC
    (update_dpb), and rkvdec's slot numbers only name buffers, so the
    order carries no meaning.  The layer lists references in the client's
    pReferenceSlots order, GStreamer in its DPB's.  Entries are compared
    sorted by the picture they reference (after rule reference_ts)."""
    def key(e):
        r = e['reference_ts']
        return (0, int(r.split()[1])) if r.startswith('picture ') else (1, r)
    n = 0
    for p in pics:
        ordered = sorted(p['dpb'], key=key)
        n += ordered != p['dpb']
        p['dpb'] = ordered
    return n


def rule_effective_scaling_matrix(pics, side):
    """GStreamer sends V4L2_CID_STATELESS_H264_SCALING_MATRIX only when the
    SPS or PPS carries one; visl then traces whatever the control holds.
    The layer always sends one (flat when the stream has none).  What the
    decoder must apply is the matrix when PPS flag SCALING_MATRIX_PRESENT
    is set and flat (16) otherwise, so GStreamer's side is replaced by that
    effective matrix.  The layer's own value is kept: a non-flat matrix
    sent without the flag still differs."""
    if side != 'gst':
        return 0
    n = 0
    for p in pics:
        if 'SCALING_MATRIX_PRESENT' in trace.flags_set(p['pps'].get('flags', '')):
            continue
        flat = {k: ' '.join(['10'] * len(v.split())) for k, v in p['scaling_matrix'].items()}
        n += flat != p['scaling_matrix']
        p['scaling_matrix'] = flat
    return n


# Applied in this order to all pictures of each side ('gst' or 'layer');
# each returns how many pictures (or entries) it changed, for the report.
NORMALIZE = [
    ('reference_ts -> picture index', rule_reference_ts),
    ('unused DPB slots dropped', rule_unused_dpb_slots),
    ('long-term pic_num', rule_long_term_pic_num),
    ('POC origin (FFmpeg +65536)', rule_poc_origin),
    ('DPB entry order', rule_dpb_order),
    ('effective scaling matrix', rule_effective_scaling_matrix),
]

CONTROLS = ('sps', 'pps', 'scaling_matrix', 'decode_params')


def normalized(pics, side):
    out = []
    for p in pics:
        q = {k: (dict(v) if isinstance(v, dict) else v) for k, v in p.items()}
        q['dpb'] = [dict(e) for e in p['dpb']]
        out.append(q)
    counts = [rule(out, side) for _, rule in NORMALIZE]
    return out, counts


def differences(gst, layer):
    """Returns ([(picture, field, gst value, layer value)], fields compared)."""
    diffs = []
    fields = set()
    if len(gst) != len(layer):
        diffs.append(('-', 'number of pictures', str(len(gst)), str(len(layer))))
    for i, (g, l) in enumerate(zip(gst, layer)):
        for c in CONTROLS:
            for k in sorted(set(g[c]) | set(l[c])):
                fields.add('%s.%s' % (c, k))
                gv, lv = g[c].get(k, '(absent)'), l[c].get(k, '(absent)')
                if gv != lv:
                    diffs.append((i, '%s.%s' % (c, k), gv, lv))
        if len(g['dpb']) != len(l['dpb']):
            diffs.append((i, 'dpb: valid entries', str(len(g['dpb'])), str(len(l['dpb']))))
        for j, (ge, le) in enumerate(zip(g['dpb'], l['dpb'])):
            for k in DPB_FIELDS:
                fields.add('dpb[].%s' % k)
                if ge[k] != le[k]:
                    diffs.append((i, 'dpb[%d].%s' % (j, k), ge[k], le[k]))
    return diffs, fields


def short(v, n=60):
    return v if len(v) <= n else v[:n] + '...'


def report(name, gst_raw, gst, layer, gst_counts, layer_counts, diffs, fields, out,
           max_lines=200):
    slices = sum(p['requests'] for p in gst_raw)
    w = out.write
    w('## %s\n\n' % name)
    w('- pictures: GStreamer %d (%d requests: one per slice), layer %d (one request each)\n'
      % (len(gst), slices, len(layer)))
    w('- controls compared per picture: %s, valid DPB entries (%d fields in all)\n'
      % (', '.join(CONTROLS), len(fields)))
    w('- normalized (tests/parity/compare.py NORMALIZE; pictures or entries changed, '
      'GStreamer / layer): %s\n'
      % '; '.join('%s %d / %d' % (r[0], g, l)
                  for r, g, l in zip(NORMALIZE, gst_counts, layer_counts)))
    w('- not compared: slice_params, ref_pic_list0/1, pred_weights (the layer runs visl '
      'FRAME_BASED and does not send them)\n')
    w('- differences: %d\n\n' % len(diffs))
    if diffs:
        w('| picture | field | GStreamer | layer |\n| --- | --- | --- | --- |\n')
        for d in diffs[:max_lines]:
            w('| %s | %s | %s | %s |\n' % (d[0], d[1], short(d[2]), short(d[3])))
        if len(diffs) > max_lines:
            w('\n(%d more differences not listed)\n' % (len(diffs) - max_lines))
        w('\n')
    w('fields: %s\n\n' % ' '.join(sorted(fields)))


def open_trace(path):
    """A trace file, gzip-compressed when its name ends in .gz."""
    return gzip.open(path, 'rt') if path.endswith('.gz') else open(path)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--name', default=None)
    ap.add_argument('--report', default=None, help='append the markdown section here')
    ap.add_argument('gst_trace')
    ap.add_argument('layer_trace')
    a = ap.parse_args(argv)
    name = a.name or a.gst_trace
    try:
        with open_trace(a.gst_trace) as f:
            gst_raw = trace.pictures(f, slice_based=True)
        with open_trace(a.layer_trace) as f:
            layer_raw = trace.pictures(f, slice_based=False)
    except (OSError, trace.TraceError) as e:
        print('compare.py: %s: %s' % (name, e), file=sys.stderr)
        return 2
    if not gst_raw or not layer_raw:
        print('compare.py: %s: no picture in a trace (GStreamer %d, layer %d)'
              % (name, len(gst_raw), len(layer_raw)), file=sys.stderr)
        return 2
    gst, gst_counts = normalized(gst_raw, 'gst')
    layer, layer_counts = normalized(layer_raw, 'layer')
    diffs, fields = differences(gst, layer)
    args = (name, gst_raw, gst, layer, gst_counts, layer_counts, diffs, fields)
    if a.report:
        with open(a.report, 'a') as out:
            report(*args, out)
    else:
        report(*args, sys.stdout)
    print('compare.py: %s: %d pictures, %d differences' % (name, len(gst), len(diffs)),
          file=sys.stderr)
    return 1 if diffs else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
