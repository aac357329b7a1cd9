/* The generic pNext editor: what is copied, what is shared, what is cut. */
#include "harness.h"

#include <string.h>

static const VkStructureType video_stypes[] = {
    VK_STRUCTURE_TYPE_VIDEO_PROFILE_LIST_INFO_KHR,
    VK_STRUCTURE_TYPE_VIDEO_PROFILE_INFO_KHR,
    VK_STRUCTURE_TYPE_VIDEO_DECODE_USAGE_INFO_KHR,
    VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PROFILE_INFO_KHR,
    VK_STRUCTURE_TYPE_VIDEO_DECODE_H265_PROFILE_INFO_KHR,
    VK_STRUCTURE_TYPE_VIDEO_DECODE_AV1_PROFILE_INFO_KHR,
    VK_STRUCTURE_TYPE_VIDEO_ENCODE_USAGE_INFO_KHR,
    VK_STRUCTURE_TYPE_VIDEO_ENCODE_H264_PROFILE_INFO_KHR,
    VK_STRUCTURE_TYPE_VIDEO_ENCODE_H265_PROFILE_INFO_KHR,
    VK_STRUCTURE_TYPE_VIDEO_ENCODE_AV1_PROFILE_INFO_KHR,
    VK_STRUCTURE_TYPE_QUERY_POOL_VIDEO_ENCODE_FEEDBACK_CREATE_INFO_KHR,
    VK_STRUCTURE_TYPE_QUEUE_FAMILY_VIDEO_PROPERTIES_KHR,
    VK_STRUCTURE_TYPE_QUEUE_FAMILY_QUERY_RESULT_STATUS_PROPERTIES_KHR,
    VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VIDEO_MAINTENANCE_1_FEATURES_KHR,
    VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VIDEO_MAINTENANCE_2_FEATURES_KHR,
    VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VIDEO_ENCODE_QUANTIZATION_MAP_FEATURES_KHR,
    VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VIDEO_ENCODE_AV1_FEATURES_KHR,
};

static void stypes(void)
{
    for (size_t i = 0; i < sizeof(video_stypes) / sizeof(video_stypes[0]); i++) {
        CHECK(vkv4l2_is_video_stype(video_stypes[i]));
        CHECK_EQ(vkv4l2_chain_struct_size(video_stypes[i]), 0); /* never copied: dropped */
    }
    CHECK(!vkv4l2_is_video_stype(VK_STRUCTURE_TYPE_IMAGE_FORMAT_LIST_CREATE_INFO));
    CHECK(!vkv4l2_is_video_stype(VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_IMAGE_CREATE_INFO));
    /* structures consumed by the layer itself are not in the drop set */
    CHECK(!vkv4l2_is_video_stype(VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PICTURE_INFO_KHR));
    CHECK_EQ(vkv4l2_chain_struct_size(VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_IMAGE_CREATE_INFO),
             sizeof(VkExternalMemoryImageCreateInfo));
    CHECK_EQ(vkv4l2_chain_struct_size(VK_STRUCTURE_TYPE_IMAGE_DRM_FORMAT_MODIFIER_EXPLICIT_CREATE_INFO_EXT),
             sizeof(VkImageDrmFormatModifierExplicitCreateInfoEXT));
    CHECK_EQ(vkv4l2_chain_struct_size(VK_STRUCTURE_TYPE_BUFFER_USAGE_FLAGS_2_CREATE_INFO),
             sizeof(VkBufferUsageFlags2CreateInfo));
    CHECK_EQ(vkv4l2_chain_struct_size(VK_STRUCTURE_TYPE_IMAGE_VIEW_USAGE_CREATE_INFO),
             sizeof(VkImageViewUsageCreateInfo));
    CHECK_EQ(vkv4l2_chain_struct_size(VK_STRUCTURE_TYPE_APPLICATION_INFO), 0);
}

/* ext -> list(video) -> fmt -> usage(video) -> stencil : */
static void drop_in_middle_and_share_tail(void)
{
    struct env e;
    env_init(&e, 1);
    const VkImageStencilUsageCreateInfo stencil = {
        VK_STRUCTURE_TYPE_IMAGE_STENCIL_USAGE_CREATE_INFO, NULL, VK_IMAGE_USAGE_SAMPLED_BIT };
    const VkVideoDecodeUsageInfoKHR vusage = { VK_STRUCTURE_TYPE_VIDEO_DECODE_USAGE_INFO_KHR,
                                               &stencil, 0 };
    const VkImageFormatListCreateInfo fmt = { VK_STRUCTURE_TYPE_IMAGE_FORMAT_LIST_CREATE_INFO,
                                              &vusage, 0, NULL };
    const VkVideoProfileListInfoKHR list = { VK_STRUCTURE_TYPE_VIDEO_PROFILE_LIST_INFO_KHR, &fmt,
                                             0, NULL };
    const VkExternalMemoryImageCreateInfo ext = {
        VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_IMAGE_CREATE_INFO, &list,
        VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT };
    KEEP(stencil);
    KEEP(vusage);
    KEEP(fmt);
    KEEP(list);
    KEEP(ext);
    const void *out = NULL;
    CHECK_EQ(vkv4l2_chain_drop_video(&e.s, &ext, &out), VK_SUCCESS);
    const VkExternalMemoryImageCreateInfo *o1 = out;
    CHECK(o1 != &ext && o1->sType == ext.sType && o1->handleTypes == ext.handleTypes);
    const VkImageFormatListCreateInfo *o2 = o1->pNext;
    CHECK(o2 != &fmt && o2->sType == fmt.sType);
    CHECK(o2->pNext == (const void *)&stencil); /* after the last drop: shared */

    /* video at the head only: the rest is shared as is, nothing copied */
    struct env e2;
    env_init(&e2, 1);
    const VkVideoProfileListInfoKHR head = { VK_STRUCTURE_TYPE_VIDEO_PROFILE_LIST_INFO_KHR, &ext,
                                             0, NULL };
    CHECK_EQ(vkv4l2_chain_drop_video(&e2.s, &head, &out), VK_SUCCESS);
    CHECK(out != (const void *)&ext); /* ext precedes a video struct: copied */
    CHECK_EQ(vkv4l2_chain_drop_video(&e2.s, &stencil, &out), VK_SUCCESS);
    CHECK(out == (const void *)&stencil);
    const VkVideoProfileListInfoKHR lone = { VK_STRUCTURE_TYPE_VIDEO_PROFILE_LIST_INFO_KHR,
                                             &stencil, 0, NULL };
    env_fini(&e2);
    env_init(&e2, 1);
    CHECK_EQ(vkv4l2_chain_drop_video(&e2.s, &lone, &out), VK_SUCCESS);
    CHECK(out == (const void *)&stencil);
    CHECK_NO_ALLOC(&e2);
    CHECK_EQ(vkv4l2_chain_drop_video(&e2.s, NULL, &out), VK_SUCCESS);
    CHECK(out == NULL);
    env_fini(&e2);
    CHECK_KEPT();
    env_fini(&e);
}

/* A structure of unknown size before a video one cannot be relinked. */
static void unknown_before_video_is_incomplete(void)
{
    struct env e;
    env_init(&e, 1);
    const VkVideoProfileListInfoKHR list = { VK_STRUCTURE_TYPE_VIDEO_PROFILE_LIST_INFO_KHR, NULL,
                                             0, NULL };
    /* any structure the table does not know (here a made-up extension one) */
    const VkBaseInStructure unknown = { (VkStructureType)1000999000, (const void *)&list };
    const VkImageFormatListCreateInfo fmt = { VK_STRUCTURE_TYPE_IMAGE_FORMAT_LIST_CREATE_INFO,
                                              &unknown, 0, NULL };
    KEEP(list);
    KEEP(unknown);
    KEEP(fmt);
    const void *out = NULL;
    CHECK_EQ(vkv4l2_chain_drop_video(&e.s, &fmt, &out), VK_INCOMPLETE);
    const VkImageFormatListCreateInfo *o = out;
    CHECK(o != &fmt && o->sType == fmt.sType);
    CHECK(o->pNext == (const void *)&unknown); /* cut over to the original */

    /* after the video structure it is simply shared */
    const VkBaseInStructure unknown_tail = { (VkStructureType)1000999000, NULL };
    const VkVideoProfileListInfoKHR list2 = { VK_STRUCTURE_TYPE_VIDEO_PROFILE_LIST_INFO_KHR,
                                              &unknown_tail, 0, NULL };
    const VkImageFormatListCreateInfo fmt2 = { VK_STRUCTURE_TYPE_IMAGE_FORMAT_LIST_CREATE_INFO,
                                               &list2, 0, NULL };
    KEEP(fmt2);
    CHECK_EQ(vkv4l2_chain_drop_video(&e.s, &fmt2, &out), VK_SUCCESS);
    o = out;
    CHECK(o != &fmt2 && o->pNext == (const void *)&unknown_tail);
    CHECK_KEPT();
    env_fini(&e);
}

void test_chain(void)
{
    stypes();
    drop_in_middle_and_share_tail();
    unknown_before_video_is_incomplete();
}
