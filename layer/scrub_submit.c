/* Scrubbing of vkQueueSubmit2 batches bound for a driver queue. */
#include "scrub.h"

static bool semaphores_need(uint32_t count, const VkSemaphoreSubmitInfo *sems)
{
    for (uint32_t i = 0; i < count; i++)
        if (sems[i].stageMask & vkv4l2_video_stages2())
            return true;
    return false;
}

static VkResult scrub_semaphores(const struct vkv4l2_scrub *s, uint32_t count,
                                 const VkSemaphoreSubmitInfo **sems)
{
    if (!semaphores_need(count, *sems))
        return VK_SUCCESS;
    VkSemaphoreSubmitInfo *copy = vkv4l2_arena_dup(s->arena, *sems, sizeof(**sems) * count);
    if (!copy)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    for (uint32_t i = 0; i < count; i++)
        copy[i].stageMask = vkv4l2_scrub_stages2(copy[i].stageMask);
    *sems = copy;
    return VK_SUCCESS;
}

VkResult vkv4l2_scrub_submit_infos2(const struct vkv4l2_scrub *s, uint32_t count,
                                    const VkSubmitInfo2 *in, const VkSubmitInfo2 **out)
{
    uint32_t first = 0;
    while (first < count &&
           !semaphores_need(in[first].waitSemaphoreInfoCount, in[first].pWaitSemaphoreInfos) &&
           !semaphores_need(in[first].signalSemaphoreInfoCount, in[first].pSignalSemaphoreInfos))
        first++;
    if (first == count) {
        *out = in;
        return VK_SUCCESS;
    }
    VkSubmitInfo2 *copy = vkv4l2_arena_dup(s->arena, in, sizeof(*in) * count);
    if (!copy)
        return VK_ERROR_OUT_OF_HOST_MEMORY;
    for (uint32_t i = first; i < count; i++) {
        VkResult r = scrub_semaphores(s, copy[i].waitSemaphoreInfoCount, &copy[i].pWaitSemaphoreInfos);
        if (r == VK_SUCCESS)
            r = scrub_semaphores(s, copy[i].signalSemaphoreInfoCount,
                                 &copy[i].pSignalSemaphoreInfos);
        if (r != VK_SUCCESS)
            return r;
    }
    *out = copy;
    return VK_SUCCESS;
}
