/* Test harness: lavapipe + validation below a hand-made vkv4l2 device. */
#include "wsi_vk.h"

#include <string.h>

#include "discover.h"
#include "image.h"
#include "sys.h"

struct wsi_vk *wsi_vk_current;
int wsi_vk_validation_errors;

/* The layer's entry points find their device through this. */
struct vkv4l2_device *vkv4l2_device_get(const void *dispatchable)
{
    (void)dispatchable;
    return &wsi_vk_current->dev;
}

/* The decode executor's hook (the lead's code): nothing runs here. */
void vkv4l2_image_destroyed_hook(struct vkv4l2_device *dev, struct vkv4l2_image *img)
{
    (void)dev;
    (void)img;
}

static VKAPI_ATTR VkBool32 VKAPI_CALL on_message(VkDebugUtilsMessageSeverityFlagBitsEXT sev,
                                                 VkDebugUtilsMessageTypeFlagsEXT type,
                                                 const VkDebugUtilsMessengerCallbackDataEXT *d,
                                                 void *user)
{
    (void)type;
    (void)user;
    if (sev & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) {
        wsi_vk_validation_errors++;
        fprintf(stderr, "validation error (below the layer): %s\n", d->pMessage);
    }
    return VK_FALSE;
}

static bool has_ext(VkPhysicalDevice pd, const char *name)
{
    VkExtensionProperties props[512];
    uint32_t n = 512;
    vkEnumerateDeviceExtensionProperties(pd, NULL, &n, props);
    for (uint32_t i = 0; i < n; i++)
        if (!strcmp(props[i].extensionName, name))
            return true;
    return false;
}

int wsi_vk_init(struct wsi_vk *vk)
{
    memset(vk, 0, sizeof(*vk));
    wsi_vk_current = vk;
    int ret = vkv4l2_sys_init();
    if (ret < 0 || strcmp(vkv4l2_sys_backend_name(), "emulator"))
        FAIL("the emulated decoder is not selected (VKV4L2_EMULATOR): %d", ret);
    struct vkv4l2_decoder_list list;
    struct vkv4l2_err err = {0};
    if ((ret = vkv4l2_discover(&list, &err)) < 0)
        FAIL("discover: %s", err.what);
    vk->pd.h264_node = list.nodes[0];

    const VkDebugUtilsMessengerCreateInfoEXT msg = {
        .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
        .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
        .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT,
        .pfnUserCallback = on_message,
    };
    const VkApplicationInfo app = {
        .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO, .apiVersion = VK_API_VERSION_1_3};
    const char *layers[] = { "VK_LAYER_KHRONOS_validation" };
    const char *iexts[] = { VK_EXT_DEBUG_UTILS_EXTENSION_NAME };
    const VkInstanceCreateInfo ici = {
        .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO, .pNext = &msg,
        .pApplicationInfo = &app, .enabledLayerCount = 1, .ppEnabledLayerNames = layers,
        .enabledExtensionCount = 1, .ppEnabledExtensionNames = iexts};
    VK_CHECK(vkCreateInstance(&ici, NULL, &vk->inst.handle));
    vkuInitInstanceDispatchTable(vk->inst.handle, &vk->inst.vtbl, vkGetInstanceProcAddr);

    uint32_t n = 1;
    VkPhysicalDevice phys;
    VkResult r = vkEnumeratePhysicalDevices(vk->inst.handle, &n, &phys);
    if ((r != VK_SUCCESS && r != VK_INCOMPLETE) || n == 0)
        FAIL("no physical device");
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(phys, &props);
    vkGetPhysicalDeviceMemoryProperties(phys, &vk->mem_props);
    vkGetPhysicalDeviceQueueFamilyProperties(phys, &vk->pd.driver_family_count, NULL);
    vk->pd.handle = phys;
    vk->pd.inst = &vk->inst;
    vk->pd.video = true;
    vk->pd.decode_family = vk->pd.driver_family_count;
    vk->pd.driver_api_version = props.apiVersion;
    vk->pd.has_modifier_ext = has_ext(phys, VK_EXT_IMAGE_DRM_FORMAT_MODIFIER_EXTENSION_NAME);
    printf("driver: %s, %u queue families, modifier extension: %s\n", props.deviceName,
           vk->pd.driver_family_count, vk->pd.has_modifier_ext ? "yes" : "no");

    /* What the lead's device creation enables for the import path. */
    const char *exts[3] = { VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME,
                            VK_EXT_EXTERNAL_MEMORY_DMA_BUF_EXTENSION_NAME,
                            VK_EXT_IMAGE_DRM_FORMAT_MODIFIER_EXTENSION_NAME };
    const float prio = 1.0f;
    const VkDeviceQueueCreateInfo qci = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO, .queueFamilyIndex = 0,
        .queueCount = 1, .pQueuePriorities = &prio};
    const VkDeviceCreateInfo dci = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, .queueCreateInfoCount = 1,
        .pQueueCreateInfos = &qci, .enabledExtensionCount = vk->pd.has_modifier_ext ? 3 : 2,
        .ppEnabledExtensionNames = exts};
    VK_CHECK(vkCreateDevice(phys, &dci, NULL, &vk->dev.handle));

    struct vkv4l2_device *dev = &vk->dev;
    dev->physdev = phys;
    dev->inst = &vk->inst;
    dev->pd = &vk->pd;
    dev->video = true;
    dev->decode_family = vk->pd.decode_family;
    dev->api_version = props.apiVersion;
    dev->driver_queue_family = 0;
    vkuInitDeviceDispatchTable(dev->handle, &dev->vtbl, vkGetDeviceProcAddr);
    vkGetDeviceQueue(dev->handle, 0, 0, &dev->driver_queue);
    const VkCommandPoolCreateInfo pci = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
        .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT, .queueFamilyIndex = 0};
    VK_CHECK(vkCreateCommandPool(dev->handle, &pci, NULL, &vk->pool));
    return 0;
}

void wsi_vk_fini(struct wsi_vk *vk)
{
    if (vk->pool)
        vkDestroyCommandPool(vk->dev.handle, vk->pool, NULL);
    if (vk->dev.handle)
        vkDestroyDevice(vk->dev.handle, NULL);
    if (vk->inst.handle)
        vkDestroyInstance(vk->inst.handle, NULL);
    vkv4l2_object_map_fini(&vk->dev.images);
    vkv4l2_object_map_fini(&vk->dev.image_views);
    vkv4l2_object_map_fini(&vk->dev.buffers);
    vkv4l2_object_map_fini(&vk->dev.memories);
}

int wsi_vk_memory_type(const struct wsi_vk *vk, uint32_t bits, VkMemoryPropertyFlags want)
{
    for (uint32_t i = 0; i < vk->mem_props.memoryTypeCount; i++)
        if ((bits & (1u << i)) && (vk->mem_props.memoryTypes[i].propertyFlags & want) == want)
            return (int)i;
    return -1;
}

int wsi_vk_begin(struct wsi_vk *vk, VkCommandBuffer *cmd)
{
    const VkCommandBufferAllocateInfo ai = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO, .commandPool = vk->pool,
        .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY, .commandBufferCount = 1};
    VK_CHECK(vkAllocateCommandBuffers(vk->dev.handle, &ai, cmd));
    const VkCommandBufferBeginInfo bi = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
        .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT};
    VK_CHECK(vkBeginCommandBuffer(*cmd, &bi));
    return 0;
}

int wsi_vk_submit_wait(struct wsi_vk *vk, VkCommandBuffer cmd)
{
    VK_CHECK(vkEndCommandBuffer(cmd));
    const VkSubmitInfo si = {
        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO, .commandBufferCount = 1, .pCommandBuffers = &cmd};
    VK_CHECK(vkQueueSubmit(vk->dev.driver_queue, 1, &si, VK_NULL_HANDLE));
    VK_CHECK(vkQueueWaitIdle(vk->dev.driver_queue));
    vkFreeCommandBuffers(vk->dev.handle, vk->pool, 1, &cmd);
    return 0;
}

int wsi_host_buffer_create(struct wsi_vk *vk, VkDeviceSize size, struct wsi_host_buffer *out)
{
    memset(out, 0, sizeof(*out));
    const VkBufferCreateInfo bci = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO, .size = size,
        .usage = VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT};
    VkDevice d = vk->dev.handle;
    VK_CHECK(vkCreateBuffer(d, &bci, NULL, &out->buffer));
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(d, out->buffer, &req);
    int type = wsi_vk_memory_type(vk, req.memoryTypeBits, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                                              VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
    if (type < 0)
        FAIL("no host-visible memory");
    const VkMemoryAllocateInfo ai = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO, .allocationSize = req.size,
        .memoryTypeIndex = (uint32_t)type};
    VK_CHECK(vkAllocateMemory(d, &ai, NULL, &out->memory));
    VK_CHECK(vkBindBufferMemory(d, out->buffer, out->memory, 0));
    VK_CHECK(vkMapMemory(d, out->memory, 0, VK_WHOLE_SIZE, 0, &out->map));
    out->size = size;
    return 0;
}

void wsi_host_buffer_destroy(struct wsi_vk *vk, struct wsi_host_buffer *b)
{
    vkDestroyBuffer(vk->dev.handle, b->buffer, NULL);
    vkFreeMemory(vk->dev.handle, b->memory, NULL);
}

static void image_barrier(VkCommandBuffer cmd, VkImage image, VkImageLayout from,
                          VkAccessFlags src, VkAccessFlags dst)
{
    const VkImageMemoryBarrier b = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER, .srcAccessMask = src,
        .dstAccessMask = dst, .oldLayout = from, .newLayout = VK_IMAGE_LAYOUT_GENERAL,
        .srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED,
        .dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED, .image = image,
        .subresourceRange = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1 }};
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                         VK_PIPELINE_STAGE_ALL_COMMANDS_BIT, 0, 0, NULL, 0, NULL, 1, &b);
}

void wsi_vk_record_to_general(struct wsi_vk *vk, VkCommandBuffer cmd, VkImage image)
{
    (void)vk;
    image_barrier(cmd, image, VK_IMAGE_LAYOUT_UNDEFINED, 0,
                  VK_ACCESS_MEMORY_READ_BIT | VK_ACCESS_MEMORY_WRITE_BIT);
}

void wsi_vk_record_readback(struct wsi_vk *vk, VkCommandBuffer cmd, VkImage image, uint32_t w,
                            uint32_t h, VkBuffer b)
{
    (void)vk;
    image_barrier(cmd, image, VK_IMAGE_LAYOUT_GENERAL, VK_ACCESS_MEMORY_WRITE_BIT,
                  VK_ACCESS_TRANSFER_READ_BIT);
    VkBufferImageCopy regions[2];
    for (uint32_t p = 0; p < 2; p++)
        regions[p] = (VkBufferImageCopy){
            .bufferOffset = p ? (VkDeviceSize)w * h : 0,
            .imageSubresource = { p ? VK_IMAGE_ASPECT_PLANE_1_BIT : VK_IMAGE_ASPECT_PLANE_0_BIT,
                                  0, 0, 1 },
            .imageExtent = { p ? w / 2 : w, p ? h / 2 : h, 1 }};
    vkCmdCopyImageToBuffer(cmd, image, VK_IMAGE_LAYOUT_GENERAL, b, 2, regions);
    const VkMemoryBarrier mb = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER, .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
        .dstAccessMask = VK_ACCESS_HOST_READ_BIT};
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1,
                         &mb, 0, NULL, 0, NULL);
}
