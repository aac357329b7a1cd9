/* Video images on lavapipe + the emulated decoder, through the layer's own
 * image / memory / buffer code (tests/wsi/wsi_vk.h explains the harness):
 *  - 640x368 and 1920x1088 are zero-copy: the image's memory is the
 *    CAPTURE dma-buf (lavapipe maps the very memfd the emulator exported),
 *    and bytes written into the dma-buf (by the emulator's control API, and
 *    position-dependent ones) read back through the VkImage;
 *  - 864x480 takes the copy rung and vkv4l2_image_record_copy produces the
 *    right pixels;
 *  - bitstream buffers: host pointer shared with the application's map;
 *  - dma-buf implicit fences gate (emulated fences);
 *  - no validation error below the layer, no fd leaked. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "buffer.h"
#include "emu_control.h"
#include "fence_gate.h"
#include "image.h"
#include "log.h"
#include "memory.h"
#include "wsi_vk.h"

static const StdVideoH264ProfileIdc HIGH = STD_VIDEO_H264_PROFILE_IDC_HIGH;

/* An image created the way FFmpeg 7.1 creates its decode frames. */
static int create_ffmpeg_image(struct wsi_vk *vk, uint32_t w, uint32_t h, VkImage *out)
{
    const VkVideoDecodeH264ProfileInfoKHR h264 = {
        .sType = VK_STRUCTURE_TYPE_VIDEO_DECODE_H264_PROFILE_INFO_KHR,
        .stdProfileIdc = HIGH,
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
    VK_CHECK(vkv4l2_CreateImage(vk->dev.handle, &ci, NULL, out));
    return 0;
}

/* FFmpeg's allocation: requirements 2, dedicated when asked, DEVICE_LOCAL. */
static int ffmpeg_alloc_bind(struct wsi_vk *vk, VkImage image, VkDeviceMemory *mem)
{
    VkMemoryDedicatedRequirements ded = { .sType = VK_STRUCTURE_TYPE_MEMORY_DEDICATED_REQUIREMENTS };
    VkMemoryRequirements2 req = { .sType = VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2, .pNext = &ded };
    const VkImageMemoryRequirementsInfo2 ri = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_REQUIREMENTS_INFO_2, .image = image};
    vkv4l2_GetImageMemoryRequirements2(vk->dev.handle, &ri, &req);
    int type = wsi_vk_memory_type(vk, req.memoryRequirements.memoryTypeBits,
                                  VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    if (type < 0)
        FAIL("no device-local type in 0x%x", req.memoryRequirements.memoryTypeBits);
    const VkMemoryDedicatedAllocateInfo dai = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_DEDICATED_ALLOCATE_INFO, .image = image};
    const VkMemoryAllocateInfo ai = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
        .pNext = ded.prefersDedicatedAllocation ? &dai : NULL,
        .allocationSize = req.memoryRequirements.size, .memoryTypeIndex = (uint32_t)type};
    VK_CHECK(vkv4l2_AllocateMemory(vk->dev.handle, &ai, NULL, mem));
    const VkBindImageMemoryInfo bi = {
        .sType = VK_STRUCTURE_TYPE_BIND_IMAGE_MEMORY_INFO, .image = image, .memory = *mem};
    VK_CHECK(vkv4l2_BindImageMemory2(vk->dev.handle, 1, &bi));
    return 0;
}

/* A byte that depends on its position in the dma-buf. */
static uint8_t positional(uint64_t off)
{
    return (uint8_t)((off * 2654435761u) >> 13);
}

static int fill_positional(int fd, uint64_t size)
{
    uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED)
        FAIL("mmap dma-buf: %s", strerror(errno));
    for (uint64_t i = 0; i < size; i++)
        p[i] = positional(i);
    munmap(p, size);
    return 0;
}

/* Reads the image back and compares it with the dma-buf's bytes as laid
 * out by V4L2 (byte_at(offset)).  Returns the number of mismatches. */
static long compare_readback(struct wsi_vk *vk, const struct vkv4l2_image *img, bool emu_pattern,
                             uint32_t pattern)
{
    const uint32_t w = img->extent.width, h = img->extent.height;
    struct wsi_host_buffer hb;
    VkCommandBuffer cmd;
    if (wsi_host_buffer_create(vk, (VkDeviceSize)w * h * 3 / 2, &hb) || wsi_vk_begin(vk, &cmd))
        return -1;
    wsi_vk_record_readback(vk, cmd, img->handle, w, h, hb.buffer);
    if (wsi_vk_submit_wait(vk, cmd))
        return -1;
    const uint8_t *out = hb.map;
    long bad = 0;
    for (uint32_t p = 0; p < 2; p++) {
        const struct vkv4l2_plane_layout *pl = &img->layout.planes[p];
        uint32_t rows = p ? h / 2 : h, row_bytes = w; /* CbCr: w/2 texels of 2 bytes */
        const uint8_t *o = out + (p ? (size_t)w * h : 0);
        for (uint32_t y = 0; y < rows; y++)
            for (uint32_t x = 0; x < row_bytes; x++) {
                uint64_t off = pl->offset + (uint64_t)y * pl->pitch + x;
                uint8_t want = emu_pattern ? (uint8_t)(pattern >> (8 * (off % 4))) : positional(off);
                bad += o[(size_t)y * row_bytes + x] != want;
            }
    }
    wsi_host_buffer_destroy(vk, &hb);
    return bad;
}

/* The inode of a memfd lavapipe mapped (its import) equals the dma-buf's. */
static bool driver_maps_inode(ino_t ino)
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

static int test_image(struct wsi_vk *vk, uint32_t w, uint32_t h, enum vkv4l2_rung want)
{
    VkImage image;
    VkDeviceMemory mem;
    if (create_ffmpeg_image(vk, w, h, &image) || ffmpeg_alloc_bind(vk, image, &mem))
        return -1;
    struct vkv4l2_image *img = vkv4l2_image_get(&vk->dev, image);
    if (!img)
        FAIL("%ux%u: not tracked as a video image", w, h);
    printf("%ux%u: %s (%s); CAPTURE pitch %llu, UV at %llu, dma-buf %llu bytes\n", w, h,
           vkv4l2_rung_name(img->rung), img->reason,
           (unsigned long long)img->layout.planes[0].pitch,
           (unsigned long long)img->layout.planes[1].offset,
           (unsigned long long)img->captures[0].size);
    if (img->rung != want)
        FAIL("%ux%u: rung %s, expected %s", w, h, vkv4l2_rung_name(img->rung),
             vkv4l2_rung_name(want));
    const int fd = img->captures[0].fd;
    struct stat st;
    if (fstat(fd, &st) < 0)
        FAIL("fstat");

    VkCommandBuffer cmd;
    if (want == VKV4L2_RUNG_COPY) {
        if (img->captures[0].buffer == VK_NULL_HANDLE)
            FAIL("copy rung without an imported buffer");
        if (fill_positional(fd, img->captures[0].size) || wsi_vk_begin(vk, &cmd))
            return -1;
        wsi_vk_record_to_general(vk, cmd, image);
        VK_CHECK(vkv4l2_image_record_copy(&vk->dev, img, 0, cmd));
        if (wsi_vk_submit_wait(vk, cmd))
            return -1;
        long bad = compare_readback(vk, img, false, 0);
        if (bad)
            FAIL("%ux%u: %ld bytes differ after the GPU copy", w, h, bad);
        if (vkv4l2_image_record_copy(&vk->dev, img, 1, VK_NULL_HANDLE) == VK_SUCCESS)
            FAIL("record_copy accepted layer 1 of a 1-layer image");
    } else {
        if (!driver_maps_inode(st.st_ino))
            FAIL("%ux%u: lavapipe maps no memfd with the dma-buf's inode %llu", w, h,
                 (unsigned long long)st.st_ino);
        if (vkv4l2_image_record_copy(&vk->dev, img, 0, VK_NULL_HANDLE) == VK_SUCCESS)
            FAIL("record_copy accepted a zero-copy image");
        /* The emulator's control API writes the dma-buf it exported... */
        const uint32_t sentinel = 0x5A17C0DE;
        if (vkv4l2_emu_dmabuf_fill(fd, sentinel) < 0)
            FAIL("emulator does not know the dma-buf");
        if (wsi_vk_begin(vk, &cmd))
            return -1;
        wsi_vk_record_to_general(vk, cmd, image);
        if (wsi_vk_submit_wait(vk, cmd))
            return -1;
        long bad = compare_readback(vk, img, true, sentinel);
        if (bad)
            FAIL("%ux%u: %ld bytes of the emulator's sentinel not seen through the image", w, h,
                 bad);
        /* ...and position-dependent bytes prove the pitch and UV offset. */
        if (fill_positional(fd, img->layout.total))
            return -1;
        bad = compare_readback(vk, img, false, 0);
        if (bad)
            FAIL("%ux%u: %ld bytes differ from the V4L2 layout", w, h, bad);
    }
    vkv4l2_DestroyImage(vk->dev.handle, image, NULL);
    vkv4l2_FreeMemory(vk->dev.handle, mem, NULL);
    return 0;
}

static int test_bitstream_buffer(struct wsi_vk *vk)
{
    const VkBufferCreateInfo ci = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO, .size = 65536,
        .usage = VK_BUFFER_USAGE_VIDEO_DECODE_SRC_BIT_KHR};
    VkDevice d = vk->dev.handle;
    VkBuffer buf;
    VK_CHECK(vkv4l2_CreateBuffer(d, &ci, NULL, &buf));
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(d, buf, &req);
    int type = wsi_vk_memory_type(vk, req.memoryTypeBits, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT);
    const VkMemoryAllocateInfo ai = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO, .allocationSize = req.size + 4096,
        .memoryTypeIndex = (uint32_t)type};
    VkDeviceMemory mem;
    VK_CHECK(vkv4l2_AllocateMemory(d, &ai, NULL, &mem));
    VK_CHECK(vkv4l2_BindBufferMemory(d, buf, mem, 4096));

    const uint8_t *lp = NULL;
    /* The layer maps first; the application then maps a sub-range. */
    VK_CHECK(vkv4l2_buffer_host_ptr(&vk->dev, buf, 16, 100, &lp));
    uint8_t *app = NULL;
    VK_CHECK(vkv4l2_MapMemory(d, mem, 4096, 65536, 0, (void **)&app));
    memcpy(app + 16, "\x00\x00\x01\x65", 4);
    if (memcmp(lp, "\x00\x00\x01\x65", 4))
        FAIL("layer pointer does not see the application's bytes");
    vkv4l2_UnmapMemory(d, mem);
    /* Still mapped for the layer. */
    const uint8_t *lp2 = NULL;
    VK_CHECK(vkv4l2_buffer_host_ptr(&vk->dev, buf, 16, 4, &lp2));
    if (lp2 != lp || memcmp(lp2, "\x00\x00\x01\x65", 4))
        FAIL("layer mapping not kept");
    if (vkv4l2_buffer_host_ptr(&vk->dev, buf, 65530, 100, &lp2) == VK_SUCCESS)
        FAIL("range past the buffer accepted");
    /* Mapped again by the application: the same mapping. */
    VK_CHECK(vkv4l2_MapMemory(d, mem, 0, VK_WHOLE_SIZE, 0, (void **)&app));
    if (app + 4096 + 16 != lp)
        FAIL("application mapping differs from the layer's");
    vkv4l2_UnmapMemory(d, mem);
    vkv4l2_DestroyBuffer(d, buf, NULL);
    vkv4l2_FreeMemory(d, mem, NULL);
    return 0;
}

static int test_fence_gate(struct wsi_vk *vk)
{
    VkImage image;
    VkDeviceMemory mem;
    if (create_ffmpeg_image(vk, 640, 368, &image) || ffmpeg_alloc_bind(vk, image, &mem))
        return -1;
    int fd = vkv4l2_image_capture_fd(vkv4l2_image_get(&vk->dev, image), 0);
    if (vkv4l2_dmabuf_wait_readers(fd, 100) != 0)
        FAIL("no fence, yet the wait did not return 0");
    int reader = vkv4l2_emu_fence_attach(fd, 0);
    if (reader <= 0)
        FAIL("fence_attach: %d", reader);
    int ret = vkv4l2_dmabuf_wait_readers(fd, 50);
    if (ret != -ETIMEDOUT)
        FAIL("a reader's fence did not block the writer: %d", ret);
    vkv4l2_emu_fence_signal(reader);
    if ((ret = vkv4l2_dmabuf_wait_readers(fd, 1000)) != 0)
        FAIL("signalled fence still blocks: %d", ret);
    if (!vkv4l2_dmabuf_fences_available())
        FAIL("fences reported unavailable");
    vkv4l2_DestroyImage(vk->dev.handle, image, NULL);
    vkv4l2_FreeMemory(vk->dev.handle, mem, NULL);
    return 0;
}

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    while (d && readdir(d))
        n++;
    if (d)
        closedir(d);
    return n;
}

int main(void)
{
    struct wsi_vk vk;
    vkv4l2_log_set_level(VKV4L2_LOG_INFO); /* the rung lines */
    if (wsi_vk_init(&vk))
        return 1;
    int fds = count_fds();
    int ret = test_image(&vk, 640, 368, VKV4L2_RUNG_LINEAR_DISJOINT);
    ret = ret ? ret : test_image(&vk, 1920, 1088, VKV4L2_RUNG_LINEAR_DISJOINT);
    ret = ret ? ret : test_image(&vk, 864, 480, VKV4L2_RUNG_COPY);
    ret = ret ? ret : test_bitstream_buffer(&vk);
    ret = ret ? ret : test_fence_gate(&vk);
    struct vkv4l2_image_stats st = vkv4l2_image_stats_get();
    if (!ret && (st.linear_disjoint != 3 || st.copy != 1))
        ret = fprintf(stderr, "FAIL: stats %u linear, %u copy\n", st.linear_disjoint, st.copy);
    if (!ret && count_fds() != fds)
        ret = fprintf(stderr, "FAIL: %d fds open, %d before\n", count_fds(), fds);
    if (!ret && vkv4l2_emu_violation_count())
        ret = fprintf(stderr, "FAIL: %u emulator violations\n", vkv4l2_emu_violation_count());
    wsi_vk_fini(&vk);
    if (!ret && wsi_vk_validation_errors)
        ret = fprintf(stderr, "FAIL: %d validation errors\n", wsi_vk_validation_errors);
    if (ret)
        return 1;
    printf("test_wsi_images: ok\n");
    return 0;
}
