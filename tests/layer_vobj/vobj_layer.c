/* The video objects through the loader and the real layer on lavapipe (the
 * emulated decoder makes the layer add video): sessions, parameters and
 * query pools, as FFmpeg creates them, plus pass-through of driver pools.
 *
 *   vobj_layer [valid-only]
 * With valid-only, the Khronos validation layer is enabled (the loader
 * places it below ours, so it sees what reaches the driver), the
 * invalid-usage cases are skipped, and any validation error reported
 * through VK_EXT_debug_utils fails the run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vulkan/vulkan.h>
#include <vk_video/vulkan_video_codec_h264std_decode.h>

static int failures, validation_errors;

#define EXPECT(expr, want)                                                               \
    do {                                                                                 \
        VkResult r_ = (expr);                                                            \
        if (r_ != (want)) {                                                              \
            fprintf(stderr, "vobj_layer:%d: %s = %d, expected %d\n", __LINE__, #expr, r_, \
                    (int)(want));                                                        \
            failures++;                                                                  \
        }                                                                                \
    } while (0)

static VKAPI_ATTR VkBool32 VKAPI_CALL on_message(VkDebugUtilsMessageSeverityFlagBitsEXT sev,
                                                 VkDebugUtilsMessageTypeFlagsEXT type,
                                                 const VkDebugUtilsMessengerCallbackDataEXT *d,
                                                 void *user)
{
    if ((sev & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) &&
        !(d->pMessageIdName && !strcmp(d->pMessageIdName, "vkv4l2"))) {
        validation_errors++;
        fprintf(stderr, "vobj_layer: validation: %s\n", d->pMessage);
    }
    return VK_FALSE;
}

static uint32_t find_decode_family(VkPhysicalDevice pd)
{
    uint32_t n = 0;
    vkGetPhysicalDeviceQueueFamilyProperties2(pd, &n, NULL);
    VkQueueFamilyProperties2 props[16];
    VkQueueFamilyVideoPropertiesKHR video[16];
    n = n > 16 ? 16 : n;
    for (uint32_t i = 0; i < n; i++) {
        video[i] = (VkQueueFamilyVideoPropertiesKHR){ VK_STRUCTURE_TYPE_QUEUE_FAMILY_VIDEO_PROPERTIES_KHR };
        props[i] = (VkQueueFamilyProperties2){ VK_STRUCTURE_TYPE_QUEUE_FAMILY_PROPERTIES_2, &video[i] };
    }
    vkGetPhysicalDeviceQueueFamilyProperties2(pd, &n, props);
    for (uint32_t i = 0; i < n; i++) {
        if ((props[i].queueFamilyProperties.queueFlags & VK_QUEUE_VIDEO_DECODE_BIT_KHR) &&
            (video[i].videoCodecOperations & VK_VIDEO_CODEC_OPERATION_DECODE_H264_BIT_KHR))
            return i;
    }
    return UINT32_MAX;
}

int main(int argc, char **argv)
{
    const int valid_only = argc > 1 && !strcmp(argv[1], "valid-only");
    const VkApplicationInfo app = { .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
                                    .apiVersion = VK_API_VERSION_1_3 };
    const char *inst_ext[] = { VK_EXT_DEBUG_UTILS_EXTENSION_NAME };
    const VkDebugUtilsMessengerCreateInfoEXT messenger = {
        .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
        .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
        .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT,
        .pfnUserCallback = on_message,
    };
    const char *validation = "VK_LAYER_KHRONOS_validation";
    const VkInstanceCreateInfo ici = { .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
                                       .pNext = &messenger, .pApplicationInfo = &app,
                                       .enabledLayerCount = valid_only ? 1 : 0,
                                       .ppEnabledLayerNames = &validation,
                                       .enabledExtensionCount = 1,
                                       .ppEnabledExtensionNames = inst_ext };
    VkInstance inst;
    if (vkCreateInstance(&ici, NULL, &inst) != VK_SUCCESS) {
        fprintf(stderr, "vobj_layer: no instance\n");
        return 1;
    }
    /* The chained create info covers vkCreateInstance only. */
    PFN_vkCreateDebugUtilsMessengerEXT create_messenger = (PFN_vkCreateDebugUtilsMessengerEXT)
        vkGetInstanceProcAddr(inst, "vkCreateDebugUtilsMessengerEXT");
    PFN_vkDestroyDebugUtilsMessengerEXT destroy_messenger = (PFN_vkDestroyDebugUtilsMessengerEXT)
        vkGetInstanceProcAddr(inst, "vkDestroyDebugUtilsMessengerEXT");
    VkDebugUtilsMessengerEXT msgr = VK_NULL_HANDLE;
    if (!create_messenger || create_messenger(inst, &messenger, NULL, &msgr) != VK_SUCCESS) {
        fprintf(stderr, "vobj_layer: no debug messenger\n");
        return 1;
    }
    uint32_t npd = 1;
    VkPhysicalDevice pd;
    vkEnumeratePhysicalDevices(inst, &npd, &pd);
    uint32_t family = npd ? find_decode_family(pd) : UINT32_MAX;
    if (family == UINT32_MAX) {
        fprintf(stderr, "vobj_layer: no H.264 decode queue family (layer or emulator missing)\n");
        return 1;
    }

    const float prio = 1.0f;
    const VkDeviceQueueCreateInfo queues[2] = {
        { .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO, .queueFamilyIndex = 0,
          .queueCount = 1, .pQueuePriorities = &prio },
        { .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO, .queueFamilyIndex = family,
          .queueCount = 1, .pQueuePriorities = &prio },
    };
    const char *dev_ext[] = { VK_KHR_VIDEO_QUEUE_EXTENSION_NAME,
                              VK_KHR_VIDEO_DECODE_QUEUE_EXTENSION_NAME,
                              VK_KHR_VIDEO_DECODE_H264_EXTENSION_NAME };
    VkPhysicalDeviceVulkan12Features f12 = { .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
                                             .hostQueryReset = VK_TRUE };
    const VkDeviceCreateInfo dci = { .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, .pNext = &f12,
                                     .queueCreateInfoCount = 2, .pQueueCreateInfos = queues,
                                     .enabledExtensionCount = 3, .ppEnabledExtensionNames = dev_ext };
    VkDevice dev;
    if (vkCreateDevice(pd, &dci, NULL, &dev) != VK_SUCCESS) {
        fprintf(stderr, "vobj_layer: no device\n");
        return 1;
    }
#define LOAD(name) PFN_vk##name name = (PFN_vk##name)vkGetDeviceProcAddr(dev, "vk" #name)
    LOAD(CreateVideoSessionKHR);
    LOAD(DestroyVideoSessionKHR);
    LOAD(GetVideoSessionMemoryRequirementsKHR);
    LOAD(BindVideoSessionMemoryKHR);
    LOAD(CreateVideoSessionParametersKHR);
    LOAD(UpdateVideoSessionParametersKHR);
    LOAD(DestroyVideoSessionParametersKHR);
    if (!CreateVideoSessionKHR || !UpdateVideoSessionParametersKHR) {
        fprintf(stderr, "vobj_layer: video entry points missing\n");
        return 1;
    }

    /* The profile and session FFmpeg asks for. */
    VkVideoDecodeH264ProfileInfoKHR h264 = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PROFILE_INFO_KHR,
        .stdProfileIdc = STD_VIDEO_H264_PROFILE_IDC_HIGH,
        .pictureLayout = VK_VIDEO_DECODE_H264_PICTURE_LAYOUT_PROGRESSIVE_KHR,
    };
    VkVideoProfileInfoKHR profile = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_PROFILE_INFO_KHR, .pNext = &h264,
        .videoCodecOperation = VK_VIDEO_CODEC_OPERATION_DECODE_H264_BIT_KHR,
        .chromaSubsampling = VK_VIDEO_CHROMA_SUBSAMPLING_420_BIT_KHR,
        .lumaBitDepth = VK_VIDEO_COMPONENT_BIT_DEPTH_8_BIT_KHR,
        .chromaBitDepth = VK_VIDEO_COMPONENT_BIT_DEPTH_8_BIT_KHR,
    };
    VkVideoDecodeH264CapabilitiesKHR h264_caps = { VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_CAPABILITIES_KHR };
    VkVideoDecodeCapabilitiesKHR dec_caps = { VK_STRUCTURE_TYPE_VIDEO_DECODE_CAPABILITIES_KHR, &h264_caps };
    VkVideoCapabilitiesKHR caps = { VK_STRUCTURE_TYPE_VIDEO_CAPABILITIES_KHR, &dec_caps };
    PFN_vkGetPhysicalDeviceVideoCapabilitiesKHR get_caps = (PFN_vkGetPhysicalDeviceVideoCapabilitiesKHR)
        vkGetInstanceProcAddr(inst, "vkGetPhysicalDeviceVideoCapabilitiesKHR");
    EXPECT(get_caps(pd, &profile, &caps), VK_SUCCESS);

    VkExtensionProperties std = caps.stdHeaderVersion;
    VkVideoSessionCreateInfoKHR sci = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_SESSION_CREATE_INFO_KHR,
        .queueFamilyIndex = family, .pVideoProfile = &profile,
        .pictureFormat = VK_FORMAT_G8_B8R8_2PLANE_420_UNORM,
        .maxCodedExtent = caps.maxCodedExtent,
        .referencePictureFormat = VK_FORMAT_G8_B8R8_2PLANE_420_UNORM,
        .maxDpbSlots = caps.maxDpbSlots,
        .maxActiveReferencePictures = caps.maxActiveReferencePictures,
        .pStdHeaderVersion = &std,
    };
    VkVideoSessionKHR session = VK_NULL_HANDLE;
    EXPECT(CreateVideoSessionKHR(dev, &sci, NULL, &session), VK_SUCCESS);
    /* One small binding (so that clients binding what they got never pass
     * an empty list, which is invalid usage), never used by the layer. */
    uint32_t nreq = 99;
    EXPECT(GetVideoSessionMemoryRequirementsKHR(dev, session, &nreq, NULL), VK_SUCCESS);
    VkVideoSessionMemoryRequirementsKHR req = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_SESSION_MEMORY_REQUIREMENTS_KHR,
    };
    if (nreq != 1) {
        fprintf(stderr, "vobj_layer: %u session memory bindings, expected 1\n", nreq);
        failures++;
    } else {
        EXPECT(GetVideoSessionMemoryRequirementsKHR(dev, session, &nreq, &req), VK_SUCCESS);
        if (req.memoryBindIndex != 0 || !req.memoryRequirements.size ||
            !req.memoryRequirements.memoryTypeBits) {
            fprintf(stderr, "vobj_layer: bad session memory requirement\n");
            failures++;
        }
    }
    VkDeviceMemory session_mem = VK_NULL_HANDLE;
    if (nreq == 1) {
        uint32_t type = (uint32_t)__builtin_ctz(req.memoryRequirements.memoryTypeBits);
        const VkMemoryAllocateInfo mai = {
            .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
            .allocationSize = req.memoryRequirements.size,
            .memoryTypeIndex = type,
        };
        EXPECT(vkAllocateMemory(dev, &mai, NULL, &session_mem), VK_SUCCESS);
        const VkBindVideoSessionMemoryInfoKHR bind = {
            .sType = VK_STRUCTURE_TYPE_BIND_VIDEO_SESSION_MEMORY_INFO_KHR,
            .memoryBindIndex = 0,
            .memory = session_mem,
            .memorySize = req.memoryRequirements.size,
        };
        EXPECT(BindVideoSessionMemoryKHR(dev, session, 1, &bind), VK_SUCCESS);
    }
    if (!valid_only) {
        std.specVersion++;
        VkVideoSessionKHR bad;
        EXPECT(CreateVideoSessionKHR(dev, &sci, NULL, &bad), VK_ERROR_VIDEO_STD_VERSION_NOT_SUPPORTED_KHR);
        std.specVersion--;
    }

    StdVideoH264SequenceParameterSet sps = {
        .flags.frame_mbs_only_flag = 1, .profile_idc = STD_VIDEO_H264_PROFILE_IDC_HIGH,
        .level_idc = STD_VIDEO_H264_LEVEL_IDC_4_1, .chroma_format_idc = 1,
        .pic_width_in_mbs_minus1 = 119, .pic_height_in_map_units_minus1 = 67,
        .max_num_ref_frames = 4,
    };
    StdVideoH264PictureParameterSet pps = { .flags.entropy_coding_mode_flag = 1 };
    VkVideoDecodeH264SessionParametersAddInfoKHR add = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_SESSION_PARAMETERS_ADD_INFO_KHR,
        .stdSPSCount = 1, .pStdSPSs = &sps, .stdPPSCount = 1, .pStdPPSs = &pps,
    };
    VkVideoDecodeH264SessionParametersCreateInfoKHR h264_pci = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_SESSION_PARAMETERS_CREATE_INFO_KHR,
        .maxStdSPSCount = 2, .maxStdPPSCount = 2, .pParametersAddInfo = &add,
    };
    VkVideoSessionParametersCreateInfoKHR pci = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_SESSION_PARAMETERS_CREATE_INFO_KHR,
        .pNext = &h264_pci, .videoSession = session,
    };
    VkVideoSessionParametersKHR params = VK_NULL_HANDLE;
    EXPECT(CreateVideoSessionParametersKHR(dev, &pci, NULL, &params), VK_SUCCESS);
    pps.pic_parameter_set_id = 1;
    add.stdSPSCount = 0;
    VkVideoSessionParametersUpdateInfoKHR upd = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_SESSION_PARAMETERS_UPDATE_INFO_KHR,
        .pNext = &add, .updateSequenceCount = 1,
    };
    EXPECT(UpdateVideoSessionParametersKHR(dev, params, &upd), VK_SUCCESS);
    if (!valid_only)
        EXPECT(UpdateVideoSessionParametersKHR(dev, params, &upd), VK_ERROR_VALIDATION_FAILED_EXT);

    /* A status pool of the layer, and a driver pool that names the profile
     * (the layer scrubs it before lavapipe sees it). */
    VkQueryPoolCreateInfo qci = { .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
                                  .pNext = &profile,
                                  .queryType = VK_QUERY_TYPE_RESULT_STATUS_ONLY_KHR,
                                  .queryCount = 4 };
    VkQueryPool status_pool = VK_NULL_HANDLE, ts_pool = VK_NULL_HANDLE;
    EXPECT(vkCreateQueryPool(dev, &qci, NULL, &status_pool), VK_SUCCESS);
    vkResetQueryPool(dev, status_pool, 0, 4);
    int64_t status[4] = { 5, 5, 5, 5 };
    EXPECT(vkGetQueryPoolResults(dev, status_pool, 0, 4, sizeof(status), status, 8,
                                 VK_QUERY_RESULT_WITH_STATUS_BIT_KHR | VK_QUERY_RESULT_64_BIT),
           VK_NOT_READY);
    if (status[0] != 0 || status[3] != 0) {
        fprintf(stderr, "vobj_layer: reset queries report status %lld/%lld, expected 0\n",
                (long long)status[0], (long long)status[3]);
        failures++;
    }
    /* Valid usage: VkVideoProfileInfoKHR extends VkQueryPoolCreateInfo.  A
     * validation layer below ours (the loader's order here) flags it if it
     * reaches the driver, which has no video extension enabled. */
    qci.queryType = VK_QUERY_TYPE_TIMESTAMP;
    qci.pNext = &profile;
    EXPECT(vkCreateQueryPool(dev, &qci, NULL, &ts_pool), VK_SUCCESS);
    vkResetQueryPool(dev, ts_pool, 0, 4);
    uint64_t ts[4];
    EXPECT(vkGetQueryPoolResults(dev, ts_pool, 0, 4, sizeof(ts), ts, 8, VK_QUERY_RESULT_64_BIT),
           VK_NOT_READY);
    vkDestroyQueryPool(dev, ts_pool, NULL);
    vkDestroyQueryPool(dev, status_pool, NULL);
    DestroyVideoSessionParametersKHR(dev, params, NULL);
    DestroyVideoSessionKHR(dev, session, NULL);
    vkFreeMemory(dev, session_mem, NULL);
    vkDestroyDevice(dev, NULL);
    destroy_messenger(inst, msgr, NULL);
    vkDestroyInstance(inst, NULL);

    if (valid_only && validation_errors)
        failures++;
    printf("vobj_layer: %s (%d failures, %d validation errors)\n",
           failures ? "FAIL" : "ok", failures, validation_errors);
    return failures ? 1 : 0;
}
