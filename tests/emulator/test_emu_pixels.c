/* Pixel test of the emulator on its own (no frontend, no layer): the
 * stream's SPS and PPS are given as hand-filled V4L2 controls, checked
 * against the stream's own parameter sets bit for bit (the re-serialiser
 * must reproduce every syntax element it can express), then every picture
 * is decoded through the V4L2 request interface and compared by MD5 with
 * libavcodec's decode of the original stream, picture for picture (matched
 * through packet pts, so B-frame reordering is covered).
 *
 * With "permuted", the pictures are queued out of decode order the way a
 * frame-threaded client may (each picture's references still first): every
 * non-reference picture moves after its next two successors, and every IDR
 * moves before the two pictures that precede it (the previous GOP's tail).  The
 * output must not change: hardware decodes each request on its own.
 *   test_emu_pixels STREAM.h264 NAME [permuted]
 *   NAME: baseline_cavlc | main_bframes | high_bpyramid | high_slices */
#include <libavcodec/avcodec.h>
#include <libavutil/md5.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "emu_h264_rbsp.h"
#include "emu_test_util.h"

#define WIDTH 640
#define HEIGHT 360
#define CODED_H 368
#define MAX_PICS 64
#define MAX_REFS 4
/* Enough CAPTURE buffers that a picture's references are never recycled
 * while it waits, whatever the permutation. */
#define NCAP 24

/* The parameter sets x264 writes for tests/streams' baseline_cavlc
 * (baseline, 640x360, ref 1, poc type 2), main_bframes (main, CABAC,
 * weighted prediction, B-pyramid, poc type 0, 4 refs), high_bpyramid and
 * high_slices (as main_bframes, high profile, 8x8 transform; high_bpyramid
 * has 4 default L0 references). */
static bool stream_params(const char *name, struct v4l2_ctrl_h264_sps *sps,
                          struct v4l2_ctrl_h264_pps *pps)
{
    memset(sps, 0, sizeof(*sps));
    sps->profile_idc = 66;
    sps->constraint_set_flags = V4L2_H264_SPS_CONSTRAINT_SET0_FLAG | V4L2_H264_SPS_CONSTRAINT_SET1_FLAG;
    sps->level_idc = 30;
    sps->chroma_format_idc = 1;
    sps->pic_order_cnt_type = 2;
    sps->max_num_ref_frames = 1;
    sps->pic_width_in_mbs_minus1 = WIDTH / 16 - 1;
    sps->pic_height_in_map_units_minus1 = CODED_H / 16 - 1;
    sps->flags = V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY | V4L2_H264_SPS_FLAG_DIRECT_8X8_INFERENCE;
    memset(pps, 0, sizeof(*pps));
    pps->pic_init_qp_minus26 = -3;
    pps->flags = V4L2_H264_PPS_FLAG_DEBLOCKING_FILTER_CONTROL_PRESENT;
    if (!strcmp(name, "baseline_cavlc"))
        return true;
    sps->profile_idc = 77;
    sps->constraint_set_flags = V4L2_H264_SPS_CONSTRAINT_SET1_FLAG;
    sps->pic_order_cnt_type = 0;
    sps->log2_max_pic_order_cnt_lsb_minus4 = 2;
    sps->max_num_ref_frames = 4;
    pps->weighted_bipred_idc = 2;
    pps->flags |= V4L2_H264_PPS_FLAG_ENTROPY_CODING_MODE | V4L2_H264_PPS_FLAG_WEIGHTED_PRED;
    if (!strcmp(name, "main_bframes"))
        return true;
    if (strcmp(name, "high_bpyramid") && strcmp(name, "high_slices"))
        return false;
    sps->profile_idc = 100;
    sps->constraint_set_flags = 0;
    pps->flags |= V4L2_H264_PPS_FLAG_TRANSFORM_8X8_MODE;
    if (!strcmp(name, "high_bpyramid"))
        pps->num_ref_idx_l0_default_active_minus1 = 3;
    return true;
}

struct nal {
    const uint8_t *start; /* at the start code */
    size_t size;          /* up to the next start code */
    unsigned type, ref_idc;
    const uint8_t *payload; /* after the header byte */
};

/* One coded picture: its slices (contiguous in the stream), what the
 * slice header says, and its references (decode indices): the last
 * max_num_ref_frames reference pictures of its GOP, as a sliding-window
 * DPB holds them. */
struct picture {
    const uint8_t *start;
    size_t size;
    bool idr;
    unsigned ref_idc, frame_num, slice_type;
    size_t refs[MAX_REFS];
    unsigned nrefs;
};

static size_t split_nals(const uint8_t *d, size_t n, struct nal *out, size_t max)
{
    size_t count = 0;
    for (size_t i = 0; i + 3 < n && count < max;) {
        if (d[i] == 0 && d[i + 1] == 0 && d[i + 2] == 1) {
            size_t sc = i > 0 && d[i - 1] == 0 ? i - 1 : i;
            if (count)
                out[count - 1].size = (size_t)(d + sc - out[count - 1].start);
            out[count].start = d + sc;
            out[count].payload = d + i + 4;
            out[count].type = d[i + 3] & 0x1f;
            out[count].ref_idc = (d[i + 3] >> 5) & 3;
            count++;
            i += 3;
        } else {
            i++;
        }
    }
    if (count)
        out[count - 1].size = (size_t)(d + n - out[count - 1].start);
    return count;
}

static size_t unescape(const uint8_t *p, size_t n, uint8_t *out)
{
    size_t o = 0, zeros = 0;
    for (size_t i = 0; i < n; i++) {
        if (zeros >= 2 && p[i] == 3) {
            zeros = 0;
            continue;
        }
        out[o++] = p[i];
        zeros = p[i] == 0 ? zeros + 1 : 0;
    }
    return o;
}

struct bitreader {
    const uint8_t *d;
    size_t n, pos; /* bits */
};

static unsigned read_bits(struct bitreader *br, unsigned count)
{
    unsigned v = 0;
    for (unsigned i = 0; i < count; i++, br->pos++)
        v = v << 1 | (br->pos < br->n ? (br->d[br->pos / 8] >> (7 - br->pos % 8)) & 1 : 0);
    return v;
}

static unsigned read_ue(struct bitreader *br)
{
    unsigned zeros = 0;
    while (zeros < 32 && read_bits(br, 1) == 0)
        zeros++;
    return ((1u << zeros) - 1) + read_bits(br, zeros);
}

static bool bits_equal(const uint8_t *a, const uint8_t *b, size_t nbits)
{
    for (size_t i = 0; i < nbits; i++)
        if (((a[i / 8] >> (7 - i % 8)) & 1) != ((b[i / 8] >> (7 - i % 8)) & 1))
            return false;
    return true;
}

/* The stream's SPS differs from ours only from frame_cropping_flag on
 * (we write no cropping and our own VUI: the CAPTURE buffer is the coded
 * size, VUI does not change pixels).  The PPS must be identical. */
static void check_parameter_sets(const struct nal *nals, size_t n, const struct v4l2_ctrl_h264_sps *sps,
                                 const struct v4l2_ctrl_h264_pps *pps)
{
    uint8_t ours[512], theirs[512];
    bool sps_seen = false;
    for (size_t i = 0; i < n; i++) {
        if (nals[i].type != 7 && nals[i].type != 8)
            continue;
        size_t len = nals[i].size - (size_t)(nals[i].payload - nals[i].start);
        size_t tlen = unescape(nals[i].payload, len, theirs);
        if (nals[i].type == 7) {
            struct emu_bitwriter bw;
            emu_bw_init(&bw, ours, sizeof(ours));
            emu_h264_sps_head(&bw, sps);
            CHECK(!bw.overflow && bw.bits < tlen * 8);
            CHECK(bits_equal(ours, theirs, bw.bits));
            CHECK(((theirs[bw.bits / 8] >> (7 - bw.bits % 8)) & 1) == 1); /* stream crops */
            sps_seen = true;
        } else {
            int olen = emu_h264_pps_rbsp(pps, sps, NULL, ours, sizeof(ours));
            CHECK(olen > 0 && (size_t)olen == tlen && !memcmp(ours, theirs, tlen));
            CHECK(sps_seen);
            return;
        }
    }
    CHECK(!"no SPS/PPS in stream");
}

/* Groups the slices into pictures (first_mb_in_slice 0 starts one) and
 * gives each its references.  Returns the picture count. */
static size_t find_pictures(const struct nal *nals, size_t nn, const struct v4l2_ctrl_h264_sps *sps,
                            struct picture *pics, size_t max)
{
    size_t np = 0;
    size_t gop_refs[MAX_REFS]; /* the GOP's last reference pictures, oldest first */
    unsigned ngop_refs = 0;
    unsigned window = sps->max_num_ref_frames < MAX_REFS ? sps->max_num_ref_frames : MAX_REFS;
    for (size_t i = 0; i < nn; i++) {
        if (nals[i].type != 1 && nals[i].type != 5)
            continue;
        uint8_t hdr[32];
        size_t len = nals[i].size - (size_t)(nals[i].payload - nals[i].start);
        struct bitreader br = {hdr, unescape(nals[i].payload, len < sizeof(hdr) ? len : sizeof(hdr), hdr) * 8, 0};
        unsigned first_mb = read_ue(&br);
        unsigned slice_type = read_ue(&br) % 5;
        read_ue(&br); /* pic_parameter_set_id */
        unsigned frame_num = read_bits(&br, sps->log2_max_frame_num_minus4 + 4);
        if (first_mb != 0) { /* another slice of the current picture */
            CHECK(np > 0 && nals[i].start == pics[np - 1].start + pics[np - 1].size);
            if (np > 0)
                pics[np - 1].size += nals[i].size;
            continue;
        }
        if (np == max) {
            CHECK(!"too many pictures");
            break;
        }
        struct picture *p = &pics[np];
        *p = (struct picture){.start = nals[i].start, .size = nals[i].size, .idr = nals[i].type == 5,
                              .ref_idc = nals[i].ref_idc, .frame_num = frame_num,
                              .slice_type = slice_type};
        if (p->idr)
            ngop_refs = 0;
        memcpy(p->refs, gop_refs, ngop_refs * sizeof(gop_refs[0]));
        p->nrefs = ngop_refs;
        if (p->ref_idc) {
            if (ngop_refs == window)
                memmove(gop_refs, gop_refs + 1, --ngop_refs * sizeof(gop_refs[0]));
            gop_refs[ngop_refs++] = np;
        }
        np++;
    }
    return np;
}

static void md5_planes(const uint8_t *y, size_t ys, const uint8_t *u, const uint8_t *v, size_t cs,
                       unsigned cstep, uint8_t out[16])
{
    struct AVMD5 *md5 = av_md5_alloc();
    av_md5_init(md5);
    for (unsigned r = 0; r < HEIGHT; r++)
        av_md5_update(md5, y + r * ys, WIDTH);
    uint8_t row[WIDTH / 2];
    const uint8_t *planes[2] = {u, v};
    for (unsigned p = 0; p < 2; p++)
        for (unsigned r = 0; r < HEIGHT / 2; r++) {
            for (unsigned x = 0; x < WIDTH / 2; x++)
                row[x] = planes[p][r * cs + x * cstep];
            av_md5_update(md5, row, WIDTH / 2);
        }
    av_md5_final(md5, out);
    av_free(md5);
}

/* FFmpeg's software decode of the original stream (one packet per picture,
 * with the parameter sets and SEI before it); md5s[k] is the frame of the
 * k-th picture in decode order (found through its pts).  Returns the frame
 * count. */
static size_t reference_md5s(const uint8_t *stream, const struct picture *pics, size_t np,
                             uint8_t md5s[][16])
{
    const AVCodec *codec = avcodec_find_decoder(AV_CODEC_ID_H264);
    AVCodecContext *ctx = avcodec_alloc_context3(codec);
    AVPacket *pkt = av_packet_alloc();
    AVFrame *f = av_frame_alloc();
    size_t n = 0;
    CHECK(avcodec_open2(ctx, codec, NULL) == 0);
    const uint8_t *au_start = stream;
    for (size_t i = 0; i <= np; i++) {
        bool flush = i == np;
        uint8_t *padded = NULL;
        if (!flush) {
            size_t len = (size_t)(pics[i].start + pics[i].size - au_start);
            padded = calloc(1, len + AV_INPUT_BUFFER_PADDING_SIZE);
            memcpy(padded, au_start, len);
            pkt->data = padded;
            pkt->size = (int)len;
            pkt->pts = (int64_t)i;
            au_start = pics[i].start + pics[i].size;
        }
        CHECK(avcodec_send_packet(ctx, flush ? NULL : pkt) == 0);
        while (avcodec_receive_frame(ctx, f) == 0) {
            CHECK(f->pts >= 0 && f->pts < (int64_t)np);
            if (f->pts >= 0 && f->pts < (int64_t)np) {
                md5_planes(f->data[0], (size_t)f->linesize[0], f->data[1], f->data[2],
                           (size_t)f->linesize[1], 1, md5s[f->pts]);
                n++;
            }
            av_frame_unref(f);
        }
        free(padded);
    }
    av_frame_free(&f);
    av_packet_free(&pkt);
    avcodec_free_context(&ctx);
    return n;
}

/* order[] = decode indices in queueing order.  Returns the number of
 * pictures that moved; every picture's references still come first. */
static unsigned permute(const struct picture *pics, size_t np, size_t *order, unsigned *idr_moves)
{
    unsigned moved = 0;
    *idr_moves = 0;
    for (size_t i = 0; i + 2 < np; i++)
        if (!pics[order[i]].ref_idc && !pics[order[i + 1]].idr && !pics[order[i + 2]].idr) {
            size_t t = order[i];
            order[i] = order[i + 1];
            order[i + 1] = order[i + 2];
            order[i + 2] = t;
            moved += 3;
            i += 2;
        }
    for (size_t i = 2; i < np; i++)
        if (pics[order[i]].idr) {
            size_t idr = order[i];
            memmove(&order[i - 1], &order[i - 2], 2 * sizeof(order[0]));
            order[i - 2] = idr;
            (*idr_moves)++;
            moved++;
        }
    return moved;
}

static bool references_first(const struct picture *pics, size_t np, const size_t *order)
{
    size_t arrival[MAX_PICS];
    for (size_t a = 0; a < np; a++)
        arrival[order[a]] = a;
    for (size_t k = 0; k < np; k++)
        for (unsigned r = 0; r < pics[k].nrefs; r++)
            if (arrival[pics[k].refs[r]] > arrival[k])
                return false;
    return true;
}

static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    uint8_t *d = malloc((size_t)n);
    if (d && fread(d, 1, (size_t)n, fp) != (size_t)n) {
        free(d);
        d = NULL;
    }
    fclose(fp);
    *size = (size_t)n;
    return d;
}

static uint64_t picture_ts_ns(size_t k) { return (uint64_t)(k + 1) * 1000000u; }

static void fill_decode_params(const struct picture *pics, size_t k,
                               struct v4l2_ctrl_h264_decode_params *dp)
{
    const struct picture *p = &pics[k];
    memset(dp, 0, sizeof(*dp));
    dp->nal_ref_idc = (uint16_t)p->ref_idc;
    dp->frame_num = (uint16_t)p->frame_num;
    dp->flags = p->idr ? V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC
                : p->slice_type == 1 ? V4L2_H264_DECODE_PARAM_FLAG_BFRAME
                : p->slice_type == 0 ? V4L2_H264_DECODE_PARAM_FLAG_PFRAME
                                     : 0;
    for (unsigned r = 0; r < p->nrefs; r++) {
        struct v4l2_h264_dpb_entry *e = &dp->dpb[r];
        e->reference_ts = picture_ts_ns(p->refs[r]);
        e->frame_num = (uint16_t)pics[p->refs[r]].frame_num;
        e->fields = V4L2_H264_FRAME_REF;
        e->flags = V4L2_H264_DPB_ENTRY_FLAG_VALID | V4L2_H264_DPB_ENTRY_FLAG_ACTIVE;
    }
}

int main(int argc, char **argv)
{
    struct v4l2_ctrl_h264_sps sps;
    struct v4l2_ctrl_h264_pps pps;
    bool permuted = argc == 4 && !strcmp(argv[3], "permuted");
    if ((argc != 3 && !permuted) || !stream_params(argv[2], &sps, &pps)) {
        fprintf(stderr, "usage: %s STREAM.h264 baseline_cavlc|main_bframes|high_bpyramid|"
                        "high_slices [permuted]\n", argv[0]);
        return 2;
    }
    size_t size;
    uint8_t *data = read_file(argv[1], &size);
    if (!data) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    setenv("VKV4L2_EMU_MODE", "pixels", 1);
    setenv("VKV4L2_EMU_DECODE_US", "0", 1);
    ops = vkv4l2_emulator_ops();
    vkv4l2_emu_reset();

    static struct nal nals[4096];
    size_t nn = split_nals(data, size, nals, 4096);
    check_parameter_sets(nals, nn, &sps, &pps);
    static struct picture pics[MAX_PICS];
    size_t np = find_pictures(nals, nn, &sps, pics, MAX_PICS);
    static uint8_t ref[MAX_PICS][16];
    size_t nref = reference_md5s(data, pics, np, ref);
    CHECK(np > 0 && nref == np);

    size_t order[MAX_PICS];
    for (size_t k = 0; k < np; k++)
        order[k] = k;
    unsigned moved = 0, idr_moves = 0;
    if (permuted) {
        moved = permute(pics, np, order, &idr_moves);
        /* The test means nothing unless the order really changed, around
         * an IDR too. */
        CHECK(moved > 0 && idr_moves > 0);
        CHECK(references_first(pics, np, order));
    }

    int media = ops->open("/dev/media2", O_RDWR);
    int video = ops->open("/dev/video5", O_RDWR);
    CHECK(set_out_fmt(video, WIDTH, HEIGHT) == 0);
    CHECK(reqbufs(video, OUT_Q, V4L2_MEMORY_MMAP, 1) == 1);
    CHECK(reqbufs(video, CAP_Q, V4L2_MEMORY_MMAP, NCAP) == NCAP);
    struct v4l2_format fmt;
    CHECK(get_fmt(video, CAP_Q, &fmt) == 0 && fmt.fmt.pix_mp.height == CODED_H);
    size_t out_len, cap_len[NCAP];
    uint8_t *out = map_buffer(video, OUT_Q, 0, &out_len);
    uint8_t *cap[NCAP];
    for (unsigned i = 0; i < NCAP; i++)
        cap[i] = map_buffer(video, CAP_Q, i, &cap_len[i]);
    CHECK(streamon(video, OUT_Q) == 0 && streamon(video, CAP_Q) == 0);
    int req = alloc_request(media);
    const size_t bpl = fmt.fmt.pix_mp.plane_fmt[0].bytesperline;

    size_t matched = 0, decoded = 0;
    for (size_t a = 0; a < np && out && req >= 0; a++) {
        size_t k = order[a];
        CHECK(pics[k].size <= out_len);
        memcpy(out, pics[k].start, pics[k].size);
        struct v4l2_ctrl_h264_decode_params dp;
        fill_decode_params(pics, k, &dp);
        unsigned ci = (unsigned)(a % NCAP);
        CHECK(qbuf_cap(video, ci) == 0);
        CHECK(set_h264_ctrls(video, req, &sps, &pps, &dp) == 0);
        CHECK(qbuf_out(video, 0, req, picture_ts_ns(k) / 1000, (uint32_t)pics[k].size) == 0);
        CHECK(xioctl(req, MEDIA_REQUEST_IOC_QUEUE, NULL) == 0);
        CHECK(poll_one(req, POLLPRI, 10000) == POLLPRI);
        struct v4l2_buffer b;
        struct v4l2_plane pl[1];
        CHECK(dqbuf(video, CAP_Q, V4L2_MEMORY_MMAP, &b, pl) == 0 && b.index == ci);
        CHECK(!(b.flags & V4L2_BUF_FLAG_ERROR));
        CHECK(dqbuf(video, OUT_Q, V4L2_MEMORY_MMAP, &b, pl) == 0);
        CHECK(xioctl(req, MEDIA_REQUEST_IOC_REINIT, NULL) == 0);
        uint8_t md5[16];
        const uint8_t *uv = cap[ci] + bpl * CODED_H;
        md5_planes(cap[ci], bpl, uv, uv + 1, bpl, 2, md5);
        if (!memcmp(md5, ref[k], 16))
            matched++;
        else
            fprintf(stderr, "picture %zu (queued %zu%s, frame_num %u): MD5 differs from FFmpeg's decode\n",
                    k, a, pics[k].idr ? ", IDR" : "", pics[k].frame_num);
        decoded++;
    }
    CHECK(decoded == np && matched == np);
    CHECK(vkv4l2_emu_violation_count() == 0);
    printf("test_emu_pixels: %s%s: %zu/%zu pictures match FFmpeg's decode (%u moved, %u IDRs early)\n",
           argv[2], permuted ? " permuted" : "", matched, np, moved, idr_moves);
    for (unsigned i = 0; i < NCAP; i++)
        if (cap[i])
            ops->munmap(cap[i], cap_len[i]);
    if (out)
        ops->munmap(out, out_len);
    ops->close(req);
    ops->close(video);
    ops->close(media);
    free(data);
    return failures ? 1 : 0;
}
