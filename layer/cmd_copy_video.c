/* Deep copies of video coding parameters: begin/control/decode infos,
 * reference slots, picture resources, and the codec structs chained to
 * them (H.264, H.265, AV1 picture and DPB slot infos with their std
 * structs, inline queries).  Anything else in a video chain (encode rate
 * control, inline session parameters we do not advertise) is dropped and
 * noted. */
#include "cmd_copy.h"

static VkBaseOutStructure *copy_h264_picture(struct vkv4l2_cmd_list *list,
                                             const VkVideoDecodeH264PictureInfoKHR *src)
{
    VkVideoDecodeH264PictureInfoKHR *dst = vkv4l2_cmd_dup(list, src);
    if (!dst)
        return NULL;
    dst->pStdPictureInfo = vkv4l2_cmd_dup(list, src->pStdPictureInfo);
    dst->pSliceOffsets = vkv4l2_cmd_dup_array(list, src->pSliceOffsets,
                                              sizeof(*src->pSliceOffsets), src->sliceCount);
    return (VkBaseOutStructure *)dst;
}

static VkBaseOutStructure *copy_h264_dpb_slot(struct vkv4l2_cmd_list *list,
                                              const VkVideoDecodeH264DpbSlotInfoKHR *src)
{
    VkVideoDecodeH264DpbSlotInfoKHR *dst = vkv4l2_cmd_dup(list, src);
    if (!dst)
        return NULL;
    dst->pStdReferenceInfo = vkv4l2_cmd_dup(list, src->pStdReferenceInfo);
    return (VkBaseOutStructure *)dst;
}

static VkBaseOutStructure *copy_h265_picture(struct vkv4l2_cmd_list *list,
                                             const VkVideoDecodeH265PictureInfoKHR *src)
{
    VkVideoDecodeH265PictureInfoKHR *dst = vkv4l2_cmd_dup(list, src);
    if (!dst)
        return NULL;
    dst->pStdPictureInfo = vkv4l2_cmd_dup(list, src->pStdPictureInfo);
    dst->pSliceSegmentOffsets = vkv4l2_cmd_dup_array(list, src->pSliceSegmentOffsets,
                                                     sizeof(*src->pSliceSegmentOffsets),
                                                     src->sliceSegmentCount);
    return (VkBaseOutStructure *)dst;
}

static VkBaseOutStructure *copy_h265_dpb_slot(struct vkv4l2_cmd_list *list,
                                              const VkVideoDecodeH265DpbSlotInfoKHR *src)
{
    VkVideoDecodeH265DpbSlotInfoKHR *dst = vkv4l2_cmd_dup(list, src);
    if (!dst)
        return NULL;
    dst->pStdReferenceInfo = vkv4l2_cmd_dup(list, src->pStdReferenceInfo);
    return (VkBaseOutStructure *)dst;
}

static const StdVideoAV1TileInfo *copy_av1_tile_info(struct vkv4l2_cmd_list *list,
                                                     const StdVideoAV1TileInfo *src)
{
    StdVideoAV1TileInfo *dst = vkv4l2_cmd_dup(list, src);
    if (!dst)
        return NULL;
    /* The Vulkan AV1 std header sizes these arrays by TileCols / TileRows
     * (no trailing MiCols / MiRows entry). */
    dst->pMiColStarts = vkv4l2_cmd_dup_array(list, src->pMiColStarts, sizeof(uint16_t),
                                             src->TileCols);
    dst->pWidthInSbsMinus1 = vkv4l2_cmd_dup_array(list, src->pWidthInSbsMinus1,
                                                  sizeof(uint16_t), src->TileCols);
    dst->pMiRowStarts = vkv4l2_cmd_dup_array(list, src->pMiRowStarts, sizeof(uint16_t),
                                             src->TileRows);
    dst->pHeightInSbsMinus1 = vkv4l2_cmd_dup_array(list, src->pHeightInSbsMinus1,
                                                   sizeof(uint16_t), src->TileRows);
    return dst;
}

static const StdVideoDecodeAV1PictureInfo *
copy_av1_std_picture(struct vkv4l2_cmd_list *list, const StdVideoDecodeAV1PictureInfo *src)
{
    StdVideoDecodeAV1PictureInfo *dst = vkv4l2_cmd_dup(list, src);
    if (!dst)
        return NULL;
    dst->pTileInfo = src->pTileInfo ? copy_av1_tile_info(list, src->pTileInfo) : NULL;
    dst->pQuantization = vkv4l2_cmd_dup(list, src->pQuantization);
    dst->pSegmentation = vkv4l2_cmd_dup(list, src->pSegmentation);
    dst->pLoopFilter = vkv4l2_cmd_dup(list, src->pLoopFilter);
    dst->pCDEF = vkv4l2_cmd_dup(list, src->pCDEF);
    dst->pLoopRestoration = vkv4l2_cmd_dup(list, src->pLoopRestoration);
    dst->pGlobalMotion = vkv4l2_cmd_dup(list, src->pGlobalMotion);
    dst->pFilmGrain = vkv4l2_cmd_dup(list, src->pFilmGrain);
    return dst;
}

static VkBaseOutStructure *copy_av1_picture(struct vkv4l2_cmd_list *list,
                                            const VkVideoDecodeAV1PictureInfoKHR *src)
{
    VkVideoDecodeAV1PictureInfoKHR *dst = vkv4l2_cmd_dup(list, src);
    if (!dst)
        return NULL;
    dst->pStdPictureInfo =
        src->pStdPictureInfo ? copy_av1_std_picture(list, src->pStdPictureInfo) : NULL;
    dst->pTileOffsets = vkv4l2_cmd_dup_array(list, src->pTileOffsets,
                                             sizeof(*src->pTileOffsets), src->tileCount);
    dst->pTileSizes = vkv4l2_cmd_dup_array(list, src->pTileSizes,
                                           sizeof(*src->pTileSizes), src->tileCount);
    return (VkBaseOutStructure *)dst;
}

static VkBaseOutStructure *copy_av1_dpb_slot(struct vkv4l2_cmd_list *list,
                                             const VkVideoDecodeAV1DpbSlotInfoKHR *src)
{
    VkVideoDecodeAV1DpbSlotInfoKHR *dst = vkv4l2_cmd_dup(list, src);
    if (!dst)
        return NULL;
    dst->pStdReferenceInfo = vkv4l2_cmd_dup(list, src->pStdReferenceInfo);
    return (VkBaseOutStructure *)dst;
}

/* Copies one known struct (its pNext is relinked by the caller); NULL with
 * *known false for a struct to drop. */
static VkBaseOutStructure *copy_video_struct(struct vkv4l2_cmd_list *list,
                                             const VkBaseInStructure *src, bool *known)
{
    *known = true;
    switch (src->sType) {
    case VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PICTURE_INFO_KHR:
        return copy_h264_picture(list, (const void *)src);
    case VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_DPB_SLOT_INFO_KHR:
        return copy_h264_dpb_slot(list, (const void *)src);
    case VK_STRUCTURE_TYPE_VIDEO_DECODE_H265_PICTURE_INFO_KHR:
        return copy_h265_picture(list, (const void *)src);
    case VK_STRUCTURE_TYPE_VIDEO_DECODE_H265_DPB_SLOT_INFO_KHR:
        return copy_h265_dpb_slot(list, (const void *)src);
    case VK_STRUCTURE_TYPE_VIDEO_DECODE_AV1_PICTURE_INFO_KHR:
        return copy_av1_picture(list, (const void *)src);
    case VK_STRUCTURE_TYPE_VIDEO_DECODE_AV1_DPB_SLOT_INFO_KHR:
        return copy_av1_dpb_slot(list, (const void *)src);
    case VK_STRUCTURE_TYPE_VIDEO_INLINE_QUERY_INFO_KHR:
        return vkv4l2_cmd_dup_array(list, src, sizeof(VkVideoInlineQueryInfoKHR), 1);
    default:
        *known = false;
        return NULL;
    }
}

/* Copy of a video struct's pNext chain, known structs only, in order. */
static const void *copy_video_chain(struct vkv4l2_cmd_list *list, VkStructureType parent,
                                    const void *chain)
{
    VkBaseOutStructure *head = NULL, *tail = NULL;
    for (const VkBaseInStructure *s = chain; s; s = s->pNext) {
        bool known;
        VkBaseOutStructure *copy = copy_video_struct(list, s, &known);
        if (!known)
            vkv4l2_cmd_note_dropped(list, parent, s->sType);
        if (!copy)
            continue;
        copy->pNext = NULL;
        if (tail)
            tail->pNext = copy;
        else
            head = copy;
        tail = copy;
    }
    return head;
}

static const VkVideoPictureResourceInfoKHR *
copy_picture_resource(struct vkv4l2_cmd_list *list, const VkVideoPictureResourceInfoKHR *src)
{
    VkVideoPictureResourceInfoKHR *dst = vkv4l2_cmd_dup(list, src);
    if (dst)
        dst->pNext = copy_video_chain(list, src->sType, src->pNext);
    return dst;
}

/* Reference slots: slotIndex is copied as is (-1 marks the setup picture
 * bound as inactive in vkCmdBeginVideoCodingKHR). */
static const VkVideoReferenceSlotInfoKHR *
copy_reference_slots(struct vkv4l2_cmd_list *list, const VkVideoReferenceSlotInfoKHR *src,
                     uint32_t count)
{
    VkVideoReferenceSlotInfoKHR *dst =
        vkv4l2_cmd_dup_array(list, src, sizeof(*src), count);
    for (uint32_t i = 0; dst && i < count; i++) {
        dst[i].pNext = copy_video_chain(list, src[i].sType, src[i].pNext);
        dst[i].pPictureResource = src[i].pPictureResource
            ? copy_picture_resource(list, src[i].pPictureResource) : NULL;
    }
    return dst;
}

void vkv4l2_copy_begin_coding(struct vkv4l2_cmd_list *list, VkVideoBeginCodingInfoKHR *dst)
{
    dst->pNext = copy_video_chain(list, dst->sType, dst->pNext);
    dst->pReferenceSlots = copy_reference_slots(list, dst->pReferenceSlots,
                                                dst->referenceSlotCount);
}

void vkv4l2_copy_control_coding(struct vkv4l2_cmd_list *list, VkVideoCodingControlInfoKHR *dst)
{
    /* Decode knows no control extension (rate control and quality level
     * are encode-only), so the whole chain goes. */
    dst->pNext = vkv4l2_cmd_drop_chain(list, dst->sType, dst->pNext);
}

void vkv4l2_copy_decode_info(struct vkv4l2_cmd_list *list, VkVideoDecodeInfoKHR *dst)
{
    dst->pNext = copy_video_chain(list, dst->sType, dst->pNext);
    dst->dstPictureResource.pNext =
        copy_video_chain(list, dst->dstPictureResource.sType, dst->dstPictureResource.pNext);
    dst->pSetupReferenceSlot = dst->pSetupReferenceSlot
        ? copy_reference_slots(list, dst->pSetupReferenceSlot, 1) : NULL;
    dst->pReferenceSlots = copy_reference_slots(list, dst->pReferenceSlots,
                                                dst->referenceSlotCount);
}
