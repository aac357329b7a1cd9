/* The video node: one m2m context per open, ioctl dispatch (formats,
 * controls, queues) and poll, following hantro_v4l2.c and v4l2-mem2mem.c. */
#include "emu.h"
#include "emu_decode.h"
#include "emu_fmt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct emu_ctx *emu_ctx_create(int fd, bool nonblock)
{
    struct emu_ctx *ctx = calloc(1, sizeof(*ctx));
    if (!ctx)
        return NULL;
    ctx->fd = fd;
    ctx->nonblock = nonblock;
    emu_default_fmts(&ctx->src_fmt, &ctx->dst_fmt);
    ctx->out.type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
    ctx->cap.type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
    emu_ctrls_init(&ctx->ctrls);
    ctx->next = emu.ctxs;
    emu.ctxs = ctx;
    emu_ensure_worker();
    return ctx;
}

void emu_ctx_destroy(struct emu_ctx *ctx)
{
    /* Like v4l2_m2m_ctx_release: stop both queues (waiting for a running
     * job), drop request bindings, free the buffers. */
    emu_streamoff(ctx, V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE);
    emu_streamoff(ctx, V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE);
    emu_request_unbind_ctx(ctx);
    emu_queue_free(&ctx->out);
    emu_queue_free(&ctx->cap);
    for (struct emu_ctx **p = &emu.ctxs; *p; p = &(*p)->next)
        if (*p == ctx) {
            *p = ctx->next;
            break;
        }
    emu_decoder_free(ctx->decoder);
    free(ctx);
    emu_notify();
}

static bool is_mplane(uint32_t type)
{
    return type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE || type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
}

static int querycap(struct v4l2_capability *cap)
{
    memset(cap, 0, sizeof(*cap));
    strcpy((char *)cap->driver, "hantro-vpu");
    strcpy((char *)cap->card, "rockchip,rk3399-vpu-dec");
    strcpy((char *)cap->bus_info, "platform:ff650000.video-codec");
    cap->version = (6u << 16) | (12u << 8);
    cap->device_caps = V4L2_CAP_VIDEO_M2M_MPLANE | V4L2_CAP_STREAMING;
    cap->capabilities = cap->device_caps | V4L2_CAP_DEVICE_CAPS;
    return 0;
}

static int fmt_ioctl(struct emu_ctx *ctx, unsigned long req, struct v4l2_format *f)
{
    if (!is_mplane(f->type))
        return -EINVAL;
    bool out = f->type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE;
    struct v4l2_pix_format_mplane *pix = &f->fmt.pix_mp;
    if (req == VIDIOC_G_FMT) {
        *pix = out ? ctx->src_fmt : ctx->dst_fmt;
        return 0;
    }
    if (out) {
        emu_try_fmt_out(pix);
    } else {
        emu_try_fmt_cap(pix, &ctx->src_fmt);
    }
    if (req == VIDIOC_TRY_FMT)
        return 0;
    if (out) {
        /* hantro_set_fmt_out: a size change is allowed while streaming,
         * then the raw format is reset to follow it. */
        ctx->src_fmt = *pix;
        struct v4l2_pix_format_mplane dst = {.colorspace = pix->colorspace,
                                             .ycbcr_enc = pix->ycbcr_enc,
                                             .quantization = pix->quantization,
                                             .xfer_func = pix->xfer_func};
        emu_try_fmt_cap(&dst, &ctx->src_fmt);
        ctx->dst_fmt = dst;
    } else {
        ctx->dst_fmt = *pix;
    }
    return 0;
}

static int ext_ctrls(struct emu_ctx *ctx, unsigned long req, struct v4l2_ext_controls *cs)
{
    if (cs->which != V4L2_CTRL_WHICH_REQUEST_VAL) {
        if (req == VIDIOC_G_EXT_CTRLS)
            return emu_ctrls_get(&ctx->ctrls, cs);
        return emu_ctrls_set(req == VIDIOC_S_EXT_CTRLS ? &ctx->ctrls : NULL, cs);
    }
    struct emu_request *r = emu_registry_get(cs->request_fd, EMU_FILE_REQUEST);
    if (!r)
        return -EINVAL;
    if (req == VIDIOC_G_EXT_CTRLS) {
        /* v4l2_g_ext_ctrls: only a completed request can be read back. */
        if (r->state != EMU_REQ_COMPLETE || (r->ctx && r->ctx != ctx))
            return -EACCES;
        struct emu_ctrl_store view = ctx->ctrls;
        emu_ctrls_apply(&view, &r->ctrls);
        return emu_ctrls_get(&view, cs);
    }
    if (req == VIDIOC_TRY_EXT_CTRLS)
        return emu_ctrls_set(NULL, cs);
    int ret = emu_request_for_update(cs->request_fd, ctx, &r);
    if (ret < 0)
        return ret;
    return emu_ctrls_set(&r->ctrls, cs);
}

static int decoder_cmd(struct v4l2_decoder_cmd *dc, bool try_only)
{
    /* v4l2_m2m_ioctl_stateless_try_decoder_cmd: FLUSH only.  No CAPTURE
     * buffer is ever held (frame-based decoding), so a flush is a no-op. */
    if (dc->cmd != V4L2_DEC_CMD_FLUSH)
        return -EINVAL;
    dc->flags &= V4L2_DEC_CMD_FLUSH;
    (void)try_only;
    return 0;
}

int emu_video_ioctl(struct emu_ctx *ctx, unsigned long req, void *arg)
{
    switch (req) {
    case VIDIOC_QUERYCAP:
        return querycap(arg);
    case VIDIOC_ENUM_FMT:
        return emu_enum_fmt(arg);
    case VIDIOC_G_FMT:
    case VIDIOC_S_FMT:
    case VIDIOC_TRY_FMT:
        return fmt_ioctl(ctx, req, arg);
    case VIDIOC_ENUM_FRAMESIZES:
        return emu_enum_framesizes(arg);
    case VIDIOC_QUERY_EXT_CTRL:
        return emu_ctrls_query(arg);
    case VIDIOC_QUERYMENU:
        return emu_ctrls_querymenu(arg);
    case VIDIOC_G_EXT_CTRLS:
    case VIDIOC_S_EXT_CTRLS:
    case VIDIOC_TRY_EXT_CTRLS:
        return ext_ctrls(ctx, req, arg);
    case VIDIOC_REQBUFS:
        return emu_reqbufs(ctx, arg);
    case VIDIOC_CREATE_BUFS:
        return emu_create_bufs(ctx, arg);
    case VIDIOC_QUERYBUF:
        return emu_querybuf(ctx, arg);
    case VIDIOC_QBUF:
        return emu_qbuf(ctx, arg);
    case VIDIOC_DQBUF:
        return emu_dqbuf(ctx, arg);
    case VIDIOC_EXPBUF:
        return emu_expbuf(ctx, arg);
    case VIDIOC_STREAMON:
        return emu_streamon(ctx, *(const uint32_t *)arg);
    case VIDIOC_STREAMOFF:
        return emu_streamoff(ctx, *(const uint32_t *)arg);
    case VIDIOC_DECODER_CMD:
        return decoder_cmd(arg, false);
    case VIDIOC_TRY_DECODER_CMD:
        return decoder_cmd(arg, true);
    }
    return -ENOTTY;
}

short emu_video_poll(struct emu_ctx *ctx, short events)
{
    /* v4l2_m2m_poll_for_data: POLLERR when neither queue can make progress,
     * else POLLOUT for a done OUTPUT buffer, POLLIN for a done CAPTURE one.
     * (queued_list in vb2 holds every buffer owned by the driver, done or
     * not, until DQBUF.) */
    const struct emu_queue *src = &ctx->out, *dst = &ctx->cap;
    bool src_queued = false, dst_queued = false;
    for (unsigned i = 0; i < src->count; i++)
        if (src->bufs[i]->state >= EMU_BUF_QUEUED)
            src_queued = true;
    for (unsigned i = 0; i < dst->count; i++)
        if (dst->bufs[i]->state >= EMU_BUF_QUEUED)
            dst_queued = true;
    if ((!src->streaming || !src_queued) && (!dst->streaming || !dst_queued))
        return POLLERR;
    short r = 0;
    if (src->ndone)
        r |= POLLOUT | POLLWRNORM;
    if (dst->ndone)
        r |= POLLIN | POLLRDNORM;
    return r & (events | POLLERR | POLLHUP);
}
