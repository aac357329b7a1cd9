/* CAPTURE buffer allocation through MMAP + EXPBUF. */
#include "capture_alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>

#include "sys.h"

static int reqbufs_capture(int fd, uint32_t count, uint32_t *got)
{
    struct v4l2_requestbuffers rb = {
        .count = count, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, .memory = V4L2_MEMORY_MMAP};
    int ret = vkv4l2_sys_ioctl(fd, VIDIOC_REQBUFS, &rb);
    if (ret == 0 && got)
        *got = rb.count;
    return ret;
}

/* One MMAP buffer with a sizeimage above the format's; returns its index. */
static int create_big_buffer(int fd, const struct v4l2_pix_format_mplane *fmt, uint64_t size,
                             uint32_t *index, struct vkv4l2_err *err)
{
    if (size > UINT32_MAX)
        return vkv4l2_err_set(err, -EINVAL, "CAPTURE buffer of %llu bytes",
                              (unsigned long long)size);
    struct v4l2_create_buffers cb = {
        .count = 1, .memory = V4L2_MEMORY_MMAP,
        .format = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, .fmt.pix_mp = *fmt }};
    /* Page-aligned like every vb2 allocation. */
    cb.format.fmt.pix_mp.plane_fmt[0].sizeimage = (uint32_t)((size + 4095) & ~(uint64_t)4095);
    int ret = vkv4l2_sys_ioctl(fd, VIDIOC_CREATE_BUFS, &cb);
    if (ret < 0)
        return vkv4l2_err_set(err, ret, "VIDIOC_CREATE_BUFS(CAPTURE, MMAP, sizeimage %u)",
                              cb.format.fmt.pix_mp.plane_fmt[0].sizeimage);
    if (cb.count < 1)
        return vkv4l2_err_set(err, -ENOMEM, "VIDIOC_CREATE_BUFS(CAPTURE) allocated no buffer");
    *index = cb.index;
    return 0;
}

int vkv4l2_capture_alloc(const char *video_path, const struct vkv4l2_stream_config *cfg,
                         struct vkv4l2_capture_buffer *out, struct vkv4l2_err *err)
{
    return vkv4l2_capture_alloc_sized(video_path, cfg, 0, out, err);
}

int vkv4l2_capture_alloc_sized(const char *video_path, const struct vkv4l2_stream_config *cfg,
                               uint64_t min_size, struct vkv4l2_capture_buffer *out,
                               struct vkv4l2_err *err)
{
    memset(out, 0, sizeof(*out));
    out->fd = -1;
    int fd = vkv4l2_sys_open(video_path, O_RDWR | O_NONBLOCK);
    if (fd < 0)
        return vkv4l2_err_set(err, fd, "open(%s)", video_path);

    bool allocated = false;
    int ret = vkv4l2_format_configure(fd, cfg, NULL, &out->format, err);
    if (ret < 0)
        goto out;
    if (out->format.num_planes != 1) {
        ret = vkv4l2_err_set(err, -ENOTSUP, "CAPTURE format %c%c%c%c has %u memory planes",
                             VKV4L2_FOURCC_ARGS(out->format.pixelformat), out->format.num_planes);
        goto out;
    }
    uint32_t index = 0;
    if (min_size > out->format.plane_fmt[0].sizeimage) {
        /* CREATE_BUFS allocates on a queue with no buffers too; REQBUFS(0)
         * below frees (orphans) it the same way. */
        allocated = true;
        if ((ret = create_big_buffer(fd, &out->format, min_size, &index, err)) < 0)
            goto out;
    } else {
        uint32_t got = 0;
        if ((ret = reqbufs_capture(fd, 1, &got)) < 0) {
            vkv4l2_err_set(err, ret, "VIDIOC_REQBUFS(CAPTURE, MMAP, 1)");
            goto out;
        }
        allocated = true;
        if (got < 1) {
            ret = vkv4l2_err_set(err, -ENOMEM, "VIDIOC_REQBUFS(CAPTURE) allocated no buffer");
            goto out;
        }
    }
    struct v4l2_plane plane = {0};
    struct v4l2_buffer b = {
        .index = index, .type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, .memory = V4L2_MEMORY_MMAP,
        .m.planes = &plane, .length = 1};
    if ((ret = vkv4l2_sys_ioctl(fd, VIDIOC_QUERYBUF, &b)) < 0) {
        vkv4l2_err_set(err, ret, "VIDIOC_QUERYBUF(CAPTURE %u)", index);
        goto out;
    }
    struct v4l2_exportbuffer exp = {
        .type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, .index = index, .plane = 0,
        .flags = O_RDWR | O_CLOEXEC};
    if ((ret = vkv4l2_sys_ioctl(fd, VIDIOC_EXPBUF, &exp)) < 0) {
        vkv4l2_err_set(err, ret, "VIDIOC_EXPBUF(CAPTURE %u)", index);
        goto out;
    }
    out->fd = exp.fd;
    out->size = plane.length;
out:
    if (allocated) {
        /* vb2 orphans the exported memory; it is freed with the last
         * reference to the dma-buf. */
        int r = reqbufs_capture(fd, 0, NULL);
        if (r < 0 && ret == 0) {
            ret = vkv4l2_err_set(err, r, "VIDIOC_REQBUFS(CAPTURE, 0)");
        }
    }
    if (ret < 0 && out->fd >= 0) {
        vkv4l2_sys_close(out->fd);
        out->fd = -1;
    }
    vkv4l2_sys_close(fd);
    return ret;
}
