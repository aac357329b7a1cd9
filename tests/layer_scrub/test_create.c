/* Create infos and the image format query, built as FFmpeg 7.1/8.0
 * (hwcontext_vulkan.c create_frame / try_export_flags, vulkan_decode.c
 * bitstream buffers and views), GStreamer 1.26 and libplacebo build them. */
#include "harness.h"

#include <string.h>

#define U(x) VK_IMAGE_USAGE_##x

/* The profile FFmpeg hangs on every video image and buffer:
 * list -> profile -> H.264 profile -> decode usage. */
struct profile {
    VkVideoDecodeUsageInfoKHR usage;
    VkVideoDecodeH264ProfileInfoKHR h264;
    VkVideoProfileInfoKHR profile;
    VkVideoProfileListInfoKHR list;
};

static void profile_init(struct profile *p)
{
    memset(p, 0, sizeof(*p));
    p->usage = (VkVideoDecodeUsageInfoKHR){ VK_STRUCTURE_TYPE_VIDEO_DECODE_USAGE_INFO_KHR, NULL,
                                            VK_VIDEO_DECODE_USAGE_DEFAULT_KHR };
    p->h264 = (VkVideoDecodeH264ProfileInfoKHR){
        VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PROFILE_INFO_KHR, &p->usage,
        STD_VIDEO_H264_PROFILE_IDC_HIGH, VK_VIDEO_DECODE_H264_PICTURE_LAYOUT_PROGRESSIVE_KHR };
    p->profile = (VkVideoProfileInfoKHR){
        VK_STRUCTURE_TYPE_VIDEO_PROFILE_INFO_KHR, &p->h264,
        VK_VIDEO_CODEC_OPERATION_DECODE_H264_BIT_KHR, VK_VIDEO_CHROMA_SUBSAMPLING_420_BIT_KHR,
        VK_VIDEO_COMPONENT_BIT_DEPTH_8_BIT_KHR, VK_VIDEO_COMPONENT_BIT_DEPTH_8_BIT_KHR };
    p->list = (VkVideoProfileListInfoKHR){ VK_STRUCTURE_TYPE_VIDEO_PROFILE_LIST_INFO_KHR, NULL, 1,
                                           &p->profile };
}

/* Every field of a scrubbed image create info against the expectation. */
static void check_image(const VkImageCreateInfo *got, const VkImageCreateInfo *want)
{
    CHECK_EQ(got->sType, want->sType);
    CHECK_EQ(got->flags, want->flags);
    CHECK_EQ(got->imageType, want->imageType);
    CHECK_EQ(got->format, want->format);
    CHECK(!memcmp(&got->extent, &want->extent, sizeof(want->extent)));
    CHECK_EQ(got->mipLevels, want->mipLevels);
    CHECK_EQ(got->arrayLayers, want->arrayLayers);
    CHECK_EQ(got->samples, want->samples);
    CHECK_EQ(got->tiling, want->tiling);
    CHECK_EQ(got->usage, want->usage);
    CHECK_EQ(got->sharingMode, want->sharingMode);
    CHECK_EQ(got->queueFamilyIndexCount, want->queueFamilyIndexCount);
    for (uint32_t i = 0; i < want->queueFamilyIndexCount && i < got->queueFamilyIndexCount; i++)
        CHECK_EQ(got->pQueueFamilyIndices[i], want->pQueueFamilyIndices[i]);
    if (!want->queueFamilyIndexCount)
        CHECK(got->pQueueFamilyIndices == NULL);
    CHECK_EQ(got->initialLayout, want->initialLayout);
}

/* FFmpeg create_frame for the decoder's output pool on lavapipe + layer:
 * img_qfs = { 0 (graphics/compute/transfer), 1 (decode) }, CONCURRENT. */
static void ffmpeg_output_image(void)
{
    struct env e;
    env_init(&e, 1);
    struct profile p;
    profile_init(&p);
    const VkExternalMemoryImageCreateInfo ext = {
        VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_IMAGE_CREATE_INFO, &p.list,
        VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT };
    const uint32_t qfs[2] = { 0, 1 };
    const VkImageUsageFlags usage71 = U(TRANSFER_SRC_BIT) | U(SAMPLED_BIT) |
                                      U(VIDEO_DECODE_DST_BIT_KHR) | U(VIDEO_DECODE_DPB_BIT_KHR);
    const VkImageCreateInfo ci = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO, .pNext = &ext,
        .flags = VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT | VK_IMAGE_CREATE_ALIAS_BIT |
                 VK_IMAGE_CREATE_EXTENDED_USAGE_BIT,
        .imageType = VK_IMAGE_TYPE_2D, .format = VK_FORMAT_G8_B8R8_2PLANE_420_UNORM,
        .extent = { 1920, 1088, 1 }, .mipLevels = 1, .arrayLayers = 1,
        .samples = VK_SAMPLE_COUNT_1_BIT, .tiling = VK_IMAGE_TILING_OPTIMAL,
        .usage = usage71, .sharingMode = VK_SHARING_MODE_CONCURRENT,
        .queueFamilyIndexCount = 2, .pQueueFamilyIndices = qfs,
        .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
    };
    KEEP(p);
    KEEP(ext);
    KEEP(qfs);
    KEEP(ci);
    const VkImageCreateInfo *out = NULL;
    CHECK_EQ(vkv4l2_scrub_image_create_info(&e.s, &ci, 0, &out), VK_SUCCESS);
    VkImageCreateInfo want = ci;
    want.usage = U(TRANSFER_SRC_BIT) | U(SAMPLED_BIT); /* video bits removed */
    want.sharingMode = VK_SHARING_MODE_EXCLUSIVE;      /* one family left */
    want.queueFamilyIndexCount = 0;
    check_image(out, &want);
    /* chain: a copy of the external memory info, the profile list gone */
    const VkExternalMemoryImageCreateInfo *oext = out->pNext;
    CHECK(oext != NULL && oext != &ext);
    CHECK_EQ(oext->sType, VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_IMAGE_CREATE_INFO);
    CHECK_EQ(oext->handleTypes, VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT);
    CHECK(oext->pNext == NULL);

    /* FFmpeg 8.0 adds STORAGE; a driver with two families keeps CONCURRENT;
     * the layer asks for TRANSFER_DST (GPU-copy rung) */
    env_fini(&e);
    env_init(&e, 2);
    const uint32_t qfs3[4] = { 0, 2, 1, 0 };
    VkImageCreateInfo ci80 = ci;
    ci80.usage = usage71 | U(STORAGE_BIT);
    ci80.queueFamilyIndexCount = 4;
    ci80.pQueueFamilyIndices = qfs3;
    KEEP(qfs3);
    KEEP(ci80);
    CHECK_EQ(vkv4l2_scrub_image_create_info(&e.s, &ci80, U(TRANSFER_DST_BIT), &out), VK_SUCCESS);
    want = ci80;
    want.usage = U(TRANSFER_SRC_BIT) | U(SAMPLED_BIT) | U(STORAGE_BIT) | U(TRANSFER_DST_BIT);
    want.queueFamilyIndexCount = 2; /* decode family 2 removed, duplicate 0 removed */
    const uint32_t want_qfs[2] = { 0, 1 };
    want.pQueueFamilyIndices = want_qfs;
    check_image(out, &want);
    CHECK_KEPT();
    env_fini(&e);
}

/* FFmpeg's separate DPB pool (DPB usage only) and GStreamer's EXCLUSIVE
 * output image with a bare profile list. */
static void dpb_and_gstreamer_images(void)
{
    struct env e;
    env_init(&e, 1);
    struct profile p;
    profile_init(&p);
    const VkImageCreateInfo dpb = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO, .pNext = &p.list,
        .imageType = VK_IMAGE_TYPE_2D, .format = VK_FORMAT_G8_B8R8_2PLANE_420_UNORM,
        .extent = { 864, 480, 1 }, .mipLevels = 1, .arrayLayers = 16,
        .samples = VK_SAMPLE_COUNT_1_BIT, .tiling = VK_IMAGE_TILING_OPTIMAL,
        .usage = U(VIDEO_DECODE_DPB_BIT_KHR), .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
        .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED,
    };
    KEEP(p);
    KEEP(dpb);
    const VkImageCreateInfo *out = NULL;
    CHECK_EQ(vkv4l2_scrub_image_create_info(&e.s, &dpb, 0, &out), VK_SUCCESS);
    VkImageCreateInfo want = dpb;
    want.usage = U(TRANSFER_DST_BIT); /* nothing left -> TRANSFER_DST */
    check_image(out, &want);
    CHECK(out->pNext == NULL);

    VkImageCreateInfo gst = dpb;
    gst.usage = U(VIDEO_DECODE_DST_BIT_KHR) | U(VIDEO_DECODE_DPB_BIT_KHR) | U(SAMPLED_BIT) |
                U(TRANSFER_SRC_BIT);
    gst.arrayLayers = 1;
    /* an encode-capable app's flag (FFmpeg sets it without an encode profile) */
    gst.flags = VK_IMAGE_CREATE_VIDEO_PROFILE_INDEPENDENT_BIT_KHR | VK_IMAGE_CREATE_ALIAS_BIT;
    KEEP(gst);
    CHECK_EQ(vkv4l2_scrub_image_create_info(&e.s, &gst, 0, &out), VK_SUCCESS);
    want = gst;
    want.usage = U(SAMPLED_BIT) | U(TRANSFER_SRC_BIT);
    want.flags = VK_IMAGE_CREATE_ALIAS_BIT;
    check_image(out, &want);
    CHECK(out->pNext == NULL);

    /* a video initial layout (only UNDEFINED / PREINITIALIZED are valid
     * there) goes down as UNDEFINED */
    VkImageCreateInfo gst_dst = gst;
    gst_dst.initialLayout = VK_IMAGE_LAYOUT_VIDEO_DECODE_DST_KHR;
    KEEP(gst_dst);
    CHECK_EQ(vkv4l2_scrub_image_create_info(&e.s, &gst_dst, 0, &out), VK_SUCCESS);
    want.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    check_image(out, &want);
    CHECK_KEPT();
    env_fini(&e);
}

/* An ordinary sampled image (libplacebo's textures): the same pointer back. */
static void ordinary_image_untouched(void)
{
    struct env e;
    env_init(&e, 1);
    const VkFormat fmts[2] = { VK_FORMAT_R8_UNORM, VK_FORMAT_R8G8_UNORM };
    const VkImageFormatListCreateInfo list = { VK_STRUCTURE_TYPE_IMAGE_FORMAT_LIST_CREATE_INFO,
                                               NULL, 2, fmts };
    const VkImageCreateInfo ci = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO, .pNext = &list,
        .imageType = VK_IMAGE_TYPE_2D, .format = VK_FORMAT_R8_UNORM, .extent = { 64, 64, 1 },
        .mipLevels = 1, .arrayLayers = 1, .samples = VK_SAMPLE_COUNT_1_BIT,
        .usage = U(SAMPLED_BIT) | U(TRANSFER_DST_BIT), .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
    };
    KEEP(list);
    KEEP(ci);
    const VkImageCreateInfo *out = NULL;
    CHECK_EQ(vkv4l2_scrub_image_create_info(&e.s, &ci, U(TRANSFER_DST_BIT), &out), VK_SUCCESS);
    CHECK(out == &ci);
    CHECK_NO_ALLOC(&e);
    CHECK_KEPT();
    env_fini(&e);
}

/* FFmpeg's bitstream buffer (VIDEO_DECODE_SRC, profile list) and variants. */
static void buffers(void)
{
    struct env e;
    env_init(&e, 1);
    struct profile p;
    profile_init(&p);
    const VkBufferCreateInfo bs = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO, .pNext = &p.list, .size = 2 << 20,
        .usage = VK_BUFFER_USAGE_VIDEO_DECODE_SRC_BIT_KHR,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
    };
    KEEP(p);
    KEEP(bs);
    const VkBufferCreateInfo *out = NULL;
    CHECK_EQ(vkv4l2_scrub_buffer_create_info(&e.s, &bs, &out), VK_SUCCESS);
    CHECK(out != &bs && out->pNext == NULL);
    CHECK_EQ(out->usage, VK_BUFFER_USAGE_TRANSFER_SRC_BIT); /* nothing left -> TRANSFER_SRC */
    CHECK_EQ(out->size, bs.size);
    CHECK_EQ(out->flags, 0);
    CHECK_EQ(out->sharingMode, VK_SHARING_MODE_EXCLUSIVE);

    /* usage2 overrides usage: scrubbed the same way; flags lose VIDEO_PROFILE_INDEPENDENT;
     * CONCURRENT across {0, 1} leaves one family */
    const VkBufferUsageFlags2CreateInfo u2 = {
        VK_STRUCTURE_TYPE_BUFFER_USAGE_FLAGS_2_CREATE_INFO, &p.list,
        VK_BUFFER_USAGE_2_VIDEO_DECODE_SRC_BIT_KHR | VK_BUFFER_USAGE_2_TRANSFER_DST_BIT };
    const uint32_t qfs[2] = { 1, 0 };
    const VkBufferCreateInfo b2 = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO, .pNext = &u2,
        .flags = VK_BUFFER_CREATE_VIDEO_PROFILE_INDEPENDENT_BIT_KHR, .size = 4096,
        .usage = VK_BUFFER_USAGE_VIDEO_DECODE_SRC_BIT_KHR | VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT,
        .sharingMode = VK_SHARING_MODE_CONCURRENT, .queueFamilyIndexCount = 2,
        .pQueueFamilyIndices = qfs,
    };
    KEEP(u2);
    KEEP(qfs);
    KEEP(b2);
    CHECK_EQ(vkv4l2_scrub_buffer_create_info(&e.s, &b2, &out), VK_SUCCESS);
    CHECK_EQ(out->usage, VK_BUFFER_USAGE_SHADER_DEVICE_ADDRESS_BIT);
    CHECK_EQ(out->flags, 0);
    CHECK_EQ(out->sharingMode, VK_SHARING_MODE_EXCLUSIVE);
    CHECK_EQ(out->queueFamilyIndexCount, 0);
    const VkBufferUsageFlags2CreateInfo *ou2 = out->pNext;
    CHECK(ou2 != NULL && ou2 != &u2);
    CHECK_EQ(ou2->sType, VK_STRUCTURE_TYPE_BUFFER_USAGE_FLAGS_2_CREATE_INFO);
    CHECK_EQ(ou2->usage, VK_BUFFER_USAGE_2_TRANSFER_DST_BIT);
    CHECK(ou2->pNext == NULL);

    /* a plain staging buffer: untouched */
    struct env e2;
    env_init(&e2, 1);
    const VkBufferCreateInfo staging = { .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
                                         .size = 4096, .usage = VK_BUFFER_USAGE_TRANSFER_SRC_BIT };
    CHECK_EQ(vkv4l2_scrub_buffer_create_info(&e2.s, &staging, &out), VK_SUCCESS);
    CHECK(out == &staging);
    CHECK_NO_ALLOC(&e2);
    env_fini(&e2);
    CHECK_KEPT();
    env_fini(&e);
}

/* FFmpeg's decode views carry a VkImageViewUsageCreateInfo naming the video
 * usages; libplacebo's per-plane R8 views name SAMPLED only. */
static void views(void)
{
    struct env e;
    env_init(&e, 1);
    const VkImageViewUsageCreateInfo vu = { VK_STRUCTURE_TYPE_IMAGE_VIEW_USAGE_CREATE_INFO, NULL,
        U(VIDEO_DECODE_DST_BIT_KHR) | U(VIDEO_DECODE_DPB_BIT_KHR) };
    const VkImageViewCreateInfo vi = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO, .pNext = &vu,
        .image = (VkImage)(uintptr_t)0x1000, .viewType = VK_IMAGE_VIEW_TYPE_2D_ARRAY,
        .format = VK_FORMAT_G8_B8R8_2PLANE_420_UNORM,
        .subresourceRange = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1 },
    };
    KEEP(vu);
    KEEP(vi);
    const VkImageUsageFlags img_usage = U(TRANSFER_SRC_BIT) | U(SAMPLED_BIT);
    const VkImageViewCreateInfo *out = NULL;
    CHECK_EQ(vkv4l2_scrub_image_view_create_info(&e.s, &vi, img_usage, &out), VK_SUCCESS);
    CHECK(out != &vi);
    CHECK(out->image == vi.image && out->format == vi.format && out->viewType == vi.viewType);
    const VkImageViewUsageCreateInfo *ovu = out->pNext;
    CHECK(ovu != NULL && ovu->sType == VK_STRUCTURE_TYPE_IMAGE_VIEW_USAGE_CREATE_INFO);
    /* nothing left -> the image's transfer bits */
    CHECK_EQ(ovu->usage, img_usage & (U(TRANSFER_SRC_BIT) | U(TRANSFER_DST_BIT)));

    /* an image without transfer usage: the structure goes, the view inherits */
    CHECK_EQ(vkv4l2_scrub_image_view_create_info(&e.s, &vi, U(SAMPLED_BIT) | U(STORAGE_BIT), &out),
             VK_SUCCESS);
    CHECK(out->pNext == NULL);

    /* SAMPLED plus a video bit: SAMPLED stays */
    const VkImageViewUsageCreateInfo vu2 = { VK_STRUCTURE_TYPE_IMAGE_VIEW_USAGE_CREATE_INFO, NULL,
                                             U(SAMPLED_BIT) | U(VIDEO_DECODE_DST_BIT_KHR) };
    VkImageViewCreateInfo vi2 = vi;
    vi2.pNext = &vu2;
    KEEP(vu2);
    CHECK_EQ(vkv4l2_scrub_image_view_create_info(&e.s, &vi2, img_usage, &out), VK_SUCCESS);
    CHECK_EQ(((const VkImageViewUsageCreateInfo *)out->pNext)->usage, U(SAMPLED_BIT));

    /* libplacebo plane view: untouched */
    struct env e2;
    env_init(&e2, 1);
    const VkImageViewUsageCreateInfo pl = { VK_STRUCTURE_TYPE_IMAGE_VIEW_USAGE_CREATE_INFO, NULL,
                                            U(SAMPLED_BIT) };
    VkImageViewCreateInfo plv = vi;
    plv.pNext = &pl;
    plv.format = VK_FORMAT_R8_UNORM;
    plv.subresourceRange.aspectMask = VK_IMAGE_ASPECT_PLANE_0_BIT;
    CHECK_EQ(vkv4l2_scrub_image_view_create_info(&e2.s, &plv, img_usage, &out), VK_SUCCESS);
    CHECK(out == &plv);
    CHECK_NO_ALLOC(&e2);
    env_fini(&e2);
    CHECK_KEPT();
    env_fini(&e);
}

static void format_queries(void)
{
    struct env e;
    env_init(&e, 1);
    struct profile p;
    profile_init(&p);
    /* FFmpeg's video format check: profile list + video usage */
    const VkPhysicalDeviceImageFormatInfo2 vq = {
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_FORMAT_INFO_2, &p.list,
        VK_FORMAT_G8_B8R8_2PLANE_420_UNORM, VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_OPTIMAL,
        U(VIDEO_DECODE_DST_BIT_KHR) | U(SAMPLED_BIT) | U(TRANSFER_SRC_BIT),
        VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT };
    KEEP(p);
    KEEP(vq);
    const VkPhysicalDeviceImageFormatInfo2 *out = NULL;
    bool is_video = false;
    CHECK_EQ(vkv4l2_scrub_image_format_info2(&e.s, &vq, U(TRANSFER_DST_BIT), &out, &is_video),
             VK_SUCCESS);
    CHECK(is_video);
    CHECK(out->pNext == NULL);
    CHECK_EQ(out->usage, U(SAMPLED_BIT) | U(TRANSFER_SRC_BIT) | U(TRANSFER_DST_BIT));
    CHECK_EQ(out->flags, VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT);
    CHECK(out->format == vq.format && out->type == vq.type && out->tiling == vq.tiling);

    /* FFmpeg try_export_flags with modifiers: no video, but the modifier
     * info names the decode family in its sharing list */
    const uint32_t qfs[2] = { 0, 1 };
    const VkPhysicalDeviceImageDrmFormatModifierInfoEXT mod = {
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_DRM_FORMAT_MODIFIER_INFO_EXT, NULL, 0,
        VK_SHARING_MODE_CONCURRENT, 2, qfs };
    const VkPhysicalDeviceExternalImageFormatInfo ext = {
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_IMAGE_FORMAT_INFO, &mod,
        VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT };
    const VkPhysicalDeviceImageFormatInfo2 eq = {
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_FORMAT_INFO_2, &ext, VK_FORMAT_R8_UNORM,
        VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_DRM_FORMAT_MODIFIER_EXT,
        U(SAMPLED_BIT) | U(TRANSFER_SRC_BIT), VK_IMAGE_CREATE_ALIAS_BIT };
    KEEP(qfs);
    KEEP(mod);
    KEEP(ext);
    KEEP(eq);
    CHECK_EQ(vkv4l2_scrub_image_format_info2(&e.s, &eq, U(TRANSFER_DST_BIT), &out, &is_video),
             VK_SUCCESS);
    CHECK(!is_video);
    CHECK_EQ(out->usage, eq.usage); /* no video usage: extra usage not added */
    CHECK_EQ(out->flags, eq.flags);
    const VkPhysicalDeviceExternalImageFormatInfo *oext = out->pNext;
    CHECK(oext != &ext && oext->handleType == ext.handleType);
    const VkPhysicalDeviceImageDrmFormatModifierInfoEXT *omod = (const void *)oext->pNext;
    CHECK(omod != &mod && omod->pNext == NULL);
    CHECK_EQ(omod->drmFormatModifier, 0);
    CHECK_EQ(omod->sharingMode, VK_SHARING_MODE_EXCLUSIVE);
    CHECK_EQ(omod->queueFamilyIndexCount, 0);
    CHECK(omod->pQueueFamilyIndices == NULL);

    /* an ordinary query: untouched */
    struct env e2;
    env_init(&e2, 1);
    const VkPhysicalDeviceImageFormatInfo2 plain = {
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_FORMAT_INFO_2, NULL, VK_FORMAT_R8_UNORM,
        VK_IMAGE_TYPE_2D, VK_IMAGE_TILING_OPTIMAL, U(SAMPLED_BIT), 0 };
    CHECK_EQ(vkv4l2_scrub_image_format_info2(&e2.s, &plain, U(TRANSFER_DST_BIT), &out, &is_video),
             VK_SUCCESS);
    CHECK(out == &plain && !is_video);
    CHECK_NO_ALLOC(&e2);
    env_fini(&e2);
    CHECK_KEPT();
    env_fini(&e);
}

void test_create(void)
{
    ffmpeg_output_image();
    dpb_and_gstreamer_images();
    ordinary_image_untouched();
    buffers();
    views();
    format_queries();
}
