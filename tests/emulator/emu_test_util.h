/* Helpers shared by the emulator tests: a check macro and V4L2 plumbing
 * over the emulator's ops table (no Vulkan, no production code). */
#ifndef VKV4L2_EMU_TEST_UTIL_H
#define VKV4L2_EMU_TEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <linux/media.h>
#include <linux/videodev2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "../../v4l2/sys.h"
#include "emu_control.h"

extern const struct vkv4l2_sys_ops *vkv4l2_emulator_ops(void);

static int failures;
#define CHECK(cond)                                                                             \
    do {                                                                                        \
        if (!(cond)) {                                                                          \
            fprintf(stderr, "%s:%d: CHECK failed: %s (errno %d)\n", __FILE__, __LINE__, #cond, \
                    errno);                                                                     \
            failures++;                                                                         \
        }                                                                                       \
    } while (0)
/* An ioctl expected to fail with a given errno. */
#define CHECK_ERR(call, err) CHECK((call) == -1 && errno == (err))

static const struct vkv4l2_sys_ops *ops;

#define OUT_Q V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE
#define CAP_Q V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE

static inline int xioctl(int fd, unsigned long req, void *arg) { return ops->ioctl(fd, req, arg); }

static inline int set_out_fmt(int fd, unsigned w, unsigned h)
{
    struct v4l2_format f = {.type = OUT_Q};
    f.fmt.pix_mp.pixelformat = V4L2_PIX_FMT_H264_SLICE;
    f.fmt.pix_mp.width = w;
    f.fmt.pix_mp.height = h;
    f.fmt.pix_mp.num_planes = 1;
    f.fmt.pix_mp.plane_fmt[0].sizeimage = 1 << 20;
    return xioctl(fd, VIDIOC_S_FMT, &f);
}

static inline int get_fmt(int fd, uint32_t type, struct v4l2_format *f)
{
    memset(f, 0, sizeof(*f));
    f->type = type;
    return xioctl(fd, VIDIOC_G_FMT, f);
}

static inline int reqbufs(int fd, uint32_t type, uint32_t memory, unsigned count)
{
    struct v4l2_requestbuffers rb = {.count = count, .type = type, .memory = memory};
    int ret = xioctl(fd, VIDIOC_REQBUFS, &rb);
    return ret < 0 ? ret : (int)rb.count;
}

static inline int streamon(int fd, uint32_t type) { return xioctl(fd, VIDIOC_STREAMON, &type); }
static inline int streamoff(int fd, uint32_t type) { return xioctl(fd, VIDIOC_STREAMOFF, &type); }

static inline void *map_buffer(int fd, uint32_t type, unsigned index, size_t *len)
{
    struct v4l2_plane planes[1];
    struct v4l2_buffer b = {.index = index, .type = type, .memory = V4L2_MEMORY_MMAP,
                            .m.planes = planes, .length = 1};
    if (xioctl(fd, VIDIOC_QUERYBUF, &b) < 0)
        return NULL;
    *len = planes[0].length;
    int prot = type == OUT_Q ? PROT_READ | PROT_WRITE : PROT_READ;
    void *p = ops->mmap(NULL, *len, prot, MAP_SHARED, fd, planes[0].m.mem_offset);
    return p == MAP_FAILED ? NULL : p;
}

static inline int qbuf_cap(int fd, unsigned index)
{
    struct v4l2_plane planes[1] = {{0}};
    struct v4l2_buffer b = {.index = index, .type = CAP_Q, .memory = V4L2_MEMORY_MMAP,
                            .m.planes = planes, .length = 1};
    return xioctl(fd, VIDIOC_QBUF, &b);
}

static inline int qbuf_cap_dmabuf(int fd, unsigned index, int dmabuf)
{
    struct v4l2_plane planes[1] = {{0}};
    planes[0].m.fd = dmabuf;
    struct v4l2_buffer b = {.index = index, .type = CAP_Q, .memory = V4L2_MEMORY_DMABUF,
                            .m.planes = planes, .length = 1};
    return xioctl(fd, VIDIOC_QBUF, &b);
}

static inline int qbuf_out(int fd, unsigned index, int req_fd, uint64_t ts_us, uint32_t bytes)
{
    struct v4l2_plane planes[1] = {{0}};
    planes[0].bytesused = bytes;
    struct v4l2_buffer b = {.index = index, .type = OUT_Q, .memory = V4L2_MEMORY_MMAP,
                            .m.planes = planes, .length = 1};
    b.timestamp.tv_sec = (time_t)(ts_us / 1000000u);
    b.timestamp.tv_usec = (suseconds_t)(ts_us % 1000000u);
    if (req_fd >= 0) {
        b.flags = V4L2_BUF_FLAG_REQUEST_FD;
        b.request_fd = req_fd;
    }
    return xioctl(fd, VIDIOC_QBUF, &b);
}

static inline int dqbuf(int fd, uint32_t type, uint32_t memory, struct v4l2_buffer *b,
                        struct v4l2_plane *planes)
{
    memset(b, 0, sizeof(*b));
    b->type = type;
    b->memory = memory;
    b->m.planes = planes;
    b->length = 1;
    return xioctl(fd, VIDIOC_DQBUF, b);
}

/* Sets SPS, PPS and decode params (any may be NULL) in a request (or the
 * current values when req_fd < 0). */
static inline int set_h264_ctrls(int fd, int req_fd, const struct v4l2_ctrl_h264_sps *sps,
                                 const struct v4l2_ctrl_h264_pps *pps,
                                 const struct v4l2_ctrl_h264_decode_params *dp)
{
    struct v4l2_ext_control c[3];
    unsigned n = 0;
    memset(c, 0, sizeof(c));
    if (sps)
        c[n++] = (struct v4l2_ext_control){.id = V4L2_CID_STATELESS_H264_SPS,
                                           .size = sizeof(*sps), .ptr = (void *)sps};
    if (pps)
        c[n++] = (struct v4l2_ext_control){.id = V4L2_CID_STATELESS_H264_PPS,
                                           .size = sizeof(*pps), .ptr = (void *)pps};
    if (dp)
        c[n++] = (struct v4l2_ext_control){.id = V4L2_CID_STATELESS_H264_DECODE_PARAMS,
                                           .size = sizeof(*dp), .ptr = (void *)dp};
    struct v4l2_ext_controls cs = {.count = n, .controls = c};
    if (req_fd >= 0) {
        cs.which = V4L2_CTRL_WHICH_REQUEST_VAL;
        cs.request_fd = req_fd;
    }
    return xioctl(fd, VIDIOC_S_EXT_CTRLS, &cs);
}

static inline int alloc_request(int media_fd)
{
    int fd = -1;
    if (xioctl(media_fd, MEDIA_IOC_REQUEST_ALLOC, &fd) < 0)
        return -1;
    return fd;
}

/* Polls one fd through the ops; returns revents, 0 on timeout. */
static inline short poll_one(int fd, short events, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = events};
    int n = ops->poll(&p, 1, timeout_ms);
    return n > 0 ? p.revents : 0;
}

#endif
