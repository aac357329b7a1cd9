#include "app_frames.h"

#include <string.h>

uint32_t app_rand(uint32_t *state)
{
    /* xorshift32; the state must not be 0. */
    uint32_t x = *state ? *state : 0x9e3779b9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

void app_fill(void *p, size_t n, uint32_t *state)
{
    unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        b[i] = (unsigned char)app_rand(state);
}

void app_check_flat_copy(const void *got, const void *want, size_t size)
{
    EXPECT(got && got != want);
    EXPECT(((const VkBaseInStructure *)got)->pNext == NULL);
    unsigned char tmp[512];
    EXPECT(size <= sizeof(tmp));
    memcpy(tmp, got, size);
    ((VkBaseOutStructure *)(void *)tmp)->pNext =
        (VkBaseOutStructure *)((const VkBaseInStructure *)want)->pNext;
    EXPECT(memcmp(tmp, want, size) == 0);
}

void *app_new_filled(size_t size, VkStructureType stype, uint32_t *state)
{
    VkBaseOutStructure *s = malloc(size);
    EXPECT(s);
    app_fill(s, size, state);
    s->sType = stype;
    s->pNext = NULL;
    return s;
}

void app_scribble_free(void *p, size_t size)
{
    memset(p, 0xa5, size);
    free(p);
}

static void fill_picture_resource(VkVideoPictureResourceInfoKHR *r, uint32_t *rng)
{
    *r = (VkVideoPictureResourceInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_PICTURE_RESOURCE_INFO_KHR,
        .codedOffset = { (int32_t)(app_rand(rng) % 64), (int32_t)(app_rand(rng) % 64) },
        .codedExtent = { 16 + app_rand(rng) % 4096, 16 + app_rand(rng) % 2160 },
        .baseArrayLayer = app_rand(rng) % 17,
        .imageViewBinding = APP_HANDLE(VkImageView, 0x10000 + (app_rand(rng) & 0xffff0)),
    };
}

/* vk_h264_fill_pict: std ref info -> DPB slot info -> reference slot. */
static void fill_pict(VkVideoReferenceSlotInfoKHR *slot, VkVideoPictureResourceInfoKHR *res,
                      VkVideoDecodeH264DpbSlotInfoKHR *dpb, StdVideoDecodeH264ReferenceInfo *std,
                      int32_t slot_index, uint32_t *rng)
{
    app_fill(std, sizeof(*std), rng);
    *dpb = (VkVideoDecodeH264DpbSlotInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_DPB_SLOT_INFO_KHR,
        .pStdReferenceInfo = std,
    };
    fill_picture_resource(res, rng);
    *slot = (VkVideoReferenceSlotInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_REFERENCE_SLOT_INFO_KHR,
        .pNext = dpb,
        .slotIndex = slot_index,
        .pPictureResource = res,
    };
}

static void fill_image_barrier(VkImageMemoryBarrier2 *b, VkImageLayout new_layout, uint32_t *rng)
{
    *b = (VkImageMemoryBarrier2){
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2,
        .srcStageMask = VK_PIPELINE_STAGE_2_VIDEO_DECODE_BIT_KHR,
        .dstStageMask = VK_PIPELINE_STAGE_2_VIDEO_DECODE_BIT_KHR,
        .srcAccessMask = VK_ACCESS_2_NONE,
        .dstAccessMask = VK_ACCESS_2_VIDEO_DECODE_READ_BIT_KHR |
                         VK_ACCESS_2_VIDEO_DECODE_WRITE_BIT_KHR,
        .oldLayout = (app_rand(rng) & 1) ? VK_IMAGE_LAYOUT_UNDEFINED
                                         : VK_IMAGE_LAYOUT_VIDEO_DECODE_DPB_KHR,
        .newLayout = new_layout,
        .srcQueueFamilyIndex = app_rand(rng) % 4,
        .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .image = APP_HANDLE(VkImage, 0x200000 + (app_rand(rng) & 0xffff0)),
        .subresourceRange = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, app_rand(rng) % 17, 1 },
    };
}

struct app_h264_frame *app_h264_frame_new(uint32_t seed, uint32_t nb_refs, uint32_t nb_slices)
{
    EXPECT(nb_refs <= APP_MAX_REFS);
    struct app_h264_frame *f = calloc(1, sizeof(*f));
    EXPECT(f);
    uint32_t rng = seed * 2654435761u + 1;
    f->seed = seed;
    f->query_pool = APP_HANDLE(VkQueryPool, 0x3000 + 16 * (seed % 7));
    f->query = seed % 32;

    /* Distinct DPB slots (3 is coprime with 17): refs first, current last. */
    for (uint32_t i = 0; i < nb_refs; i++)
        fill_pict(&f->ref_slots[i], &f->refs[i], &f->vkh264_refs[i], &f->h264_refs[i],
                  (int32_t)((i * 3 + seed) % 17), &rng);
    fill_pict(&f->ref_slot, &f->ref, &f->vkh264_ref, &f->h264_ref,
              (int32_t)((nb_refs * 3 + seed) % 17), &rng);

    app_fill(&f->h264pic, sizeof(f->h264pic), &rng);
    f->slice_off = nb_slices ? calloc(nb_slices, sizeof(uint32_t)) : NULL;
    for (uint32_t i = 0, off = 0; i < nb_slices; i++, off += 3 + app_rand(&rng) % 5000)
        f->slice_off[i] = off;
    f->h264_pic_info = (VkVideoDecodeH264PictureInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PICTURE_INFO_KHR,
        .pStdPictureInfo = &f->h264pic,
        .sliceCount = nb_slices,
        .pSliceOffsets = f->slice_off,
    };

    f->decode_info = (VkVideoDecodeInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_INFO_KHR,
        .pNext = &f->h264_pic_info,
        .srcBuffer = APP_HANDLE(VkBuffer, 0x40000 + 16 * (app_rand(&rng) & 0xfff)),
        .srcBufferOffset = 0,
        .srcBufferRange = (VkDeviceSize)(app_rand(&rng) % 100000 + 1) * 256,
        .pSetupReferenceSlot = &f->ref_slot,
        .referenceSlotCount = nb_refs,
        .pReferenceSlots = f->ref_slots,
    };
    fill_picture_resource(&f->decode_info.dstPictureResource, &rng);

    /* ff_vk_decode_frame binds the current picture as an inactive slot. */
    f->ref_slots[nb_refs] = f->ref_slot;
    f->ref_slots[nb_refs].slotIndex = -1;
    f->decode_start = (VkVideoBeginCodingInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_BEGIN_CODING_INFO_KHR,
        .videoSession = APP_HANDLE(VkVideoSessionKHR, 0x5000 + 16 * (seed % 3)),
        .videoSessionParameters = APP_HANDLE(VkVideoSessionParametersKHR, 0x6000 + 16 * (seed % 5)),
        .referenceSlotCount = nb_refs + 1,
        .pReferenceSlots = f->ref_slots,
    };
    f->decode_end = (VkVideoEndCodingInfoKHR){ .sType = VK_STRUCTURE_TYPE_VIDEO_END_CODING_INFO_KHR };

    fill_image_barrier(&f->img_bar[0], VK_IMAGE_LAYOUT_VIDEO_DECODE_DST_KHR, &rng);
    for (uint32_t i = 1; i <= nb_refs; i++)
        fill_image_barrier(&f->img_bar[i], VK_IMAGE_LAYOUT_VIDEO_DECODE_DPB_KHR, &rng);
    f->dep = (VkDependencyInfo){
        .sType = VK_STRUCTURE_TYPE_DEPENDENCY_INFO,
        .dependencyFlags = VK_DEPENDENCY_BY_REGION_BIT,
        .imageMemoryBarrierCount = nb_refs + 1,
        .pImageMemoryBarriers = f->img_bar,
    };
    return f;
}

void app_h264_frame_scribble(struct app_h264_frame *f)
{
    if (f->slice_off)
        memset(f->slice_off, 0xa5, f->h264_pic_info.sliceCount * sizeof(uint32_t));
    memset(f, 0xa5, sizeof(*f));
}

void app_h264_frame_free(struct app_h264_frame *f)
{
    uint32_t *slice_off = f->slice_off;
    app_h264_frame_scribble(f);
    free(slice_off);
    free(f);
}

VkResult app_h264_frame_record(struct vkv4l2_cmd_list *l, const struct app_h264_frame *f)
{
    /* In ff_vk_decode_frame's order (the query reset comes from
     * ff_vk_exec_start).  Every call is made even after a failure, as an
     * app that checks nothing until vkEndCommandBuffer would. */
    VkResult r[APP_FRAME_CMDS];
    r[0] = vkv4l2_record_reset_query_pool(l, f->query_pool, f->query, 1);
    r[1] = vkv4l2_record_pipeline_barrier2(l, &f->dep);
    r[2] = vkv4l2_record_begin_video_coding(l, &f->decode_start);
    r[3] = vkv4l2_record_begin_query(l, f->query_pool, f->query, 0);
    r[4] = vkv4l2_record_decode_video(l, &f->decode_info);
    r[5] = vkv4l2_record_end_query(l, f->query_pool, f->query);
    r[6] = vkv4l2_record_end_video_coding(l, &f->decode_end);
    for (int i = 0; i < APP_FRAME_CMDS; i++)
        if (r[i] != VK_SUCCESS)
            return r[i];
    return VK_SUCCESS;
}

void app_check_picture_resource(const VkVideoPictureResourceInfoKHR *got,
                                const VkVideoPictureResourceInfoKHR *want)
{
    EXPECT(got && got != want);
    EXPECT(got->sType == VK_STRUCTURE_TYPE_VIDEO_PICTURE_RESOURCE_INFO_KHR);
    EXPECT(got->pNext == NULL);
    EXPECT(got->codedOffset.x == want->codedOffset.x);
    EXPECT(got->codedOffset.y == want->codedOffset.y);
    EXPECT(got->codedExtent.width == want->codedExtent.width);
    EXPECT(got->codedExtent.height == want->codedExtent.height);
    EXPECT(got->baseArrayLayer == want->baseArrayLayer);
    EXPECT(got->imageViewBinding == want->imageViewBinding);
}

static void check_h264_dpb_chain(const void *chain, const VkVideoDecodeH264DpbSlotInfoKHR *want)
{
    const VkVideoDecodeH264DpbSlotInfoKHR *got = chain;
    EXPECT(got && got != want);
    EXPECT(got->sType == VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_DPB_SLOT_INFO_KHR);
    EXPECT(got->pNext == NULL);
    EXPECT(got->pStdReferenceInfo && got->pStdReferenceInfo != want->pStdReferenceInfo);
    EXPECT(memcmp(got->pStdReferenceInfo, want->pStdReferenceInfo,
                  sizeof(*got->pStdReferenceInfo)) == 0);
}

static void check_ref_slot(const VkVideoReferenceSlotInfoKHR *got,
                           const VkVideoReferenceSlotInfoKHR *want)
{
    EXPECT(got->sType == VK_STRUCTURE_TYPE_VIDEO_REFERENCE_SLOT_INFO_KHR);
    EXPECT(got->slotIndex == want->slotIndex);
    app_check_picture_resource(got->pPictureResource, want->pPictureResource);
    check_h264_dpb_chain(got->pNext, want->pNext);
}

void app_check_image_barrier2(const VkImageMemoryBarrier2 *got, const VkImageMemoryBarrier2 *want)
{
    EXPECT(got->sType == VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER_2);
    EXPECT(got->pNext == NULL);
    EXPECT(got->srcStageMask == want->srcStageMask);
    EXPECT(got->srcAccessMask == want->srcAccessMask);
    EXPECT(got->dstStageMask == want->dstStageMask);
    EXPECT(got->dstAccessMask == want->dstAccessMask);
    EXPECT(got->oldLayout == want->oldLayout);
    EXPECT(got->newLayout == want->newLayout);
    EXPECT(got->srcQueueFamilyIndex == want->srcQueueFamilyIndex);
    EXPECT(got->dstQueueFamilyIndex == want->dstQueueFamilyIndex);
    EXPECT(got->image == want->image);
    EXPECT(memcmp(&got->subresourceRange, &want->subresourceRange,
                  sizeof(got->subresourceRange)) == 0);
}

void app_check_dependency_info(const VkDependencyInfo *got, const VkDependencyInfo *want)
{
    EXPECT(got->sType == VK_STRUCTURE_TYPE_DEPENDENCY_INFO);
    EXPECT(got->pNext == NULL);
    EXPECT(got->dependencyFlags == want->dependencyFlags);
    EXPECT(got->memoryBarrierCount == want->memoryBarrierCount);
    EXPECT(got->bufferMemoryBarrierCount == want->bufferMemoryBarrierCount);
    EXPECT(got->imageMemoryBarrierCount == want->imageMemoryBarrierCount);
    EXPECT((got->pImageMemoryBarriers == NULL) == (want->pImageMemoryBarriers == NULL));
    for (uint32_t i = 0; i < want->imageMemoryBarrierCount; i++)
        app_check_image_barrier2(&got->pImageMemoryBarriers[i], &want->pImageMemoryBarriers[i]);
}

static void check_decode(const VkVideoDecodeInfoKHR *got, const VkVideoDecodeInfoKHR *want)
{
    EXPECT(got->sType == VK_STRUCTURE_TYPE_VIDEO_DECODE_INFO_KHR);
    EXPECT(got->flags == want->flags);
    EXPECT(got->srcBuffer == want->srcBuffer);
    EXPECT(got->srcBufferOffset == want->srcBufferOffset);
    EXPECT(got->srcBufferRange == want->srcBufferRange);
    EXPECT(got->dstPictureResource.sType == VK_STRUCTURE_TYPE_VIDEO_PICTURE_RESOURCE_INFO_KHR);
    app_check_picture_resource(&got->dstPictureResource, &want->dstPictureResource);
    EXPECT(got->pSetupReferenceSlot && got->pSetupReferenceSlot != want->pSetupReferenceSlot);
    check_ref_slot(got->pSetupReferenceSlot, want->pSetupReferenceSlot);
    EXPECT(got->referenceSlotCount == want->referenceSlotCount);
    EXPECT((got->pReferenceSlots == NULL) == (want->referenceSlotCount == 0));
    for (uint32_t i = 0; i < want->referenceSlotCount; i++)
        check_ref_slot(&got->pReferenceSlots[i], &want->pReferenceSlots[i]);

    const VkVideoDecodeH264PictureInfoKHR *pic = got->pNext;
    const VkVideoDecodeH264PictureInfoKHR *want_pic = want->pNext;
    EXPECT(pic && pic->sType == VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PICTURE_INFO_KHR);
    EXPECT(pic->pNext == NULL);
    EXPECT(memcmp(pic->pStdPictureInfo, want_pic->pStdPictureInfo,
                  sizeof(*pic->pStdPictureInfo)) == 0);
    EXPECT(pic->sliceCount == want_pic->sliceCount);
    if (want_pic->sliceCount)
        EXPECT(memcmp(pic->pSliceOffsets, want_pic->pSliceOffsets,
                      want_pic->sliceCount * sizeof(uint32_t)) == 0);
}

static void check_begin(const VkVideoBeginCodingInfoKHR *got, const VkVideoBeginCodingInfoKHR *want)
{
    EXPECT(got->sType == VK_STRUCTURE_TYPE_VIDEO_BEGIN_CODING_INFO_KHR);
    EXPECT(got->pNext == NULL);
    EXPECT(got->flags == want->flags);
    EXPECT(got->videoSession == want->videoSession);
    EXPECT(got->videoSessionParameters == want->videoSessionParameters);
    EXPECT(got->referenceSlotCount == want->referenceSlotCount);
    for (uint32_t i = 0; i < want->referenceSlotCount; i++)
        check_ref_slot(&got->pReferenceSlots[i], &want->pReferenceSlots[i]);
    if (!want->referenceSlotCount)
        EXPECT(got->pReferenceSlots == NULL);
}

const struct vkv4l2_cmd *app_h264_frame_check(const struct vkv4l2_cmd *c,
                                              const struct app_h264_frame *want)
{
    EXPECT(c && c->type == VKV4L2_CMD_RESET_QUERY_POOL);
    EXPECT(c->u.reset_query_pool.query_pool == want->query_pool);
    EXPECT(c->u.reset_query_pool.first_query == want->query);
    EXPECT(c->u.reset_query_pool.query_count == 1);
    c = c->next;
    EXPECT(c && c->type == VKV4L2_CMD_PIPELINE_BARRIER2);
    app_check_dependency_info(&c->u.pipeline_barrier2, &want->dep);
    c = c->next;
    EXPECT(c && c->type == VKV4L2_CMD_BEGIN_VIDEO_CODING);
    check_begin(&c->u.begin_video_coding, &want->decode_start);
    EXPECT(c->u.begin_video_coding.pReferenceSlots[want->decode_start.referenceSlotCount - 1]
           .slotIndex == -1);
    c = c->next;
    EXPECT(c && c->type == VKV4L2_CMD_BEGIN_QUERY);
    EXPECT(c->u.begin_query.query_pool == want->query_pool);
    EXPECT(c->u.begin_query.query == want->query);
    EXPECT(c->u.begin_query.flags == 0);
    c = c->next;
    EXPECT(c && c->type == VKV4L2_CMD_DECODE_VIDEO);
    check_decode(&c->u.decode_video, &want->decode_info);
    c = c->next;
    EXPECT(c && c->type == VKV4L2_CMD_END_QUERY);
    EXPECT(c->u.end_query.query_pool == want->query_pool);
    EXPECT(c->u.end_query.query == want->query);
    c = c->next;
    EXPECT(c && c->type == VKV4L2_CMD_END_VIDEO_CODING);
    EXPECT(c->u.end_video_coding.sType == VK_STRUCTURE_TYPE_VIDEO_END_CODING_INFO_KHR);
    EXPECT(c->u.end_video_coding.pNext == NULL);
    EXPECT(c->u.end_video_coding.flags == 0);
    return c->next;
}

VkResult app_record_reset(struct vkv4l2_cmd_list *l, uint32_t seed)
{
    VkVideoBeginCodingInfoKHR *start = calloc(1, sizeof(*start));
    VkVideoCodingControlInfoKHR *ctrl = calloc(1, sizeof(*ctrl));
    VkVideoEndCodingInfoKHR *end = calloc(1, sizeof(*end));
    EXPECT(start && ctrl && end);
    start->sType = VK_STRUCTURE_TYPE_VIDEO_BEGIN_CODING_INFO_KHR;
    start->videoSession = APP_HANDLE(VkVideoSessionKHR, 0x5000 + 16 * (seed % 3));
    /* FFmpeg creates empty parameters without video_maintenance2. */
    start->videoSessionParameters = APP_HANDLE(VkVideoSessionParametersKHR, 0x7000 + 16 * seed);
    ctrl->sType = VK_STRUCTURE_TYPE_VIDEO_CODING_CONTROL_INFO_KHR;
    ctrl->flags = VK_VIDEO_CODING_CONTROL_RESET_BIT_KHR;
    end->sType = VK_STRUCTURE_TYPE_VIDEO_END_CODING_INFO_KHR;
    VkResult r1 = vkv4l2_record_begin_video_coding(l, start);
    VkResult r2 = vkv4l2_record_control_video_coding(l, ctrl);
    VkResult r3 = vkv4l2_record_end_video_coding(l, end);
    memset(start, 0xa5, sizeof(*start));
    memset(ctrl, 0xa5, sizeof(*ctrl));
    memset(end, 0xa5, sizeof(*end));
    free(start);
    free(ctrl);
    free(end);
    return r1 != VK_SUCCESS ? r1 : r2 != VK_SUCCESS ? r2 : r3;
}

const struct vkv4l2_cmd *app_check_reset(const struct vkv4l2_cmd *c, uint32_t seed)
{
    EXPECT(c && c->type == VKV4L2_CMD_BEGIN_VIDEO_CODING);
    EXPECT(c->u.begin_video_coding.sType == VK_STRUCTURE_TYPE_VIDEO_BEGIN_CODING_INFO_KHR);
    EXPECT(c->u.begin_video_coding.pNext == NULL);
    EXPECT(c->u.begin_video_coding.videoSession ==
           APP_HANDLE(VkVideoSessionKHR, 0x5000 + 16 * (seed % 3)));
    EXPECT(c->u.begin_video_coding.videoSessionParameters ==
           APP_HANDLE(VkVideoSessionParametersKHR, 0x7000 + 16 * seed));
    EXPECT(c->u.begin_video_coding.referenceSlotCount == 0);
    EXPECT(c->u.begin_video_coding.pReferenceSlots == NULL);
    c = c->next;
    EXPECT(c && c->type == VKV4L2_CMD_CONTROL_VIDEO_CODING);
    EXPECT(c->u.control_video_coding.sType == VK_STRUCTURE_TYPE_VIDEO_CODING_CONTROL_INFO_KHR);
    EXPECT(c->u.control_video_coding.pNext == NULL);
    EXPECT(c->u.control_video_coding.flags == VK_VIDEO_CODING_CONTROL_RESET_BIT_KHR);
    c = c->next;
    EXPECT(c && c->type == VKV4L2_CMD_END_VIDEO_CODING);
    EXPECT(c->u.end_video_coding.pNext == NULL);
    return c->next;
}
