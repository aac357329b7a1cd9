/* Layout of a V4L2 CAPTURE buffer as seen by Vulkan, and the import-ladder
 * decision.  Pure functions: no ioctl, no Vulkan call.
 *
 * A V4L2 NV12 buffer of the MPLANE API with one memory plane holds Y at 0
 * with pitch bytesperline and the interleaved CbCr plane at
 * bytesperline * height (the format's height, aligned by the driver) with
 * the same pitch.  The layer imports it into the Vulkan driver
 *   (a) with an explicit DRM format modifier layout (LINEAR),
 *   (b) as a LINEAR DISJOINT image whose planes are bound at the V4L2 plane
 *       offsets, when the driver's own linear pitch equals bytesperline,
 *   (c) or not at all: the image keeps ordinary memory and the decoded
 *       frame is copied into it on the GPU. */
#ifndef VKV4L2_WSI_LAYOUT_H
#define VKV4L2_WSI_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/videodev2.h>
#include <vulkan/vulkan.h>

struct vkv4l2_plane_layout {
    uint64_t offset; /* from the start of the dma-buf */
    uint64_t pitch;  /* bytes per row */
    uint64_t size;   /* pitch * rows */
};

struct vkv4l2_nv12_layout {
    uint32_t width, height; /* the CAPTURE format's (height aligned by the driver) */
    struct vkv4l2_plane_layout planes[2];
    uint64_t total; /* sizeimage: may exceed the planes (hantro's motion vectors) */
};

/* From a CAPTURE format.  Returns 0, -ENOTSUP for anything but NV12 in one
 * memory plane, -EINVAL for an inconsistent format (pitch below the width,
 * odd height, sizeimage smaller than both planes). */
int vkv4l2_nv12_layout_from_v4l2(const struct v4l2_pix_format_mplane *fmt,
                                 struct vkv4l2_nv12_layout *out);

/* Whether the driver's VkSubresourceLayout of a plane describes the V4L2
 * plane.  For a DISJOINT image the driver's offset is relative to the
 * plane's own binding (the layer binds the plane at the V4L2 offset), so it
 * must be 0; otherwise it must equal the V4L2 offset.  Sizes are not
 * compared: the allocation is sized from the memory requirements. */
bool vkv4l2_plane_layout_matches(const struct vkv4l2_plane_layout *v4l2,
                                 const VkSubresourceLayout *driver, bool disjoint);

/* Alignment an imported linear plane's rowPitch and offset must have on a
 * driver (Mali / PanVK: 64, "WSI pitch not properly aligned"); 1 when the
 * driver has no such rule. */
uint32_t vkv4l2_driver_import_align(VkDriverId driver_id, uint32_t vendor_id);

enum vkv4l2_rung {
    VKV4L2_RUNG_MODIFIER = 0,        /* (a) explicit DRM format modifier, LINEAR */
    VKV4L2_RUNG_LINEAR_DISJOINT = 1, /* (b) LINEAR + DISJOINT planes at V4L2 offsets */
    VKV4L2_RUNG_COPY = 2,            /* (c) ordinary image, GPU copy after decode */
};

const char *vkv4l2_rung_name(enum vkv4l2_rung rung);

/* Everything the decision depends on, gathered by the caller. */
struct vkv4l2_rung_inputs {
    const struct vkv4l2_nv12_layout *v4l2;
    uint32_t array_layers;       /* one CAPTURE buffer per layer: > 1 copies */
    bool app_disjoint;           /* the application asked for DISJOINT itself */
    /* Non-NULL: why the application's create info rules out an import
     * (it chose the tiling or the external memory itself). */
    const char *app_constraint;
    /* The driver has VK_EXT_image_drm_format_modifier with LINEAR for NV12,
     * importable from DMA_BUF, for the requested usage and flags. */
    bool modifier_linear;
    /* The requested usage and flags are supported in LINEAR tiling with
     * DISJOINT, importable from DMA_BUF. */
    bool linear_supported;
    /* The driver's layout of each plane of a LINEAR DISJOINT image of this
     * extent (valid when linear_supported). */
    VkSubresourceLayout linear_planes[2];
    uint32_t import_align;       /* vkv4l2_driver_import_align(); 0 or 1: none */
};

/* The rung for an image; reason (may be NULL) says why, e.g. "driver
 * pitch 896 != V4L2 bytesperline 864". */
enum vkv4l2_rung vkv4l2_rung_decide(const struct vkv4l2_rung_inputs *in, char *reason,
                                    size_t reason_len);

/* Size a dma-buf must have so that every bind of a zero-copy image fits
 * the driver's memory requirements: for a DISJOINT image, the maximum of
 * plane offset + plane requirement; otherwise the image requirement.  At
 * least the V4L2 total. */
uint64_t vkv4l2_layout_needed_size(const struct vkv4l2_nv12_layout *l, bool disjoint,
                                   const VkDeviceSize plane_req[2], VkDeviceSize image_req);

#endif
