/* libavcodec decode of one V4L2 job, exact despite reordering and
 * independent of arrival order: the access units of the job's IDR epoch
 * (each with its re-serialised SPS and PPS) that precede it in decode order
 * (emu_gop.c) are replayed with it into a fresh decoder which is then
 * drained; the frame whose pts is the job's access unit is written to the
 * CAPTURE buffer as NV12. */
#include "emu_decode.h"

#include <errno.h>
#include <libavcodec/avcodec.h>
#include <stdlib.h>
#include <string.h>

#include "emu_gop.h"
#include "emu_h264_rbsp.h"

struct emu_decoder {
    struct emu_gops gops;
};

void emu_decoder_free(struct emu_decoder *dec)
{
    if (!dec)
        return;
    emu_gops_clear(&dec->gops);
    free(dec);
}

/* SPS NAL + PPS NAL + the job's slices, padded with
 * AV_INPUT_BUFFER_PADDING_SIZE zeros. */
static int build_au(const struct emu_decode_job *job, uint8_t **data, size_t *size)
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
    *size = hlen + job->size;
    *data = calloc(1, *size + AV_INPUT_BUFFER_PADDING_SIZE);
    if (!*data)
        return -ENOMEM;
    memcpy(*data, hdr, hlen);
    memcpy(*data + hlen, job->bitstream, job->size);
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

/* Decodes aus[0..n) and writes the frame of aus[n - 1]. */
static int replay(const struct emu_au *aus, size_t n, const struct emu_decode_job *job)
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
    int64_t want = (int64_t)n - 1;
    ret = 0;
    for (size_t i = 0; i < n && ret == 0; i++) {
        pkt->data = aus[i].data;
        pkt->size = (int)aus[i].size;
        pkt->pts = (int64_t)i;
        /* A corrupt access unit is concealed, as in FFmpeg's own decode. */
        if (avcodec_send_packet(avctx, pkt) < 0 && i == n - 1)
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

/* The picture as the decode parameters describe it: references are the
 * DPB entries hardware would look up (valid or active). */
static void describe(const struct emu_decode_job *job, struct emu_gop_picture *pic)
{
    const struct v4l2_ctrl_h264_decode_params *dp = &job->ctrls->decode_params;
    memset(pic, 0, sizeof(*pic));
    pic->ts = job->timestamp_ns;
    pic->idr = dp->flags & V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC;
    pic->reference = dp->nal_ref_idc != 0;
    pic->frame_num = dp->frame_num;
    pic->max_frame_num = 1u << (job->ctrls->sps.log2_max_frame_num_minus4 + 4);
    for (unsigned i = 0; i < V4L2_H264_NUM_DPB_ENTRIES && pic->nrefs < EMU_GOP_MAX_REFS; i++)
        if (dp->dpb[i].flags & (V4L2_H264_DPB_ENTRY_FLAG_VALID | V4L2_H264_DPB_ENTRY_FLAG_ACTIVE))
            pic->ref_ts[pic->nrefs++] = dp->dpb[i].reference_ts;
}

int emu_decoder_decode(struct emu_decoder **pdec, const struct emu_decode_job *job, char *why,
                       size_t why_size)
{
    if (!*pdec && !(*pdec = calloc(1, sizeof(**pdec))))
        return -ENOMEM;
    struct emu_decoder *dec = *pdec;
    uint8_t *data;
    size_t size;
    int ret = build_au(job, &data, &size);
    if (ret < 0)
        return ret;
    struct emu_gop_picture pic;
    describe(job, &pic);
    struct emu_epoch *epoch;
    size_t pos;
    ret = emu_gops_add(&dec->gops, &pic, data, size, &epoch, &pos, why, why_size);
    if (ret < 0 || job->record_only)
        return ret;
    return replay(epoch->aus, pos + 1, job);
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
