/* Layer device state and the device entry points. */
#ifndef VKV4L2_DEVICE_H
#define VKV4L2_DEVICE_H

#include <pthread.h>
#include <stdbool.h>
#include <vulkan/vk_layer.h>
#include <vulkan/utility/vk_dispatch_table.h>

#include "object_map.h"

struct vkv4l2_instance;
struct vkv4l2_physdev;
struct vkv4l2_queue;
struct vkv4l2_session_runtime;
struct vkv4l2_copy_state;

struct vkv4l2_device {
    VkDevice handle;
    VkPhysicalDevice physdev;
    struct vkv4l2_instance *inst;
    VkuDeviceDispatchTable vtbl;
    PFN_vkGetDeviceProcAddr next_gdpa;
    /* Sets the loader's dispatch pointer on dispatchable objects the layer
     * creates itself (decode queues and command buffers). */
    PFN_vkSetDeviceLoaderData set_loader_data;

    struct vkv4l2_physdev *pd;
    /* Video decode is in use on this device: the physical device has it and
     * the application enabled VK_KHR_video_decode_queue. */
    bool video;
    uint32_t decode_family; /* the layer's queue family index */
    uint32_t api_version;   /* the driver's */

    /* Decode queues (the layer's dispatchable VkQueue objects). */
    uint32_t decode_queue_count;
    struct vkv4l2_queue **decode_queues;

    /* The driver queue the layer uses for proxy submissions and GPU copies,
     * and the lock every intercepted call on that queue takes (it may be
     * one the application uses too). */
    VkQueue driver_queue;
    uint32_t driver_queue_family;
    pthread_mutex_t driver_queue_lock;

    /* Non-dispatchable handles are unique per device only: one map each. */
    struct vkv4l2_object_map images;       /* VkImage -> struct vkv4l2_image */
    struct vkv4l2_object_map image_views;  /* VkImageView -> struct vkv4l2_image_view */
    struct vkv4l2_object_map buffers;      /* VkBuffer -> struct vkv4l2_buffer */
    struct vkv4l2_object_map memories;     /* VkDeviceMemory -> struct vkv4l2_memory */
    struct vkv4l2_object_map sessions;     /* VkVideoSessionKHR -> struct vkv4l2_video_session */
    struct vkv4l2_object_map session_params; /* VkVideoSessionParametersKHR -> ... */
    struct vkv4l2_object_map query_pools;  /* our RESULT_STATUS_ONLY pools */
    struct vkv4l2_object_map cmd_pools;    /* decode-family command pools */
    struct vkv4l2_object_map cmd_buffers;  /* our VkCommandBuffer -> struct vkv4l2_cmd_buffer */
    struct vkv4l2_object_map timeline_semaphores; /* VkSemaphore -> (void *)1 */
    struct vkv4l2_object_map copy_readers; /* driver VkCommandBuffer -> images read (copy_readers.h) */

    struct vkv4l2_object_map queue_families; /* driver VkQueue -> family + 1 */
    struct vkv4l2_copy_state *copy;          /* copy_path.c */
    /* Fences of decode-queue submissions (fence.c). */
    pthread_mutex_t fence_lock;
    pthread_cond_t fence_cond;
    struct vkv4l2_object_map layer_fences;

    /* Executor state of every video session (layer/session_runtime.c). */
    struct vkv4l2_session_runtime *runtimes;
};

/* Any dispatchable object of the device (device, queue, command buffer). */
struct vkv4l2_device *vkv4l2_device_get(const void *dispatchable);

VKAPI_ATTR VkResult VKAPI_CALL vkv4l2_CreateDevice(VkPhysicalDevice physicalDevice,
                                                   const VkDeviceCreateInfo *pCreateInfo,
                                                   const VkAllocationCallbacks *pAllocator,
                                                   VkDevice *pDevice);
VKAPI_ATTR void VKAPI_CALL vkv4l2_DestroyDevice(VkDevice device,
                                                const VkAllocationCallbacks *pAllocator);
#endif
