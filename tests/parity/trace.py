"""Reading a visl trace (/sys/kernel/tracing/trace with the
visl_h264_controls and v4l2/v4l2_qbuf events) into H.264 pictures.

visl prints, for every request it runs, the current value of every H.264
control in this order: sps, pps, scaling_matrix, slice_params,
ref_pic_list0[0..31], ref_pic_list1[0..31], decode_params, dpb_entry[0..15],
pred_weights (drivers/media/test-drivers/visl/visl-dec.c).  Multi-line
events continue on the lines after their header.  v4l2_qbuf carries each
queued buffer's type and timestamp (include/trace/events/v4l2.h); the n-th
OUTPUT buffer queued is the n-th request visl runs (mem2mem runs OUTPUT
buffers in queue order)."""

import re

HEADER = re.compile(r'^\s*(?P<task>.*?)\s+\[(?P<cpu>\d+)\]\s+\S+\s+(?P<time>[\d.]+): '
                    r'(?P<event>\w+): ?(?P<rest>.*)$')
DPB = re.compile(r'\[(?P<i>\d+)\]: reference_ts (?P<reference_ts>\d+), pic_num (?P<pic_num>-?\d+) '
                 r'frame_num (?P<frame_num>\d+) fields (?P<fields>.*?) '
                 r'top_field_order_cnt (?P<top_field_order_cnt>-?\d+) '
                 r'bottom_field_order_cnt (?P<bottom_field_order_cnt>-?\d+) flags ?(?P<flags>.*)$')
QBUF = re.compile(r'type = (?P<type>\w+),.* timestamp = (?P<ts>\d+),')

# Control events whose body is "key value" lines (arrays in braces).
BODY_EVENTS = {
    'v4l2_ctrl_h264_sps': 'sps',
    'v4l2_ctrl_h264_pps': 'pps',
    'v4l2_ctrl_h264_scaling_matrix': 'scaling_matrix',
    'v4l2_ctrl_h264_slice_params': 'slice_params',
    'v4l2_ctrl_h264_decode_params': 'decode_params',
    'v4l2_ctrl_h264_pred_weights': 'pred_weights',
}


class TraceError(Exception):
    pass


def events(lines):
    """Yields (event, first line's rest, [continuation lines])."""
    current = None
    for line in lines:
        line = line.rstrip('\n')
        if line.startswith('#'):
            continue
        m = HEADER.match(line)
        if m:
            if current:
                yield current
            current = (m.group('event'), m.group('rest'), [])
        elif current:
            current[2].append(line)
    if current:
        yield current


def parse_body(lines):
    """'key value' lines -> {key: value}; 'key {' ... '}' -> {key: 'a b c'}
    with the tokens of the array joined by one space."""
    out = {}
    key = None
    acc = []
    for line in lines:
        s = line.strip()
        if key is not None:
            if s == '}':
                out[key] = ' '.join(acc)
                key = None
            else:
                acc.extend(s.split())
            continue
        if not s:
            continue
        if s.endswith('{') and ' ' in s:
            key, acc = s[:-1].strip(), []
            continue
        k, _, v = s.partition(' ')
        out[k] = ' '.join(v.split())
    if key is not None:
        raise TraceError('unterminated array %s' % key)
    return out


def flags_set(value):
    """'A|B|0xfc' -> {'A', 'B', '0xfc'} (visl prints flags with
    __print_flags; an empty value is no flag)."""
    return {f for f in value.split('|') if f}


def requests(lines):
    """Returns (requests, output_timestamps): each request a dict with the
    control bodies and a 'dpb' list of entries (dicts of strings)."""
    reqs = []
    ts = []
    for event, rest, body in events(lines):
        if event == 'v4l2_qbuf':
            m = QBUF.search(rest)
            if not m:
                raise TraceError('cannot read v4l2_qbuf: %s' % rest)
            if m.group('type') == 'VIDEO_OUTPUT_MPLANE':
                ts.append(int(m.group('ts')))
            continue
        if event == 'v4l2_ctrl_h264_sps':
            reqs.append({'dpb': []})
        if not reqs:
            continue  # an event of a request that began before the capture
        req = reqs[-1]
        if event in BODY_EVENTS:
            name = BODY_EVENTS[event]
            if name in req:
                raise TraceError('request %d has two %s events' % (len(reqs) - 1, name))
            req[name] = parse_body(body)
        elif event == 'v4l2_h264_dpb_entry':
            m = DPB.match(rest)
            if not m:
                raise TraceError('cannot read dpb entry: %s' % rest)
            e = m.groupdict()
            if int(e.pop('i')) != len(req['dpb']):
                raise TraceError('dpb entries out of order in request %d' % (len(reqs) - 1))
            req['dpb'].append(e)
    for i, r in enumerate(reqs):
        for name in ('sps', 'pps', 'scaling_matrix', 'decode_params'):
            if name not in r:
                raise TraceError('request %d has no %s event' % (i, name))
        if len(r['dpb']) != 16:
            raise TraceError('request %d has %d dpb entries, not 16' % (i, len(r['dpb'])))
    return reqs, ts


def pictures(lines, slice_based):
    """Groups requests into pictures, each with its OUTPUT timestamp.

    Frame-based: one request per picture.  Slice-based (GStreamer on visl):
    a picture starts at the request whose first_mb_in_slice is 0, and every
    request of the picture carries the same OUTPUT timestamp.  Returns a list
    of dicts: the first request's controls plus 'ts', 'requests' (count) and
    'slice_types' (of every slice)."""
    reqs, ts = requests(lines)
    if len(ts) != len(reqs):
        raise TraceError('%d requests but %d OUTPUT buffers queued' % (len(reqs), len(ts)))
    pics = []
    for r, t in zip(reqs, ts):
        sp = r.get('slice_params', {})
        starts = not slice_based or sp.get('first_mb_in_slice') == '0'
        if starts:
            pic = dict(r)
            pic.update(ts=t, requests=1, slice_types=[sp.get('slice_type')])
            pics.append(pic)
            continue
        if not pics:
            raise TraceError('the first request is not the first slice of a picture')
        pic = pics[-1]
        if t != pic['ts']:
            raise TraceError('a slice with timestamp %d inside picture %d (timestamp %d)'
                             % (t, len(pics) - 1, pic['ts']))
        for name in ('sps', 'pps', 'scaling_matrix', 'decode_params', 'dpb'):
            if r[name] != pic[name]:
                raise TraceError('picture %d: %s differs between its slices' % (len(pics) - 1, name))
        pic['requests'] += 1
        pic['slice_types'].append(sp.get('slice_type'))
    seen = set()
    for i, p in enumerate(pics):
        if p['ts'] in seen:
            raise TraceError('picture %d reuses timestamp %d' % (i, p['ts']))
        seen.add(p['ts'])
    return pics
