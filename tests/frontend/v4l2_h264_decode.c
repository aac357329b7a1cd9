/* v4l2-h264-decode STREAM.h264: decodes an Annex-B H.264 stream on a V4L2
 * stateless decoder (a real one, or the emulator named by VKV4L2_EMULATOR)
 * through the production backend, fed by the test frontend exactly as the
 * layer is fed by a Vulkan client, and prints `ffmpeg -f framemd5
 * -pix_fmt yuv420p`-style lines in output order.
 *
 * One CAPTURE dma-buf per DPB slot, allocated by the decoder.  A buffer is
 * queued again only when no decode in flight still references it and its
 * own previous decode has finished; references are named by the timestamp
 * the slot's picture was decoded with. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/dma-buf.h>

#include "capture_alloc.h"
#include "discover.h"
#include "h264/h264_ctrls.h"
#include "h264_frontend.h"
#include "nv12_md5.h"
#include "session.h"
#include "sys.h"

#define JOB_RING 64
#define WAIT_MS 10000

struct capture {
    int fd;
    void *map;
    size_t size;
};

struct job_record {
    int setup;
    unsigned num_refs;
    int refs[FE_MAX_SLOTS];
};

struct decoder {
    struct vkv4l2_decoder_node node;
    struct vkv4l2_session *session;
    uint32_t width, height;               /* coded size of the session */
    struct v4l2_pix_format_mplane fmt;    /* CAPTURE, as the kernel set it */
    struct capture cap[FE_MAX_SLOTS];
    uint64_t slot_ts[FE_MAX_SLOTS];       /* timestamp of the slot's picture */
    bool slot_pending[FE_MAX_SLOTS];      /* its decode is in flight */
    int slot_status[FE_MAX_SLOTS];
    unsigned readers[FE_MAX_SLOTS];       /* decodes in flight reading it */
    struct job_record jobs[JOB_RING];     /* by decode index */
    uint64_t frames_out;
    struct vkv4l2_err err;
};

static int fail(const struct decoder *d, const char *what, int ret)
{
    fprintf(stderr, "v4l2-h264-decode: %s: %s%s%s\n", what, strerror(-ret),
            d->err.code ? " -- " : "", d->err.code ? d->err.what : "");
    return ret;
}

/* Collects one finished decode. */
static int wait_one(struct decoder *d)
{
    struct vkv4l2_decode_result res;
    int ret = vkv4l2_session_wait(d->session, WAIT_MS, &res, &d->err);
    if (ret)
        return fail(d, "waiting for a decode", ret);
    const struct job_record *job = &d->jobs[res.user_data % JOB_RING];
    d->slot_pending[job->setup] = false;
    d->slot_status[job->setup] = res.status;
    for (unsigned i = 0; i < job->num_refs; i++)
        d->readers[job->refs[i]]--;
    return 0;
}

static int drain_in_flight(struct decoder *d)
{
    while (d->session && vkv4l2_session_in_flight(d->session) > 0) {
        int ret = wait_one(d);
        if (ret)
            return ret;
    }
    return 0;
}

static void close_session(struct decoder *d)
{
    for (unsigned i = 0; i < FE_MAX_SLOTS; i++) {
        if (d->cap[i].map)
            vkv4l2_sys_munmap(d->cap[i].map, d->cap[i].size);
        if (d->cap[i].fd >= 0)
            vkv4l2_sys_close(d->cap[i].fd);
        d->cap[i] = (struct capture){ .fd = -1 };
        d->slot_ts[i] = 0;
    }
    if (d->session)
        vkv4l2_session_destroy(d->session);
    d->session = NULL;
}

static int open_session(struct decoder *d, const struct fe_sps *sps)
{
    struct v4l2_ctrl_h264_sps sps_ctrl;
    int ret = vkv4l2_h264_fill_sps(&sps->std, &sps_ctrl);
    if (ret)
        return fail(d, "SPS control", ret);
    struct v4l2_ext_control init = {
        .id = V4L2_CID_STATELESS_H264_SPS, .size = sizeof(sps_ctrl), .ptr = &sps_ctrl,
    };
    struct vkv4l2_session_params params = {
        .video_path = d->node.video_path,
        .media_path = d->node.media_path,
        .stream = {
            .codec = V4L2_PIX_FMT_H264_SLICE,
            .width = sps->width,
            .height = sps->height,
            .capture_fourcc = V4L2_PIX_FMT_NV12,
            .decode_mode = V4L2_STATELESS_H264_DECODE_MODE_FRAME_BASED,
            .start_code = V4L2_STATELESS_H264_START_CODE_ANNEX_B,
            .init_ctrls = &init,
            .n_init_ctrls = 1,
        },
    };
    if ((ret = vkv4l2_session_create(&params, &d->session, &d->err)))
        return fail(d, "session create", ret);
    d->fmt = *vkv4l2_session_capture_format(d->session);
    d->width = sps->width;
    d->height = sps->height;
    for (unsigned i = 0; i < FE_MAX_SLOTS; i++) {
        struct vkv4l2_capture_buffer buf;
        if ((ret = vkv4l2_capture_alloc(d->node.video_path, &params.stream, &buf, &d->err)))
            return fail(d, "CAPTURE allocation", ret);
        d->cap[i].fd = buf.fd;
        d->cap[i].size = buf.size;
        if ((ret = vkv4l2_sys_mmap(buf.size, PROT_READ, MAP_SHARED, buf.fd, 0, &d->cap[i].map))) {
            d->cap[i].map = NULL;
            return fail(d, "mmap of a CAPTURE dma-buf", ret);
        }
    }
    return 0;
}

/* dma-buf CPU access bracket; a memfd (the emulator's) has none. */
static int cpu_access(int fd, uint64_t flags)
{
    struct dma_buf_sync sync = { .flags = flags | DMA_BUF_SYNC_READ };
    int ret = vkv4l2_sys_ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync);
    return ret == -ENOTTY ? 0 : ret;
}

static int emit(struct decoder *d, const struct vkv4l2_fe_output *o)
{
    int ret;

    while (d->slot_pending[o->slot])
        if ((ret = wait_one(d)))
            return ret;
    if (d->slot_status[o->slot]) {
        fprintf(stderr, "v4l2-h264-decode: picture %" PRIu64 " failed to decode: %s\n",
                o->decode_index, strerror(-d->slot_status[o->slot]));
        return d->slot_status[o->slot];
    }
    const struct capture *c = &d->cap[o->slot];
    uint32_t pitch = d->fmt.plane_fmt[0].bytesperline;
    size_t uv_offset = (size_t)pitch * d->fmt.height;
    if (uv_offset + (size_t)pitch * (d->fmt.height / 2) > c->size ||
        o->crop_top + o->display_height > d->fmt.height ||
        o->crop_left + o->display_width > pitch)
        return fail(d, "CAPTURE layout smaller than the picture", -EINVAL);
    struct nv12_view view = {
        .y = c->map,
        .uv = (const uint8_t *)c->map + uv_offset,
        .y_pitch = pitch,
        .uv_pitch = pitch,
        .crop_left = o->crop_left,
        .crop_top = o->crop_top,
        .width = o->display_width,
        .height = o->display_height,
    };
    char md5[33];
    if ((ret = cpu_access(c->fd, DMA_BUF_SYNC_START)))
        return fail(d, "DMA_BUF_IOCTL_SYNC", ret);
    long size = nv12_md5(&view, md5);
    if ((ret = cpu_access(c->fd, DMA_BUF_SYNC_END)))
        return fail(d, "DMA_BUF_IOCTL_SYNC", ret);
    if (size < 0)
        return fail(d, "hashing", (int)size);
    printf("0, %10" PRIu64 ", %10" PRIu64 ", %8d, %8ld, %s\n", d->frames_out, d->frames_out,
           1, size, md5);
    d->frames_out++;
    return 0;
}

static int drain_outputs(struct decoder *d, struct vkv4l2_fe *fe)
{
    struct vkv4l2_fe_output o;
    while (vkv4l2_fe_pop_output(fe, &o) == 0) {
        int ret = emit(d, &o);
        if (ret)
            return ret;
    }
    return 0;
}

static int decode_picture(struct decoder *d, const struct vkv4l2_fe_picture *pic)
{
    struct vkv4l2_h264_ref refs[FE_MAX_SLOTS];
    struct vkv4l2_h264_picture_ctrls ctrls;
    struct v4l2_ext_control ext[VKV4L2_H264_FRAME_CTRLS];
    int s = pic->setup_slot, ret;

    /* The buffer is rewritten: its last decode and every decode reading
     * it must be over (the emulator, like the hardware, would not wait). */
    while (d->slot_pending[s] || d->readers[s])
        if ((ret = wait_one(d)))
            return ret;
    for (unsigned i = 0; i < pic->num_refs; i++) {
        int slot = pic->ref_slots[i];
        if (pic->refs[i].flags.is_non_existing || !d->slot_ts[slot])
            return fail(d, "reference without a decoded picture (frame_num gap)", -ENOTSUP);
        refs[i] = (struct vkv4l2_h264_ref){ .reference_ts = d->slot_ts[slot], .info = &pic->refs[i] };
        vkv4l2_h264_ref_fields(&pic->refs[i], &refs[i].top_field_ref, &refs[i].bottom_field_ref);
    }
    if ((ret = vkv4l2_h264_fill_picture_ctrls(&pic->sps->std, &pic->pps->std, &pic->info, &pic->sh,
                                              refs, pic->num_refs, &ctrls)))
        return fail(d, "controls", ret);
    unsigned n = vkv4l2_h264_frame_ext_ctrls(&ctrls, ext);
    uint64_t ts = (pic->decode_index + 1) * 1000;
    struct vkv4l2_decode_job job = {
        .bitstream = pic->bitstream,
        .bitstream_size = pic->bitstream_size,
        .ctrls = ext,
        .n_ctrls = n,
        .capture_fd = d->cap[s].fd,
        .timestamp_ns = ts,
        .user_data = pic->decode_index,
    };
    /* jobs[] is indexed by decode index: fewer than JOB_RING in flight. */
    while (vkv4l2_session_in_flight(d->session) >= JOB_RING - 1)
        if ((ret = wait_one(d)))
            return ret;
    while ((ret = vkv4l2_session_queue(d->session, &job, &d->err)) == -EAGAIN)
        if ((ret = wait_one(d)))
            return ret;
    if (ret)
        return fail(d, "queueing a decode", ret);
    struct job_record *rec = &d->jobs[pic->decode_index % JOB_RING];
    rec->setup = s;
    rec->num_refs = pic->num_refs;
    for (unsigned i = 0; i < pic->num_refs; i++) {
        rec->refs[i] = pic->ref_slots[i];
        d->readers[pic->ref_slots[i]]++;
    }
    d->slot_pending[s] = true;
    d->slot_ts[s] = ts;
    return 0;
}

static int run(struct decoder *d, struct vkv4l2_fe *fe)
{
    const struct vkv4l2_fe_picture *pic;
    int ret;

    while ((ret = vkv4l2_fe_next_picture(fe, &pic)) == 0) {
        if ((ret = drain_outputs(d, fe)))
            return ret;
        if (!d->session || pic->sps->width != d->width || pic->sps->height != d->height) {
            /* A new coded size (at an IDR: everything before is output). */
            if ((ret = drain_in_flight(d)))
                return ret;
            close_session(d);
            if ((ret = open_session(d, pic->sps)))
                return ret;
        }
        if ((ret = decode_picture(d, pic)))
            return ret;
        if ((ret = vkv4l2_fe_picture_done(fe)))
            return fail(d, "reference marking", ret);
        if ((ret = drain_outputs(d, fe)))
            return ret;
    }
    if (ret != -ENOENT)
        return fail(d, "parsing the stream", ret);
    if ((ret = drain_outputs(d, fe)))
        return ret;
    return drain_in_flight(d);
}

static int map_file(const char *path, const uint8_t **data, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st = { 0 };
    if (fd < 0)
        return -errno;
    if (fstat(fd, &st) < 0 || st.st_size == 0) {
        int e = errno ? -errno : -EINVAL;
        close(fd);
        return e;
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return -errno;
    *data = p;
    *size = (size_t)st.st_size;
    return 0;
}

int main(int argc, char **argv)
{
    static struct decoder d;
    static struct vkv4l2_fe fe;
    struct vkv4l2_decoder_list list;
    const uint8_t *data = NULL;
    size_t size = 0;
    int ret;

    if (argc != 2) {
        fprintf(stderr, "usage: v4l2-h264-decode STREAM.h264\n");
        return 2;
    }
    for (unsigned i = 0; i < FE_MAX_SLOTS; i++)
        d.cap[i].fd = -1;
    if ((ret = map_file(argv[1], &data, &size))) {
        fprintf(stderr, "v4l2-h264-decode: %s: %s\n", argv[1], strerror(-ret));
        return 1;
    }
    if ((ret = vkv4l2_sys_init())) {
        fail(&d, "syscall backend", ret);
        return 1;
    }
    if ((ret = vkv4l2_discover(&list, &d.err))) {
        fail(&d, "decoder discovery", ret);
        return 1;
    }
    d.node = list.nodes[0];
    fprintf(stderr, "v4l2-h264-decode: %s (%s) on %s, backend %s\n", d.node.video_path,
            d.node.driver, d.node.media_path, vkv4l2_sys_backend_name());
    printf("#format: frame checksums\n#version: 2\n#hash: MD5\n#tb 0: 1/25\n"
           "#media_type 0: video\n#codec_id 0: rawvideo\n"
           "#stream#, dts,        pts, duration,     size, hash\n");
    vkv4l2_fe_init(&fe, data, size);
    ret = run(&d, &fe);
    if (ret)
        drain_in_flight(&d);
    close_session(&d);
    vkv4l2_fe_finish(&fe);
    munmap((void *)data, size);
    return ret ? 1 : 0;
}
