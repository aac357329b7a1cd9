/* The "hardware": one worker thread running m2m jobs one at a time (an
 * OUTPUT buffer whose request is queued + the next CAPTURE buffer), with
 * hantro's metadata copy and request setup, the run-time strictness check,
 * fault injection, and completion after the configured decode time. */
#include "emu.h"
#include "emu_decode.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

bool emu_ts_referenced_by_pending(struct emu_ctx *ctx, uint64_t ts)
{
    for (unsigned i = 0; i < ctx->out.count; i++) {
        const struct emu_buf *b = ctx->out.bufs[i];
        if ((b->state != EMU_BUF_QUEUED && b->state != EMU_BUF_ACTIVE) || !b->req)
            continue;
        const struct v4l2_ctrl_h264_decode_params *dp = &b->req->ctrls.decode_params;
        for (unsigned j = 0; j < V4L2_H264_NUM_DPB_ENTRIES; j++)
            if ((dp->dpb[j].flags & V4L2_H264_DPB_ENTRY_FLAG_ACTIVE) && dp->dpb[j].reference_ts == ts)
                return true;
    }
    return false;
}

bool emu_ts_resolvable(struct emu_ctx *ctx, uint64_t ts)
{
    for (unsigned i = 0; i < ctx->cap.count; i++)
        if (ctx->cap.bufs[i]->has_ts && ctx->cap.bufs[i]->ts_ns == ts)
            return true;
    for (unsigned i = 0; i < ctx->out.count; i++) {
        const struct emu_buf *b = ctx->out.bufs[i];
        if ((b->state == EMU_BUF_QUEUED || b->state == EMU_BUF_ACTIVE) && b->ts_ns == ts)
            return true;
    }
    return false;
}

static bool job_ready(const struct emu_ctx *ctx)
{
    return !ctx->job_running && ctx->out.streaming && ctx->cap.streaming && ctx->out.nready &&
           ctx->cap.nready;
}

/* Picks the next context with a runnable job and moves it to the end of
 * the list so sessions take turns, like the m2m job queue. */
static struct emu_ctx *pick_ctx(void)
{
    for (struct emu_ctx **p = &emu.ctxs; *p; p = &(*p)->next) {
        struct emu_ctx *ctx = *p;
        if (!job_ready(ctx))
            continue;
        *p = ctx->next;
        struct emu_ctx **tail = &emu.ctxs;
        while (*tail)
            tail = &(*tail)->next;
        *tail = ctx;
        ctx->next = NULL;
        return ctx;
    }
    return NULL;
}

static unsigned pop_ready(struct emu_queue *q)
{
    unsigned index = q->ready[0];
    memmove(q->ready, q->ready + 1, --q->nready * sizeof(q->ready[0]));
    return index;
}

/* vb2_find_buffer for every active DPB entry (the target buffer excluded:
 * a frame never references itself). */
static bool references_present(struct emu_ctx *ctx, const struct emu_buf *dst,
                               const struct v4l2_ctrl_h264_decode_params *dp, unsigned n)
{
    bool ok = true;
    for (unsigned i = 0; i < V4L2_H264_NUM_DPB_ENTRIES; i++) {
        const struct v4l2_h264_dpb_entry *e = &dp->dpb[i];
        if (!(e->flags & V4L2_H264_DPB_ENTRY_FLAG_ACTIVE))
            continue;
        bool found = false;
        for (unsigned j = 0; j < ctx->cap.count && !found; j++) {
            const struct emu_buf *c = ctx->cap.bufs[j];
            found = c != dst && c->has_ts && c->ts_ns == e->reference_ts;
        }
        if (!found) {
            emu_violation("decode %u: DPB entry %u references timestamp %llu ns, which no "
                          "CAPTURE buffer carries when the decode runs",
                          n, i, (unsigned long long)e->reference_ts);
            ok = false;
        }
    }
    return ok;
}

static void sleep_until(uint64_t deadline_us)
{
    uint64_t now = emu_now_us();
    if (now >= deadline_us)
        return;
    uint64_t left = deadline_us - now;
    struct timespec ts = {(time_t)(left / 1000000u), (long)(left % 1000000u) * 1000};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

void *emu_worker_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&emu.lock);
    for (;;) {
        struct emu_ctx *ctx = pick_ctx();
        if (!ctx) {
            pthread_cond_wait(&emu.cond, &emu.lock);
            continue;
        }
        struct emu_buf *src = ctx->out.bufs[pop_ready(&ctx->out)];
        struct emu_buf *dst = ctx->cap.bufs[pop_ready(&ctx->cap)];
        struct emu_request *req = src->req;
        src->state = dst->state = EMU_BUF_ACTIVE;
        ctx->job_running = true;
        /* v4l2_m2m_buf_copy_metadata + v4l2_ctrl_request_setup */
        dst->ts_ns = src->ts_ns;
        dst->has_ts = true;
        dst->user_flags = src->user_flags;
        if (req)
            emu_ctrls_apply(&ctx->ctrls, &req->ctrls);
        unsigned n = ++emu.decode_count;
        bool refs_ok = references_present(ctx, dst, &ctx->ctrls.decode_params, n);
        bool fault_error = emu.settings.fault_error_decode == n;
        if (emu.settings.fault_hang_decode == n) {
            ctx->job_hung = true; /* never completes; STREAMOFF/close abandon it */
            emu_notify();
            continue;
        }
        struct emu_ctrl_store ctrls = ctx->ctrls;
        struct emu_decode_job job = {
            .ctrls = &ctrls,
            .bitstream = emu_buf_mem(src),
            .size = src->bytesused,
            .dst = emu_buf_mem(dst),
            .dst_size = dst->map ? dst->length : dst->dmabuf_size,
            .width = ctx->dst_fmt.width,
            .height = ctx->dst_fmt.height,
            .bytesperline = ctx->dst_fmt.plane_fmt[0].bytesperline,
            .timestamp_ns = src->ts_ns,
        };
        enum emu_mode mode = emu.settings.mode;
        uint64_t deadline = emu_now_us() + emu.settings.decode_us;
        pthread_mutex_unlock(&emu.lock);

        int ret = 0;
        char why[256] = "";
        job.record_only = fault_error;
        if (refs_ok) {
            if (mode == EMU_MODE_PIXELS)
                ret = emu_decoder_decode(&ctx->decoder, &job, why, sizeof(why));
            else if (!fault_error)
                emu_pattern_fill(&job);
        }
        if (ret < 0 && ret != -ENOENT && ret != -EXDEV)
            fprintf(stderr, "vkv4l2-emulator: decode %u failed (%d)\n", n, ret);
        sleep_until(deadline);

        pthread_mutex_lock(&emu.lock);
        if (ret == -ENOENT || ret == -EXDEV)
            emu_violation("decode %u: %s", n, why);
        struct stat st;
        if (dst->dmabuf_fd >= 0)
            emu_sentinel_after_decode(dst->dmabuf_dev, dst->dmabuf_ino, job.dst, job.dst_size);
        else if (fstat(dst->memfd, &st) == 0) /* an exported MMAP buffer */
            emu_sentinel_after_decode(st.st_dev, st.st_ino, job.dst, job.dst_size);
        bool error = !refs_ok || fault_error || ret < 0;
        /* v4l2_m2m_buf_done_and_job_finish: both buffers, same state. */
        emu_buf_done(&ctx->out, src, error);
        emu_buf_done(&ctx->cap, dst, error);
        if (req)
            emu_request_complete(req);
        ctx->job_running = false;
        emu_notify();
    }
    return NULL;
}
