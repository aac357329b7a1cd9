/* Drives the emulator's ops table directly (no Vulkan): discovery,
 * formats and strides, controls, the request lifecycle, every strictness
 * rule (violated and respected), fault injection, fence export. */
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "emu_test_util.h"

#define W 320
#define H 240

static struct v4l2_ctrl_h264_sps sps;
static struct v4l2_ctrl_h264_pps pps;

static void init_params(void)
{
    memset(&sps, 0, sizeof(sps));
    sps.profile_idc = 66;
    sps.level_idc = 30;
    sps.chroma_format_idc = 1; /* what validation normalises a baseline SPS to */
    sps.max_num_ref_frames = 1;
    sps.pic_width_in_mbs_minus1 = W / 16 - 1;
    sps.pic_height_in_map_units_minus1 = H / 16 - 1;
    sps.flags = V4L2_H264_SPS_FLAG_FRAME_MBS_ONLY | V4L2_H264_SPS_FLAG_DIRECT_8X8_INFERENCE;
    memset(&pps, 0, sizeof(pps));
}

static struct v4l2_ctrl_h264_decode_params dp_for(bool idr, const uint64_t *refs_ns, unsigned nrefs)
{
    struct v4l2_ctrl_h264_decode_params dp;
    memset(&dp, 0, sizeof(dp));
    dp.nal_ref_idc = 1;
    dp.flags = idr ? V4L2_H264_DECODE_PARAM_FLAG_IDR_PIC : V4L2_H264_DECODE_PARAM_FLAG_PFRAME;
    for (unsigned i = 0; i < nrefs; i++) {
        dp.dpb[i].reference_ts = refs_ns[i];
        dp.dpb[i].fields = V4L2_H264_FRAME_REF;
        dp.dpb[i].flags = V4L2_H264_DPB_ENTRY_FLAG_VALID | V4L2_H264_DPB_ENTRY_FLAG_ACTIVE;
    }
    return dp;
}

/* A decoding session on the emulated node: formats, MMAP buffers, streaming. */
struct session {
    int media, video;
    unsigned ncap;
};

static void session_open(struct session *s, unsigned ncap, uint32_t cap_memory)
{
    s->media = ops->open("/dev/media2", O_RDWR | O_CLOEXEC);
    s->video = ops->open("/dev/video5", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    CHECK(s->media >= 0 && s->video >= 0);
    CHECK(set_out_fmt(s->video, W, H) == 0);
    CHECK(reqbufs(s->video, OUT_Q, V4L2_MEMORY_MMAP, 4) == 4);
    CHECK(reqbufs(s->video, CAP_Q, cap_memory, ncap) == (int)ncap);
    CHECK(streamon(s->video, OUT_Q) == 0);
    CHECK(streamon(s->video, CAP_Q) == 0);
    s->ncap = ncap;
}

static void session_close(struct session *s)
{
    CHECK(ops->close(s->video) == 0);
    CHECK(ops->close(s->media) == 0);
}

/* Queues one decode: a request with controls and OUTPUT buffer `out`.
 * Returns the request fd (the caller closes it) or -1 when QUEUE failed. */
static int submit(struct session *s, unsigned out, uint64_t ts_us, bool idr, const uint64_t *refs_ns,
                  unsigned nrefs, int *queue_errno)
{
    int req = alloc_request(s->media);
    CHECK(req >= 0);
    struct v4l2_ctrl_h264_decode_params dp = dp_for(idr, refs_ns, nrefs);
    CHECK(set_h264_ctrls(s->video, req, &sps, &pps, &dp) == 0);
    CHECK(qbuf_out(s->video, out, req, ts_us, 16) == 0);
    int ret = xioctl(req, MEDIA_REQUEST_IOC_QUEUE, NULL);
    *queue_errno = ret < 0 ? errno : 0;
    return req;
}

static bool wait_done(int req, int timeout_ms) { return poll_one(req, POLLPRI, timeout_ms) & POLLPRI; }

static void test_discovery(void)
{
    struct stat st;
    CHECK(ops->stat("/dev/video5", &st) == 0 && S_ISCHR(st.st_mode));
    CHECK_ERR(ops->open("/dev/media0", O_RDWR), ENOENT);
    for (unsigned m = 1; m <= 2; m++) {
        char path[32];
        snprintf(path, sizeof(path), "/dev/media%u", m);
        int fd = ops->open(path, O_RDWR);
        CHECK(fd >= 0);
        struct media_device_info info;
        CHECK(xioctl(fd, MEDIA_IOC_DEVICE_INFO, &info) == 0);
        struct media_v2_topology topo = {0};
        CHECK(xioctl(fd, MEDIA_IOC_G_TOPOLOGY, &topo) == 0 && topo.num_entities > 0);
        struct media_v2_entity ents[8];
        struct media_v2_interface intfs[8];
        struct media_v2_link links[8];
        topo.ptr_entities = (uintptr_t)ents;
        topo.ptr_interfaces = (uintptr_t)intfs;
        topo.ptr_links = (uintptr_t)links;
        topo.num_links = 1; /* too small: counts come back with ENOSPC */
        CHECK_ERR(xioctl(fd, MEDIA_IOC_G_TOPOLOGY, &topo), ENOSPC);
        CHECK(topo.num_links > 1 && topo.num_links <= 8);
        CHECK(xioctl(fd, MEDIA_IOC_G_TOPOLOGY, &topo) == 0);
        bool decoder = false;
        for (unsigned i = 0; i < topo.num_entities; i++)
            decoder |= ents[i].function == MEDIA_ENT_F_PROC_VIDEO_DECODER;
        CHECK(decoder == (m == 2));
        if (m == 2) {
            CHECK(topo.num_interfaces == 1 && intfs[0].intf_type == MEDIA_INTF_T_V4L_VIDEO);
            CHECK(makedev(intfs[0].devnode.major, intfs[0].devnode.minor) == st.st_rdev);
        } else {
            int req = -1;
            CHECK_ERR(xioctl(fd, MEDIA_IOC_REQUEST_ALLOC, &req), ENOTTY);
        }
        CHECK(ops->close(fd) == 0);
    }
}

static void test_formats(void)
{
    int fd = ops->open("/dev/video5", O_RDWR);
    CHECK(fd >= 0);
    struct v4l2_capability cap;
    CHECK(xioctl(fd, VIDIOC_QUERYCAP, &cap) == 0);
    CHECK(cap.device_caps == (V4L2_CAP_VIDEO_M2M_MPLANE | V4L2_CAP_STREAMING));
    struct v4l2_fmtdesc fd_out = {.index = 0, .type = OUT_Q}, fd_cap = {.index = 0, .type = CAP_Q};
    CHECK(xioctl(fd, VIDIOC_ENUM_FMT, &fd_out) == 0 && fd_out.pixelformat == V4L2_PIX_FMT_H264_SLICE);
    CHECK(xioctl(fd, VIDIOC_ENUM_FMT, &fd_cap) == 0 && fd_cap.pixelformat == V4L2_PIX_FMT_NV12);
    fd_cap.index = 1;
    CHECK_ERR(xioctl(fd, VIDIOC_ENUM_FMT, &fd_cap), EINVAL);
    struct v4l2_frmsizeenum fs = {.pixel_format = V4L2_PIX_FMT_H264_SLICE};
    CHECK(xioctl(fd, VIDIOC_ENUM_FRAMESIZES, &fs) == 0 && fs.type == V4L2_FRMSIZE_TYPE_STEPWISE);
    CHECK(fs.stepwise.step_width == 16 && fs.stepwise.min_width == 48);
    static const unsigned sizes[][2] = {{1920, 1080}, {864, 480}, {850, 470}, {640, 360}};
    for (unsigned i = 0; i < 4; i++) {
        unsigned w = sizes[i][0], h = sizes[i][1];
        unsigned aw = (w + 15) / 16 * 16, ah = (h + 15) / 16 * 16;
        CHECK(set_out_fmt(fd, w, h) == 0);
        struct v4l2_format f;
        CHECK(get_fmt(fd, OUT_Q, &f) == 0 && f.fmt.pix_mp.width == aw && f.fmt.pix_mp.height == ah);
        /* A requested CAPTURE pitch is ignored, like hantro. */
        f.type = CAP_Q;
        f.fmt.pix_mp.pixelformat = V4L2_PIX_FMT_NV12;
        f.fmt.pix_mp.plane_fmt[0].bytesperline = aw + 64;
        CHECK(xioctl(fd, VIDIOC_S_FMT, &f) == 0);
        CHECK(get_fmt(fd, CAP_Q, &f) == 0);
        const struct v4l2_pix_format_mplane *p = &f.fmt.pix_mp;
        unsigned mv = 64 * (aw / 16) * (ah / 16) + 32;
        CHECK(p->num_planes == 1 && p->pixelformat == V4L2_PIX_FMT_NV12);
        CHECK(p->width == aw && p->height == ah && p->plane_fmt[0].bytesperline == aw);
        CHECK(p->plane_fmt[0].sizeimage == aw * ah * 3 / 2 + mv);
    }
    struct v4l2_format f = {.type = V4L2_BUF_TYPE_VIDEO_CAPTURE};
    CHECK_ERR(xioctl(fd, VIDIOC_G_FMT, &f), EINVAL);
    CHECK(ops->close(fd) == 0);
}

static void test_controls(void)
{
    int fd = ops->open("/dev/video5", O_RDWR);
    CHECK(fd >= 0);
    unsigned all = 0, simple = 0;
    bool saw_sps = false;
    struct v4l2_query_ext_ctrl q = {.id = V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND};
    while (xioctl(fd, VIDIOC_QUERY_EXT_CTRL, &q) == 0) {
        all++;
        saw_sps |= q.id == V4L2_CID_STATELESS_H264_SPS && q.elem_size == sizeof(sps);
        q.id |= V4L2_CTRL_FLAG_NEXT_CTRL | V4L2_CTRL_FLAG_NEXT_COMPOUND;
    }
    q.id = V4L2_CTRL_FLAG_NEXT_CTRL;
    while (xioctl(fd, VIDIOC_QUERY_EXT_CTRL, &q) == 0) {
        simple++;
        CHECK(q.type < V4L2_CTRL_COMPOUND_TYPES);
        q.id |= V4L2_CTRL_FLAG_NEXT_CTRL;
    }
    CHECK(saw_sps && all == 9 && simple == 5);
    struct v4l2_querymenu m = {.id = V4L2_CID_STATELESS_H264_DECODE_MODE, .index = 0};
    CHECK_ERR(xioctl(fd, VIDIOC_QUERYMENU, &m), EINVAL);
    m.index = V4L2_STATELESS_H264_DECODE_MODE_FRAME_BASED;
    CHECK(xioctl(fd, VIDIOC_QUERYMENU, &m) == 0);
    m = (struct v4l2_querymenu){.id = V4L2_CID_STATELESS_H264_START_CODE, .index = 0};
    CHECK_ERR(xioctl(fd, VIDIOC_QUERYMENU, &m), EINVAL);
    m.index = V4L2_STATELESS_H264_START_CODE_ANNEX_B;
    CHECK(xioctl(fd, VIDIOC_QUERYMENU, &m) == 0);
    struct v4l2_ext_control c = {.id = V4L2_CID_STATELESS_H264_DECODE_MODE,
                                 .value = V4L2_STATELESS_H264_DECODE_MODE_SLICE_BASED};
    struct v4l2_ext_controls cs = {.count = 1, .controls = &c};
    CHECK_ERR(xioctl(fd, VIDIOC_S_EXT_CTRLS, &cs), ERANGE);
    /* std_validate_compound + hantro_try_ctrl */
    struct v4l2_ctrl_h264_sps bad = sps;
    bad.profile_idc = 100;
    bad.chroma_format_idc = 2;
    CHECK_ERR(set_h264_ctrls(fd, -1, &bad, NULL, NULL), EINVAL);
    bad = sps;
    bad.profile_idc = 110;
    bad.chroma_format_idc = 1;
    bad.bit_depth_luma_minus8 = bad.bit_depth_chroma_minus8 = 2; /* 10-bit: not hantro G1 */
    CHECK_ERR(set_h264_ctrls(fd, -1, &bad, NULL, NULL), EINVAL);
    struct v4l2_ctrl_h264_pps badp = pps;
    badp.pic_init_qp_minus26 = 26;
    CHECK_ERR(set_h264_ctrls(fd, -1, NULL, &badp, NULL), EINVAL);
    CHECK(set_h264_ctrls(fd, -1, &sps, &pps, NULL) == 0);
    struct v4l2_ctrl_h264_sps back;
    struct v4l2_ext_control g = {.id = V4L2_CID_STATELESS_H264_SPS, .size = 4, .ptr = &back};
    struct v4l2_ext_controls gs = {.count = 1, .controls = &g};
    CHECK_ERR(xioctl(fd, VIDIOC_G_EXT_CTRLS, &gs), ENOSPC);
    CHECK(g.size == sizeof(back));
    CHECK(xioctl(fd, VIDIOC_G_EXT_CTRLS, &gs) == 0 && !memcmp(&back, &sps, sizeof(sps)));
    CHECK(ops->close(fd) == 0);
}

static void test_request_lifecycle(void)
{
    struct session s;
    session_open(&s, 2, V4L2_MEMORY_MMAP);
    int foreign = eventfd(0, EFD_CLOEXEC);
    int req = alloc_request(s.media);
    CHECK(req >= 0);
    /* An idle request polls POLLERR; its values cannot be read yet. */
    CHECK(poll_one(req, POLLPRI, 0) == POLLERR);
    struct v4l2_ctrl_h264_decode_params dp = dp_for(true, NULL, 0);
    CHECK(set_h264_ctrls(s.video, req, &sps, &pps, &dp) == 0);
    struct v4l2_ext_control g = {.id = V4L2_CID_STATELESS_H264_SPS, .size = sizeof(sps)};
    struct v4l2_ctrl_h264_sps back;
    g.ptr = &back;
    struct v4l2_ext_controls gs = {.which = V4L2_CTRL_WHICH_REQUEST_VAL, .count = 1,
                                   .request_fd = req, .controls = &g};
    CHECK_ERR(xioctl(s.video, VIDIOC_G_EXT_CTRLS, &gs), EACCES);
    /* Stateless OUTPUT buffers need a request. */
    CHECK_ERR(qbuf_out(s.video, 0, -1, 1000, 16), EBADR);
    CHECK(qbuf_out(s.video, 0, req, 1000, 16) == 0);
    CHECK(qbuf_cap(s.video, 0) == 0);
    CHECK(xioctl(req, MEDIA_REQUEST_IOC_QUEUE, NULL) == 0);
    CHECK_ERR(xioctl(req, MEDIA_REQUEST_IOC_QUEUE, NULL), EBUSY);
    CHECK_ERR(xioctl(req, MEDIA_REQUEST_IOC_REINIT, NULL), EBUSY);
    CHECK_ERR(set_h264_ctrls(s.video, req, &sps, NULL, NULL), EBUSY);
    /* A caller's own eventfd polls next to the emulated fds. */
    uint64_t one = 1;
    CHECK(write(foreign, &one, sizeof(one)) == sizeof(one));
    struct pollfd pf[3] = {{.fd = req, .events = POLLPRI}, {.fd = s.video, .events = POLLIN},
                           {.fd = foreign, .events = POLLIN}};
    CHECK(ops->poll(pf, 3, 1000) >= 1 && (pf[2].revents & POLLIN));
    CHECK(wait_done(req, 2000));
    CHECK(poll_one(s.video, POLLIN | POLLOUT, 0) == (POLLIN | POLLOUT));
    struct v4l2_buffer b;
    struct v4l2_plane pl[1];
    CHECK(dqbuf(s.video, CAP_Q, V4L2_MEMORY_MMAP, &b, pl) == 0);
    CHECK(b.index == 0 && b.timestamp.tv_sec == 0 && b.timestamp.tv_usec == 1000);
    CHECK((b.flags & V4L2_BUF_FLAG_TIMESTAMP_COPY) && !(b.flags & V4L2_BUF_FLAG_ERROR));
    struct v4l2_format f;
    CHECK(get_fmt(s.video, CAP_Q, &f) == 0 && pl[0].bytesused == f.fmt.pix_mp.plane_fmt[0].sizeimage);
    CHECK(dqbuf(s.video, OUT_Q, V4L2_MEMORY_MMAP, &b, pl) == 0);
    CHECK(b.index == 0 && (b.flags & V4L2_BUF_FLAG_REQUEST_FD) && b.request_fd == req);
    CHECK_ERR(dqbuf(s.video, OUT_Q, V4L2_MEMORY_MMAP, &b, pl), EAGAIN);
    CHECK(xioctl(s.video, VIDIOC_G_EXT_CTRLS, &gs) == 0 && back.profile_idc == sps.profile_idc);
    /* Reuse after REINIT. */
    CHECK(xioctl(req, MEDIA_REQUEST_IOC_REINIT, NULL) == 0);
    CHECK(poll_one(req, POLLPRI, 0) == POLLERR);
    dp = dp_for(false, (uint64_t[]){1000000}, 1);
    CHECK(set_h264_ctrls(s.video, req, &sps, &pps, &dp) == 0);
    CHECK(qbuf_out(s.video, 1, req, 2000, 16) == 0);
    CHECK(qbuf_cap(s.video, 1) == 0);
    CHECK(xioctl(req, MEDIA_REQUEST_IOC_QUEUE, NULL) == 0);
    CHECK(wait_done(req, 2000));
    CHECK(dqbuf(s.video, CAP_Q, V4L2_MEMORY_MMAP, &b, pl) == 0 && b.index == 1);
    /* Pattern mode: Y row y = (y + timestamp in ms) & 0xff. */
    size_t len;
    uint8_t *p = map_buffer(s.video, CAP_Q, 1, &len);
    CHECK(p && p[0] == 2 && p[(size_t)5 * W] == 7);
    if (p)
        ops->munmap(p, len);
    close(foreign);
    CHECK(ops->close(req) == 0);
    session_close(&s);
}

/* Each strictness rule: refused (errno + violation) when broken, accepted
 * without a violation when respected. */
static void test_strict_request(void)
{
    char report[] = "/tmp/vkv4l2-emu-report-XXXXXX";
    int report_fd = mkstemp(report);
    CHECK(report_fd >= 0);
    setenv("VKV4L2_EMU_REPORT", report, 1);
    vkv4l2_emu_reset();
    struct session s;
    session_open(&s, 4, V4L2_MEMORY_MMAP);
    unsigned v0 = vkv4l2_emu_violation_count();
    struct v4l2_ctrl_h264_decode_params dp = dp_for(true, NULL, 0);

    int req = alloc_request(s.media); /* missing SPS/PPS */
    CHECK(set_h264_ctrls(s.video, req, NULL, NULL, &dp) == 0);
    CHECK(qbuf_out(s.video, 0, req, 1000, 16) == 0);
    CHECK_ERR(xioctl(req, MEDIA_REQUEST_IOC_QUEUE, NULL), EINVAL);
    CHECK(vkv4l2_emu_violation_count() == v0 + 1);
    CHECK(xioctl(req, MEDIA_REQUEST_IOC_REINIT, NULL) == 0);

    CHECK(set_h264_ctrls(s.video, req, &sps, &pps, &dp) == 0); /* no OUTPUT buffer */
    CHECK_ERR(xioctl(req, MEDIA_REQUEST_IOC_QUEUE, NULL), ENOENT);
    CHECK(vkv4l2_emu_violation_count() == v0 + 2);

    CHECK(qbuf_out(s.video, 0, req, 1000, 16) == 0); /* two OUTPUT buffers */
    CHECK(qbuf_out(s.video, 1, req, 1000, 16) == 0);
    CHECK_ERR(xioctl(req, MEDIA_REQUEST_IOC_QUEUE, NULL), EINVAL);
    CHECK(vkv4l2_emu_violation_count() == v0 + 3);
    CHECK(xioctl(req, MEDIA_REQUEST_IOC_REINIT, NULL) == 0);

    /* Well-formed: accepted, no violation. */
    CHECK(qbuf_cap(s.video, 0) == 0);
    int err;
    int r1 = submit(&s, 0, 1000, true, NULL, 0, &err);
    CHECK(err == 0 && wait_done(r1, 2000));
    CHECK(vkv4l2_emu_violation_count() == v0 + 3);

    /* Reference to a timestamp no CAPTURE buffer carries. */
    int r2 = submit(&s, 1, 2000, false, (uint64_t[]){777000}, 1, &err);
    CHECK(err == EINVAL && vkv4l2_emu_violation_count() == v0 + 4);
    CHECK(xioctl(r2, MEDIA_REQUEST_IOC_REINIT, NULL) == 0);
    /* The right one (1000 us = 1000000 ns, in CAPTURE buffer 0). */
    CHECK(qbuf_cap(s.video, 1) == 0);
    int r3 = submit(&s, 1, 2000, false, (uint64_t[]){1000000}, 1, &err);
    CHECK(err == 0 && wait_done(r3, 2000));
    CHECK(vkv4l2_emu_violation_count() == v0 + 4);
    struct v4l2_buffer b;
    struct v4l2_plane pl[1];
    while (dqbuf(s.video, CAP_Q, V4L2_MEMORY_MMAP, &b, pl) == 0)
        CHECK(!(b.flags & V4L2_BUF_FLAG_ERROR));
    while (dqbuf(s.video, OUT_Q, V4L2_MEMORY_MMAP, &b, pl) == 0)
        ;

    /* CAPTURE requeue while a pending decode references it: CAPTURE 0
     * (ts 1000 us) is referenced by a decode that cannot run yet (no free
     * CAPTURE buffer). */
    int r4 = submit(&s, 2, 3000, false, (uint64_t[]){1000000}, 1, &err);
    CHECK(err == 0);
    CHECK_ERR(qbuf_cap(s.video, 0), EBUSY);
    CHECK(vkv4l2_emu_violation_count() == v0 + 5);
    CHECK(qbuf_cap(s.video, 2) == 0); /* an unreferenced one is fine */
    CHECK(wait_done(r4, 2000));
    CHECK(qbuf_cap(s.video, 0) == 0); /* no longer pending: fine */
    CHECK(vkv4l2_emu_violation_count() == v0 + 5);
    while (dqbuf(s.video, OUT_Q, V4L2_MEMORY_MMAP, &b, pl) == 0)
        ;
    while (dqbuf(s.video, CAP_Q, V4L2_MEMORY_MMAP, &b, pl) == 0)
        ;

    /* Not refusable at queue time: the decode's target is the very buffer
     * that holds its reference (queued before the decode was).  It
     * completes with ERROR on both buffers. */
    int r5 = submit(&s, 3, 4000, false, (uint64_t[]){1000000}, 1, &err);
    CHECK(err == 0 && wait_done(r5, 2000));
    CHECK(dqbuf(s.video, CAP_Q, V4L2_MEMORY_MMAP, &b, pl) == 0);
    CHECK(b.index == 0 && (b.flags & V4L2_BUF_FLAG_ERROR));
    CHECK(dqbuf(s.video, OUT_Q, V4L2_MEMORY_MMAP, &b, pl) == 0 && (b.flags & V4L2_BUF_FLAG_ERROR));
    CHECK(vkv4l2_emu_violation_count() == v0 + 6);
    /* Every violation is also appended to VKV4L2_EMU_REPORT. */
    char text[4096] = {0};
    CHECK(read(report_fd, text, sizeof(text) - 1) > 0);
    unsigned lines = 0;
    for (const char *p = text; (p = strstr(p, "VIOLATION: ")); p++)
        lines++;
    CHECK(lines == 6 && strstr(text, "queued without an OUTPUT buffer"));
    close(report_fd);
    unlink(report);
    unsetenv("VKV4L2_EMU_REPORT");
    vkv4l2_emu_reset();
    int reqs[] = {req, r1, r2, r3, r4, r5};
    for (unsigned i = 0; i < 6; i++)
        CHECK(ops->close(reqs[i]) == 0);
    session_close(&s);
}

/* The CAPTURE allocator pattern: buffers allocated by a throw-away fd,
 * exported, freed while exported (vb2 orphans them), fd closed. */
static int allocate_dmabuf(size_t *size)
{
    int fd = ops->open("/dev/video5", O_RDWR);
    CHECK(set_out_fmt(fd, W, H) == 0);
    CHECK(reqbufs(fd, CAP_Q, V4L2_MEMORY_MMAP, 1) == 1);
    struct v4l2_exportbuffer eb = {.type = CAP_Q, .index = 0, .flags = O_RDWR | O_CLOEXEC};
    CHECK(xioctl(fd, VIDIOC_EXPBUF, &eb) == 0);
    struct v4l2_format f;
    CHECK(get_fmt(fd, CAP_Q, &f) == 0);
    *size = f.fmt.pix_mp.plane_fmt[0].sizeimage;
    CHECK(reqbufs(fd, CAP_Q, V4L2_MEMORY_MMAP, 0) == 0);
    CHECK(ops->close(fd) == 0);
    return eb.fd;
}

static void test_fences(void)
{
    size_t size;
    int dmabuf = allocate_dmabuf(&size);
    CHECK(dmabuf >= 0 && lseek(dmabuf, 0, SEEK_END) >= (off_t)size);
    struct session s;
    session_open(&s, 1, V4L2_MEMORY_DMABUF);
    unsigned v0 = vkv4l2_emu_violation_count();

    struct dma_buf_export_sync_file ex = {.flags = DMA_BUF_SYNC_WRITE};
    CHECK(xioctl(dmabuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &ex) == 0);
    CHECK(poll_one(ex.fd, POLLIN, 0) == POLLIN); /* no fences: signalled */
    close(ex.fd);
    int reader = vkv4l2_emu_fence_attach(dmabuf, 0);
    CHECK(reader > 0);
    ex.flags = DMA_BUF_SYNC_READ; /* readers do not block readers */
    CHECK(xioctl(dmabuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &ex) == 0);
    CHECK(poll_one(ex.fd, POLLIN, 0) == POLLIN);
    close(ex.fd);
    ex.flags = DMA_BUF_SYNC_WRITE;
    CHECK(xioctl(dmabuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &ex) == 0);
    CHECK(poll_one(ex.fd, POLLIN, 50) == 0);

    CHECK_ERR(qbuf_cap_dmabuf(s.video, 0, dmabuf), EBUSY);
    CHECK(vkv4l2_emu_violation_count() == v0 + 1);
    CHECK(vkv4l2_emu_fence_signal(reader) == 0);
    CHECK(poll_one(ex.fd, POLLIN, 1000) == POLLIN); /* real poll works as well */
    struct pollfd real = {.fd = ex.fd, .events = POLLIN};
    CHECK(poll(&real, 1, 0) == 1);
    close(ex.fd);

    CHECK(vkv4l2_emu_sentinel_after_decode(dmabuf, 0x5e5e5e5e) == 0);
    CHECK(qbuf_cap_dmabuf(s.video, 0, dmabuf) == 0);
    int err;
    int req = submit(&s, 0, 9000, true, NULL, 0, &err);
    CHECK(err == 0 && wait_done(req, 2000));
    struct v4l2_buffer b;
    struct v4l2_plane pl[1];
    CHECK(dqbuf(s.video, CAP_Q, V4L2_MEMORY_DMABUF, &b, pl) == 0 && pl[0].m.fd == dmabuf);
    uint8_t *p = mmap(NULL, size, PROT_READ, MAP_SHARED, dmabuf, 0);
    CHECK(p != MAP_FAILED && p[0] == 0x5e && p[size - 1] == 0x5e);
    if (p != MAP_FAILED)
        munmap(p, size);
    CHECK(vkv4l2_emu_violation_count() == v0 + 1);
    CHECK(ops->close(req) == 0);
    session_close(&s);
    close(dmabuf);
}

static void test_faults(void)
{
    setenv("VKV4L2_EMU_FAULT", "eio:1,error:2,hang:3", 1);
    vkv4l2_emu_reset();
    struct session s;
    session_open(&s, 3, V4L2_MEMORY_MMAP);
    CHECK(qbuf_cap(s.video, 0) == 0 && qbuf_cap(s.video, 1) == 0 && qbuf_cap(s.video, 2) == 0);
    int err;
    int r1 = submit(&s, 0, 1000, true, NULL, 0, &err);
    CHECK(err == EIO);
    CHECK(xioctl(r1, MEDIA_REQUEST_IOC_QUEUE, NULL) == 0); /* the retry works */
    CHECK(wait_done(r1, 2000));
    int r2 = submit(&s, 1, 2000, true, NULL, 0, &err);
    CHECK(err == 0 && wait_done(r2, 2000));
    struct v4l2_buffer b;
    struct v4l2_plane pl[1];
    CHECK(dqbuf(s.video, CAP_Q, V4L2_MEMORY_MMAP, &b, pl) == 0 && !(b.flags & V4L2_BUF_FLAG_ERROR));
    CHECK(dqbuf(s.video, CAP_Q, V4L2_MEMORY_MMAP, &b, pl) == 0 && (b.flags & V4L2_BUF_FLAG_ERROR));
    int r3 = submit(&s, 2, 3000, true, NULL, 0, &err);
    CHECK(err == 0 && !wait_done(r3, 200)); /* hangs */
    CHECK(streamoff(s.video, OUT_Q) == 0);  /* ...until the queue is stopped */
    CHECK(wait_done(r3, 0));
    CHECK(vkv4l2_emu_violation_count() == 0);
    CHECK(ops->close(r1) == 0 && ops->close(r2) == 0 && ops->close(r3) == 0);
    session_close(&s);
    unsetenv("VKV4L2_EMU_FAULT");
    vkv4l2_emu_reset();
}

/* Closing everything with work in flight must free it all (run under ASan). */
static void test_teardown(void)
{
    struct session s;
    session_open(&s, 2, V4L2_MEMORY_MMAP);
    CHECK(qbuf_cap(s.video, 0) == 0);
    int err;
    int r = submit(&s, 0, 1000, true, NULL, 0, &err);
    int idle = alloc_request(s.media);
    CHECK(err == 0 && idle >= 0);
    CHECK(ops->close(r) == 0); /* the queued request lives on in the driver */
    session_close(&s);
    CHECK(ops->close(idle) == 0);
}

int main(void)
{
    setenv("VKV4L2_EMU_MODE", "pattern", 1);
    setenv("VKV4L2_EMU_DECODE_US", "20000", 1);
    unsetenv("VKV4L2_EMU_FAULT");
    unsetenv("VKV4L2_EMU_NODES");
    ops = vkv4l2_emulator_ops();
    vkv4l2_emu_reset();
    init_params();
    test_discovery();
    test_formats();
    test_controls();
    test_request_lifecycle();
    test_strict_request();
    test_fences();
    test_faults();
    test_teardown();
    if (failures) {
        fprintf(stderr, "test_emulator: %d check(s) failed\n", failures);
        return 1;
    }
    printf("test_emulator: all checks passed\n");
    return 0;
}
