/* Recording of the layer's own decode-family command buffers.
 *
 * After a vkCmd* call returns, the application may free or reuse everything
 * it passed, but the layer executes the command later on its decode worker.
 * So each command is deep-copied into storage owned by the list: every
 * array, string, std struct and known pNext struct reachable from the
 * parameters.  The copies keep Vulkan struct form with pointers into the
 * list's storage, so the executor reads them exactly as the app wrote them.
 * pNext structs the recorder does not know are dropped (counted, and
 * reported through an optional callback); a NULL array stays NULL with its
 * count untouched, as the app wrote it.
 *
 * One list per command buffer; no global state; externally synchronized,
 * as Vulkan requires of command buffers. */
#ifndef VKV4L2_CMD_RECORD_H
#define VKV4L2_CMD_RECORD_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

enum vkv4l2_cmd_type {
    VKV4L2_CMD_BEGIN_VIDEO_CODING,
    VKV4L2_CMD_END_VIDEO_CODING,
    VKV4L2_CMD_CONTROL_VIDEO_CODING,
    VKV4L2_CMD_DECODE_VIDEO,
    VKV4L2_CMD_PIPELINE_BARRIER,
    VKV4L2_CMD_PIPELINE_BARRIER2,
    VKV4L2_CMD_RESET_QUERY_POOL,
    VKV4L2_CMD_BEGIN_QUERY,
    VKV4L2_CMD_END_QUERY,
    VKV4L2_CMD_WRITE_TIMESTAMP,
    VKV4L2_CMD_WRITE_TIMESTAMP2,
    VKV4L2_CMD_SET_EVENT,
    VKV4L2_CMD_RESET_EVENT,
    VKV4L2_CMD_WAIT_EVENTS,
    VKV4L2_CMD_SET_EVENT2,
    VKV4L2_CMD_RESET_EVENT2,
    VKV4L2_CMD_WAIT_EVENTS2,
    VKV4L2_CMD_BEGIN_DEBUG_LABEL,
    VKV4L2_CMD_END_DEBUG_LABEL,
    VKV4L2_CMD_INSERT_DEBUG_LABEL,
    VKV4L2_CMD_TYPE_COUNT,
};

/* vkCmdPipelineBarrier and vkCmdWaitEvents (synchronization 1).  The
 * event fields are used by wait_events only, dependency_flags by
 * pipeline_barrier only. */
struct vkv4l2_cmd_barrier1 {
    uint32_t event_count;
    const VkEvent *events;
    VkPipelineStageFlags src_stage_mask;
    VkPipelineStageFlags dst_stage_mask;
    VkDependencyFlags dependency_flags;
    uint32_t memory_barrier_count;
    const VkMemoryBarrier *memory_barriers;
    uint32_t buffer_memory_barrier_count;
    const VkBufferMemoryBarrier *buffer_memory_barriers;
    uint32_t image_memory_barrier_count;
    const VkImageMemoryBarrier *image_memory_barriers;
};

struct vkv4l2_cmd {
    struct vkv4l2_cmd *next;
    enum vkv4l2_cmd_type type;
    union {
        VkVideoBeginCodingInfoKHR begin_video_coding;
        VkVideoEndCodingInfoKHR end_video_coding;
        VkVideoCodingControlInfoKHR control_video_coding;
        VkVideoDecodeInfoKHR decode_video;
        struct vkv4l2_cmd_barrier1 pipeline_barrier;
        struct vkv4l2_cmd_barrier1 wait_events;
        VkDependencyInfo pipeline_barrier2;
        struct {
            VkQueryPool query_pool;
            uint32_t first_query;
            uint32_t query_count;
        } reset_query_pool;
        struct {
            VkQueryPool query_pool;
            uint32_t query;
            VkQueryControlFlags flags;
        } begin_query;
        struct {
            VkQueryPool query_pool;
            uint32_t query;
        } end_query;
        struct {
            VkPipelineStageFlagBits pipeline_stage;
            VkQueryPool query_pool;
            uint32_t query;
        } write_timestamp;
        struct {
            VkPipelineStageFlags2 stage;
            VkQueryPool query_pool;
            uint32_t query;
        } write_timestamp2;
        struct { /* set_event and reset_event */
            VkEvent event;
            VkPipelineStageFlags stage_mask;
        } event;
        struct {
            VkEvent event;
            VkDependencyInfo dependency_info;
        } set_event2;
        struct {
            VkEvent event;
            VkPipelineStageFlags2 stage_mask;
        } reset_event2;
        struct {
            uint32_t event_count;
            const VkEvent *events;
            const VkDependencyInfo *dependency_infos; /* event_count of them */
        } wait_events2;
        VkDebugUtilsLabelEXT label; /* begin / insert debug label */
    } u;
};

/* Called once per dropped pNext struct: the command being recorded, the
 * sType of the struct whose chain held it, and its own sType. */
typedef void (*vkv4l2_cmd_drop_fn)(void *user, enum vkv4l2_cmd_type cmd,
                                   VkStructureType parent, VkStructureType dropped);

struct vkv4l2_cmd_block;

struct vkv4l2_cmd_list {
    VkAllocationCallbacks alloc;
    bool has_alloc;                 /* false: libc malloc / free */
    struct vkv4l2_cmd_block *blocks;
    size_t next_block_size;
    struct vkv4l2_cmd *first, *last;
    uint32_t count;
    uint32_t dropped_struct_count;  /* since the last reset */
    VkResult status;                /* sticky until reset */
    bool copy_failed;               /* an allocation failed in this append */
    enum vkv4l2_cmd_type recording; /* the command being appended */
    vkv4l2_cmd_drop_fn on_drop;
    void *on_drop_user;
};

/* alloc: the command pool's allocator (copied; NULL for libc).  Memory is
 * requested with VK_SYSTEM_ALLOCATION_SCOPE_OBJECT. */
void vkv4l2_cmd_list_init(struct vkv4l2_cmd_list *list, const VkAllocationCallbacks *alloc);
void vkv4l2_cmd_list_set_drop_callback(struct vkv4l2_cmd_list *list,
                                       vkv4l2_cmd_drop_fn fn, void *user);
/* Frees every command and all storage; the list is empty and its status
 * VK_SUCCESS again (vkResetCommandBuffer, pool reset, re-begin). */
void vkv4l2_cmd_list_reset(struct vkv4l2_cmd_list *list);
void vkv4l2_cmd_list_fini(struct vkv4l2_cmd_list *list);

/* VK_SUCCESS, or VK_ERROR_OUT_OF_HOST_MEMORY once an append failed; the
 * caller reports it at vkEndCommandBuffer.  A failed append records
 * nothing, and every later append fails too, so a failed list never holds
 * a command sequence with a hole in it. */
static inline VkResult vkv4l2_cmd_list_status(const struct vkv4l2_cmd_list *list)
{
    return list->status;
}

#define vkv4l2_cmd_list_foreach(cmd, list) \
    for (const struct vkv4l2_cmd *cmd = (list)->first; cmd; cmd = cmd->next)

const char *vkv4l2_cmd_type_name(enum vkv4l2_cmd_type type);

/* Appends: parameters as the matching vkCmd* takes them, minus the command
 * buffer.  Each returns VK_SUCCESS or VK_ERROR_OUT_OF_HOST_MEMORY. */
VkResult vkv4l2_record_begin_video_coding(struct vkv4l2_cmd_list *list,
                                          const VkVideoBeginCodingInfoKHR *info);
VkResult vkv4l2_record_end_video_coding(struct vkv4l2_cmd_list *list,
                                        const VkVideoEndCodingInfoKHR *info);
VkResult vkv4l2_record_control_video_coding(struct vkv4l2_cmd_list *list,
                                            const VkVideoCodingControlInfoKHR *info);
VkResult vkv4l2_record_decode_video(struct vkv4l2_cmd_list *list,
                                    const VkVideoDecodeInfoKHR *info);

VkResult vkv4l2_record_pipeline_barrier(struct vkv4l2_cmd_list *list,
                                        VkPipelineStageFlags src_stage_mask,
                                        VkPipelineStageFlags dst_stage_mask,
                                        VkDependencyFlags dependency_flags,
                                        uint32_t memory_barrier_count,
                                        const VkMemoryBarrier *memory_barriers,
                                        uint32_t buffer_memory_barrier_count,
                                        const VkBufferMemoryBarrier *buffer_memory_barriers,
                                        uint32_t image_memory_barrier_count,
                                        const VkImageMemoryBarrier *image_memory_barriers);
VkResult vkv4l2_record_pipeline_barrier2(struct vkv4l2_cmd_list *list,
                                         const VkDependencyInfo *dependency_info);

VkResult vkv4l2_record_reset_query_pool(struct vkv4l2_cmd_list *list, VkQueryPool pool,
                                        uint32_t first_query, uint32_t query_count);
VkResult vkv4l2_record_begin_query(struct vkv4l2_cmd_list *list, VkQueryPool pool,
                                   uint32_t query, VkQueryControlFlags flags);
VkResult vkv4l2_record_end_query(struct vkv4l2_cmd_list *list, VkQueryPool pool,
                                 uint32_t query);
VkResult vkv4l2_record_write_timestamp(struct vkv4l2_cmd_list *list,
                                       VkPipelineStageFlagBits stage,
                                       VkQueryPool pool, uint32_t query);
VkResult vkv4l2_record_write_timestamp2(struct vkv4l2_cmd_list *list,
                                        VkPipelineStageFlags2 stage,
                                        VkQueryPool pool, uint32_t query);

VkResult vkv4l2_record_set_event(struct vkv4l2_cmd_list *list, VkEvent event,
                                 VkPipelineStageFlags stage_mask);
VkResult vkv4l2_record_reset_event(struct vkv4l2_cmd_list *list, VkEvent event,
                                   VkPipelineStageFlags stage_mask);
VkResult vkv4l2_record_wait_events(struct vkv4l2_cmd_list *list, uint32_t event_count,
                                   const VkEvent *events,
                                   VkPipelineStageFlags src_stage_mask,
                                   VkPipelineStageFlags dst_stage_mask,
                                   uint32_t memory_barrier_count,
                                   const VkMemoryBarrier *memory_barriers,
                                   uint32_t buffer_memory_barrier_count,
                                   const VkBufferMemoryBarrier *buffer_memory_barriers,
                                   uint32_t image_memory_barrier_count,
                                   const VkImageMemoryBarrier *image_memory_barriers);
VkResult vkv4l2_record_set_event2(struct vkv4l2_cmd_list *list, VkEvent event,
                                  const VkDependencyInfo *dependency_info);
VkResult vkv4l2_record_reset_event2(struct vkv4l2_cmd_list *list, VkEvent event,
                                    VkPipelineStageFlags2 stage_mask);
VkResult vkv4l2_record_wait_events2(struct vkv4l2_cmd_list *list, uint32_t event_count,
                                    const VkEvent *events,
                                    const VkDependencyInfo *dependency_infos);

VkResult vkv4l2_record_begin_debug_label(struct vkv4l2_cmd_list *list,
                                         const VkDebugUtilsLabelEXT *label);
VkResult vkv4l2_record_end_debug_label(struct vkv4l2_cmd_list *list);
VkResult vkv4l2_record_insert_debug_label(struct vkv4l2_cmd_list *list,
                                          const VkDebugUtilsLabelEXT *label);

#endif
