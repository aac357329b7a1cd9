/* Deep copies of synchronization parameters: VkDependencyInfo and the
 * synchronization-1 barrier arrays.  No barrier pNext struct matters to a
 * host-executed decode queue (sample locations, unmodified external
 * acquires), so every barrier chain is dropped and noted. */
#include "cmd_copy.h"

/* Copies count structs of elem_size bytes and drops each one's pNext chain;
 * every barrier struct starts with sType / pNext. */
static void *copy_barrier_array(struct vkv4l2_cmd_list *list, const void *src,
                                size_t elem_size, uint32_t count)
{
    unsigned char *dst = vkv4l2_cmd_dup_array(list, src, elem_size, count);
    for (uint32_t i = 0; dst && i < count; i++) {
        VkBaseOutStructure *b = (VkBaseOutStructure *)(void *)(dst + i * elem_size);
        b->pNext = (VkBaseOutStructure *)vkv4l2_cmd_drop_chain(list, b->sType, b->pNext);
    }
    return dst;
}

void vkv4l2_copy_dependency_info(struct vkv4l2_cmd_list *list, VkDependencyInfo *dst)
{
    dst->pNext = vkv4l2_cmd_drop_chain(list, dst->sType, dst->pNext);
    dst->pMemoryBarriers = copy_barrier_array(list, dst->pMemoryBarriers,
                                              sizeof(*dst->pMemoryBarriers),
                                              dst->memoryBarrierCount);
    dst->pBufferMemoryBarriers = copy_barrier_array(list, dst->pBufferMemoryBarriers,
                                                    sizeof(*dst->pBufferMemoryBarriers),
                                                    dst->bufferMemoryBarrierCount);
    dst->pImageMemoryBarriers = copy_barrier_array(list, dst->pImageMemoryBarriers,
                                                   sizeof(*dst->pImageMemoryBarriers),
                                                   dst->imageMemoryBarrierCount);
}

void vkv4l2_copy_barrier1(struct vkv4l2_cmd_list *list, struct vkv4l2_cmd_barrier1 *dst)
{
    dst->events = vkv4l2_cmd_dup_array(list, dst->events, sizeof(*dst->events),
                                       dst->event_count);
    dst->memory_barriers = copy_barrier_array(list, dst->memory_barriers,
                                              sizeof(*dst->memory_barriers),
                                              dst->memory_barrier_count);
    dst->buffer_memory_barriers = copy_barrier_array(list, dst->buffer_memory_barriers,
                                                     sizeof(*dst->buffer_memory_barriers),
                                                     dst->buffer_memory_barrier_count);
    dst->image_memory_barriers = copy_barrier_array(list, dst->image_memory_barriers,
                                                    sizeof(*dst->image_memory_barriers),
                                                    dst->image_memory_barrier_count);
}
