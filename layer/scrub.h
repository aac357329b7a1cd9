/* Scrubbing: removing every video-only enum, struct, bit and queue family
 * index from what the layer passes to the driver below.
 *
 * The driver (lavapipe, PanVK) knows nothing of video, and a validation
 * layer placed below ours must see no video enum.  Every function here is
 * pure: it reads the application's structures, never writes them, and when
 * something must change it returns a rewritten copy allocated from the
 * caller's arena.  When nothing needs changing (the hot path: most barriers
 * of most applications), it returns the application's own pointer and
 * allocates nothing.
 *
 * Conventions
 * - The layer adds queue families after the driver's: `decode_family` is
 *   the index of its decode family (today == driver_family_count).  Any
 *   index >= driver_family_count that is not one of the special values
 *   (IGNORED, EXTERNAL, FOREIGN_EXT) is a layer family and never reaches the
 *   driver.
 * - At driver level every video image layout is VK_IMAGE_LAYOUT_GENERAL:
 *   the V4L2 device writes the memory, the driver only needs a layout it can
 *   read from, and GENERAL is valid for every access.
 * - Functions return VK_SUCCESS, VK_INCOMPLETE (done, but see the function)
 *   or VK_ERROR_OUT_OF_HOST_MEMORY (arena exhausted; *out is untouched).
 */
#ifndef VKV4L2_SCRUB_H
#define VKV4L2_SCRUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vulkan/vulkan.h>

#include "arena.h"

struct vkv4l2_scrub {
    struct vkv4l2_arena *arena;   /* rewritten structures come from here */
    uint32_t decode_family;       /* the layer's decode queue family index */
    uint32_t driver_family_count; /* queue families the driver exposes */
};

/* ---- enums and flags (scrub_flags.c) ---------------------------------- */

/* True for a queue family index that belongs to the layer, not the driver. */
bool vkv4l2_is_layer_family(const struct vkv4l2_scrub *s, uint32_t family);

/* Every KHR video layout of vulkan_core.h 1.4.309: VIDEO_DECODE_DST/SRC/DPB,
 * VIDEO_ENCODE_DST/SRC/DPB, VIDEO_ENCODE_QUANTIZATION_MAP. */
bool vkv4l2_is_video_layout(VkImageLayout layout);
/* Video layouts -> GENERAL; every other layout unchanged. */
VkImageLayout vkv4l2_scrub_layout(VkImageLayout layout);

/* Video bits of the 64-bit sync2 flags.  Sync1 VkPipelineStageFlags and
 * VkAccessFlags have no video bits at all (video needs synchronization2), so
 * sync1 masks never change except where a queue family ownership transfer
 * is rewritten (vkv4l2_scrub_barriers1). */
VkPipelineStageFlags2 vkv4l2_video_stages2(void);
VkAccessFlags2 vkv4l2_video_access2(void);

/* Removes VIDEO_DECODE / VIDEO_ENCODE stages.  A mask that held only video
 * stages becomes ALL_COMMANDS: on a driver queue the video work is replaced
 * by whatever the layer does there (waits, copies), so the conservative
 * scope is the only one that keeps the dependency; ALL_COMMANDS is valid on
 * every queue family, with every access mask, in src and dst positions.
 * NONE (0) stays NONE. */
VkPipelineStageFlags2 vkv4l2_scrub_stages2(VkPipelineStageFlags2 stages);
/* Removes VIDEO_DECODE_READ/WRITE and VIDEO_ENCODE_READ/WRITE.  The only
 * other accesses the video stages support are MEMORY_READ/WRITE, valid with
 * any stage, so the result always suits vkv4l2_scrub_stages2 of the mask it
 * was paired with. */
VkAccessFlags2 vkv4l2_scrub_access2(VkAccessFlags2 access);

/* Video usage bits (decode DST/SRC/DPB, encode DST/SRC/DPB, quantization
 * delta map, emphasis map). */
VkImageUsageFlags vkv4l2_video_image_usage(void);
VkBufferUsageFlags vkv4l2_video_buffer_usage(void);
VkBufferUsageFlags2 vkv4l2_video_buffer_usage2(void);

/* True when a sharing list names a layer family. */
bool vkv4l2_sharing_needs_scrub(const struct vkv4l2_scrub *s, uint32_t count,
                                const uint32_t *families);
/* Rewrites a sharing description in place (the caller's copy): layer
 * families removed, duplicates removed, CONCURRENT kept only while two or
 * more families remain (else EXCLUSIVE with no list).  The new list comes
 * from the arena. */
VkResult vkv4l2_scrub_sharing(const struct vkv4l2_scrub *s, VkSharingMode *mode,
                              uint32_t *count, const uint32_t **families);

/* ---- pNext chains (scrub_chain.c) ------------------------------------- */

/* The video structures that can extend a structure the driver receives
 * (their `structextends` names a non-video parent in vk.xml 1.4.309):
 *   VkVideoProfileListInfoKHR            (image/buffer create, format info 2)
 *   VkVideoProfileInfoKHR, VkVideoDecodeUsageInfoKHR,
 *   VkVideoDecode{H264,H265,AV1}ProfileInfoKHR, VkVideoEncodeUsageInfoKHR,
 *   VkVideoEncode{H264,H265,AV1}ProfileInfoKHR,
 *   VkQueryPoolVideoEncodeFeedbackCreateInfoKHR       (query pool create)
 *   VkQueueFamilyVideoPropertiesKHR,
 *   VkQueueFamilyQueryResultStatusPropertiesKHR      (queue family props 2)
 *   VkPhysicalDeviceVideoMaintenance{1,2}FeaturesKHR,
 *   VkPhysicalDeviceVideoEncodeQuantizationMapFeaturesKHR,
 *   VkPhysicalDeviceVideoEncodeAV1FeaturesKHR    (features 2, device create)
 * Every other video structure extends only video structures, which the
 * layer consumes itself. */
bool vkv4l2_is_video_stype(VkStructureType type);

/* sizeof() of the non-video structures that may extend VkImageCreateInfo,
 * VkBufferCreateInfo, VkImageViewCreateInfo, VkPhysicalDeviceImageFormatInfo2,
 * VkQueryPoolCreateInfo and VkQueueFamilyProperties2 on Linux; 0 if unknown.
 * A chain editor must copy every structure that precedes an edited one. */
size_t vkv4l2_chain_struct_size(VkStructureType type);

enum vkv4l2_chain_action {
    VKV4L2_CHAIN_KEEP,    /* pass the structure as it is */
    VKV4L2_CHAIN_DROP,    /* leave it out of the chain */
    VKV4L2_CHAIN_REWRITE, /* pass an edited copy (see rewrite) */
};

struct vkv4l2_chain_editor {
    /* Pure: decides what happens to one structure. */
    enum vkv4l2_chain_action (*classify)(const struct vkv4l2_scrub *s, const void *user,
                                         const VkBaseInStructure *in);
    /* Edits the arena copy of a REWRITE structure (its pNext is relinked
     * afterwards); sets *drop to leave it out after all.  May be NULL when
     * classify never answers REWRITE. */
    VkResult (*rewrite)(const struct vkv4l2_scrub *s, const void *user,
                        VkBaseOutStructure *copy, bool *drop);
    const void *user;
};

/* Copies `chain` with the editor applied.  Only the structures up to the
 * last edited one are copied; the rest of the chain is shared.  *out is
 * `chain` itself when nothing is edited.  VK_INCOMPLETE: a structure of
 * unknown size precedes an edited one, so the chain is cut over to the
 * original from that structure on (later edits are not applied; drivers skip
 * structures they do not know, only a validation layer below would see
 * them). */
VkResult vkv4l2_chain_edit(const struct vkv4l2_scrub *s, const void *chain,
                           const struct vkv4l2_chain_editor *editor, const void **out);
/* vkv4l2_chain_edit dropping every vkv4l2_is_video_stype structure. */
VkResult vkv4l2_chain_drop_video(const struct vkv4l2_scrub *s, const void *chain,
                                 const void **out);
/* The first structure of `type` in a chain, or NULL. */
const void *vkv4l2_chain_find(const void *chain, VkStructureType type);

/* ---- barriers (scrub_barrier.c) --------------------------------------- */

/* The command buffer the barriers are recorded in.  DRIVER: an application
 * command buffer of a driver family.  DECODE: a decode command buffer (the
 * layer's own) whose barriers the layer replays on a driver queue so that
 * the driver tracks layouts as the application does.
 *
 * Queue family ownership transfers (QFOT) with a layer family: both halves
 * name the same old/new layouts and the transition runs once.  The half
 * recorded on the layer family never reaches the driver as a QFOT half, so
 * at driver level the transfer becomes a plain barrier (both families
 * IGNORED) and:
 * - DRIVER: this half is the only one the driver sees; it keeps the layout
 *   transition.  For an acquire (src = layer family) the source scope, which
 *   an acquire ignores and which now orders the transition after the
 *   semaphore wait, becomes ALL_COMMANDS; for a release (dst = layer family)
 *   the destination scope, which a release ignores and which now orders the
 *   transition before the semaphore signal, becomes ALL_COMMANDS.
 * - DECODE, other family a driver family: the other half (recorded by the
 *   application on the driver family, scrubbed as DRIVER) carries the
 *   transition, so this replay keeps no transition: old = new = the
 *   driver-level layout at that moment (scrubbed newLayout for an acquire
 *   onto the decode family, scrubbed oldLayout for a release from it;
 *   GENERAL if that would be UNDEFINED/PREINITIALIZED).
 * - DECODE, other family EXTERNAL/FOREIGN: no driver half exists; this one
 *   keeps the transition and widens like DRIVER.
 * Barriers naming a layer family with no transfer (src == dst, or the other
 * IGNORED) just get IGNORED.  Transfers between driver families and
 * EXTERNAL/FOREIGN are untouched.  No barrier is ever dropped: one whose
 * layouts both scrub to GENERAL is still an execution and memory
 * dependency.  Scrubbing is deterministic, so vkCmdSetEvent2 and
 * vkCmdWaitEvents2 dependency infos stay identical to each other. */
enum vkv4l2_recorded_on {
    VKV4L2_RECORDED_ON_DRIVER_FAMILY,
    VKV4L2_RECORDED_ON_DECODE_FAMILY,
};

VkResult vkv4l2_scrub_image_barriers2(const struct vkv4l2_scrub *s, enum vkv4l2_recorded_on on,
                                      uint32_t count, const VkImageMemoryBarrier2 *in,
                                      const VkImageMemoryBarrier2 **out);
VkResult vkv4l2_scrub_buffer_barriers2(const struct vkv4l2_scrub *s, enum vkv4l2_recorded_on on,
                                       uint32_t count, const VkBufferMemoryBarrier2 *in,
                                       const VkBufferMemoryBarrier2 **out);
VkResult vkv4l2_scrub_memory_barriers2(const struct vkv4l2_scrub *s, uint32_t count,
                                       const VkMemoryBarrier2 *in, const VkMemoryBarrier2 **out);
/* vkCmdPipelineBarrier2 / vkCmdSetEvent2: one info.  vkCmdWaitEvents2: an
 * array of `count`. */
VkResult vkv4l2_scrub_dependency_infos(const struct vkv4l2_scrub *s, enum vkv4l2_recorded_on on,
                                       uint32_t count, const VkDependencyInfo *in,
                                       const VkDependencyInfo **out);

/* The arguments of vkCmdPipelineBarrier / vkCmdWaitEvents that can carry
 * video or layer values (VkMemoryBarrier has neither).  Scrubbed in place:
 * the pointers are replaced by arena copies when needed.  The stage masks
 * widen to ALL_COMMANDS for rewritten ownership transfers as described
 * above, except src_stages when `src_stages_fixed` (vkCmdWaitEvents: its
 * srcStageMask must equal the vkCmdSetEvent masks). */
struct vkv4l2_barriers1 {
    VkPipelineStageFlags src_stages, dst_stages;
    uint32_t buffer_count;
    const VkBufferMemoryBarrier *buffers;
    uint32_t image_count;
    const VkImageMemoryBarrier *images;
};
VkResult vkv4l2_scrub_barriers1(const struct vkv4l2_scrub *s, enum vkv4l2_recorded_on on,
                                bool src_stages_fixed, struct vkv4l2_barriers1 *b);

/* ---- submissions (scrub_submit.c) ------------------------------------- */

/* vkQueueSubmit2 to a driver queue (the application's, or a layer proxy
 * submission standing in for a decode-queue one): video stages removed
 * from every VkSemaphoreSubmitInfo.stageMask (video-only -> ALL_COMMANDS).
 * vkQueueSubmit needs no scrubbing: VkSubmitInfo.pWaitDstStageMask is a
 * sync1 mask, which has no video bits. */
VkResult vkv4l2_scrub_submit_infos2(const struct vkv4l2_scrub *s, uint32_t count,
                                    const VkSubmitInfo2 *in, const VkSubmitInfo2 **out);

/* ---- create infos and queries (scrub_create.c) ------------------------ */

/* vkCreateImage.  usage: video bits removed; if any were, `extra_usage` is
 * added (e.g. TRANSFER_DST when the layer may fill the image by a GPU
 * copy); if nothing is left, TRANSFER_DST.  flags: VIDEO_PROFILE_INDEPENDENT
 * removed.  initialLayout: a video layout (invalid there) -> UNDEFINED.
 * Sharing as vkv4l2_scrub_sharing.  pNext: video structures dropped;
 * VkImageDrmFormatModifier*, format lists etc. kept. */
VkResult vkv4l2_scrub_image_create_info(const struct vkv4l2_scrub *s, const VkImageCreateInfo *in,
                                        VkImageUsageFlags extra_usage,
                                        const VkImageCreateInfo **out);
/* The usage the driver-level image gets, by the rules above. */
VkImageUsageFlags vkv4l2_scrub_image_usage(VkImageUsageFlags usage, VkImageUsageFlags extra_usage);

/* vkCreateBuffer.  usage (and VkBufferUsageFlags2CreateInfo.usage, which
 * overrides it): video bits removed, TRANSFER_SRC if nothing is left.
 * flags: VIDEO_PROFILE_INDEPENDENT removed.  Sharing and pNext as images. */
VkResult vkv4l2_scrub_buffer_create_info(const struct vkv4l2_scrub *s, const VkBufferCreateInfo *in,
                                         const VkBufferCreateInfo **out);

/* vkCreateImageView.  VkImageViewUsageCreateInfo.usage loses its video
 * bits; if nothing is left it becomes the transfer bits of `image_usage`
 * (the driver-level usage of the image: transfer usage puts no format
 * feature requirement on a view), or, if the image has none, the structure
 * is dropped so the view inherits the image's usage.  Video structures are
 * dropped. */
VkResult vkv4l2_scrub_image_view_create_info(const struct vkv4l2_scrub *s,
                                             const VkImageViewCreateInfo *in,
                                             VkImageUsageFlags image_usage,
                                             const VkImageViewCreateInfo **out);

/* vkGetPhysicalDeviceImageFormatProperties2.  Usage and flags as for
 * vkCreateImage (same extra_usage, so the query answers for the image the
 * layer will create), the profile list dropped, the sharing list of
 * VkPhysicalDeviceImageDrmFormatModifierInfoEXT scrubbed.  *is_video: the
 * query named a video profile, a video usage or VIDEO_PROFILE_INDEPENDENT
 * (the layer then also checks the format against its decoder).
 * VkPhysicalDeviceVideoFormatInfoKHR is the layer's own query and is never
 * passed down. */
VkResult vkv4l2_scrub_image_format_info2(const struct vkv4l2_scrub *s,
                                         const VkPhysicalDeviceImageFormatInfo2 *in,
                                         VkImageUsageFlags extra_usage,
                                         const VkPhysicalDeviceImageFormatInfo2 **out,
                                         bool *is_video);

#endif
