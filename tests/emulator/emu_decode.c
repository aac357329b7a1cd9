/* libavcodec decode of one V4L2 job, exact despite reordering: the access
 * units since the last IDR (each with its re-serialised SPS and PPS) are
 * replayed into a fresh decoder which is then drained; the frame whose pts
 * is the current access unit is written to the CAPTURE buffer as NV12. */
#include "emu_decode.h"

#include <errno.h>
#include <libavcodec/avcodec.h>
#include <stdlib.h>
#include <string.h>

#include "emu_h264_rbsp.h"

struct access_unit {
    uint8_t *data; /* padded with AV_INPUT_BUFFER_PADDING_SIZE zeros */
    size_t size;
};

struct emu_decoder {
    struct access_unit *aus;
    size_t n, cap;
};

static void clear_aus(struct emu_decoder *dec)
{
    for (size_t i = 0; i < dec->n; i++)
        free(dec->aus[i].data);
    dec->n = 0;
}

void emu_decoder_free(struct emu_decoder *dec)
{
    if (!dec)
        return;
    clear_aus(dec);
    free(dec->aus);
    free(dec);
}

/* SPS NAL + PPS NAL + the job's slices. */
static int build_au(const struct emu_decode_job *job, struct access_unit *au)
{
    uint8_t rbsp[4096], hdr[2 * 4096 + 64];
    const struct emu_ctrl_store *c = job->ctrls;
    int n = emu_h264_sps_rbsp(&c->sps, rbsp, sizeof(rbsp));
    if (n < 0)
        return n;
    int sps_len = emu_h264_nal(0x67, rbsp, (size_t)n, hdr, sizeof(hdr));
    if (sps_len < 0)
        return sps_len;
    n = emu_h264_pps_rbsp(&c->pps, &c->sps, &c->scaling_matrix, rbsp, sizeof(rbsp));
    if (n < 0)
        return n;
    int pps_len = emu_h264_nal(0x68, rbsp, (size_t)n, hdr + sps_len, sizeof(hdr) - (size_t)sps_len);
    if (pps_len < 0)
        return pps_len;
    size_t hlen = (size_t)sps_len + (size_t)pps_len;
    au->size = hlen + job->size;
    au->data = calloc(1, au->size + AV_INPUT_BUFFER_PADDING_SIZE);
    if (!au->data)
        return -ENOMEM;
    memcpy(au->data, hdr, hlen);
    memcpy(au->data + hlen, job->bitstream, job->size);
    return 0;
}

static int write_nv12(const AVFrame *f, const struct emu_decode_job *job)
{
    unsigned bpl = job->bytesperline;
    if ((size_t)bpl * job->height * 3 / 2 > job->dst_size)
        return -ENOSPC;
    unsigned w = (unsigned)f->width < job->width ? (unsigned)f->width : job->width;
    unsigned h = (unsigned)f->height < job->height ? (unsigned)f->height : job->height;
    bool gray = f->format == AV_PIX_FMT_GRAY8;
    if (!gray && f->format != AV_PIX_FMT_YUV420P && f->format != AV_PIX_FMT_YUVJ420P)
        return -ENOTSUP;
    for (unsigned y = 0; y < h; y++)
        memcpy(job->dst + (size_t)y * bpl, f->data[0] + (size_t)y * (size_t)f->linesize[0], w);
    uint8_t *uv = job->dst + (size_t)bpl * job->height;
    for (unsigned y = 0; y < h / 2; y++) {
        uint8_t *row = uv + (size_t)y * bpl;
        if (gray) {
            memset(row, 128, w);
            continue;
        }
        const uint8_t *u = f->data[1] + (size_t)y * (size_t)f->linesize[1];
        const uint8_t *v = f->data[2] + (size_t)y * (size_t)f->linesize[2];
        for (unsigned x = 0; x < w / 2; x++) {
            row[2 * x] = u[x];
            row[2 * x + 1] = v[x];
        }
    }
    return 0;
}

/* Takes every frame the decoder has; writes the one with pts == want. */
static int drain(AVCodecContext *avctx, AVFrame *frame, int64_t want,
                 const struct emu_decode_job *job, bool *found)
{
    for (;;) {
        int ret = avcodec_receive_frame(avctx, frame);
        if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF)
            return 0;
        if (ret < 0)
            return -EINVAL;
        if (frame->pts == want && !*found) {
            ret = write_nv12(frame, job);
            if (ret < 0) {
                av_frame_unref(frame);
                return ret;
            }
            *found = true;
        }
        av_frame_unref(frame);
    }
}

static int replay(struct emu_decoder *dec, const struct emu_decode_job *job)
{
    const AVCodec *codec = avcodec_find_decoder(AV_CODEC_ID_H264);
    if (!codec)
        return -ENOSYS;
    AVCodecContext *avctx = avcodec_alloc_context3(codec);
    AVPacket *pkt = av_packet_alloc();
    AVFrame *frame = av_frame_alloc();
    int ret = -ENOMEM;
    bool found = false;
    if (!avctx || !pkt || !frame)
        goto out;
    avctx->thread_count = 1;
    if (avcodec_open2(avctx, codec, NULL) < 0) {
        ret = -EINVAL;
        goto out;
    }
    int64_t want = (int64_t)dec->n - 1;
    ret = 0;
    for (size_t i = 0; i < dec->n && ret == 0; i++) {
        pkt->data = dec->aus[i].data;
        pkt->size = (int)dec->aus[i].size;
        pkt->pts = (int64_t)i;
        /* A corrupt access unit is concealed, as in FFmpeg's own decode. */
        if (avcodec_send_packet(avctx, pkt) < 0 && i == dec->n - 1)
            ret = -EINVAL;
        if (ret == 0)
            ret = drain(avctx, frame, want, job, &found);
    }
    if (ret == 0 && avcodec_send_packet(avctx, NULL) == 0)
        ret = drain(avctx, frame, want, job, &found);
    if (ret == 0 && !found)
        ret = -EINVAL;
out:
    av_frame_free(&frame);
    av_packet_free(&pkt);
    avcodec_free_context(&avctx);
    return ret;
}

int emu_decoder_decode(struct emu_decoder **pdec, const struct emu_decode_job *job)
{
    if (!*pdec && !(*pdec = calloc(1, sizeof(**pdec))))
        return -ENOMEM;
    struct emu_decoder *dec = *pdec;
    if (job->ctrls->decode_params.flags & V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC)
        clear_aus(dec);
    if (dec->n == dec->cap) {
        size_t cap = dec->cap ? dec->cap * 2 : 32;
        struct access_unit *a = realloc(dec->aus, cap * sizeof(*a));
        if (!a)
            return -ENOMEM;
        dec->aus = a;
        dec->cap = cap;
    }
    int ret = build_au(job, &dec->aus[dec->n]);
    if (ret < 0)
        return ret;
    dec->n++;
    return replay(dec, job);
}

void emu_pattern_fill(const struct emu_decode_job *job)
{
    unsigned bpl = job->bytesperline;
    if ((size_t)bpl * job->height * 3 / 2 > job->dst_size)
        return;
    unsigned base = (unsigned)(job->timestamp_ns / 1000000u);
    for (unsigned y = 0; y < job->height; y++)
        memset(job->dst + (size_t)y * bpl, (int)((y + base) & 0xff), bpl);
    memset(job->dst + (size_t)bpl * job->height, 128, (size_t)bpl * job->height / 2);
}
