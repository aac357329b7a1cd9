/* Video image creation: CAPTURE allocation and the import ladder. */
#include "image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "capture_alloc.h"
#include "device.h"
#include "image_internal.h"
#include "import_query.h"
#include "instance.h"
#include "log.h"
#include "memory.h"
#include "physdev.h"
#include "scrub.h"
#include "sys.h"

#define DRM_MOD_LINEAR 0ull /* DRM_FORMAT_MOD_LINEAR (drm_fourcc.h) */

static atomic_uint stats[3];

struct vkv4l2_image_stats vkv4l2_image_stats_get(void)
{
    return (struct vkv4l2_image_stats){
        .modifier = atomic_load(&stats[VKV4L2_RUNG_MODIFIER]),
        .linear_disjoint = atomic_load(&stats[VKV4L2_RUNG_LINEAR_DISJOINT]),
        .copy = atomic_load(&stats[VKV4L2_RUNG_COPY]),
    };
}

struct vkv4l2_image *vkv4l2_image_get(struct vkv4l2_device *dev, VkImage image)
{
    return vkv4l2_object_map_get(&dev->images, (uintptr_t)image);
}

bool vkv4l2_image_create_info_is_video(const VkImageCreateInfo *ci)
{
    return (ci->usage & vkv4l2_video_image_usage()) ||
           vkv4l2_chain_find(ci->pNext, VK_STRUCTURE_TYPE_VIDEO_PROFILE_LIST_INFO_KHR);
}

/* ---- CAPTURE buffers -------------------------------------------------- */

static int alloc_capture(struct vkv4l2_device *dev, const struct vkv4l2_image *img,
                         uint64_t min_size, struct vkv4l2_image_capture *cap,
                         struct v4l2_pix_format_mplane *fmt)
{
    const struct vkv4l2_stream_config cfg = {
        .codec = V4L2_PIX_FMT_H264_SLICE,
        .width = img->extent.width,
        .height = img->extent.height,
        .capture_fourcc = V4L2_PIX_FMT_NV12,
        .decode_mode = -1,
        .start_code = -1,
    };
    struct vkv4l2_capture_buffer buf;
    struct vkv4l2_err err = {0};
    int ret = vkv4l2_capture_alloc_sized(dev->pd->h264_node.video_path, &cfg, min_size, &buf, &err);
    if (ret < 0) {
        vkv4l2_err("CAPTURE buffer for a %ux%u image on %s: %s: %s", img->extent.width,
                   img->extent.height, dev->pd->h264_node.video_path, err.what, strerror(-ret));
        return ret;
    }
    cap->fd = buf.fd;
    cap->size = buf.size;
    *fmt = buf.format;
    return 0;
}

static void close_capture(struct vkv4l2_image_capture *cap)
{
    if (cap->fd >= 0)
        vkv4l2_sys_close(cap->fd);
    cap->fd = -1;
}

/* Every layer's CAPTURE buffer, all with the same layout. */
static VkResult alloc_captures(struct vkv4l2_device *dev, struct vkv4l2_image *img)
{
    for (uint32_t i = 0; i < img->capture_count; i++) {
        struct v4l2_pix_format_mplane fmt;
        int ret = alloc_capture(dev, img, 0, &img->captures[i], &fmt);
        if (ret < 0)
            return ret == -ENOMEM ? VK_ERROR_OUT_OF_DEVICE_MEMORY : VK_ERROR_INITIALIZATION_FAILED;
        struct vkv4l2_nv12_layout l;
        if ((ret = vkv4l2_nv12_layout_from_v4l2(&fmt, &l)) < 0) {
            vkv4l2_err("CAPTURE format %c%c%c%c %ux%u (bytesperline %u, sizeimage %u): "
                       "not an NV12 layout the layer can import",
                       VKV4L2_FOURCC_ARGS(fmt.pixelformat), fmt.width, fmt.height,
                       fmt.plane_fmt[0].bytesperline, fmt.plane_fmt[0].sizeimage);
            return VK_ERROR_FORMAT_NOT_SUPPORTED;
        }
        if (i == 0)
            img->layout = l;
        else if (memcmp(&l, &img->layout, sizeof(l)))
            return VK_ERROR_INITIALIZATION_FAILED; /* the driver changed its mind */
        if (l.width < img->extent.width || l.height < img->extent.height)
            return VK_ERROR_FORMAT_NOT_SUPPORTED;
    }
    return VK_SUCCESS;
}

/* Re-allocates layer 0's buffer with at least `size` bytes (the same
 * layout), for drivers whose memory requirements exceed sizeimage. */
static VkResult grow_capture(struct vkv4l2_device *dev, struct vkv4l2_image *img, uint64_t size)
{
    struct vkv4l2_image_capture cap = { .fd = -1 };
    struct v4l2_pix_format_mplane fmt;
    if (alloc_capture(dev, img, size, &cap, &fmt) < 0)
        return VK_ERROR_OUT_OF_DEVICE_MEMORY;
    struct vkv4l2_nv12_layout l;
    if (vkv4l2_nv12_layout_from_v4l2(&fmt, &l) < 0 || cap.size < size ||
        l.planes[1].offset != img->layout.planes[1].offset ||
        l.planes[0].pitch != img->layout.planes[0].pitch) {
        close_capture(&cap);
        return VK_ERROR_OUT_OF_DEVICE_MEMORY;
    }
    close_capture(&img->captures[0]);
    img->captures[0] = cap;
    return VK_SUCCESS;
}

/* ---- the rungs -------------------------------------------------------- */

static VkResult create_modifier(struct vkv4l2_device *dev, const struct vkv4l2_image *img,
                                const VkImageCreateInfo *base, const VkAllocationCallbacks *alloc,
                                VkImage *out)
{
    const VkExternalMemoryImageCreateInfo ext = {
        .sType = VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_IMAGE_CREATE_INFO,
        .pNext = base->pNext,
        .handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT,
    };
    VkSubresourceLayout planes[2];
    for (int p = 0; p < 2; p++)
        planes[p] = (VkSubresourceLayout){ .offset = img->layout.planes[p].offset,
                                           .rowPitch = img->layout.planes[p].pitch };
    const VkImageDrmFormatModifierExplicitCreateInfoEXT mod = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_DRM_FORMAT_MODIFIER_EXPLICIT_CREATE_INFO_EXT,
        .pNext = &ext,
        .drmFormatModifier = DRM_MOD_LINEAR,
        .drmFormatModifierPlaneCount = 2,
        .pPlaneLayouts = planes,
    };
    VkImageCreateInfo ci = *base;
    ci.pNext = &mod;
    ci.tiling = VK_IMAGE_TILING_DRM_FORMAT_MODIFIER_EXT;
    return dev->vtbl.CreateImage(dev->handle, &ci, alloc, out);
}

static VkMemoryRequirements image_reqs(struct vkv4l2_device *dev, VkImage image,
                                       VkImageAspectFlagBits plane)
{
    VkImagePlaneMemoryRequirementsInfo pi = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_PLANE_MEMORY_REQUIREMENTS_INFO, .planeAspect = plane};
    const VkImageMemoryRequirementsInfo2 info = {
        .sType = VK_STRUCTURE_TYPE_IMAGE_MEMORY_REQUIREMENTS_INFO_2,
        .pNext = plane ? &pi : NULL,
        .image = image,
    };
    VkMemoryRequirements2 r = { .sType = VK_STRUCTURE_TYPE_MEMORY_REQUIREMENTS_2 };
    PFN_vkGetImageMemoryRequirements2 fn = dev->vtbl.GetImageMemoryRequirements2;
    if (!fn)
        fn = dev->vtbl.GetImageMemoryRequirements2KHR;
    if (fn)
        fn(dev->handle, &info, &r);
    else
        dev->vtbl.GetImageMemoryRequirements(dev->handle, image, &r.memoryRequirements);
    return r.memoryRequirements;
}

/* Sizes the dma-buf for the driver's requirements and finds the memory
 * types that import it.  VK_ERROR_FORMAT_NOT_SUPPORTED: none does. */
static VkResult prepare_import(struct vkv4l2_device *dev, struct vkv4l2_image *img)
{
    const bool disjoint = img->rung == VKV4L2_RUNG_LINEAR_DISJOINT;
    VkMemoryRequirements r[2];
    VkDeviceSize plane_req[2] = {0, 0};
    uint32_t bits = ~0u;
    VkDeviceSize align = 1;
    for (int p = 0; p < (disjoint ? 2 : 1); p++) {
        r[p] = image_reqs(dev, img->handle,
                          disjoint ? (p ? VK_IMAGE_ASPECT_PLANE_1_BIT : VK_IMAGE_ASPECT_PLANE_0_BIT)
                                   : (VkImageAspectFlagBits)0);
        plane_req[p] = r[p].size;
        bits &= r[p].memoryTypeBits;
        if (r[p].alignment > align)
            align = r[p].alignment;
    }
    uint64_t need = vkv4l2_layout_needed_size(&img->layout, disjoint, plane_req, r[0].size);
    if (need > img->captures[0].size) {
        vkv4l2_dbg("image %ux%u: driver needs %llu bytes, CAPTURE buffer has %llu: growing it",
                   img->extent.width, img->extent.height, (unsigned long long)need,
                   (unsigned long long)img->captures[0].size);
        VkResult res = grow_capture(dev, img, need);
        if (res != VK_SUCCESS)
            return res;
    }
    VkMemoryFdPropertiesKHR fdp = { .sType = VK_STRUCTURE_TYPE_MEMORY_FD_PROPERTIES_KHR };
    if (!dev->vtbl.GetMemoryFdPropertiesKHR ||
        dev->vtbl.GetMemoryFdPropertiesKHR(dev->handle,
                                           VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT,
                                           img->captures[0].fd, &fdp) != VK_SUCCESS)
        return VK_ERROR_FORMAT_NOT_SUPPORTED;
    img->memory_type_bits = bits & fdp.memoryTypeBits;
    img->alloc_size = img->captures[0].size;
    img->alloc_alignment = align;
    return img->memory_type_bits ? VK_SUCCESS : VK_ERROR_FORMAT_NOT_SUPPORTED;
}

static struct vkv4l2_import_query import_query_of(const struct vkv4l2_device *dev)
{
    return (struct vkv4l2_import_query){
        .ivk = &dev->inst->vtbl,
        .physdev = dev->physdev,
        .dvk = &dev->vtbl,
        .device = dev->handle,
        .has_modifier_ext = dev->pd->has_modifier_ext,
        .driver_api_version = dev->pd->driver_api_version,
    };
}

/* Walks the ladder for a video image whose CAPTURE buffers exist; creates
 * img->handle.  `base` is the scrubbed create info. */
static VkResult create_on_ladder(struct vkv4l2_device *dev, struct vkv4l2_image *img,
                                 const VkImageCreateInfo *base, const VkAllocationCallbacks *alloc)
{
    const struct vkv4l2_import_query q = import_query_of(dev);
    struct vkv4l2_rung_inputs in = { .v4l2 = &img->layout };
    VkImage trial = VK_NULL_HANDLE;
    vkv4l2_import_gather(&q, base, alloc, &in, &trial);
    img->rung = vkv4l2_rung_decide(&in, img->reason, sizeof(img->reason));

    VkResult res = VK_SUCCESS;
    if (img->rung == VKV4L2_RUNG_LINEAR_DISJOINT) {
        img->handle = trial;
        trial = VK_NULL_HANDLE;
    } else if (img->rung == VKV4L2_RUNG_MODIFIER) {
        res = create_modifier(dev, img, base, alloc, &img->handle);
    }
    if (trial)
        dev->vtbl.DestroyImage(dev->handle, trial, alloc);
    if (img->rung != VKV4L2_RUNG_COPY) {
        if (res == VK_SUCCESS)
            res = prepare_import(dev, img);
        if (res == VK_SUCCESS) {
            img->driver_flags = base->flags |
                (img->rung == VKV4L2_RUNG_LINEAR_DISJOINT ? VK_IMAGE_CREATE_DISJOINT_BIT : 0);
            return VK_SUCCESS;
        }
        /* The driver refused what it had advertised: copy instead. */
        snprintf(img->reason, sizeof(img->reason), "%s failed (%d)",
                 vkv4l2_rung_name(img->rung), res);
        if (img->handle)
            dev->vtbl.DestroyImage(dev->handle, img->handle, alloc);
        img->handle = VK_NULL_HANDLE;
        img->rung = VKV4L2_RUNG_COPY;
    }
    img->driver_flags = base->flags;
    res = dev->vtbl.CreateImage(dev->handle, base, alloc, &img->handle);
    if (res != VK_SUCCESS)
        return res;
    return vkv4l2_image_copy_setup(dev, img);
}

static void image_free(struct vkv4l2_device *dev, struct vkv4l2_image *img,
                       const VkAllocationCallbacks *alloc)
{
    if (img->handle)
        dev->vtbl.DestroyImage(dev->handle, img->handle, alloc);
    if (img->memory_owned)
        dev->vtbl.FreeMemory(dev->handle, img->memory, NULL);
    for (uint32_t i = 0; i < img->capture_count; i++) {
        struct vkv4l2_image_capture *cap = &img->captures[i];
        if (cap->buffer)
            dev->vtbl.DestroyBuffer(dev->handle, cap->buffer, NULL);
        if (cap->buffer_memory)
            dev->vtbl.FreeMemory(dev->handle, cap->buffer_memory, NULL);
        close_capture(cap);
    }
    free(img->captures);
    free(img);
}

static VkResult create_video_image(struct vkv4l2_device *dev, const VkImageCreateInfo *ci,
                                   const VkImageCreateInfo *base,
                                   const VkAllocationCallbacks *alloc, VkImage *out)
{
    if (ci->format != VKV4L2_DECODE_FORMAT || ci->imageType != VK_IMAGE_TYPE_2D ||
        ci->mipLevels != 1 || ci->samples != VK_SAMPLE_COUNT_1_BIT || ci->arrayLayers == 0) {
        vkv4l2_err("video image: format %d, type %d, %u mips, %d samples: the decoder "
                   "writes single-sample 2D NV12 (format %d) only", ci->format, ci->imageType,
                   ci->mipLevels, ci->samples, VKV4L2_DECODE_FORMAT);
        return VK_ERROR_FORMAT_NOT_SUPPORTED;
    }
    struct vkv4l2_image *img = calloc(1, sizeof(*img));
    if (img)
        img->captures = calloc(ci->arrayLayers, sizeof(*img->captures));
    if (!img || !img->captures) {
        free(img);
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    }
    img->format = ci->format;
    img->extent = ci->extent;
    img->array_layers = ci->arrayLayers;
    img->app_usage = ci->usage;
    img->driver_usage = base->usage;
    img->capture_count = ci->arrayLayers;
    for (uint32_t i = 0; i < img->capture_count; i++)
        img->captures[i].fd = -1;

    VkResult res = alloc_captures(dev, img);
    if (res == VK_SUCCESS)
        res = create_on_ladder(dev, img, base, alloc);
    if (res == VK_SUCCESS &&
        vkv4l2_object_map_insert(&dev->images, (uintptr_t)img->handle, img) < 0)
        res = VK_ERROR_OUT_OF_HOST_MEMORY;
    if (res != VK_SUCCESS) {
        image_free(dev, img, alloc);
        return res;
    }
    atomic_fetch_add(&stats[img->rung], 1);
    /* Also through VK_EXT_debug_utils: tests and users see the rung. */
    vkv4l2_log_inst(dev->inst, VKV4L2_LOG_INFO, "image 0x%llx %ux%u: %s (%s)",
                    VKV4L2_HANDLE_LLX(img->handle),
                    img->extent.width, img->extent.height, vkv4l2_rung_name(img->rung),
                    img->reason);
    *out = img->handle;
    return VK_SUCCESS;
}

VkResult vkv4l2_image_create(struct vkv4l2_device *dev, const VkImageCreateInfo *ci,
                             const VkAllocationCallbacks *alloc, VkImage *out)
{
    struct vkv4l2_arena arena = VKV4L2_ARENA_INIT;
    const struct vkv4l2_scrub s = {
        .arena = &arena, .decode_family = dev->decode_family,
        .driver_family_count = dev->pd->driver_family_count};
    const VkImageCreateInfo *base = ci;
    VkResult res = vkv4l2_scrub_image_create_info(&s, ci, VK_IMAGE_USAGE_TRANSFER_DST_BIT, &base);
    if (res != VK_ERROR_OUT_OF_HOST_MEMORY) {
        if (vkv4l2_image_create_info_is_video(ci))
            res = create_video_image(dev, ci, base, alloc, out);
        else
            res = dev->vtbl.CreateImage(dev->handle, base, alloc, out);
    }
    vkv4l2_arena_fini(&arena);
    return res;
}

void vkv4l2_image_destroy(struct vkv4l2_device *dev, VkImage image,
                          const VkAllocationCallbacks *alloc)
{
    if (image == VK_NULL_HANDLE)
        return;
    struct vkv4l2_image *img = vkv4l2_object_map_remove(&dev->images, (uintptr_t)image);
    if (!img) {
        dev->vtbl.DestroyImage(dev->handle, image, alloc);
        return;
    }
    vkv4l2_image_destroyed_hook(dev, img);
    if (img->memory) {
        struct vkv4l2_memory *mem = vkv4l2_memory_get(dev, img->memory);
        if (mem && mem->image == img)
            mem->image = NULL;
    }
    image_free(dev, img, alloc);
}
