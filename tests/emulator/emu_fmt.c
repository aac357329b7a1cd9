/* hantro format negotiation for the H.264 decoder (see emu_fmt.h). */
#include "emu_fmt.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

static unsigned clamp_roundup(unsigned v, unsigned min, unsigned max, unsigned step)
{
    /* v4l2_apply_frmsize_constraints */
    if (v < min)
        v = min;
    if (v > max)
        v = max;
    return (v + step - 1) / step * step;
}

unsigned emu_h264_mv_size(unsigned width, unsigned height)
{
    unsigned mbw = (width + EMU_MB_DIM - 1) / EMU_MB_DIM;
    unsigned mbh = (height + EMU_MB_DIM - 1) / EMU_MB_DIM;
    return 64 * mbw * mbh + 32;
}

static void constrain(struct v4l2_pix_format_mplane *pix)
{
    pix->field = V4L2_FIELD_NONE;
    pix->width = clamp_roundup(pix->width, EMU_FMT_MIN_W, EMU_FMT_MAX_W, EMU_MB_DIM);
    pix->height = clamp_roundup(pix->height, EMU_FMT_MIN_H, EMU_FMT_MAX_H, EMU_MB_DIM);
}

void emu_try_fmt_out(struct v4l2_pix_format_mplane *pix)
{
    pix->pixelformat = V4L2_PIX_FMT_H264_SLICE; /* the only coded format here */
    pix->num_planes = 1;
    constrain(pix);
    /* max_depth 2, header_size 0: the default when the client passes 0. */
    if (!pix->plane_fmt[0].sizeimage)
        pix->plane_fmt[0].sizeimage = pix->width * pix->height * 2;
}

void emu_try_fmt_cap(struct v4l2_pix_format_mplane *pix, const struct v4l2_pix_format_mplane *src)
{
    /* The CAPTURE size of a decoder is the OUTPUT's; the client's
     * bytesperline is ignored (v4l2_fill_pixfmt_mp recomputes it). */
    pix->pixelformat = V4L2_PIX_FMT_NV12;
    pix->width = src->width;
    pix->height = src->height;
    constrain(pix);
    pix->num_planes = 1;
    memset(pix->plane_fmt, 0, sizeof(pix->plane_fmt));
    pix->plane_fmt[0].bytesperline = pix->width;
    pix->plane_fmt[0].sizeimage =
        pix->width * pix->height * 3 / 2 + emu_h264_mv_size(pix->width, pix->height);
}

void emu_default_fmts(struct v4l2_pix_format_mplane *src, struct v4l2_pix_format_mplane *dst)
{
    memset(src, 0, sizeof(*src));
    src->width = EMU_FMT_MIN_W;
    src->height = EMU_FMT_MIN_H;
    src->colorspace = V4L2_COLORSPACE_JPEG;
    emu_try_fmt_out(src);
    memset(dst, 0, sizeof(*dst));
    dst->colorspace = V4L2_COLORSPACE_JPEG;
    emu_try_fmt_cap(dst, src);
}

int emu_enum_fmt(struct v4l2_fmtdesc *f)
{
    if (f->index != 0)
        return -EINVAL;
    uint32_t type = f->type, index = f->index;
    memset(f, 0, sizeof(*f));
    f->index = index;
    f->type = type;
    if (type == V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE) {
        f->pixelformat = V4L2_PIX_FMT_H264_SLICE;
        f->flags = V4L2_FMT_FLAG_COMPRESSED;
        strcpy((char *)f->description, "H.264 Parsed Slice Data");
    } else if (type == V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE) {
        f->pixelformat = V4L2_PIX_FMT_NV12;
        strcpy((char *)f->description, "Y/UV 4:2:0");
    } else {
        return -EINVAL;
    }
    return 0;
}

int emu_enum_framesizes(struct v4l2_frmsizeenum *fs)
{
    if (fs->pixel_format == V4L2_PIX_FMT_NV12)
        return -ENOTTY; /* raw format without a post-processor */
    if (fs->pixel_format != V4L2_PIX_FMT_H264_SLICE || fs->index != 0)
        return -EINVAL;
    fs->type = V4L2_FRMSIZE_TYPE_STEPWISE;
    fs->stepwise = (struct v4l2_frmsize_stepwise){EMU_FMT_MIN_W, EMU_FMT_MAX_W, EMU_MB_DIM,
                                                  EMU_FMT_MIN_H, EMU_FMT_MAX_H, EMU_MB_DIM};
    memset(fs->reserved, 0, sizeof(fs->reserved));
    return 0;
}
