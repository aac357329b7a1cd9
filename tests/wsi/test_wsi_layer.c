/* Video images through the loaded layer, as FFmpeg makes them: a Vulkan 1.3
 * device with the video extensions and the layer's decode family, NV12
 * images with a VkVideoProfileListInfoKHR, dedicated allocations.  Proves:
 *  - the rung the layer reports (VK_EXT_debug_utils message "image ...:"):
 *    640x368 and 1920x1088 zero-copy, 864x480 copy;
 *  - for zero-copy images the driver maps the very dma-buf the layer got
 *    from the (emulated) decoder: the memfd the layer holds open since
 *    vkCreateImage has the inode of a mapping lavapipe made at vkAllocateMemory;
 *  - a sentinel the emulator's control API writes into that dma-buf reads
 *    back through the VkImage (vkCmdCopyImageToBuffer);
 *  - the same for images bound as GStreamer binds them (requirements 1, no
 *    dedicated allocation) and as a sub-allocator does (at an offset in a
 *    larger block): the layer imports the dma-buf itself, the driver maps it,
 *    and the mapping goes away with the image;
 *  - no validation error (the validation layer runs above ours here). */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu_control.h"
#include "wsi_vk.h"

static char last_rung[256];
static VkDebugUtilsMessengerEXT messenger;

static VKAPI_ATTR VkBool32 VKAPI_CALL on_message(VkDebugUtilsMessageSeverityFlagBitsEXT sev,
                                                 VkDebugUtilsMessageTypeFlagsEXT type,
                                                 const VkDebugUtilsMessengerCallbackDataEXT *d,
                                                 void *user)
{
    (void)type;
    (void)user;
    if (d->pMessageIdName && !strcmp(d->pMessageIdName, "vkv4l2")) {
        if (!strncmp(d->pMessage, "image ", 6))
            snprintf(last_rung, sizeof(last_rung), "%s", d->pMessage);
        return VK_FALSE;
    }
    if (sev & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) {
        wsi_vk_validation_errors++;
        fprintf(stderr, "validation error: %s\n", d->pMessage);
    }
    return VK_FALSE;
}

static int create_device(struct wsi_vk *vk)
{
    const VkDebugUtilsMessengerCreateInfoEXT msg = {
        .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
        .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT |
                           VK_DEBUG_UTILS_MESSAGE_SEVERITY_INFO_BIT_EXT,
        .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT,
        .pfnUserCallback = on_message,
    };
    const VkApplicationInfo app = {
        .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO, .apiVersion = VK_API_VERSION_1_3};
    const char *iexts[] = { VK_EXT_DEBUG_UTILS_EXTENSION_NAME };
    const char *layers[] = { "VK_LAYER_KHRONOS_validation" };
    const bool validation = getenv("WSI_TEST_VALIDATION") != NULL;
    const VkInstanceCreateInfo ici = {
        .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO, .pNext = &msg,
        .pApplicationInfo = &app, .enabledLayerCount = validation ? 1 : 0,
        .ppEnabledLayerNames = layers, .enabledExtensionCount = 1,
        .ppEnabledExtensionNames = iexts};
    VK_CHECK(vkCreateInstance(&ici, NULL, &vk->inst.handle));
    PFN_vkCreateDebugUtilsMessengerEXT create_messenger =
        (PFN_vkCreateDebugUtilsMessengerEXT)vkGetInstanceProcAddr(
            vk->inst.handle, "vkCreateDebugUtilsMessengerEXT");
    VK_CHECK(create_messenger(vk->inst.handle, &msg, NULL, &messenger));

    uint32_t n = 1;
    VkPhysicalDevice phys;
    VkResult r = vkEnumeratePhysicalDevices(vk->inst.handle, &n, &phys);
    if ((r != VK_SUCCESS && r != VK_INCOMPLETE) || !n)
        FAIL("no physical device");
    vkGetPhysicalDeviceMemoryProperties(phys, &vk->mem_props);
    uint32_t nf = 0;
    VkQueueFamilyProperties fams[8];
    vkGetPhysicalDeviceQueueFamilyProperties(phys, &nf, NULL);
    nf = nf > 8 ? 8 : nf;
    vkGetPhysicalDeviceQueueFamilyProperties(phys, &nf, fams);
    uint32_t decode = UINT32_MAX;
    for (uint32_t i = 0; i < nf; i++)
        if (fams[i].queueFlags & VK_QUEUE_VIDEO_DECODE_BIT_KHR)
            decode = i;
    if (decode == UINT32_MAX || decode == 0)
        FAIL("no decode queue family: is the layer active on the emulator?");
    vk->dev.decode_family = decode;

    const char *exts[] = { VK_KHR_VIDEO_QUEUE_EXTENSION_NAME,
                           VK_KHR_VIDEO_DECODE_QUEUE_EXTENSION_NAME,
                           VK_KHR_VIDEO_DECODE_H264_EXTENSION_NAME };
    const float prio = 1.0f;
    const VkDeviceQueueCreateInfo qci[2] = {
        { .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO, .queueFamilyIndex = 0,
          .queueCount = 1, .pQueuePriorities = &prio },
        { .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO, .queueFamilyIndex = decode,
          .queueCount = 1, .pQueuePriorities = &prio },
    };
    VkPhysicalDeviceVulkan13Features f13 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_3_FEATURES, .synchronization2 = VK_TRUE};
    VkPhysicalDeviceVulkan12Features f12 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES, .pNext = &f13,
        .timelineSemaphore = VK_TRUE, .hostQueryReset = VK_TRUE};
    VkPhysicalDeviceVulkan11Features f11 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES, .pNext = &f12,
        .samplerYcbcrConversion = VK_TRUE};
    const VkDeviceCreateInfo dci = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, .pNext = &f11, .queueCreateInfoCount = 2,
        .pQueueCreateInfos = qci, .enabledExtensionCount = 3, .ppEnabledExtensionNames = exts};
    VK_CHECK(vkCreateDevice(phys, &dci, NULL, &vk->dev.handle));
    vkGetDeviceQueue(vk->dev.handle, 0, 0, &vk->dev.driver_queue);
    const VkCommandPoolCreateInfo pci = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO, .queueFamilyIndex = 0};
    VK_CHECK(vkCreateCommandPool(vk->dev.handle, &pci, NULL, &vk->pool));
    return 0;
}

static int create_image(struct wsi_vk *vk, uint32_t w, uint32_t h, VkImage *out)
{
    const VkVideoDecodeH264ProfileInfoKHR h264 = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PROFILE_INFO_KHR,
        .stdProfileIdc = STD_VIDEO_H264_PROFILE_IDC_HIGH,
        .pictureLayout = VK_VIDEO_DECODE_H264_PICTURE_LAYOUT_PROGRESSIVE_KHR};
    const VkVideoProfileInfoKHR profile = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_PROFILE_INFO_KHR, .pNext = &h264,
        .videoCodecOperation = VK_VIDEO_CODEC_OPERATION_DECODE_H264_BIT_KHR,
        .chromaSubsampling = VK_VIDEO_CHROMA_SUBSAMPLING_420_BIT_KHR,
        .lumaBitDepth = VK_VIDEO_COMPONENT_BIT_DEPTH_8_BIT_KHR,
        .chromaBitDepth = VK_VIDEO_COMPONENT_BIT_DEPTH_8_BIT_KHR};
    const VkVideoProfileListInfoKHR list = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_PROFILE_LIST_INFO_KHR, .profileCount = 1,
        .pProfiles = &profile};
    const uint32_t families[2] = { 0, vk->dev.decode_family };
    const VkImageCreateInfo ci = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO, .pNext = &list,
        .flags = VK_IMAGE_CREATE_MUTABLE_FORMAT_BIT | VK_IMAGE_CREATE_EXTENDED_USAGE_BIT |
                 VK_IMAGE_CREATE_ALIAS_BIT,
        .imageType = VK_IMAGE_TYPE_2D, .format = VK_FORMAT_G8_B8R8_2PLANE_420_UNORM,
        .extent = { w, h, 1 }, .mipLevels = 1, .arrayLayers = 1,
        .samples = VK_SAMPLE_COUNT_1_BIT, .tiling = VK_IMAGE_TILING_OPTIMAL,
        .usage = VK_IMAGE_USAGE_TRANSFER_SRC_BIT | VK_IMAGE_USAGE_SAMPLED_BIT |
                 VK_IMAGE_USAGE_VIDEO_DECODE_DST_BIT_KHR | VK_IMAGE_USAGE_VIDEO_DECODE_DPB_BIT_KHR,
        .sharingMode = VK_SHARING_MODE_CONCURRENT, .queueFamilyIndexCount = 2,
        .pQueueFamilyIndices = families, .initialLayout = VK_IMAGE_LAYOUT_UNDEFINED};
    VK_CHECK(vkCreateImage(vk->dev.handle, &ci, NULL, out));
    return 0;
}

/* How the application allocates and binds the image's memory. */
enum alloc_mode {
    ALLOC_DEDICATED, /* FFmpeg: requirements 2, dedicated when preferred */
    ALLOC_PLAIN,     /* GStreamer: requirements 1, an allocation of its own, bound at 0 */
    ALLOC_SUBALLOC,  /* a sub-allocator: a larger block, bound at an offset */
};

static int alloc_bind_plain(struct wsi_vk *vk, VkImage image, VkDeviceMemory *mem,
                            enum alloc_mode mode, bool zero_copy)
{
    /* What the layer says about a zero-copy image (the copy rung's are the
     * driver's answers): dedicated allocation preferred, not required (so
     * binding other memory is valid usage). */
    VkMemoryDedicatedRequirements ded = { .sType = VK_STRUCTURE_TYPE_MEMORY_DEDICATED_REQUIREMENTS };
    VkMemoryRequirements2 req2 = { .sType = VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2, .pNext = &ded };
    const VkImageMemoryRequirementsInfo2 ri = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_REQUIREMENTS_INFO_2, .image = image};
    vkGetImageMemoryRequirements2(vk->dev.handle, &ri, &req2);
    if (zero_copy && (!ded.prefersDedicatedAllocation || ded.requiresDedicatedAllocation))
        FAIL("dedicated allocation: prefers %u requires %u, want 1 0",
             ded.prefersDedicatedAllocation, ded.requiresDedicatedAllocation);
    VkMemoryRequirements req;
    vkGetImageMemoryRequirements(vk->dev.handle, image, &req);
    int type = wsi_vk_memory_type(vk, req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    if (type < 0)
        FAIL("no device-local memory type");
    VkDeviceSize offset = mode == ALLOC_SUBALLOC ? (4096 + req.alignment - 1) / req.alignment * req.alignment : 0;
    const VkMemoryAllocateInfo ai = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
        .allocationSize = offset + req.size, .memoryTypeIndex = (uint32_t)type};
    VK_CHECK(vkAllocateMemory(vk->dev.handle, &ai, NULL, mem));
    VK_CHECK(vkBindImageMemory(vk->dev.handle, image, *mem, offset));
    return 0;
}

static int alloc_bind(struct wsi_vk *vk, VkImage image, VkDeviceMemory *mem)
{
    VkMemoryDedicatedRequirements ded = { .sType = VK_STRUCTURE_TYPE_MEMORY_DEDICATED_REQUIREMENTS };
    VkMemoryRequirements2 req = { .sType = VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2, .pNext = &ded };
    const VkImageMemoryRequirementsInfo2 ri = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_REQUIREMENTS_INFO_2, .image = image};
    vkGetImageMemoryRequirements2(vk->dev.handle, &ri, &req);
    int type = wsi_vk_memory_type(vk, req.memoryRequirements.memoryTypeBits,
                                  VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    if (type < 0)
        FAIL("no device-local memory type");
    const VkMemoryDedicatedAllocateInfo dai = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_DEDICATED_ALLOCATE_INFO, .image = image};
    const VkMemoryAllocateInfo ai = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
        .pNext = ded.prefersDedicatedAllocation ? &dai : NULL,
        .allocationSize = req.memoryRequirements.size, .memoryTypeIndex = (uint32_t)type};
    VK_CHECK(vkAllocateMemory(vk->dev.handle, &ai, NULL, mem));
    VK_CHECK(vkBindImageMemory(vk->dev.handle, image, *mem, 0));
    return 0;
}

/* memfd dma-bufs (the emulator's CAPTURE buffers) open in this process. */
static int emu_fds(int *fds, int max)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;
    char path[300], target[256];
    while (d && (e = readdir(d)) && n < max) {
        snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
        ssize_t len = readlink(path, target, sizeof(target) - 1);
        if (len > 0 && (target[len] = 0, strstr(target, "vkv4l2-emu-buffer")))
            fds[n++] = atoi(e->d_name);
    }
    if (d)
        closedir(d);
    return n;
}

static bool mapped_inode(ino_t ino)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[512];
    bool found = false;
    while (f && fgets(line, sizeof(line), f)) {
        unsigned long long inode = 0;
        char path[256] = "";
        if (sscanf(line, "%*s %*s %*s %*s %llu %255[^\n]", &inode, path) >= 1 &&
            inode == (unsigned long long)ino && strstr(path, "vkv4l2-emu-buffer"))
            found = true;
    }
    if (f)
        fclose(f);
    return found;
}

static int test_image(struct wsi_vk *vk, uint32_t w, uint32_t h, bool zero_copy,
                      enum alloc_mode mode)
{
    int before[64], after[64];
    int nb = emu_fds(before, 64);
    VkImage image;
    VkDeviceMemory mem;
    last_rung[0] = 0;
    if (create_image(vk, w, h, &image))
        return -1;
    printf("%ux%u: %s\n", w, h, last_rung);
    const char *want = zero_copy ? ": zero-copy (" : ": copy (";
    char dims[32];
    snprintf(dims, sizeof(dims), " %ux%u: ", w, h);
    if (!strstr(last_rung, want) || !strstr(last_rung, dims))
        FAIL("%ux%u: the layer reported \"%s\", expected \"%s\"", w, h, last_rung, want);
    int na = emu_fds(after, 64);
    /* The layer's CAPTURE dma-buf (and, on the copy rung, the driver's
     * import of it as a buffer): new fds, all of one memfd. */
    int fd = -1;
    ino_t ino = 0;
    for (int i = 0; i < na; i++) {
        bool old = false;
        for (int j = 0; j < nb; j++)
            old |= after[i] == before[j];
        struct stat fst;
        if (old || fstat(after[i], &fst) < 0)
            continue;
        if (fd >= 0 && fst.st_ino != ino)
            FAIL("%ux%u: two different new CAPTURE dma-bufs for one image", w, h);
        fd = after[i];
        ino = fst.st_ino;
    }
    if (fd < 0)
        FAIL("%ux%u: no CAPTURE dma-buf held by the layer", w, h);
    if (mode == ALLOC_DEDICATED ? alloc_bind(vk, image, &mem)
                                : alloc_bind_plain(vk, image, &mem, mode, zero_copy))
        return -1;
    struct stat st;
    fstat(fd, &st);
    if (zero_copy) {
        if (!mapped_inode(st.st_ino))
            FAIL("%ux%u: the driver does not map the CAPTURE dma-buf (inode %llu)", w, h,
                 (unsigned long long)st.st_ino);
        const uint32_t sentinel = 0xC0FFEE11;
        if (vkv4l2_emu_dmabuf_fill(fd, sentinel) < 0)
            FAIL("the emulator does not know the dma-buf");
        struct wsi_host_buffer hb;
        VkCommandBuffer cmd;
        if (wsi_host_buffer_create(vk, (VkDeviceSize)w * h * 3 / 2, &hb) || wsi_vk_begin(vk, &cmd))
            return -1;
        wsi_vk_record_to_general(vk, cmd, image);
        wsi_vk_record_readback(vk, cmd, image, w, h, hb.buffer);
        if (wsi_vk_submit_wait(vk, cmd))
            return -1;
        /* Every plane row starts at a multiple of 4 in the dma-buf (pitch
         * and UV offset are), so each row reads the pattern from byte 0. */
        const uint8_t *p = hb.map;
        long bad = 0;
        for (size_t i = 0; i < (size_t)w * h * 3 / 2; i++)
            bad += p[i] != (uint8_t)(sentinel >> (8 * ((i % w) % 4)));
        wsi_host_buffer_destroy(vk, &hb);
        if (bad)
            FAIL("%ux%u: %ld bytes of the sentinel not seen through the image", w, h, bad);
    }
    vkDestroyImage(vk->dev.handle, image, NULL);
    vkFreeMemory(vk->dev.handle, mem, NULL);
    if (emu_fds(after, 64) != nb)
        FAIL("%ux%u: CAPTURE dma-buf still open after vkDestroyImage", w, h);
    if (zero_copy && mapped_inode(st.st_ino))
        FAIL("%ux%u: the driver still maps the CAPTURE dma-buf after vkDestroyImage", w, h);
    return 0;
}

int main(void)
{
    static struct wsi_vk vk;
    if (create_device(&vk))
        return 1;
    int ret = test_image(&vk, 640, 368, true, ALLOC_DEDICATED);
    ret = ret ? ret : test_image(&vk, 1920, 1088, true, ALLOC_DEDICATED);
    ret = ret ? ret : test_image(&vk, 864, 480, false, ALLOC_DEDICATED);
    ret = ret ? ret : test_image(&vk, 640, 368, true, ALLOC_PLAIN);
    ret = ret ? ret : test_image(&vk, 640, 368, true, ALLOC_SUBALLOC);
    ret = ret ? ret : test_image(&vk, 864, 480, false, ALLOC_PLAIN);
    vkDestroyCommandPool(vk.dev.handle, vk.pool, NULL);
    vkDestroyDevice(vk.dev.handle, NULL);
    PFN_vkDestroyDebugUtilsMessengerEXT destroy_messenger =
        (PFN_vkDestroyDebugUtilsMessengerEXT)vkGetInstanceProcAddr(
            vk.inst.handle, "vkDestroyDebugUtilsMessengerEXT");
    destroy_messenger(vk.inst.handle, messenger, NULL);
    vkDestroyInstance(vk.inst.handle, NULL);
    if (!ret && wsi_vk_validation_errors)
        ret = fprintf(stderr, "FAIL: %d validation errors\n", wsi_vk_validation_errors);
    if (ret)
        return 1;
    printf("test_wsi_layer: ok\n");
    return 0;
}
