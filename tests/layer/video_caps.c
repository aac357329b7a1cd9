/* What an application sees of the added decode capability on lavapipe +
 * layer + decoder ("present"), and that it sees none of it without the
 * layer ("absent").  The expected coded extents are read from the decoder
 * itself through the V4L2 backend, not written down here.
 *   video_caps present|absent */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>
#include <vulkan/vulkan.h>

#include "caps.h"
#include "discover.h"
#include "probe.h"

static int failures;
static PFN_vkGetPhysicalDeviceVideoCapabilitiesKHR get_caps;
#define EXPECT(cond, ...)                                                        \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "video_caps: %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                        \
            fputc('\n', stderr);                                                 \
            failures++;                                                          \
        }                                                                        \
    } while (0)

static bool has_ext(VkPhysicalDevice pd, const char *name)
{
    uint32_t n = 0;
    vkEnumerateDeviceExtensionProperties(pd, NULL, &n, NULL);
    VkExtensionProperties *e = calloc(n, sizeof(*e));
    vkEnumerateDeviceExtensionProperties(pd, NULL, &n, e);
    bool found = false;
    for (uint32_t i = 0; i < n; i++)
        found |= !strcmp(e[i].extensionName, name);
    free(e);
    return found;
}

/* Index of the family with VIDEO_DECODE and H.264, or -1. */
static int decode_family(VkPhysicalDevice pd)
{
    uint32_t n = 0;
    vkGetPhysicalDeviceQueueFamilyProperties2(pd, &n, NULL);
    VkQueueFamilyProperties2 *p = calloc(n, sizeof(*p));
    VkQueueFamilyVideoPropertiesKHR *v = calloc(n, sizeof(*v));
    VkQueueFamilyQueryResultStatusPropertiesKHR *q = calloc(n, sizeof(*q));
    for (uint32_t i = 0; i < n; i++) {
        q[i].sType = VK_STRUCTURE_TYPE_QUEUE_FAMILY_QUERY_RESULT_STATUS_PROPERTIES_KHR;
        v[i].sType = VK_STRUCTURE_TYPE_QUEUE_FAMILY_VIDEO_PROPERTIES_KHR;
        v[i].pNext = &q[i];
        p[i].sType = VK_STRUCTURE_TYPE_QUEUE_FAMILY_PROPERTIES_2;
        p[i].pNext = &v[i];
    }
    vkGetPhysicalDeviceQueueFamilyProperties2(pd, &n, p);
    int found = -1;
    for (uint32_t i = 0; i < n; i++) {
        bool decode = p[i].queueFamilyProperties.queueFlags & VK_QUEUE_VIDEO_DECODE_BIT_KHR;
        if (decode) {
            EXPECT(v[i].videoCodecOperations == VK_VIDEO_CODEC_OPERATION_DECODE_H264_BIT_KHR,
                   "codec operations 0x%x", v[i].videoCodecOperations);
            EXPECT(q[i].queryResultStatusSupport, "no result status queries");
            EXPECT(p[i].queueFamilyProperties.queueCount == 1, "%u queues",
                   p[i].queueFamilyProperties.queueCount);
            found = (int)i;
        } else {
            EXPECT(v[i].videoCodecOperations == 0, "family %u claims video", i);
        }
    }
    free(p);
    free(v);
    free(q);
    return found;
}

static VkResult caps_for(VkPhysicalDevice pd, StdVideoH264ProfileIdc idc,
                         VkVideoCodecOperationFlagBitsKHR op, VkVideoComponentBitDepthFlagsKHR depth,
                         VkVideoCapabilitiesKHR *caps, VkVideoDecodeCapabilitiesKHR *dec,
                         VkVideoDecodeH264CapabilitiesKHR *h264)
{
    const VkVideoDecodeH264ProfileInfoKHR h264_profile = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PROFILE_INFO_KHR,
        .stdProfileIdc = idc,
        .pictureLayout = VK_VIDEO_DECODE_H264_PICTURE_LAYOUT_PROGRESSIVE_KHR,
    };
    const VkVideoProfileInfoKHR profile = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_PROFILE_INFO_KHR,
        .pNext = &h264_profile,
        .videoCodecOperation = op,
        .chromaSubsampling = VK_VIDEO_CHROMA_SUBSAMPLING_420_BIT_KHR,
        .lumaBitDepth = depth,
        .chromaBitDepth = depth,
    };
    *h264 = (VkVideoDecodeH264CapabilitiesKHR){ .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_CAPABILITIES_KHR };
    *dec = (VkVideoDecodeCapabilitiesKHR){ .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_CAPABILITIES_KHR, .pNext = h264 };
    *caps = (VkVideoCapabilitiesKHR){ .sType = VK_STRUCTURE_TYPE_VIDEO_CAPABILITIES_KHR, .pNext = dec };
    return get_caps(pd, &profile, caps);
}

/* NV12's decode output / DPB features as an application sees them (both
 * query entry points, VkFormatProperties3 included): in optimal tiling
 * exactly when decode is present, never in linear tiling. */
static void check_format_features(VkPhysicalDevice pd, bool present)
{
    const VkFormat nv12 = VK_FORMAT_G8_B8R8_2PLANE_420_UNORM;
    const VkFormatFeatureFlags want = VK_FORMAT_FEATURE_VIDEO_DECODE_OUTPUT_BIT_KHR |
                                      VK_FORMAT_FEATURE_VIDEO_DECODE_DPB_BIT_KHR;
    VkFormatProperties fp;
    vkGetPhysicalDeviceFormatProperties(pd, nv12, &fp);
    EXPECT(((fp.optimalTilingFeatures & want) == want) == present &&
               !(fp.optimalTilingFeatures & want) == !present,
           "optimal features 0x%x", fp.optimalTilingFeatures);
    EXPECT(!(fp.linearTilingFeatures & want), "linear features 0x%x", fp.linearTilingFeatures);
    VkFormatProperties3 fp3 = { .sType = VK_STRUCTURE_TYPE_FORMAT_PROPERTIES_3 };
    VkFormatProperties2 fp2 = { .sType = VK_STRUCTURE_TYPE_FORMAT_PROPERTIES_2, .pNext = &fp3 };
    vkGetPhysicalDeviceFormatProperties2(pd, nv12, &fp2);
    EXPECT(fp2.formatProperties.optimalTilingFeatures == fp.optimalTilingFeatures,
           "FormatProperties2 0x%x", fp2.formatProperties.optimalTilingFeatures);
    EXPECT(((fp3.optimalTilingFeatures & want) == want) == present &&
               !(fp3.optimalTilingFeatures & want) == !present,
           "FormatProperties3 0x%llx", (unsigned long long)fp3.optimalTilingFeatures);
    /* Other formats are the driver's, untouched. */
    vkGetPhysicalDeviceFormatProperties(pd, VK_FORMAT_R8_UNORM, &fp);
    EXPECT(!(fp.optimalTilingFeatures & want), "R8 0x%x", fp.optimalTilingFeatures);
}

int main(int argc, char **argv)
{
    bool present = argc > 1 && !strcmp(argv[1], "present");
    const VkApplicationInfo app = { .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
                                    .apiVersion = VK_API_VERSION_1_3 };
    const VkInstanceCreateInfo ici = { .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
                                       .pApplicationInfo = &app };
    VkInstance inst;
    if (vkCreateInstance(&ici, NULL, &inst) != VK_SUCCESS)
        return 1;
    get_caps = (PFN_vkGetPhysicalDeviceVideoCapabilitiesKHR)vkGetInstanceProcAddr(
        inst, "vkGetPhysicalDeviceVideoCapabilitiesKHR");
    uint32_t n = 1;
    VkPhysicalDevice pd;
    vkEnumeratePhysicalDevices(inst, &n, &pd);

    const char *exts[] = { VK_KHR_VIDEO_QUEUE_EXTENSION_NAME,
                           VK_KHR_VIDEO_DECODE_QUEUE_EXTENSION_NAME,
                           VK_KHR_VIDEO_DECODE_H264_EXTENSION_NAME };
    for (int i = 0; i < 3; i++)
        EXPECT(has_ext(pd, exts[i]) == present, "%s %s", exts[i], present ? "missing" : "present");
    int family = decode_family(pd);
    EXPECT((family >= 0) == present, "decode family %d", family);
    check_format_features(pd, present);

    if (present) {
        EXPECT(get_caps != NULL, "no vkGetPhysicalDeviceVideoCapabilitiesKHR");
        if (!get_caps)
            return 1;
        /* The expected limits, from the decoder itself. */
        struct vkv4l2_decoder_list list;
        struct vkv4l2_probe_result probe;
        struct vkv4l2_err err = { 0 };
        EXPECT(vkv4l2_discover(&list, &err) == 0, "discovery: %s", err.what);
        EXPECT(vkv4l2_probe(list.nodes[0].video_path, &probe, &err) == 0, "probe: %s", err.what);
        const struct vkv4l2_decoder_caps *dc = vkv4l2_probe_find_codec(&probe, V4L2_PIX_FMT_H264_SLICE);
        EXPECT(dc && dc->sizes.known, "no frame sizes from the decoder");

        VkVideoCapabilitiesKHR caps;
        VkVideoDecodeCapabilitiesKHR dec;
        VkVideoDecodeH264CapabilitiesKHR h264;
        const StdVideoH264ProfileIdc ok[] = { STD_VIDEO_H264_PROFILE_IDC_BASELINE,
                                              STD_VIDEO_H264_PROFILE_IDC_MAIN,
                                              STD_VIDEO_H264_PROFILE_IDC_HIGH };
        for (int i = 0; i < 3; i++) {
            VkResult r = caps_for(pd, ok[i], VK_VIDEO_CODEC_OPERATION_DECODE_H264_BIT_KHR,
                                  VK_VIDEO_COMPONENT_BIT_DEPTH_8_BIT_KHR, &caps, &dec, &h264);
            EXPECT(r == VK_SUCCESS, "profile %d: %d", ok[i], r);
            EXPECT(caps.maxDpbSlots == 17 && caps.maxActiveReferencePictures == 16,
                   "dpb %u/%u", caps.maxDpbSlots, caps.maxActiveReferencePictures);
            EXPECT(caps.flags & VK_VIDEO_CAPABILITY_SEPARATE_REFERENCE_IMAGES_BIT_KHR, "flags");
            EXPECT(dec.flags == VK_VIDEO_DECODE_CAPABILITY_DPB_AND_OUTPUT_COINCIDE_BIT_KHR,
                   "decode flags 0x%x", dec.flags);
            EXPECT(h264.maxLevelIdc == STD_VIDEO_H264_LEVEL_IDC_5_1, "level %d", h264.maxLevelIdc);
            EXPECT(!strcmp(caps.stdHeaderVersion.extensionName,
                           VK_STD_VULKAN_VIDEO_CODEC_H264_DECODE_EXTENSION_NAME) &&
                       caps.stdHeaderVersion.specVersion ==
                           VK_STD_VULKAN_VIDEO_CODEC_H264_DECODE_SPEC_VERSION,
                   "std header %s", caps.stdHeaderVersion.extensionName);
            if (dc)
                EXPECT(caps.minCodedExtent.width == dc->sizes.min_width &&
                           caps.minCodedExtent.height == dc->sizes.min_height &&
                           caps.maxCodedExtent.width == dc->sizes.max_width &&
                           caps.maxCodedExtent.height == dc->sizes.max_height,
                       "extent %ux%u..%ux%u", caps.minCodedExtent.width,
                       caps.minCodedExtent.height, caps.maxCodedExtent.width,
                       caps.maxCodedExtent.height);
        }
        EXPECT(caps_for(pd, STD_VIDEO_H264_PROFILE_IDC_HIGH_444_PREDICTIVE,
                        VK_VIDEO_CODEC_OPERATION_DECODE_H264_BIT_KHR,
                        VK_VIDEO_COMPONENT_BIT_DEPTH_8_BIT_KHR, &caps, &dec, &h264) ==
                   VK_ERROR_VIDEO_PROFILE_OPERATION_NOT_SUPPORTED_KHR,
               "High 4:4:4 accepted");
        EXPECT(caps_for(pd, STD_VIDEO_H264_PROFILE_IDC_HIGH,
                        VK_VIDEO_CODEC_OPERATION_DECODE_H264_BIT_KHR,
                        VK_VIDEO_COMPONENT_BIT_DEPTH_10_BIT_KHR, &caps, &dec, &h264) ==
                   VK_ERROR_VIDEO_PROFILE_FORMAT_NOT_SUPPORTED_KHR,
               "10-bit accepted");
        EXPECT(caps_for(pd, STD_VIDEO_H264_PROFILE_IDC_HIGH,
                        VK_VIDEO_CODEC_OPERATION_DECODE_H265_BIT_KHR,
                        VK_VIDEO_COMPONENT_BIT_DEPTH_8_BIT_KHR, &caps, &dec, &h264) ==
                   VK_ERROR_VIDEO_PROFILE_CODEC_NOT_SUPPORTED_KHR,
               "H.265 accepted");
    }
    vkDestroyInstance(inst, NULL);
    if (failures)
        return 1;
    printf("video_caps: decode capability %s as expected\n", present ? "present" : "absent");
    return 0;
}
