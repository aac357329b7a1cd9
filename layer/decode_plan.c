/* Builds a submission's decode plan from its recorded commands. */
#include "decode_plan.h"

#include "cmd_buffer.h"
#include "decode_exec.h"
#include "device.h"
#include "image.h"
#include "queue.h"
#include "video_caps.h"
#include "video_session.h"

static bool resolve(struct vkv4l2_device *dev, const VkVideoPictureResourceInfoKHR *res,
                    uint64_t *buffer, const struct vkv4l2_image **img, uint32_t *layer)
{
    struct vkv4l2_image_view *view = res ? vkv4l2_image_view_get(dev, res->imageViewBinding) : NULL;
    if (!view || !view->image)
        return false;
    *img = view->image;
    *layer = view->base_layer + res->baseArrayLayer;
    *buffer = vkv4l2_buffer_id(view->image, *layer);
    return true;
}

static void plan_h264(struct vkv4l2_device *dev, const VkVideoDecodeInfoKHR *info,
                      struct vkv4l2_plan_decode *d)
{
    const VkVideoDecodeH264PictureInfoKHR *pic =
        vkv4l2_find_struct(info->pNext, VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PICTURE_INFO_KHR);
    const struct vkv4l2_image *img;
    uint32_t layer;
    if (!pic || !pic->pStdPictureInfo ||
        !resolve(dev, &info->dstPictureResource, &d->target.buffer, &img, &layer))
        return;
    d->target_image = img;
    d->target_layer = layer;
    d->target.tag = vkv4l2_h264_picture_tag(pic->pStdPictureInfo->PicOrderCnt);
    for (uint32_t i = 0; i < info->referenceSlotCount && d->nrefs < VKV4L2_PLAN_MAX_REFS; i++) {
        const VkVideoReferenceSlotInfoKHR *slot = &info->pReferenceSlots[i];
        const VkVideoDecodeH264DpbSlotInfoKHR *dpb =
            vkv4l2_find_struct(slot->pNext, VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_DPB_SLOT_INFO_KHR);
        struct vkv4l2_pic ref;
        if (!dpb || !dpb->pStdReferenceInfo ||
            !resolve(dev, slot->pPictureResource, &ref.buffer, &img, &layer))
            continue; /* malformed: the executor reports it */
        ref.tag = vkv4l2_h264_picture_tag(dpb->pStdReferenceInfo->PicOrderCnt);
        d->refs[d->nrefs++] = ref;
    }
}

VkResult vkv4l2_decode_plan_build(struct vkv4l2_device *dev, struct vkv4l2_submission *sub)
{
    uint32_t n = 0;
    for (uint32_t c = 0; c < sub->cmd_count; c++) {
        vkv4l2_cmd_list_foreach(cmd, &sub->cmds[c]->list)
            n += cmd->type == VKV4L2_CMD_DECODE_VIDEO;
    }
    sub->plan_count = 0;
    sub->plan = n ? vkv4l2_arena_new(&sub->arena, struct vkv4l2_plan_decode, n) : NULL;
    if (n && !sub->plan)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    const struct vkv4l2_video_session *session = NULL;
    for (uint32_t c = 0; c < sub->cmd_count; c++) {
        vkv4l2_cmd_list_foreach(cmd, &sub->cmds[c]->list) {
            if (cmd->type == VKV4L2_CMD_BEGIN_VIDEO_CODING) {
                session = vkv4l2_video_session_get(dev, cmd->u.begin_video_coding.videoSession);
                continue;
            }
            if (cmd->type != VKV4L2_CMD_DECODE_VIDEO)
                continue;
            struct vkv4l2_plan_decode *d = &sub->plan[sub->plan_count++];
            *d = (struct vkv4l2_plan_decode){ .session = session };
            if (session)
                plan_h264(dev, &cmd->u.decode_video, d);
        }
    }
    return VK_SUCCESS;
}
