#!/usr/bin/env python3
"""Checks the test frontend (fe-dump) against FFmpeg on one stream.

Independent oracles:
  * `ffmpeg -bsf:v trace_headers`: every SPS / PPS syntax element (scaling
    lists rebuilt here from the coded delta_scale values with the
    fall-back rules of Table 7-2), and per slice frame_num, nal_ref_idc,
    IDR-ness, slice types, num_ref_idx_active, ref_pic_list_modification
    and memory_management_control_operation 1: every picture the slices
    need must be among the frontend's active references of that picture;
  * `ffprobe -show_entries frame=pkt_pos`: FFmpeg's output order, by
    access-unit offset, which must equal the frontend's output order;
    and its display size, which must equal the cropped SPS size.

usage: check_frontend.py FE_DUMP GENERATE STREAMS_DIR NAME
  (runs `GENERATE STREAMS_DIR NAME` first, then checks STREAMS_DIR/NAME.h264)
"""
import re
import os
import shlex
import subprocess
import sys


def built(program):
    """A program of this build: under meson's exe wrapper in a cross build
    (qemu-aarch64 for the arm64 pass), as it is otherwise."""
    return shlex.split(os.environ.get("MESON_EXE_WRAPPER", "")) + [program]

LINE = re.compile(r"\]\s+\d+\s+(\S+)\s+[01]*\s*=\s*(-?\d+)\s*$")
SECTION = re.compile(r"\]\s+([A-Z][A-Za-z ]+?)\s*$")

DEFAULT_4X4 = [
    [6, 13, 13, 20, 20, 20, 28, 28, 28, 28, 32, 32, 32, 37, 37, 42],
    [10, 14, 14, 20, 20, 20, 24, 24, 24, 24, 27, 27, 27, 30, 30, 34],
]
# Table 7-4 in zig-zag order: the raster tables below, scanned.
RASTER_8X8 = [
    [6, 10, 13, 16, 18, 23, 25, 27, 10, 11, 16, 18, 23, 25, 27, 29,
     13, 16, 18, 23, 25, 27, 29, 31, 16, 18, 23, 25, 27, 29, 31, 33,
     18, 23, 25, 27, 29, 31, 33, 36, 23, 25, 27, 29, 31, 33, 36, 38,
     25, 27, 29, 31, 33, 36, 38, 40, 27, 29, 31, 33, 36, 38, 40, 42],
    [9, 13, 15, 17, 19, 21, 22, 24, 13, 13, 17, 19, 21, 22, 24, 25,
     15, 17, 19, 21, 22, 24, 25, 27, 17, 19, 21, 22, 24, 25, 27, 28,
     19, 21, 22, 24, 25, 27, 28, 30, 21, 22, 24, 25, 27, 28, 30, 32,
     22, 24, 25, 27, 28, 30, 32, 33, 24, 25, 27, 28, 30, 32, 33, 35],
]


def zigzag8():
    order = []
    for s in range(15):
        cells = [(y, s - y) for y in range(8) if 0 <= s - y < 8]
        # even diagonals run bottom-left to top-right
        order += cells if s % 2 else cells[::-1]
    return [y * 8 + x for y, x in order]


DEFAULT_8X8 = [[t[i] for i in zigzag8()] for t in RASTER_8X8]

LEVELS = [10, 11, 12, 13, 20, 21, 22, 30, 31, 32, 40, 41, 42, 50, 51, 52, 60, 61, 62]

# Syntax elements Vulkan's std structs do not carry (or carry elsewhere).
SKIP = {
    "forbidden_zero_bit", "nal_ref_idc", "nal_unit_type", "reserved_zero_2bits",
    "rbsp_stop_one_bit", "rbsp_alignment_zero_bit", "delta_scale",
    "motion_vectors_over_pic_boundaries_flag", "max_bytes_per_pic_denom",
    "max_bits_per_mb_denom", "log2_max_mv_length_horizontal",
    "log2_max_mv_length_vertical", "pic_struct_present_flag", "low_delay_hrd_flag",
    "overscan_appropriate_flag", "chroma_sample_loc_type_top_field",
    "chroma_sample_loc_type_bottom_field", "sar_width", "sar_height",
    "num_slice_groups_minus1", "level_idc", "max_dec_frame_buffering",
    "max_num_reorder_frames",
}

failures = []


def fail(msg):
    failures.append(msg)


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True)


def parse_trace(stream):
    """Units after the first packet: ('sps'|'pps'|'slice', [(name, value)]),
    with a 'packet' marker before each access unit."""
    err = run(["ffmpeg", "-nostdin", "-hide_banner", "-i", stream, "-c", "copy",
               "-bsf:v", "trace_headers", "-f", "null", "-"]).stderr
    units, cur, started = [], None, False
    kinds = {"Sequence Parameter Set": "sps", "Picture Parameter Set": "pps",
             "Slice Header": "slice"}
    for line in err.splitlines():
        if "trace_headers" not in line:
            continue
        if "] Packet:" in line:
            started = True
            units.append(("packet", []))
            cur = None
            continue
        if not started:
            continue
        m = SECTION.search(line)
        if m and not LINE.search(line):
            kind = kinds.get(m.group(1))
            cur = (kind, []) if kind else None
            if cur:
                units.append(cur)
            continue
        m = LINE.search(line)
        if m and cur is not None:
            cur[1].append((m.group(1), int(m.group(2))))
    return units


def parse_dump(text):
    sps, pps, pics, outs = [], [], [], []
    for line in text.splitlines():
        kind, _, rest = line.partition(" ")
        fields = dict(kv.split("=", 1) for kv in rest.split(" ") if "=" in kv)
        {"sps": sps, "pps": pps, "pic": pics, "out": outs}[kind].append(fields)
    return sps, pps, pics, outs


def scaling_from_trace(fields, prefix, base4, base8):
    """Rebuilds the lists of 7.3.2.1.1.1 from trace_headers' delta_scale."""
    mask, pending = 0, list(fields)
    l4, l8 = [], []
    # walk: <prefix>_scaling_list_present_flag[i] followed by delta_scale[j]
    pos = 0
    while pos < len(pending):
        name, val = pending[pos]
        pos += 1
        m = re.fullmatch(prefix + r"_scaling_list_present_flag\[(\d+)\]", name)
        if not m:
            continue
        i = int(m.group(1))
        size = 16 if i < 6 else 64
        deflt = DEFAULT_4X4[i // 3] if i < 6 else DEFAULT_8X8[(i - 6) % 2]
        if i < 6:
            fallback = base4[i] if i in (0, 3) else l4[i - 1]
        else:
            fallback = base8[i - 6] if i < 8 else l8[i - 8]
        if not val:
            out = list(fallback)
        else:
            mask |= 1 << i
            last, nxt, out = 8, 8, []
            for j in range(size):
                if nxt != 0:
                    name2, delta = pending[pos]
                    pos += 1
                    assert name2.startswith("delta_scale"), name2
                    nxt = (last + delta + 256) % 256
                    if j == 0 and nxt == 0:
                        out = list(deflt)
                        break
                out.append(nxt if nxt else last)
                last = out[-1]
        (l4 if i < 6 else l8).append(out)
    return l4, l8, mask


def csv(v):
    return [int(x) for x in v.split(",")]


def check_scaling(where, mine, prefix, l4, l8, mask):
    for i in range(6):
        if csv(mine[f"{prefix}4x4[{i}]"]) != l4[i]:
            fail(f"{where}: ScalingList4x4[{i}] {mine[f'{prefix}4x4[{i}]']} != {l4[i]}")
    for i in range(len(l8)):
        if csv(mine[f"{prefix}8x8[{i}]"]) != l8[i]:
            fail(f"{where}: ScalingList8x8[{i}] differs")
    if int(mine[f"{prefix}_present_mask"]) != mask:
        fail(f"{where}: scaling_list_present_mask {mine[f'{prefix}_present_mask']} != {mask}")


def check_sps(n, trace, mine):
    where = f"SPS #{n}"
    t = dict(trace)
    for name, val in trace:
        if name.split("[")[0] in SKIP or "scaling_list_present_flag" in name:
            continue
        if name not in mine:
            fail(f"{where}: fe-dump lacks {name}")
        elif int(mine[name]) != val:
            fail(f"{where}: {name} = {mine[name]}, trace_headers {val}")
    if LEVELS.index(t["level_idc"]) != int(mine["vk_level"]):
        fail(f"{where}: level enum {mine['vk_level']} for level_idc {t['level_idc']}")
    if t.get("bitstream_restriction_flag"):
        for name in ("max_num_reorder_frames", "max_dec_frame_buffering"):
            if int(mine[name]) != t[name]:
                fail(f"{where}: {name} = {mine[name]}, trace_headers {t[name]}")
    # FFmpeg hands the crop in luma samples (CropUnitX/Y applied).
    if t.get("frame_cropping_flag"):
        fmo = t["frame_mbs_only_flag"]
        cf = t.get("chroma_format_idc", 1)
        ux = 2 if cf in (1, 2) else 1
        uy = (2 if cf == 1 else 1) * (2 - fmo)
        want = [t["frame_crop_left_offset"] * ux, t["frame_crop_right_offset"] * ux,
                t["frame_crop_top_offset"] * uy, t["frame_crop_bottom_offset"] * uy]
        if csv(mine["vk_crop"]) != want:
            fail(f"{where}: Vulkan crop {mine['vk_crop']} != {want}")
    flat4, flat8 = [[16] * 16] * 6, [[16] * 64] * 6
    if t.get("seq_scaling_matrix_present_flag"):
        l4, l8, mask = scaling_from_trace(trace, "seq",
                                          [DEFAULT_4X4[0]] * 3 + [DEFAULT_4X4[1]] * 3,
                                          [DEFAULT_8X8[0], DEFAULT_8X8[1]])
        l8 += flat8[len(l8):]
    else:
        l4, l8, mask = flat4, flat8, 0
    check_scaling(where, mine, "sps", l4, l8, mask)
    return {"l4": l4, "l8": l8, "present": bool(t.get("seq_scaling_matrix_present_flag")),
            "fields": t}


def check_pps(n, trace, mine, sps_lists):
    where = f"PPS #{n}"
    t = dict(trace)
    for name, val in trace:
        if name.split("[")[0] in SKIP or "scaling_list_present_flag" in name:
            continue
        if name not in mine:
            fail(f"{where}: fe-dump lacks {name}")
        elif int(mine[name]) != val:
            fail(f"{where}: {name} = {mine[name]}, trace_headers {val}")
    if "second_chroma_qp_index_offset" not in t and \
            mine["second_chroma_qp_index_offset"] != mine["chroma_qp_index_offset"]:
        fail(f"{where}: second_chroma_qp_index_offset not inferred")
    sps = sps_lists[t["seq_parameter_set_id"]]
    l4, l8, mask = [list(x) for x in sps["l4"]], [list(x) for x in sps["l8"]], 0
    if t.get("pic_scaling_matrix_present_flag"):
        if sps["present"]:
            base4, base8 = sps["l4"], sps["l8"][:2]
        else:
            base4 = [DEFAULT_4X4[0]] * 3 + [DEFAULT_4X4[1]] * 3
            base8 = [DEFAULT_8X8[0], DEFAULT_8X8[1]]
        p4, p8, mask = scaling_from_trace(trace, "pic", base4, base8)
        l4 = p4
        l8 = p8 + l8[len(p8):]
    check_scaling(where, mine, "pps", l4, l8, mask)


def slice_refs_needed(sh, sps, pps, refs, where):
    """Every picture the slice's reference lists name must be a reference."""
    t = dict(sh)
    slice_type = t["slice_type"] % 5
    if slice_type in (2, 4):
        return
    max_fn = 1 << (sps["log2_max_frame_num_minus4"] + 4)
    cur = t["frame_num"]
    short = {(r["frame_num"] - max_fn if r["frame_num"] > cur else r["frame_num"])
             for r in refs if not r["long"]}
    longs = {r["frame_num"] for r in refs if r["long"]}
    lists = [0, 1] if slice_type == 1 else [0]
    for lx in lists:
        key = f"num_ref_idx_l{lx}_active_minus1"
        n = (t[key] if t.get("num_ref_idx_active_override_flag")
             else pps[f"num_ref_idx_l{lx}_default_active_minus1"]) + 1
        if n > len(refs):
            fail(f"{where}: list {lx} has {n} entries, frontend has {len(refs)} references")
    # ref_pic_list_modification: walk the trace in order (l0 then l1).
    pred = None
    for name, val in sh:
        if name.startswith("ref_pic_list_modification_flag_l"):
            pred = cur
        elif name == "modification_of_pic_nums_idc":
            idc = val
        elif name == "abs_diff_pic_num_minus1":
            nowrap = pred - (val + 1) if idc == 0 else pred + (val + 1)
            nowrap %= max_fn
            pred = nowrap
            pic_num = nowrap - max_fn if nowrap > cur else nowrap
            if pic_num not in short:
                fail(f"{where}: modification names picNum {pic_num}, "
                     f"frontend short-term refs {sorted(short)}")
        elif name == "long_term_pic_num" and val not in longs:
            fail(f"{where}: modification names LongTermPicNum {val}, not a reference")
        elif name == "difference_of_pic_nums_minus1":
            pic_num_x = cur - (val + 1)
            if pic_num_x not in short:
                fail(f"{where}: MMCO names picNum {pic_num_x}, "
                     f"frontend short-term refs {sorted(short)}")


def parse_refs(text):
    refs = []
    for r in filter(None, text.split(";")):
        slot, kind_fn, poc = r.split(":")[:3]
        refs.append({"slot": int(slot), "long": kind_fn[0] == "L",
                     "frame_num": int(kind_fn[1:])})
    return refs


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    fe_dump, generate, streams_dir, name = sys.argv[1:5]
    run([generate, streams_dir, name])
    stream = f"{streams_dir}/{name}.h264"
    dump = run(built(fe_dump) + [stream]).stdout
    sps_mine, pps_mine, pics, outs = parse_dump(dump)
    units = parse_trace(stream)

    t_sps = [f for k, f in units if k == "sps"]
    t_pps = [f for k, f in units if k == "pps"]
    if len(t_sps) != len(sps_mine) or len(t_pps) != len(pps_mine):
        fail(f"parameter sets: fe-dump {len(sps_mine)}/{len(pps_mine)}, "
             f"trace {len(t_sps)}/{len(t_pps)}")
    sps_by_id, pps_by_id = {}, {}
    # Walk the units in stream order so each PPS sees the SPS in force.
    si = pi = 0
    pictures = []  # slice-header lists per access unit
    for kind, fields in units:
        if kind == "sps" and si < len(sps_mine):
            sps_by_id[dict(fields)["seq_parameter_set_id"]] = check_sps(si, fields, sps_mine[si])
            sps_by_id[dict(fields)["seq_parameter_set_id"]]["mine"] = sps_mine[si]
            si += 1
        elif kind == "pps" and pi < len(pps_mine):
            check_pps(pi, fields, pps_mine[pi], sps_by_id)
            pps_by_id[dict(fields)["pic_parameter_set_id"]] = (dict(fields), pps_mine[pi])
            pi += 1
        elif kind == "packet":
            pictures.append([])
        elif kind == "slice":
            pictures[-1].append(fields)
    pictures = [p for p in pictures if p]

    if len(pictures) != len(pics):
        fail(f"pictures: fe-dump {len(pics)}, trace_headers {len(pictures)}")
    for n, (slices, pic) in enumerate(zip(pictures, pics)):
        where = f"picture {n}"
        first = dict(slices[0])
        pps_t, pps_m = pps_by_id[first["pic_parameter_set_id"]]
        sps_m = sps_by_id[pps_t["seq_parameter_set_id"]]["mine"]
        sps_m = {k: int(v) for k, v in sps_m.items() if re.fullmatch(r"-?\d+", v)}
        pps_m = {k: int(v) for k, v in pps_m.items() if re.fullmatch(r"-?\d+", v)}
        if int(pic["frame_num"]) != first["frame_num"]:
            fail(f"{where}: frame_num {pic['frame_num']} != {first['frame_num']}")
        if int(pic["ref"]) != (first["nal_ref_idc"] != 0):
            fail(f"{where}: is_reference {pic['ref']}")
        if int(pic["idr"]) != (first["nal_unit_type"] == 5):
            fail(f"{where}: IdrPicFlag {pic['idr']}")
        intra = all(dict(s)["slice_type"] % 5 in (2, 4) for s in slices)
        if int(pic["intra"]) != intra:
            fail(f"{where}: is_intra {pic['intra']} != {int(intra)}")
        if int(pic["slices"]) != len(slices):
            fail(f"{where}: {pic['slices']} slices, trace {len(slices)}")
        refs = parse_refs(pic["refs"])
        if len(refs) > sps_m["max_num_ref_frames"]:
            fail(f"{where}: {len(refs)} references > max_num_ref_frames")
        if len({r["slot"] for r in refs} | {int(pic["slot"])}) != len(refs) + 1:
            fail(f"{where}: slot {pic['slot']} / reference slots collide")
        for s in slices:
            slice_refs_needed(s, sps_m, pps_m, refs, where)

    probe = run(["ffprobe", "-v", "error", "-show_entries", "frame=pkt_pos,width,height",
                 "-of", "csv=p=0", stream]).stdout.split()
    ff_order = [int(line.split(",")[0]) for line in probe]
    ff_size = {tuple(line.split(",")[1:3]) for line in probe}
    mine_order = [int(o["offset"]) for o in outs]
    if ff_order != mine_order:
        fail(f"output order differs:\n  ffprobe  {ff_order}\n  frontend {mine_order}")
    sizes = {tuple(s["display"].split("x")) for s in sps_mine}
    if not ff_size <= sizes:
        fail(f"display sizes {sorted(ff_size)} not among SPS sizes {sorted(sizes)}")

    for f in failures[:40]:
        print("FAIL:", f)
    print(f"{stream}: {len(pics)} pictures, {len(sps_mine)} SPS, {len(pps_mine)} PPS, "
          f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
