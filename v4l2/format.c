/* Stream configuration plumbing (S_FMT / S_EXT_CTRLS / G_FMT). */
#include "format.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "sys.h"

uint32_t vkv4l2_bitstream_size(uint32_t width, uint32_t height)
{
    uint64_t raw = (uint64_t)width * height * 3 / 2;
    uint64_t size = raw / 2;
    if (size < 256 * 1024)
        size = 256 * 1024;
    size = (size + 4095) & ~(uint64_t)4095;
    return size > UINT32_MAX / 2 ? UINT32_MAX / 2 : (uint32_t)size;
}

int vkv4l2_ctrls_set(int video_fd, int request_fd, const struct v4l2_ext_control *ctrls,
                     unsigned n, struct vkv4l2_err *err)
{
    if (n == 0)
        return 0;
    struct v4l2_ext_control *copy = calloc(n, sizeof(*copy));
    if (!copy)
        return vkv4l2_err_set(err, -ENOMEM, "S_EXT_CTRLS: copying %u controls", n);
    memcpy(copy, ctrls, n * sizeof(*copy));
    struct v4l2_ext_controls ec = {
        .which = request_fd >= 0 ? V4L2_CTRL_WHICH_REQUEST_VAL : V4L2_CTRL_WHICH_CUR_VAL,
        .count = n,
        .request_fd = request_fd >= 0 ? request_fd : 0,
        .controls = copy,
    };
    int ret = vkv4l2_sys_ioctl(video_fd, VIDIOC_S_EXT_CTRLS, &ec);
    if (ret < 0) {
        /* error_idx == count means the failure is not tied to one control. */
        if (ec.error_idx < n)
            vkv4l2_err_set(err, ret, "VIDIOC_S_EXT_CTRLS(%s): control 0x%08x (#%u of %u)",
                           request_fd >= 0 ? "request" : "current", ctrls[ec.error_idx].id,
                           ec.error_idx, n);
        else
            vkv4l2_err_set(err, ret, "VIDIOC_S_EXT_CTRLS(%s) of %u controls",
                           request_fd >= 0 ? "request" : "current", n);
    }
    free(copy);
    return ret < 0 ? ret : 0;
}

int vkv4l2_ctrl_set_int(int video_fd, uint32_t id, int32_t value, struct vkv4l2_err *err)
{
    struct v4l2_ext_control c = {.id = id, .value = value};
    return vkv4l2_ctrls_set(video_fd, -1, &c, 1, err);
}

static int get_capture(int fd, struct v4l2_format *f, struct vkv4l2_err *err)
{
    memset(f, 0, sizeof(*f));
    f->type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
    int ret = vkv4l2_sys_ioctl(fd, VIDIOC_G_FMT, f);
    return ret < 0 ? vkv4l2_err_set(err, ret, "VIDIOC_G_FMT(CAPTURE)") : 0;
}

int vkv4l2_format_configure(int video_fd, const struct vkv4l2_stream_config *cfg,
                            struct v4l2_pix_format_mplane *output,
                            struct v4l2_pix_format_mplane *capture, struct vkv4l2_err *err)
{
    struct v4l2_format out = {.type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE};
    out.fmt.pix_mp.pixelformat = cfg->codec;
    out.fmt.pix_mp.width = cfg->width;
    out.fmt.pix_mp.height = cfg->height;
    out.fmt.pix_mp.num_planes = 1;
    out.fmt.pix_mp.field = V4L2_FIELD_NONE;
    out.fmt.pix_mp.plane_fmt[0].sizeimage =
        cfg->bitstream_size ? cfg->bitstream_size : vkv4l2_bitstream_size(cfg->width, cfg->height);
    int ret = vkv4l2_sys_ioctl(video_fd, VIDIOC_S_FMT, &out);
    if (ret < 0)
        return vkv4l2_err_set(err, ret, "VIDIOC_S_FMT(OUTPUT %c%c%c%c %ux%u)",
                              VKV4L2_FOURCC_ARGS(cfg->codec), cfg->width, cfg->height);
    if (out.fmt.pix_mp.pixelformat != cfg->codec)
        return vkv4l2_err_set(err, -EINVAL, "VIDIOC_S_FMT(OUTPUT): driver chose %c%c%c%c for %c%c%c%c",
                              VKV4L2_FOURCC_ARGS(out.fmt.pix_mp.pixelformat), VKV4L2_FOURCC_ARGS(cfg->codec));

    const struct vkv4l2_codec_desc *codec = vkv4l2_codec_find(cfg->codec);
    if (cfg->decode_mode >= 0) {
        if (!codec || !codec->decode_mode_cid)
            return vkv4l2_err_set(err, -EINVAL, "decode mode given for a codec without the menu");
        if ((ret = vkv4l2_ctrl_set_int(video_fd, codec->decode_mode_cid, cfg->decode_mode, err)) < 0)
            return ret;
    }
    if (cfg->start_code >= 0) {
        if (!codec || !codec->start_code_cid)
            return vkv4l2_err_set(err, -EINVAL, "start code given for a codec without the menu");
        if ((ret = vkv4l2_ctrl_set_int(video_fd, codec->start_code_cid, cfg->start_code, err)) < 0)
            return ret;
    }
    if ((ret = vkv4l2_ctrls_set(video_fd, -1, cfg->init_ctrls, cfg->n_init_ctrls, err)) < 0)
        return ret;

    struct v4l2_format cap;
    if ((ret = get_capture(video_fd, &cap, err)) < 0)
        return ret;
    if (cfg->capture_fourcc && cap.fmt.pix_mp.pixelformat != cfg->capture_fourcc) {
        cap.fmt.pix_mp.pixelformat = cfg->capture_fourcc;
        ret = vkv4l2_sys_ioctl(video_fd, VIDIOC_S_FMT, &cap);
        if (ret < 0)
            return vkv4l2_err_set(err, ret, "VIDIOC_S_FMT(CAPTURE %c%c%c%c)",
                                  VKV4L2_FOURCC_ARGS(cfg->capture_fourcc));
        if ((ret = get_capture(video_fd, &cap, err)) < 0)
            return ret;
        if (cap.fmt.pix_mp.pixelformat != cfg->capture_fourcc)
            return vkv4l2_err_set(err, -EINVAL, "CAPTURE format %c%c%c%c refused (driver keeps %c%c%c%c)",
                                  VKV4L2_FOURCC_ARGS(cfg->capture_fourcc),
                                  VKV4L2_FOURCC_ARGS(cap.fmt.pix_mp.pixelformat));
    }
    if (output)
        *output = out.fmt.pix_mp;
    if (capture)
        *capture = cap.fmt.pix_mp;
    return 0;
}
