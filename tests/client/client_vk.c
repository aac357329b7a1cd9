/* Instance and device the way FFmpeg makes them for Vulkan Video decode:
 * API 1.3, the video extensions, the graphics family and the decode family
 * (the layer's), timeline semaphores and synchronization2. */
#include <stdlib.h>
#include <string.h>

#include "client.h"

const VkVideoDecodeH264ProfileInfoKHR client_h264_profile = {
    .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PROFILE_INFO_KHR,
    .stdProfileIdc = STD_VIDEO_H264_PROFILE_IDC_HIGH,
    .pictureLayout = VK_VIDEO_DECODE_H264_PICTURE_LAYOUT_PROGRESSIVE_KHR,
};
const VkVideoProfileInfoKHR client_profile = {
    .sType = VK_STRUCTURE_TYPE_VIDEO_PROFILE_INFO_KHR,
    .pNext = &client_h264_profile,
    .videoCodecOperation = VK_VIDEO_CODEC_OPERATION_DECODE_H264_BIT_KHR,
    .chromaSubsampling = VK_VIDEO_CHROMA_SUBSAMPLING_420_BIT_KHR,
    .lumaBitDepth = VK_VIDEO_COMPONENT_BIT_DEPTH_8_BIT_KHR,
    .chromaBitDepth = VK_VIDEO_COMPONENT_BIT_DEPTH_8_BIT_KHR,
};
const VkVideoProfileListInfoKHR client_profile_list = {
    .sType = VK_STRUCTURE_TYPE_VIDEO_PROFILE_LIST_INFO_KHR,
    .profileCount = 1,
    .pProfiles = &client_profile,
};

static int pick_families(struct client_vk *vk)
{
    VkQueueFamilyProperties2 fams[8];
    VkQueueFamilyVideoPropertiesKHR video[8];
    uint32_t n = 8;
    for (uint32_t i = 0; i < n; i++) {
        video[i] = (VkQueueFamilyVideoPropertiesKHR){
            .sType = VK_STRUCTURE_TYPE_QUEUE_FAMILY_VIDEO_PROPERTIES_KHR};
        fams[i] = (VkQueueFamilyProperties2){
            .sType = VK_STRUCTURE_TYPE_QUEUE_FAMILY_PROPERTIES_2, .pNext = &video[i]};
    }
    vkGetPhysicalDeviceQueueFamilyProperties2(vk->phys, &n, fams);
    vk->gfx_family = vk->decode_family = UINT32_MAX;
    for (uint32_t i = 0; i < n; i++) {
        VkQueueFlags f = fams[i].queueFamilyProperties.queueFlags;
        if ((f & VK_QUEUE_GRAPHICS_BIT) && vk->gfx_family == UINT32_MAX)
            vk->gfx_family = i;
        if ((f & VK_QUEUE_VIDEO_DECODE_BIT_KHR) &&
            (video[i].videoCodecOperations & VK_VIDEO_CODEC_OPERATION_DECODE_H264_BIT_KHR))
            vk->decode_family = i;
    }
    if (vk->gfx_family == UINT32_MAX)
        CLIENT_FAIL(-1, "no graphics queue family");
    if (vk->decode_family == UINT32_MAX || vk->decode_family == vk->gfx_family)
        CLIENT_FAIL(-1, "no H.264 decode queue family: is the layer active on the emulator?");
    return 0;
}

#define LOAD(name) \
    (vk->name = (PFN_vk##name##KHR)vkGetDeviceProcAddr(vk->dev, "vk" #name "KHR"))

int client_vk_init(struct client_vk *vk)
{
    const VkApplicationInfo app = {
        .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO, .pApplicationName = "vkv4l2-test-client",
        .apiVersion = VK_API_VERSION_1_3};
    const VkInstanceCreateInfo ici = {
        .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO, .pApplicationInfo = &app};
    CLIENT_VK(vkCreateInstance(&ici, NULL, &vk->instance));
    uint32_t n = 1;
    VkResult r = vkEnumeratePhysicalDevices(vk->instance, &n, &vk->phys);
    if ((r != VK_SUCCESS && r != VK_INCOMPLETE) || !n)
        CLIENT_FAIL(-1, "no physical device");
    vkGetPhysicalDeviceMemoryProperties(vk->phys, &vk->mem_props);
    if (pick_families(vk))
        return -1;

    const char *exts[] = { VK_KHR_VIDEO_QUEUE_EXTENSION_NAME,
                           VK_KHR_VIDEO_DECODE_QUEUE_EXTENSION_NAME,
                           VK_KHR_VIDEO_DECODE_H264_EXTENSION_NAME };
    const float prio = 1.0f;
    const VkDeviceQueueCreateInfo qci[2] = {
        { .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO, .queueFamilyIndex = vk->gfx_family,
          .queueCount = 1, .pQueuePriorities = &prio },
        { .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
          .queueFamilyIndex = vk->decode_family, .queueCount = 1, .pQueuePriorities = &prio },
    };
    VkPhysicalDeviceVulkan13Features f13 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES, .synchronization2 = VK_TRUE};
    VkPhysicalDeviceVulkan12Features f12 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES, .pNext = &f13,
        .timelineSemaphore = VK_TRUE, .hostQueryReset = VK_TRUE};
    const VkDeviceCreateInfo dci = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, .pNext = &f12, .queueCreateInfoCount = 2,
        .pQueueCreateInfos = qci, .enabledExtensionCount = 3, .ppEnabledExtensionNames = exts};
    CLIENT_VK(vkCreateDevice(vk->phys, &dci, NULL, &vk->dev));
    vkGetDeviceQueue(vk->dev, vk->gfx_family, 0, &vk->gfx_queue);
    vkGetDeviceQueue(vk->dev, vk->decode_family, 0, &vk->decode_queue);
    if (!LOAD(CreateVideoSession) || !LOAD(DestroyVideoSession) ||
        !LOAD(GetVideoSessionMemoryRequirements) || !LOAD(BindVideoSessionMemory) ||
        !LOAD(CreateVideoSessionParameters) || !LOAD(DestroyVideoSessionParameters) ||
        !LOAD(CmdBeginVideoCoding) || !LOAD(CmdEndVideoCoding) || !LOAD(CmdControlVideoCoding) ||
        !LOAD(CmdDecodeVideo))
        CLIENT_FAIL(-1, "a video entry point is missing");
    pthread_mutex_init(&vk->gfx_lock, NULL);
    pthread_mutex_init(&vk->decode_lock, NULL);
    return 0;
}

void client_vk_fini(struct client_vk *vk)
{
    if (vk->dev) {
        vkDeviceWaitIdle(vk->dev);
        vkDestroyDevice(vk->dev, NULL);
        pthread_mutex_destroy(&vk->gfx_lock);
        pthread_mutex_destroy(&vk->decode_lock);
    }
    if (vk->instance)
        vkDestroyInstance(vk->instance, NULL);
    memset(vk, 0, sizeof(*vk));
}

int client_vk_memory_type(const struct client_vk *vk, uint32_t bits, VkMemoryPropertyFlags want)
{
    for (uint32_t i = 0; i < vk->mem_props.memoryTypeCount; i++)
        if ((bits & (1u << i)) && (vk->mem_props.memoryTypes[i].propertyFlags & want) == want)
            return (int)i;
    return -1;
}

VkResult client_vk_submit(struct client_vk *vk, bool decode, const VkSubmitInfo2 *info,
                          VkFence fence)
{
    pthread_mutex_t *lock = decode ? &vk->decode_lock : &vk->gfx_lock;
    pthread_mutex_lock(lock);
    VkResult r = vkQueueSubmit2(decode ? vk->decode_queue : vk->gfx_queue, 1, info, fence);
    pthread_mutex_unlock(lock);
    return r;
}
