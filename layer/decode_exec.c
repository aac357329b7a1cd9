#include "decode_exec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>

#include "buffer.h"
#include "cmd_buffer.h"
#include "copy_path.h"
#include "decode_plan.h"
#include "device.h"
#include "fence_gate.h"
#include "h264/h264_ctrls.h"
#include "h264/h264_slice.h"
#include "image.h"
#include "instance.h"
#include "log.h"
#include "query_pool.h"
#include "queue.h"
#include "session.h"
#include "session_params.h"
#include "session_runtime.h"
#include "settings.h"
#include "video_caps.h"
#include "video_session.h"

/* The last wait for a CAPTURE buffer's implicit fences, once scheduled
 * (the scheduler waits for them without blocking the queue). */
#define GATE_WAIT_MS 100

/* State while walking one submission's command buffers. */
struct exec_state {
    struct vkv4l2_video_session *session;
    struct vkv4l2_video_session_params *params;
    struct vkv4l2_query_pool *query;
    uint32_t query_index;
    bool query_active;
    uint32_t decode_index; /* into the submission's plan */
};

static void append_decode(struct vkv4l2_submission *sub, struct vkv4l2_decode *d)
{
    if (sub->decodes_tail)
        sub->decodes_tail->next = d;
    else
        sub->decodes = d;
    sub->decodes_tail = d;
}

static int resolve_picture(struct vkv4l2_device *dev, const VkVideoPictureResourceInfoKHR *res,
                           struct vkv4l2_image **img, uint32_t *layer)
{
    struct vkv4l2_image_view *view = vkv4l2_image_view_get(dev, res->imageViewBinding);
    if (!view || !view->image)
        return -ENOENT;
    *img = view->image;
    *layer = view->base_layer + res->baseArrayLayer;
    return 0;
}

/* The slice data of a picture: from the first slice's start code to the
 * end of the range the application gave. */
static int picture_bitstream(struct vkv4l2_device *dev, const VkVideoDecodeInfoKHR *info,
                             const VkVideoDecodeH264PictureInfoKHR *h264, const uint8_t **data,
                             size_t *size)
{
    const uint8_t *base;
    VkResult r = vkv4l2_buffer_host_ptr(dev, info->srcBuffer, info->srcBufferOffset,
                                        info->srcBufferRange, &base);
    if (r != VK_SUCCESS)
        return -EFAULT;
    if (!h264->sliceCount || h264->pSliceOffsets[0] >= info->srcBufferRange)
        return -EINVAL;
    *data = base + h264->pSliceOffsets[0];
    *size = info->srcBufferRange - h264->pSliceOffsets[0];
    return 0;
}

/* Waits until the decode may write into its CAPTURE buffer: no decode in
 * flight reads or writes it.  Reaps completions itself when the completer
 * has nothing to do (the decodes holding the buffer then belong to this
 * very submission). */
static int gate_buffer(struct vkv4l2_queue *q, struct vkv4l2_session_runtime *rt,
                       uint64_t target_id);

static int reap_one(struct vkv4l2_session_runtime *rt, int timeout_ms);

static int queue_job(struct vkv4l2_queue *q, struct vkv4l2_session_runtime *rt,
                     const struct vkv4l2_decode_job *job)
{
    for (;;) {
        struct vkv4l2_err err = { 0 };
        int ret = vkv4l2_session_queue(rt->v4l2, job, &err);
        if (ret != -EAGAIN) {
            if (ret)
                vkv4l2_log_inst(q->dev->inst, VKV4L2_LOG_ERROR, "queueing a decode: %s",
                                err.what);
            return ret;
        }
        /* Every slot busy: wait for the completer, or reap ourselves when
         * it is idle (it cannot become busy before we hand it something). */
        pthread_mutex_lock(&q->lock);
        bool completer_idle = q->inflight == NULL;
        pthread_mutex_unlock(&q->lock);
        if (completer_idle) {
            ret = reap_one(rt, -1);
            if (ret)
                return ret;
        } else {
            pthread_mutex_lock(&rt->lock);
            if (vkv4l2_session_in_flight(rt->v4l2) >= vkv4l2_session_slots(rt->v4l2))
                pthread_cond_wait(&rt->cond, &rt->lock);
            pthread_mutex_unlock(&rt->lock);
        }
    }
}

static int decode_h264(struct vkv4l2_queue *q, struct exec_state *st,
                       const VkVideoDecodeInfoKHR *info, struct vkv4l2_decode *d)
{
    struct vkv4l2_device *dev = q->dev;
    if (!st->session || !st->params) {
        vkv4l2_log_inst(dev->inst, VKV4L2_LOG_WARN,
                        "decode outside a video coding scope, or its session (parameters) "
                        "already destroyed");
        return -EINVAL;
    }
    const VkVideoDecodeH264PictureInfoKHR *h264 =
        vkv4l2_find_struct(info->pNext, VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PICTURE_INFO_KHR);
    if (!h264 || !h264->pStdPictureInfo)
        return -EINVAL;
    const StdVideoDecodeH264PictureInfo *pic = h264->pStdPictureInfo;
    const StdVideoH264SequenceParameterSet *sps;
    const StdVideoH264PictureParameterSet *pps;
    if (vkv4l2_session_params_h264(st->params, pic->seq_parameter_set_id,
                                   pic->pic_parameter_set_id, &sps, &pps))
        return -ENOENT;

    uint32_t width = (sps->pic_width_in_mbs_minus1 + 1) * 16;
    uint32_t height = (sps->pic_height_in_map_units_minus1 + 1) * 16 *
                      (sps->flags.frame_mbs_only_flag ? 1 : 2);
    struct vkv4l2_session_runtime *rt = vkv4l2_runtime_get(dev, st->session);
    if (!rt)
        return -ENOMEM;
    int ret = vkv4l2_runtime_configure(rt, width, height);
    if (ret)
        return ret;

    const uint8_t *data;
    size_t size;
    ret = picture_bitstream(dev, info, h264, &data, &size);
    if (ret) {
        vkv4l2_log_inst(dev->inst, VKV4L2_LOG_WARN,
                        "frame_num %u: no slice data (%u slices, first at %u of %llu bytes)",
                        pic->frame_num, h264->sliceCount,
                        h264->sliceCount ? h264->pSliceOffsets[0] : 0,
                        (unsigned long long)info->srcBufferRange);
        return ret;
    }
    size_t pos = 0;
    const uint8_t *nal;
    size_t nal_size;
    struct vkv4l2_h264_slice_header sh;
    if (vkv4l2_h264_next_nal(data, size, &pos, &nal, &nal_size) ||
        vkv4l2_h264_parse_slice_header(nal, nal_size, sps, pps, &sh))
        return -EBADMSG;

    ret = resolve_picture(dev, &info->dstPictureResource, &d->target, &d->target_layer);
    if (ret)
        return ret;
    d->target_id = vkv4l2_buffer_id(d->target, d->target_layer);

    struct vkv4l2_h264_ref refs[VKV4L2_MAX_ACTIVE_REFS];
    uint32_t nrefs = 0;
    pthread_mutex_lock(&rt->lock);
    for (uint32_t i = 0; i < info->referenceSlotCount && ret == 0; i++) {
        const VkVideoReferenceSlotInfoKHR *slot = &info->pReferenceSlots[i];
        const VkVideoDecodeH264DpbSlotInfoKHR *dpb =
            vkv4l2_find_struct(slot->pNext, VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_DPB_SLOT_INFO_KHR);
        struct vkv4l2_image *img;
        uint32_t layer;
        if (slot->slotIndex < 0 || !slot->pPictureResource || !dpb || !dpb->pStdReferenceInfo ||
            nrefs == VKV4L2_MAX_ACTIVE_REFS ||
            resolve_picture(dev, slot->pPictureResource, &img, &layer)) {
            vkv4l2_log_inst(dev->inst, VKV4L2_LOG_WARN,
                            "frame_num %u: reference slot %u is malformed (slot %d)",
                            pic->frame_num, i, slot->slotIndex);
            ret = -EINVAL;
            break;
        }
        uint64_t id = vkv4l2_buffer_id(img, layer);
        /* The buffer must hold the very picture the slot names (its POCs):
         * an older picture in it has a valid timestamp, and hardware would
         * decode from it without a word. */
        uint64_t tag = vkv4l2_h264_picture_tag(dpb->pStdReferenceInfo->PicOrderCnt);
        uint64_t held_tag;
        bool failed = false;
        if (vkv4l2_dpb_picture(&rt->track, id, &held_tag, &failed) && failed && held_tag == tag) {
            vkv4l2_log_inst(dev->inst, VKV4L2_LOG_INFO,
                            "frame_num %u: reference slot %d failed to decode: frame reported "
                            "as an error",
                            pic->frame_num, slot->slotIndex);
            ret = -ENOLINK;
            break;
        }
        if (!vkv4l2_dpb_holds(&rt->track, id, tag) ||
            vkv4l2_dpb_reference_ts(&rt->track, id, &refs[nrefs].reference_ts)) {
            /* A reference never decoded on this V4L2 session: hardware
             * would silently use the current buffer instead. */
            vkv4l2_log_inst(dev->inst, VKV4L2_LOG_WARN,
                            "frame_num %u: reference slot %d (%p/%u) does not hold the "
                            "picture it names: frame reported as an error",
                            pic->frame_num, slot->slotIndex, (void *)img, layer);
            ret = -ENOENT;
            break;
        }
        refs[nrefs].info = dpb->pStdReferenceInfo;
        vkv4l2_h264_ref_fields(dpb->pStdReferenceInfo, &refs[nrefs].top_field_ref,
                               &refs[nrefs].bottom_field_ref);
        d->ref_ids[nrefs++] = id;
    }
    pthread_mutex_unlock(&rt->lock);
    if (ret)
        return ret;
    d->nrefs = nrefs;

    struct vkv4l2_h264_picture_ctrls ctrls;
    ret = vkv4l2_h264_fill_picture_ctrls(sps, pps, pic, &sh, refs, nrefs, &ctrls);
    if (ret) {
        vkv4l2_log_inst(dev->inst, VKV4L2_LOG_WARN,
                        "frame_num %u: parameters V4L2 cannot express (%s)", pic->frame_num,
                        strerror(-ret));
        return ret;
    }
    struct v4l2_ext_control ext[VKV4L2_H264_FRAME_CTRLS];
    unsigned next = vkv4l2_h264_frame_ext_ctrls(&ctrls, ext);

    ret = gate_buffer(q, rt, d->target_id);
    if (ret)
        return ret;
    /* The scheduler lets the submission run once the fences are gone (or
     * its patience is over): a short wait covers a reader that started
     * since, and a buffer still read then fails this frame only. */
    ret = vkv4l2_dmabuf_wait_readers(vkv4l2_image_capture_fd(d->target, d->target_layer),
                                     GATE_WAIT_MS);
    if (ret == -ETIMEDOUT) {
        vkv4l2_log_inst(dev->inst, VKV4L2_LOG_WARN,
                        "CAPTURE buffer of %p still read on the GPU: frame reported as an error",
                        (void *)d->target);
        return -ECANCELED;
    }
    if (ret)
        return ret;

    pthread_mutex_lock(&rt->lock);
    rt->next_ts += 1000;
    d->ts = rt->next_ts;
    ret = vkv4l2_dpb_begin(&rt->track, d->target_id, d->ts, vkv4l2_h264_picture_tag(pic->PicOrderCnt),
                           d->ref_ids, d->nrefs);
    pthread_mutex_unlock(&rt->lock);
    if (ret)
        return ret;
    d->rt = rt;

    const struct vkv4l2_decode_job job = {
        .bitstream = data,
        .bitstream_size = size,
        .ctrls = ext,
        .n_ctrls = next,
        .capture_fd = vkv4l2_image_capture_fd(d->target, d->target_layer),
        .timestamp_ns = d->ts,
        .user_data = (uint64_t)(uintptr_t)d,
    };
    ret = queue_job(q, rt, &job);
    if (ret) {
        pthread_mutex_lock(&rt->lock);
        vkv4l2_dpb_end(&rt->track, d->target_id, d->ref_ids, d->nrefs);
        pthread_cond_broadcast(&rt->cond);
        pthread_mutex_unlock(&rt->lock);
        d->rt = NULL;
        return ret;
    }
    d->queued = true;
    vkv4l2_log_inst(dev->inst, VKV4L2_LOG_DEBUG,
                    "decode ts %llu frame_num %u into %p/%u, %u refs, %zu bytes",
                    (unsigned long long)d->ts, pic->frame_num, (void *)d->target, d->target_layer,
                    d->nrefs, size);
    return 0;
}

/* Marks a finished decode (under rt->lock). */
static void finish_locked(struct vkv4l2_session_runtime *rt, struct vkv4l2_decode *d, int status)
{
    d->done = true;
    d->status = status;
    vkv4l2_dpb_end(&rt->track, d->target_id, d->ref_ids, d->nrefs);
    pthread_cond_broadcast(&rt->cond);
}

/* Takes one finished decode off the V4L2 session.  Returns 0, or a device
 * error (-EIO, -ETIMEDOUT past the decode timeout...). */
static int reap_one(struct vkv4l2_session_runtime *rt, int timeout_ms)
{
    struct vkv4l2_decode_result res;
    struct vkv4l2_err err = { 0 };
    int ret = vkv4l2_session_wait(rt->v4l2, timeout_ms, &res, &err);
    if (ret) {
        if (ret != -ENODATA)
            vkv4l2_log_inst(rt->dev->inst, VKV4L2_LOG_ERROR, "waiting for a decode: %s",
                            err.what[0] ? err.what : strerror(-ret));
        return ret;
    }
    struct vkv4l2_decode *d = (struct vkv4l2_decode *)(uintptr_t)res.user_data;
    pthread_mutex_lock(&rt->lock);
    finish_locked(rt, d, res.status);
    pthread_mutex_unlock(&rt->lock);
    if (res.status)
        vkv4l2_log_inst(rt->dev->inst, VKV4L2_LOG_WARN, "decode %llu failed on the device (%d)",
                        (unsigned long long)d->ts, res.status);
    return 0;
}

static int gate_buffer(struct vkv4l2_queue *q, struct vkv4l2_session_runtime *rt,
                       uint64_t target_id)
{
    for (;;) {
        pthread_mutex_lock(&rt->lock);
        bool idle = vkv4l2_dpb_idle(&rt->track, target_id);
        pthread_mutex_unlock(&rt->lock);
        if (idle)
            return 0;
        pthread_mutex_lock(&q->lock);
        bool completer_idle = q->inflight == NULL;
        pthread_mutex_unlock(&q->lock);
        if (completer_idle) {
            int ret = reap_one(rt, -1);
            if (ret)
                return ret;
            continue;
        }
        pthread_mutex_lock(&rt->lock);
        if (!vkv4l2_dpb_idle(&rt->track, target_id))
            pthread_cond_wait(&rt->cond, &rt->lock);
        pthread_mutex_unlock(&rt->lock);
    }
}

/* A decode that never reached the device: its picture is marked failed so
 * that every reader fails at once (sched_policy.h) instead of waiting for
 * a producer that will not come. */
static void mark_failed(struct vkv4l2_device *dev, const struct vkv4l2_plan_decode *plan)
{
    if (!plan || !plan->session || !plan->target.buffer)
        return;
    struct vkv4l2_session_runtime *rt =
        vkv4l2_runtime_get(dev, (struct vkv4l2_video_session *)plan->session);
    if (!rt)
        return;
    pthread_mutex_lock(&rt->lock);
    (void)vkv4l2_dpb_mark_failed(&rt->track, plan->target.buffer, plan->target.tag);
    pthread_mutex_unlock(&rt->lock);
}

static void exec_query_reset(struct vkv4l2_device *dev, VkQueryPool pool, uint32_t first,
                             uint32_t count)
{
    struct vkv4l2_query_pool *qp = vkv4l2_query_pool_get(dev, pool);
    if (qp)
        vkv4l2_query_reset(qp, first, count);
}

static VkResult run_list(struct vkv4l2_queue *q, struct vkv4l2_submission *sub,
                         struct exec_state *st, const struct vkv4l2_cmd_list *list)
{
    struct vkv4l2_device *dev = q->dev;
    vkv4l2_cmd_list_foreach(cmd, list) {
        switch (cmd->type) {
        case VKV4L2_CMD_BEGIN_VIDEO_CODING:
            st->session = vkv4l2_video_session_get(dev, cmd->u.begin_video_coding.videoSession);
            st->params = vkv4l2_session_params_get(
                dev, cmd->u.begin_video_coding.videoSessionParameters);
            break;
        case VKV4L2_CMD_END_VIDEO_CODING:
            st->session = NULL;
            st->params = NULL;
            break;
        case VKV4L2_CMD_CONTROL_VIDEO_CODING:
            /* RESET: the DPB state lives in the application's slots and in
             * our per-buffer timestamps, which stay valid on the device. */
            break;
        case VKV4L2_CMD_DECODE_VIDEO: {
            struct vkv4l2_decode *d = calloc(1, sizeof(*d));
            if (!d)
                return VK_ERROR_OUT_OF_HOST_MEMORY;
            if (st->query_active) {
                d->query = st->query;
                d->query_index = st->query_index;
            }
            append_decode(sub, d);
            const struct vkv4l2_plan_decode *plan =
                st->decode_index < sub->plan_count ? &sub->plan[st->decode_index] : NULL;
            st->decode_index++;
            int ret = decode_h264(q, st, &cmd->u.decode_video, d);
            if (ret) {
                if (ret != -ENOLINK)
                    vkv4l2_log_inst(dev->inst, VKV4L2_LOG_WARN,
                                    "decode not queued (%s): frame reported as an error",
                                    strerror(-ret));
                d->done = true;
                d->status = ret;
                mark_failed(dev, plan);
                if (ret == -EIO || ret == -ETIMEDOUT)
                    return VK_ERROR_DEVICE_LOST;
            }
            break;
        }
        case VKV4L2_CMD_RESET_QUERY_POOL:
            exec_query_reset(dev, cmd->u.reset_query_pool.query_pool,
                             cmd->u.reset_query_pool.first_query,
                             cmd->u.reset_query_pool.query_count);
            break;
        case VKV4L2_CMD_BEGIN_QUERY:
            st->query = vkv4l2_query_pool_get(dev, cmd->u.begin_query.query_pool);
            st->query_index = cmd->u.begin_query.query;
            st->query_active = st->query != NULL;
            if (st->query)
                vkv4l2_query_begin(st->query, st->query_index);
            break;
        case VKV4L2_CMD_END_QUERY:
            st->query_active = false;
            break;
        default:
            /* Barriers: the queue executes in order and completes each
             * decode before it signals, so they need no action.  Events
             * and timestamps are not supported on the decode queue. */
            break;
        }
    }
    return VK_SUCCESS;
}

VkResult vkv4l2_exec_run(struct vkv4l2_queue *q, struct vkv4l2_submission *sub)
{
    struct exec_state st = { 0 };
    for (uint32_t i = 0; i < sub->cmd_count; i++) {
        VkResult r = run_list(q, sub, &st, &sub->cmds[i]->list);
        if (r != VK_SUCCESS)
            return r;
    }
    return VK_SUCCESS;
}

VkResult vkv4l2_exec_complete(struct vkv4l2_queue *q, struct vkv4l2_submission *sub)
{
    VkResult result = sub->result;
    for (struct vkv4l2_decode *d = sub->decodes; d; d = d->next) {
        while (d->queued) {
            pthread_mutex_lock(&d->rt->lock);
            bool done = d->done;
            pthread_mutex_unlock(&d->rt->lock);
            if (done)
                break;
            int ret = reap_one(d->rt, (int)q->dev->inst->settings.decode_timeout_ms);
            if (ret) {
                /* A decode that never completes or a device error: the
                 * frame fails, the queue is lost, waiters are released. */
                pthread_mutex_lock(&d->rt->lock);
                if (!d->done)
                    finish_locked(d->rt, d, ret);
                pthread_mutex_unlock(&d->rt->lock);
                result = VK_ERROR_DEVICE_LOST;
            }
        }
        if (d->query)
            vkv4l2_query_complete(d->query, d->query_index,
                                  d->status == 0 ? VK_QUERY_RESULT_STATUS_COMPLETE_KHR
                                                 : VK_QUERY_RESULT_STATUS_ERROR_KHR);
    }
    return result;
}

void vkv4l2_exec_release(struct vkv4l2_submission *sub)
{
    struct vkv4l2_decode *d = sub->decodes;
    while (d) {
        struct vkv4l2_decode *next = d->next;
        free(d);
        d = next;
    }
    sub->decodes = sub->decodes_tail = NULL;
}

void vkv4l2_image_destroyed_hook(struct vkv4l2_device *dev, struct vkv4l2_image *img)
{
    vkv4l2_copy_path_forget_image(dev, img);
    for (uint32_t layer = 0; layer < img->capture_count; layer++)
        vkv4l2_runtime_forget_buffer(dev, vkv4l2_image_capture_fd(img, layer),
                                     vkv4l2_buffer_id(img, layer));
}
