/* vkCreateVideoSessionKHR validation (layer/video_session.c). */
#include <string.h>

#include "check.h"
#include "video_caps.h"
#include "video_session.h"

#define DECODE_FAMILY 3u

static const struct vkv4l2_video_support support = {
    .h264 = true,
    .min_extent = { 48, 48 },
    .max_extent = { 1920, 1088 },
};

struct session_info {
    VkVideoDecodeH264ProfileInfoKHR h264;
    VkVideoProfileInfoKHR profile;
    VkExtensionProperties std;
    VkVideoSessionCreateInfoKHR ci;
};

/* A create info FFmpeg could send for 1080p High profile. */
static void make_info(struct session_info *s)
{
    memset(s, 0, sizeof(*s));
    s->h264 = (VkVideoDecodeH264ProfileInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PROFILE_INFO_KHR,
        .stdProfileIdc = STD_VIDEO_H264_PROFILE_IDC_HIGH,
        .pictureLayout = VK_VIDEO_DECODE_H264_PICTURE_LAYOUT_PROGRESSIVE_KHR,
    };
    s->profile = (VkVideoProfileInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_PROFILE_INFO_KHR,
        .pNext = &s->h264,
        .videoCodecOperation = VK_VIDEO_CODEC_OPERATION_DECODE_H264_BIT_KHR,
        .chromaSubsampling = VK_VIDEO_CHROMA_SUBSAMPLING_420_BIT_KHR,
        .lumaBitDepth = VK_VIDEO_COMPONENT_BIT_DEPTH_8_BIT_KHR,
        .chromaBitDepth = VK_VIDEO_COMPONENT_BIT_DEPTH_8_BIT_KHR,
    };
    strcpy(s->std.extensionName, VK_STD_VULKAN_VIDEO_CODEC_H264_DECODE_EXTENSION_NAME);
    s->std.specVersion = VK_STD_VULKAN_VIDEO_CODEC_H264_DECODE_SPEC_VERSION;
    s->ci = (VkVideoSessionCreateInfoKHR){
        .sType = VK_STRUCTURE_TYPE_VIDEO_SESSION_CREATE_INFO_KHR,
        .queueFamilyIndex = DECODE_FAMILY,
        .pVideoProfile = &s->profile,
        .pictureFormat = VK_FORMAT_G8_B8R8_2PLANE_420_UNORM,
        .maxCodedExtent = { 1920, 1088 },
        .referencePictureFormat = VK_FORMAT_G8_B8R8_2PLANE_420_UNORM,
        .maxDpbSlots = 17,
        .maxActiveReferencePictures = 16,
        .pStdHeaderVersion = &s->std,
    };
}

static VkResult check(const struct session_info *s)
{
    const char *why = NULL;
    VkResult r = vkv4l2_video_session_check(&support, DECODE_FAMILY, &s->ci, &why);
    /* Every refusal says why. */
    CHECK((r == VK_SUCCESS) == (why == NULL));
    return r;
}

static void test_valid_and_init(void)
{
    struct session_info s;
    make_info(&s);
    CHECK_EQ(check(&s), VK_SUCCESS);

    struct vkv4l2_video_session vs;
    memset(&vs, 0x5a, sizeof(vs));
    vkv4l2_video_session_init(&vs, &s.ci);
    CHECK(vs.dev == NULL && vs.runtime == NULL);
    CHECK_EQ(vs.queue_family_index, DECODE_FAMILY);
    CHECK_EQ(vs.codec_operation, VK_VIDEO_CODEC_OPERATION_DECODE_H264_BIT_KHR);
    CHECK_EQ(vs.h264_profile_idc, STD_VIDEO_H264_PROFILE_IDC_HIGH);
    CHECK_EQ(vs.h264_picture_layout, VK_VIDEO_DECODE_H264_PICTURE_LAYOUT_PROGRESSIVE_KHR);
    CHECK_EQ(vs.picture_format, VK_FORMAT_G8_B8R8_2PLANE_420_UNORM);
    CHECK_EQ(vs.reference_picture_format, VK_FORMAT_G8_B8R8_2PLANE_420_UNORM);
    CHECK_EQ(vs.max_coded_extent.width, 1920);
    CHECK_EQ(vs.max_coded_extent.height, 1088);
    CHECK_EQ(vs.max_dpb_slots, 17);
    CHECK_EQ(vs.max_active_reference_pictures, 16);
    CHECK_EQ(vs.std_header_version, VK_STD_VULKAN_VIDEO_CODEC_H264_DECODE_SPEC_VERSION);

    /* Intra-only session: no references, referencePictureFormat ignored. */
    s.ci.maxDpbSlots = 0;
    s.ci.maxActiveReferencePictures = 0;
    s.ci.referencePictureFormat = VK_FORMAT_R8_UNORM;
    CHECK_EQ(check(&s), VK_SUCCESS);
    vkv4l2_video_session_init(&vs, &s.ci);
    CHECK_EQ(vs.reference_picture_format, VK_FORMAT_UNDEFINED);

    /* The extent limits are inclusive. */
    make_info(&s);
    s.ci.maxCodedExtent = support.min_extent;
    CHECK_EQ(check(&s), VK_SUCCESS);
}

static void test_refusals(void)
{
    struct session_info s;

    make_info(&s);
    s.ci.queueFamilyIndex = 0;
    CHECK_EQ(check(&s), VK_ERROR_VALIDATION_FAILED_EXT);

    make_info(&s);
    s.ci.flags = VK_VIDEO_SESSION_CREATE_PROTECTED_CONTENT_BIT_KHR;
    CHECK_EQ(check(&s), VK_ERROR_VALIDATION_FAILED_EXT);

    /* The profile's own codes, from vkv4l2_video_profile_check. */
    make_info(&s);
    s.profile.videoCodecOperation = VK_VIDEO_CODEC_OPERATION_DECODE_H265_BIT_KHR;
    CHECK_EQ(check(&s), VK_ERROR_VIDEO_PROFILE_CODEC_NOT_SUPPORTED_KHR);
    make_info(&s);
    s.profile.lumaBitDepth = VK_VIDEO_COMPONENT_BIT_DEPTH_10_BIT_KHR;
    CHECK_EQ(check(&s), VK_ERROR_VIDEO_PROFILE_FORMAT_NOT_SUPPORTED_KHR);
    make_info(&s);
    s.h264.stdProfileIdc = STD_VIDEO_H264_PROFILE_IDC_HIGH_444_PREDICTIVE;
    CHECK_EQ(check(&s), VK_ERROR_VIDEO_PROFILE_OPERATION_NOT_SUPPORTED_KHR);

    make_info(&s);
    s.ci.pictureFormat = VK_FORMAT_G8_B8_R8_3PLANE_420_UNORM;
    CHECK_EQ(check(&s), VK_ERROR_FORMAT_NOT_SUPPORTED);
    make_info(&s);
    s.ci.referencePictureFormat = VK_FORMAT_G10X6_B10X6R10X6_2PLANE_420_UNORM_3PACK16;
    CHECK_EQ(check(&s), VK_ERROR_FORMAT_NOT_SUPPORTED);

    make_info(&s);
    s.ci.maxDpbSlots = 18;
    CHECK_EQ(check(&s), VK_ERROR_VALIDATION_FAILED_EXT);
    make_info(&s);
    s.ci.maxActiveReferencePictures = 17;
    CHECK_EQ(check(&s), VK_ERROR_VALIDATION_FAILED_EXT);
    make_info(&s);
    s.ci.maxActiveReferencePictures = 0; /* slots without references */
    CHECK_EQ(check(&s), VK_ERROR_VALIDATION_FAILED_EXT);

    make_info(&s);
    s.ci.maxCodedExtent = (VkExtent2D){ 1920, 1089 };
    CHECK_EQ(check(&s), VK_ERROR_VALIDATION_FAILED_EXT);
    make_info(&s);
    s.ci.maxCodedExtent = (VkExtent2D){ 47, 480 };
    CHECK_EQ(check(&s), VK_ERROR_VALIDATION_FAILED_EXT);
}

static void test_std_header(void)
{
    struct session_info s;

    make_info(&s);
    s.std.specVersion = VK_MAKE_VIDEO_STD_VERSION(0, 9, 8); /* older: accepted */
    CHECK_EQ(check(&s), VK_SUCCESS);

    make_info(&s);
    s.std.specVersion = VK_STD_VULKAN_VIDEO_CODEC_H264_DECODE_SPEC_VERSION + 1;
    CHECK_EQ(check(&s), VK_ERROR_VIDEO_STD_VERSION_NOT_SUPPORTED_KHR);

    make_info(&s);
    strcpy(s.std.extensionName, "VK_STD_vulkan_video_codec_h265_decode");
    CHECK_EQ(check(&s), VK_ERROR_VIDEO_STD_VERSION_NOT_SUPPORTED_KHR);

    make_info(&s);
    s.ci.pStdHeaderVersion = NULL;
    CHECK_EQ(check(&s), VK_ERROR_VIDEO_STD_VERSION_NOT_SUPPORTED_KHR);
}

/* Decode output / DPB features on NV12 in optimal tiling only, and only
 * where a decoder was found. */
static void test_format_features(void)
{
    const VkFormatFeatureFlags2 both = VK_FORMAT_FEATURE_2_VIDEO_DECODE_OUTPUT_BIT_KHR |
                                       VK_FORMAT_FEATURE_2_VIDEO_DECODE_DPB_BIT_KHR;
    CHECK_EQ(vkv4l2_video_format_features(&support, VK_FORMAT_G8_B8R8_2PLANE_420_UNORM,
                                          VK_IMAGE_TILING_OPTIMAL), both);
    CHECK_EQ(vkv4l2_video_format_features(&support, VK_FORMAT_G8_B8R8_2PLANE_420_UNORM,
                                          VK_IMAGE_TILING_LINEAR), 0);
    CHECK_EQ(vkv4l2_video_format_features(&support, VK_FORMAT_G8_B8R8_2PLANE_420_UNORM,
                                          VK_IMAGE_TILING_DRM_FORMAT_MODIFIER_EXT), 0);
    CHECK_EQ(vkv4l2_video_format_features(&support, VK_FORMAT_G8_B8_R8_3PLANE_420_UNORM,
                                          VK_IMAGE_TILING_OPTIMAL), 0);
    CHECK_EQ(vkv4l2_video_format_features(&support, VK_FORMAT_R8_UNORM, VK_IMAGE_TILING_OPTIMAL), 0);
    const struct vkv4l2_video_support none = { .h264 = false };
    CHECK_EQ(vkv4l2_video_format_features(&none, VK_FORMAT_G8_B8R8_2PLANE_420_UNORM,
                                          VK_IMAGE_TILING_OPTIMAL), 0);
}

int main(void)
{
    RUN(test_valid_and_init);
    RUN(test_format_features);
    RUN(test_refusals);
    RUN(test_std_header);
    return check_failures ? 1 : 0;
}
