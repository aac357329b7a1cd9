/* Pixel test of the emulator on its own (no frontend, no layer): the
 * baseline stream's SPS and PPS are given as hand-filled V4L2 controls,
 * checked against the stream's own parameter sets bit for bit (the
 * re-serialiser must reproduce every syntax element it can express), then
 * every frame is decoded through the V4L2 request interface and compared
 * by MD5 with libavcodec's decode of the original stream, frame for frame
 * (matched through packet pts, so B-frame reordering is covered).
 *   test_emu_pixels STREAM.h264 baseline_cavlc|main_bframes */
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
#define MAX_FRAMES 64
#define NCAP 4

/* The parameter sets x264 writes for tests/streams' baseline_cavlc
 * (baseline, 640x360, ref 1, poc type 2) and main_bframes (main, CABAC,
 * weighted prediction, 2 B-frames, poc type 0, 4 refs). */
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
    if (strcmp(name, "main_bframes"))
        return false;
    sps->profile_idc = 77;
    sps->constraint_set_flags = V4L2_H264_SPS_CONSTRAINT_SET1_FLAG;
    sps->pic_order_cnt_type = 0;
    sps->log2_max_pic_order_cnt_lsb_minus4 = 2;
    sps->max_num_ref_frames = 4;
    pps->weighted_bipred_idc = 2;
    pps->flags |= V4L2_H264_PPS_FLAG_ENTROPY_CODING_MODE | V4L2_H264_PPS_FLAG_WEIGHTED_PRED;
    return true;
}

struct nal {
    const uint8_t *start; /* at the start code */
    size_t size;          /* up to the next start code */
    unsigned type, ref_idc;
    const uint8_t *payload; /* after the header byte */
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

static bool bits_equal(const uint8_t *a, const uint8_t *b, size_t nbits)
{
    for (size_t i = 0; i < nbits; i++)
        if (((a[i / 8] >> (7 - i % 8)) & 1) != ((b[i / 8] >> (7 - i % 8)) & 1))
            return false;
    return true;
}

/* The stream's SPS differs from ours only from frame_cropping_flag on
 * (we write no cropping and no VUI: the CAPTURE buffer is the coded size,
 * VUI does not change pixels).  The PPS must be identical. */
static void check_parameter_sets(const struct nal *nals, size_t n, const struct v4l2_ctrl_h264_sps *sps,
                                 const struct v4l2_ctrl_h264_pps *pps)
{
    uint8_t ours[512], theirs[512];
    for (size_t i = 0; i < n; i++) {
        if (nals[i].type != 7 && nals[i].type != 8)
            continue;
        size_t len = nals[i].size - (size_t)(nals[i].payload - nals[i].start);
        size_t tlen = unescape(nals[i].payload, len, theirs);
        if (nals[i].type == 7) {
            int olen = emu_h264_sps_rbsp(sps, ours, sizeof(ours));
            CHECK(olen > 0);
            /* bits before frame_cropping_flag: total - trailing - 2 */
            size_t bits = (size_t)olen * 8;
            while (!((ours[(bits - 1) / 8] >> (7 - (bits - 1) % 8)) & 1))
                bits--;
            bits -= 3; /* stop bit, vui flag, cropping flag */
            CHECK(bits_equal(ours, theirs, bits));
            CHECK(((theirs[bits / 8] >> (7 - bits % 8)) & 1) == 1); /* stream crops */
        } else {
            int olen = emu_h264_pps_rbsp(pps, sps, NULL, ours, sizeof(ours));
            CHECK(olen > 0 && (size_t)olen == tlen && !memcmp(ours, theirs, tlen));
        }
        if (nals[i].type == 8)
            return;
    }
    CHECK(!"no SPS/PPS in stream");
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

/* FFmpeg's software decode of the original stream (one packet per access
 * unit, parameter sets included); md5s[k] is the frame of the k-th access
 * unit in decode order (found through its pts).  Returns the frame count. */
static size_t reference_md5s(const struct nal *nals, size_t nn, uint8_t md5s[][16])
{
    const AVCodec *codec = avcodec_find_decoder(AV_CODEC_ID_H264);
    AVCodecContext *ctx = avcodec_alloc_context3(codec);
    AVPacket *pkt = av_packet_alloc();
    AVFrame *f = av_frame_alloc();
    size_t n = 0, au = 0;
    CHECK(avcodec_open2(ctx, codec, NULL) == 0);
    const uint8_t *au_start = nals[0].start;
    for (size_t i = 0; i <= nn; i++) {
        bool flush = i == nn;
        if (!flush && nals[i].type != 1 && nals[i].type != 5)
            continue;
        uint8_t *padded = NULL;
        if (!flush) {
            size_t len = (size_t)(nals[i].start + nals[i].size - au_start);
            padded = calloc(1, len + AV_INPUT_BUFFER_PADDING_SIZE);
            memcpy(padded, au_start, len);
            pkt->data = padded;
            pkt->size = (int)len;
            pkt->pts = (int64_t)au++;
            au_start = nals[i].start + nals[i].size;
        }
        CHECK(avcodec_send_packet(ctx, flush ? NULL : pkt) == 0);
        while (avcodec_receive_frame(ctx, f) == 0) {
            CHECK(f->pts >= 0 && f->pts < MAX_FRAMES);
            if (f->pts >= 0 && f->pts < MAX_FRAMES) {
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

int main(int argc, char **argv)
{
    struct v4l2_ctrl_h264_sps sps;
    struct v4l2_ctrl_h264_pps pps;
    if (argc != 3 || !stream_params(argv[2], &sps, &pps)) {
        fprintf(stderr, "usage: %s STREAM.h264 baseline_cavlc|main_bframes\n", argv[0]);
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
    static uint8_t ref[MAX_FRAMES][16];
    size_t nref = reference_md5s(nals, nn, ref);
    CHECK(nref > 0);

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

    size_t frame = 0, matched = 0;
    uint64_t prev_ts = 0;
    for (size_t i = 0; i < nn && out && req >= 0; i++) {
        if (nals[i].type != 1 && nals[i].type != 5)
            continue; /* parameter sets come from the controls */
        /* One slice per frame in this stream: the OUTPUT buffer is it. */
        CHECK(nals[i].size <= out_len);
        memcpy(out, nals[i].start, nals[i].size);
        bool idr = nals[i].type == 5;
        uint64_t ts_us = (frame + 1) * 1000;
        struct v4l2_ctrl_h264_decode_params dp;
        memset(&dp, 0, sizeof(dp));
        dp.nal_ref_idc = (uint16_t)nals[i].ref_idc;
        dp.flags = idr ? V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC : V4L2_H264_DECODE_PARAM_FLAG_PFRAME;
        /* The previous frame is the reference of a baseline P frame; other
         * streams list none (the emulator's rules only check listed ones). */
        if (!idr && sps.profile_idc == 66) {
            dp.dpb[0].reference_ts = prev_ts;
            dp.dpb[0].fields = V4L2_H264_FRAME_REF;
            dp.dpb[0].flags = V4L2_H264_DPB_ENTRY_FLAG_VALID | V4L2_H264_DPB_ENTRY_FLAG_ACTIVE;
        }
        unsigned ci = (unsigned)(frame % NCAP);
        CHECK(qbuf_cap(video, ci) == 0);
        CHECK(set_h264_ctrls(video, req, &sps, &pps, &dp) == 0);
        CHECK(qbuf_out(video, 0, req, ts_us, (uint32_t)nals[i].size) == 0);
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
        if (frame < nref && !memcmp(md5, ref[frame], 16))
            matched++;
        else
            fprintf(stderr, "frame %zu: MD5 differs from FFmpeg's decode\n", frame);
        prev_ts = ts_us * 1000;
        frame++;
    }
    CHECK(frame == nref && matched == nref);
    CHECK(vkv4l2_emu_violation_count() == 0);
    printf("test_emu_pixels: %s: %zu/%zu frames match FFmpeg's decode\n", argv[2], matched, nref);
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
