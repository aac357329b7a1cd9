/* Probe plumbing: QUERYCAP, ENUM_FMT, ENUM_FRAMESIZES, QUERY_EXT_CTRL,
 * QUERYMENU, REQBUFS(0) for the queue capabilities. */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "format.h"
#include "sys.h"

static void copy_str(char *dst, size_t size, const void *src, size_t src_size)
{
    size_t n = strnlen(src, src_size);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static int enum_formats(int fd, uint32_t type, uint32_t *out, unsigned *count)
{
    *count = 0;
    for (uint32_t i = 0; i < VKV4L2_MAX_FORMATS; i++) {
        struct v4l2_fmtdesc d = {.index = i, .type = type};
        int ret = vkv4l2_sys_ioctl(fd, VIDIOC_ENUM_FMT, &d);
        if (ret == -EINVAL)
            return 0; /* end of the list */
        if (ret < 0)
            return ret;
        out[(*count)++] = d.pixelformat;
    }
    return 0;
}

int vkv4l2_probe_device(int video_fd, struct vkv4l2_device_caps *out, struct vkv4l2_err *err)
{
    memset(out, 0, sizeof(*out));
    struct v4l2_capability cap = {0};
    int ret = vkv4l2_sys_ioctl(video_fd, VIDIOC_QUERYCAP, &cap);
    if (ret < 0)
        return vkv4l2_err_set(err, ret, "VIDIOC_QUERYCAP");
    copy_str(out->driver, sizeof(out->driver), cap.driver, sizeof(cap.driver));
    copy_str(out->card, sizeof(out->card), cap.card, sizeof(cap.card));
    copy_str(out->bus_info, sizeof(out->bus_info), cap.bus_info, sizeof(cap.bus_info));
    out->device_caps = (cap.capabilities & V4L2_CAP_DEVICE_CAPS) ? cap.device_caps
                                                                 : cap.capabilities;
    char why[128];
    if ((ret = vkv4l2_caps_check_device(&cap, why, sizeof(why))) < 0)
        return vkv4l2_err_set(err, ret, "%s (%s): %s", out->card, out->driver, why);
    ret = enum_formats(video_fd, V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, out->output_formats,
                       &out->n_output_formats);
    return ret < 0 ? vkv4l2_err_set(err, ret, "VIDIOC_ENUM_FMT(OUTPUT)") : 0;
}

static int probe_frame_sizes(int fd, uint32_t codec, struct vkv4l2_frame_sizes *s)
{
    memset(s, 0, sizeof(*s));
    struct v4l2_frmsizeenum e = {.index = 0, .pixel_format = codec};
    int ret = vkv4l2_sys_ioctl(fd, VIDIOC_ENUM_FRAMESIZES, &e);
    if (ret == -EINVAL || ret == -ENOTTY)
        return 0; /* not offered: limits stay unknown */
    if (ret < 0)
        return ret;
    if (e.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
        /* Discrete sizes: keep the bounding range of all of them. */
        s->min_width = s->max_width = e.discrete.width;
        s->min_height = s->max_height = e.discrete.height;
        for (e.index = 1; vkv4l2_sys_ioctl(fd, VIDIOC_ENUM_FRAMESIZES, &e) == 0; e.index++) {
            if (e.discrete.width < s->min_width) s->min_width = e.discrete.width;
            if (e.discrete.width > s->max_width) s->max_width = e.discrete.width;
            if (e.discrete.height < s->min_height) s->min_height = e.discrete.height;
            if (e.discrete.height > s->max_height) s->max_height = e.discrete.height;
        }
        s->step_width = s->step_height = 1;
    } else {
        s->min_width = e.stepwise.min_width;
        s->max_width = e.stepwise.max_width;
        s->step_width = e.stepwise.step_width ? e.stepwise.step_width : 1;
        s->min_height = e.stepwise.min_height;
        s->max_height = e.stepwise.max_height;
        s->step_height = e.stepwise.step_height ? e.stepwise.step_height : 1;
    }
    s->known = true;
    return 0;
}

static int probe_menu(int fd, uint32_t id, struct vkv4l2_menu_caps *m)
{
    memset(m, 0, sizeof(*m));
    struct v4l2_query_ext_ctrl q = {.id = id};
    int ret = vkv4l2_sys_ioctl(fd, VIDIOC_QUERY_EXT_CTRL, &q);
    if (ret == -EINVAL)
        return 0;
    if (ret < 0)
        return ret;
    m->present = true;
    m->def = q.default_value;
    for (int64_t i = q.minimum; i <= q.maximum && i < 32; i++) {
        if (i < 0)
            continue;
        struct v4l2_querymenu qm = {.id = id, .index = (uint32_t)i};
        /* Skipped entries answer -EINVAL. */
        if (vkv4l2_sys_ioctl(fd, VIDIOC_QUERYMENU, &qm) == 0)
            m->supported |= 1u << i;
    }
    return 0;
}

/* OUTPUT queue capabilities from REQBUFS(0), which allocates nothing. */
static int probe_requests(int fd, bool *requests)
{
    struct v4l2_requestbuffers rb = {
        .count = 0, .type = V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE, .memory = V4L2_MEMORY_MMAP};
    int ret = vkv4l2_sys_ioctl(fd, VIDIOC_REQBUFS, &rb);
    if (ret < 0)
        return ret;
    *requests = (rb.capabilities & V4L2_BUF_CAP_SUPPORTS_REQUESTS) != 0;
    return 0;
}

int vkv4l2_probe_codec(int video_fd, uint32_t codec, struct vkv4l2_decoder_caps *out,
                       struct vkv4l2_err *err)
{
    memset(out, 0, sizeof(*out));
    out->codec = codec;
    const struct vkv4l2_codec_desc *desc = vkv4l2_codec_find(codec);
    if (!desc)
        return vkv4l2_err_set(err, -EINVAL, "unknown codec %c%c%c%c", VKV4L2_FOURCC_ARGS(codec));

    int ret = probe_frame_sizes(video_fd, codec, &out->sizes);
    if (ret < 0)
        return vkv4l2_err_set(err, ret, "VIDIOC_ENUM_FRAMESIZES(%s)", desc->name);

    /* CAPTURE formats depend on the OUTPUT format: set it first, at a
     * size inside the device's limits. */
    struct vkv4l2_stream_config cfg = {
        .codec = codec, .width = 640, .height = 480, .decode_mode = -1, .start_code = -1};
    if (out->sizes.known) {
        if (cfg.width < out->sizes.min_width) cfg.width = out->sizes.min_width;
        if (cfg.width > out->sizes.max_width) cfg.width = out->sizes.max_width;
        if (cfg.height < out->sizes.min_height) cfg.height = out->sizes.min_height;
        if (cfg.height > out->sizes.max_height) cfg.height = out->sizes.max_height;
    }
    if ((ret = vkv4l2_format_configure(video_fd, &cfg, NULL, NULL, err)) < 0)
        return ret;
    ret = enum_formats(video_fd, V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, out->capture_formats,
                       &out->n_capture_formats);
    if (ret < 0)
        return vkv4l2_err_set(err, ret, "VIDIOC_ENUM_FMT(CAPTURE) for %s", desc->name);
    if ((ret = probe_requests(video_fd, &out->requests)) < 0)
        return vkv4l2_err_set(err, ret, "VIDIOC_REQBUFS(OUTPUT, 0)");

    for (unsigned i = 0; i < desc->n_ctrls; i++) {
        struct v4l2_query_ext_ctrl q = {.id = desc->ctrls[i].id};
        ret = vkv4l2_sys_ioctl(video_fd, VIDIOC_QUERY_EXT_CTRL, &q);
        if (ret == -EINVAL)
            continue; /* absent: caps.c decides whether that matters */
        if (ret < 0)
            return vkv4l2_err_set(err, ret, "VIDIOC_QUERY_EXT_CTRL(%s)", desc->ctrls[i].name);
        struct vkv4l2_ctrl_caps *c = &out->ctrls[i];
        c->present = true;
        c->type = q.type;
        c->elem_size = q.elem_size;
        c->elems = q.elems;
        c->nr_of_dims = q.nr_of_dims;
        c->flags = q.flags;
        memcpy(c->dims, q.dims, sizeof(c->dims));
    }
    if (desc->decode_mode_cid && (ret = probe_menu(video_fd, desc->decode_mode_cid, &out->decode_mode)) < 0)
        return vkv4l2_err_set(err, ret, "%s decode mode menu", desc->name);
    if (desc->start_code_cid && (ret = probe_menu(video_fd, desc->start_code_cid, &out->start_code)) < 0)
        return vkv4l2_err_set(err, ret, "%s start code menu", desc->name);
    return 0;
}

int vkv4l2_probe(const char *video_path, struct vkv4l2_probe_result *out, struct vkv4l2_err *err)
{
    memset(out, 0, sizeof(*out));
    int fd = vkv4l2_sys_open(video_path, O_RDWR | O_NONBLOCK);
    if (fd < 0)
        return vkv4l2_err_set(err, fd, "open(%s)", video_path);
    int ret = vkv4l2_probe_device(fd, &out->device, err);
    for (unsigned i = 0; ret == 0 && i < out->device.n_output_formats; i++) {
        uint32_t codec = out->device.output_formats[i];
        if (!vkv4l2_codec_find(codec) || out->n_codecs == VKV4L2_MAX_PROBED_CODECS)
            continue;
        ret = vkv4l2_probe_codec(fd, codec, &out->codecs[out->n_codecs], err);
        if (ret == 0)
            out->n_codecs++;
    }
    vkv4l2_sys_close(fd);
    return ret;
}

const struct vkv4l2_decoder_caps *vkv4l2_probe_find_codec(const struct vkv4l2_probe_result *r,
                                                          uint32_t codec)
{
    for (unsigned i = 0; i < r->n_codecs; i++)
        if (r->codecs[i].codec == codec)
            return &r->codecs[i];
    return NULL;
}
