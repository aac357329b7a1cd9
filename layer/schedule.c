#include "schedule.h"

#include <errno.h>

#include "fence_gate.h"

#include "cmd_buffer.h"
#include "decode_exec.h"
#include "device.h"
#include "image.h"
#include "queue.h"
#include "session_runtime.h"
#include "video_caps.h"
#include "video_session.h"

static bool signalled_by(const struct vkv4l2_submission *const *users, unsigned nusers,
                         const struct vkv4l2_sem_op *wait)
{
    for (unsigned u = 0; u < nusers; u++) {
        for (uint32_t i = 0; i < users[u]->signal_count; i++) {
            const struct vkv4l2_sem_op *sig = &users[u]->signals[i];
            if (sig->semaphore == wait->semaphore && sig->timeline && sig->value >= wait->value)
                return true;
        }
    }
    return false;
}

bool vkv4l2_sched_release_waits_on(struct vkv4l2_queue *q, struct vkv4l2_submission *producer,
                                   const struct vkv4l2_submission *const *users,
                                   unsigned nusers)
{
    struct vkv4l2_device *dev = q->dev;
    for (uint32_t i = 0; i < producer->wait_count; i++) {
        const struct vkv4l2_sem_op *w = &producer->waits[i];
        if (!w->timeline)
            return false;
        if (signalled_by(users, nusers, w))
            continue;
        uint64_t value = 0;
        if (dev->vtbl.GetSemaphoreCounterValue(dev->handle, w->semaphore, &value) != VK_SUCCESS ||
            value < w->value)
            return false;
    }
    /* Keep only the waits the user does not satisfy. */
    uint32_t n = 0;
    for (uint32_t i = 0; i < producer->wait_count; i++) {
        if (!signalled_by(users, nusers, &producer->waits[i]))
            producer->waits[n++] = producer->waits[i];
    }
    producer->wait_count = n;
    return true;
}

static bool picture_buffer(struct vkv4l2_device *dev, const VkVideoPictureResourceInfoKHR *res,
                           uint64_t *id)
{
    struct vkv4l2_image_view *view = res ? vkv4l2_image_view_get(dev, res->imageViewBinding) : NULL;
    if (!view || !view->image)
        return false;
    *id = vkv4l2_buffer_id(view->image, view->base_layer + res->baseArrayLayer);
    return true;
}

/* Does a submission decode picture `tag` into buffer `id`? */
static bool produces(struct vkv4l2_device *dev, const struct vkv4l2_submission *sub, uint64_t id,
                     uint64_t tag)
{
    for (uint32_t c = 0; c < sub->cmd_count; c++) {
        vkv4l2_cmd_list_foreach(cmd, &sub->cmds[c]->list) {
            if (cmd->type != VKV4L2_CMD_DECODE_VIDEO)
                continue;
            const VkVideoDecodeInfoKHR *info = &cmd->u.decode_video;
            const VkVideoDecodeH264PictureInfoKHR *h264 = vkv4l2_find_struct(
                info->pNext, VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PICTURE_INFO_KHR);
            uint64_t target;
            if (h264 && h264->pStdPictureInfo &&
                picture_buffer(dev, &info->dstPictureResource, &target) && target == id &&
                vkv4l2_h264_picture_tag(h264->pStdPictureInfo->PicOrderCnt) == tag)
                return true;
        }
    }
    return false;
}

static struct vkv4l2_submission *producer_in_pending(struct vkv4l2_queue *q,
                                                     const struct vkv4l2_submission *self,
                                                     uint64_t id, uint64_t tag)
{
    for (struct vkv4l2_submission *p = q->pending; p; p = p->next) {
        if (p != self && produces(q->dev, p, id, tag))
            return p;
    }
    return NULL;
}

bool vkv4l2_sched_data_ready(struct vkv4l2_queue *q, const struct vkv4l2_submission *sub,
                             struct vkv4l2_submission **producer)
{
    *producer = NULL;
    struct vkv4l2_device *dev = q->dev;
    struct vkv4l2_video_session *session = NULL;
    for (uint32_t c = 0; c < sub->cmd_count; c++) {
        vkv4l2_cmd_list_foreach(cmd, &sub->cmds[c]->list) {
            if (cmd->type == VKV4L2_CMD_BEGIN_VIDEO_CODING) {
                session = vkv4l2_video_session_get(dev, cmd->u.begin_video_coding.videoSession);
                continue;
            }
            if (cmd->type != VKV4L2_CMD_DECODE_VIDEO)
                continue;
            const VkVideoDecodeInfoKHR *info = &cmd->u.decode_video;
            struct vkv4l2_session_runtime *rt = session ? session->runtime : NULL;
            for (uint32_t i = 0; i < info->referenceSlotCount; i++) {
                const VkVideoReferenceSlotInfoKHR *slot = &info->pReferenceSlots[i];
                const VkVideoDecodeH264DpbSlotInfoKHR *dpb = vkv4l2_find_struct(
                    slot->pNext, VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_DPB_SLOT_INFO_KHR);
                uint64_t id;
                if (!dpb || !dpb->pStdReferenceInfo ||
                    !picture_buffer(dev, slot->pPictureResource, &id))
                    continue; /* malformed: the executor reports it */
                uint64_t tag = vkv4l2_h264_picture_tag(dpb->pStdReferenceInfo->PicOrderCnt);
                bool held = false;
                if (rt) {
                    pthread_mutex_lock(&rt->lock);
                    held = vkv4l2_dpb_holds(&rt->track, id, tag);
                    pthread_mutex_unlock(&rt->lock);
                }
                if (!held) {
                    *producer = producer_in_pending(q, sub, id, tag);
                    return false;
                }
            }
        }
    }
    return true;
}

bool vkv4l2_sched_targets_idle(struct vkv4l2_queue *q, const struct vkv4l2_submission *sub)
{
    struct vkv4l2_device *dev = q->dev;
    for (uint32_t c = 0; c < sub->cmd_count; c++) {
        vkv4l2_cmd_list_foreach(cmd, &sub->cmds[c]->list) {
            if (cmd->type != VKV4L2_CMD_DECODE_VIDEO)
                continue;
            const VkVideoPictureResourceInfoKHR *res = &cmd->u.decode_video.dstPictureResource;
            struct vkv4l2_image_view *view = vkv4l2_image_view_get(dev, res->imageViewBinding);
            if (!view || !view->image)
                continue; /* the executor reports it */
            int fd = vkv4l2_image_capture_fd(view->image, view->base_layer + res->baseArrayLayer);
            if (fd >= 0 && vkv4l2_dmabuf_wait_readers(fd, 0) == -ETIMEDOUT)
                return false;
        }
    }
    return true;
}

bool vkv4l2_sched_waits_satisfied(struct vkv4l2_queue *q, const struct vkv4l2_submission *sub)
{
    struct vkv4l2_device *dev = q->dev;
    for (uint32_t i = 0; i < sub->wait_count; i++) {
        uint64_t value = 0;
        if (!sub->waits[i].timeline ||
            dev->vtbl.GetSemaphoreCounterValue(dev->handle, sub->waits[i].semaphore, &value) !=
                VK_SUCCESS ||
            value < sub->waits[i].value)
            return false;
    }
    return true;
}
