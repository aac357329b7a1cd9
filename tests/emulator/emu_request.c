/* Request objects (media-request.c): allocation, binding of controls and the
 * OUTPUT buffer, MEDIA_REQUEST_IOC_QUEUE with hantro's validation plus the
 * emulator's strictness rules, REINIT, poll and close. */
#include "emu.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

int emu_request_alloc(unsigned media_index, int *fd_out)
{
    struct emu_request *r = calloc(1, sizeof(*r));
    if (!r)
        return -ENOMEM;
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0 || emu_registry_add(fd, EMU_FILE_REQUEST, r) < 0) {
        int err = fd < 0 ? errno : ENOMEM;
        if (fd >= 0)
            close(fd);
        free(r);
        return -err;
    }
    r->fd = fd;
    r->media_index = media_index;
    r->state = EMU_REQ_IDLE;
    r->next = emu.reqs;
    emu.reqs = r;
    *fd_out = fd;
    return 0;
}

int emu_request_for_update(int fd, struct emu_ctx *ctx, struct emu_request **out)
{
    struct emu_request *r = emu_registry_get(fd, EMU_FILE_REQUEST);
    if (!r)
        return -EINVAL;
    /* media_request_lock_for_update: only an idle request takes objects. */
    if (r->state != EMU_REQ_IDLE)
        return -EBUSY;
    if (r->ctx && r->ctx != ctx)
        return -EINVAL;
    r->ctx = ctx; /* the request now holds objects of this handler */
    *out = r;
    return 0;
}

static void release_objects(struct emu_request *r)
{
    for (unsigned i = 0; i < r->nbufs; i++) {
        struct emu_buf *b = r->bufs[i];
        b->req = NULL;
        if (b->state == EMU_BUF_IN_REQUEST) {
            b->state = EMU_BUF_DEQUEUED;
            b->request_fd = -1;
        }
    }
    r->nbufs = 0;
    r->ctrls.set_mask = 0;
    r->ctx = NULL;
}

static void request_free(struct emu_request *r)
{
    release_objects(r);
    for (struct emu_request **p = &emu.reqs; *p; p = &(*p)->next)
        if (*p == r) {
            *p = r->next;
            break;
        }
    free(r);
}

void emu_request_complete(struct emu_request *r)
{
    for (unsigned i = 0; i < r->nbufs; i++)
        r->bufs[i]->req = NULL; /* the buffer object completes and unbinds */
    r->nbufs = 0;
    r->state = EMU_REQ_COMPLETE;
    emu_notify();
    if (r->fd < 0)
        request_free(r);
}

void emu_request_close(struct emu_request *r)
{
    r->fd = -1;
    /* A queued request lives on in the driver until it completes. */
    if (r->state != EMU_REQ_QUEUED)
        request_free(r);
}

void emu_request_unbind_ctx(struct emu_ctx *ctx)
{
    struct emu_request *r = emu.reqs;
    while (r) {
        struct emu_request *next = r->next;
        if (r->ctx == ctx) {
            bool queued = r->state == EMU_REQ_QUEUED;
            release_objects(r);
            if (queued)
                emu_request_complete(r); /* may free r */
        }
        r = next;
    }
}

/* hantro + vb2 validation, then the strict rules.  Returns 0 or -errno;
 * every strict refusal is recorded as a violation. */
static int validate(struct emu_request *r)
{
    if (r->nbufs == 0) {
        emu_violation("request %d queued without an OUTPUT buffer", r->fd);
        return -ENOENT; /* vb2_request_validate */
    }
    if (r->nbufs > 1) {
        emu_violation("request %d queued with %u OUTPUT buffers", r->fd, r->nbufs);
        return -EINVAL;
    }
    const uint32_t required = EMU_CTRL_BIT(EMU_CTRL_SPS) | EMU_CTRL_BIT(EMU_CTRL_PPS) |
                              EMU_CTRL_BIT(EMU_CTRL_DECODE_PARAMS);
    uint32_t missing = required & ~r->ctrls.set_mask;
    if (missing) {
        emu_violation("request %d lacks %s%s%s", r->fd,
                      (missing & EMU_CTRL_BIT(EMU_CTRL_SPS)) ? "SPS " : "",
                      (missing & EMU_CTRL_BIT(EMU_CTRL_PPS)) ? "PPS " : "",
                      (missing & EMU_CTRL_BIT(EMU_CTRL_DECODE_PARAMS)) ? "DECODE_PARAMS" : "");
        return -EINVAL;
    }
    if ((r->ctrls.pps.flags & V4L2_H264_PPS_FLAG_SCALING_MATRIX_PRESENT) &&
        !(r->ctrls.set_mask & EMU_CTRL_BIT(EMU_CTRL_SCALING_MATRIX))) {
        emu_violation("request %d: PPS has SCALING_MATRIX_PRESENT but no SCALING_MATRIX", r->fd);
        return -EINVAL;
    }
    const struct v4l2_ctrl_h264_decode_params *dp = &r->ctrls.decode_params;
    for (unsigned i = 0; i < V4L2_H264_NUM_DPB_ENTRIES; i++) {
        const struct v4l2_h264_dpb_entry *e = &dp->dpb[i];
        if (!(e->flags & V4L2_H264_DPB_ENTRY_FLAG_ACTIVE))
            continue;
        if (!emu_ts_resolvable(r->ctx, e->reference_ts)) {
            emu_violation("request %d: DPB entry %u references timestamp %llu ns, which no "
                          "CAPTURE buffer carries",
                          r->fd, i, (unsigned long long)e->reference_ts);
            return -EINVAL;
        }
    }
    return 0;
}

static int request_queue(struct emu_request *r)
{
    if (r->state != EMU_REQ_IDLE)
        return -EBUSY;
    emu.request_count++;
    if (emu.settings.fault_eio_queue && emu.request_count == emu.settings.fault_eio_queue)
        return -EIO; /* fault injection: the request stays idle */
    int ret = validate(r);
    if (ret < 0)
        return ret;
    struct emu_buf *b = r->bufs[0];
    struct emu_queue *q = &r->ctx->out;
    r->state = EMU_REQ_QUEUED;
    b->state = EMU_BUF_QUEUED;
    q->ready[q->nready++] = b->index;
    emu_notify();
    return 0;
}

int emu_request_ioctl(struct emu_request *r, unsigned long req, void *arg)
{
    (void)arg;
    switch (req) {
    case MEDIA_REQUEST_IOC_QUEUE:
        return request_queue(r);
    case MEDIA_REQUEST_IOC_REINIT:
        if (r->state == EMU_REQ_QUEUED)
            return -EBUSY;
        release_objects(r);
        r->state = EMU_REQ_IDLE;
        emu_notify();
        return 0;
    }
    return -ENOTTY;
}

short emu_request_poll(struct emu_request *r, short events)
{
    if (!(events & POLLPRI))
        return 0;
    if (r->state == EMU_REQ_COMPLETE)
        return POLLPRI;
    if (r->state != EMU_REQ_QUEUED)
        return POLLERR;
    return 0;
}
