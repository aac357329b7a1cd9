/* A minimal Vulkan Video H.264 decode client for end-to-end tests: the
 * real loader, the vkv4l2 layer, lavapipe and the emulated decoder.  The
 * frontend (tests/frontend) supplies what a client parses from the stream;
 * this code does only the Vulkan side, the way FFmpeg's hwaccel does it.
 * Functions return 0 or a negative VkResult / -errno, with a message on
 * stderr at the point of failure. */
#ifndef VKV4L2_TEST_CLIENT_H
#define VKV4L2_TEST_CLIENT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <vulkan/vulkan.h>

#include "h264_frontend.h"

#define CLIENT_FAIL(ret, ...)                                                    \
    do {                                                                         \
        fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                     \
        fprintf(stderr, __VA_ARGS__);                                            \
        fputc('\n', stderr);                                                     \
        return (ret);                                                            \
    } while (0)

#define CLIENT_VK(expr)                                                          \
    do {                                                                         \
        VkResult r_ = (expr);                                                    \
        if (r_ != VK_SUCCESS)                                                    \
            CLIENT_FAIL(r_ < 0 ? (int)r_ : -1, "%s: VkResult %d", #expr, r_);    \
    } while (0)

/* ---- client_vk.c: instance, device, queues ---- */
struct client_vk {
    VkInstance instance;
    VkPhysicalDevice phys;
    VkDevice dev;
    uint32_t gfx_family, decode_family;
    VkQueue gfx_queue, decode_queue;
    /* Queues need external synchronization; threads share them. */
    pthread_mutex_t gfx_lock, decode_lock;
    VkPhysicalDeviceMemoryProperties mem_props;
    PFN_vkCreateVideoSessionKHR CreateVideoSession;
    PFN_vkDestroyVideoSessionKHR DestroyVideoSession;
    PFN_vkGetVideoSessionMemoryRequirementsKHR GetVideoSessionMemoryRequirements;
    PFN_vkBindVideoSessionMemoryKHR BindVideoSessionMemory;
    PFN_vkCreateVideoSessionParametersKHR CreateVideoSessionParameters;
    PFN_vkDestroyVideoSessionParametersKHR DestroyVideoSessionParameters;
    PFN_vkCmdBeginVideoCodingKHR CmdBeginVideoCoding;
    PFN_vkCmdEndVideoCodingKHR CmdEndVideoCoding;
    PFN_vkCmdControlVideoCodingKHR CmdControlVideoCoding;
    PFN_vkCmdDecodeVideoKHR CmdDecodeVideo;
};

int client_vk_init(struct client_vk *vk);
void client_vk_fini(struct client_vk *vk);
int client_vk_memory_type(const struct client_vk *vk, uint32_t bits, VkMemoryPropertyFlags want);
/* Submits on a queue under its lock. */
VkResult client_vk_submit(struct client_vk *vk, bool decode, const VkSubmitInfo2 *info,
                          VkFence fence);

/* The H.264 High / progressive / 4:2:0 8-bit profile every object uses. */
extern const VkVideoDecodeH264ProfileInfoKHR client_h264_profile;
extern const VkVideoProfileInfoKHR client_profile;
extern const VkVideoProfileListInfoKHR client_profile_list;

/* ---- client_emu.c: the emulated decoder's dma-bufs and control API ---- */
/* Number of emulator dma-buf (memfd) fds open in this process, into fds. */
int client_emu_fds(int *fds, int max);
struct client_emu_api {
    int (*fence_attach)(int dmabuf_fd, int write);
    int (*fence_signal)(int fence_id);
    unsigned (*violation_count)(void);
    unsigned (*decode_count)(void);
};
/* The control API of the emulator the layer loaded (VKV4L2_EMULATOR). */
int client_emu_api(struct client_emu_api *api);

/* ---- client_stream.c: one stream on one video session ---- */
#define CLIENT_RING 8   /* pictures in flight per stream */
#define CLIENT_SLOTS FE_MAX_SLOTS

struct client_picture {          /* a deep copy of what a decode needs */
    VkVideoSessionParametersKHR params;
    StdVideoDecodeH264PictureInfo info;
    int setup_slot;
    StdVideoDecodeH264ReferenceInfo setup_info;
    unsigned num_refs;
    int ref_slots[FE_MAX_SLOTS];
    StdVideoDecodeH264ReferenceInfo refs[FE_MAX_SLOTS];
    uint32_t slice_offsets[64];
    unsigned num_slices;
    size_t size;
    const uint8_t *bits;         /* the slices (frontend memory) until submitted */
};

struct client_entry {            /* one in-flight picture's resources */
    VkCommandBuffer cmd;
    VkBuffer bitstream;
    VkDeviceMemory bitstream_mem;
    void *bitstream_map;
    uint64_t value;              /* timeline value its decode signals; 0 = unused */
    struct client_picture pic;
};

struct client_stream {
    struct client_vk *vk;
    const char *name;
    struct vkv4l2_fe fe;
    const uint8_t *data;
    size_t size;
    VkExtent2D extent;
    VkVideoSessionKHR session;
    VkDeviceMemory session_mem[8];
    uint32_t n_session_mem;
    VkVideoSessionParametersKHR params[16]; /* one per SPS/PPS pair seen */
    const void *params_sps[16], *params_pps[16];
    unsigned n_params;
    VkQueryPool query;
    VkImage image[CLIENT_SLOTS];
    VkDeviceMemory image_mem[CLIENT_SLOTS];
    VkImageView view[CLIENT_SLOTS];
    int capture_fd[CLIENT_SLOTS]; /* the layer's CAPTURE dma-buf fd, -1 unknown */
    VkCommandPool decode_pool, gfx_pool;
    VkCommandBuffer readback_cmd;
    VkFence readback_fence;
    VkBuffer readback;
    VkDeviceMemory readback_mem;
    void *readback_map;
    VkSemaphore timeline;
    uint64_t submitted;          /* last timeline value signalled by a decode */
    struct client_entry ring[CLIENT_RING];
    bool reset_done;
    /* Display rectangle of the last picture's SPS (luma samples). */
    uint32_t crop_left, crop_top, display_width, display_height;
    bool finished;
    /* Expected output: software decode MD5s, one per frame. */
    char (*ref_md5)[33];
    unsigned n_ref;
    unsigned frames_out, mismatches;
};

/* Maps the file, parses until the first picture, creates the session and
 * every per-stream object. */
int client_stream_open(struct client_stream *s, struct client_vk *vk, const char *path,
                       const char *name);
void client_stream_close(struct client_stream *s);
/* Decodes the next picture (and checks what it makes ready for output).
 * 0: one picture done, 1: the stream is finished, < 0: error. */
int client_stream_step(struct client_stream *s);
/* Records and submits one picture into its setup slot; returns its entry
 * (the timeline value it signals is entry->value). */
int client_stream_submit(struct client_stream *s, const struct client_picture *pic,
                         struct client_entry **entry);
/* The frontend's next picture, copied into *pic with its session
 * parameters: 0, 1 at the end of the stream, < 0 on error. */
int client_stream_next(struct client_stream *s, struct client_picture *pic);
/* Reads back and checks every picture the frontend has ready for output. */
int client_stream_drain_outputs(struct client_stream *s);
/* Waits until the timeline reaches value (timeout_ns): 0, 1 on timeout. */
int client_stream_wait(struct client_stream *s, uint64_t value, uint64_t timeout_ns);
/* The RESULT_STATUS_ONLY query of an entry: VkQueryResultStatusKHR, or
 * 0 (NOT_READY) when not available yet. */
int client_entry_status(struct client_stream *s, const struct client_entry *e);

/* ---- client_readback.c ---- */
/* Reads back slot `slot` on the graphics queue (after every decode
 * submitted so far) and hashes its display rectangle as yuv420p. */
int client_readback_md5(struct client_stream *s, const struct vkv4l2_fe_output *o, char md5[33]);
/* Software decode MD5s of a stream (ffmpeg -f framemd5): count or -errno. */
int client_reference_md5(const char *path, char (**md5)[33]);
/* Generates NAME into $VKV4L2_STREAMS_DIR; its path into path. */
int client_stream_path(const char *name, char *path, size_t size);

#endif
