/* In-process control API of the vkv4l2 emulator (test-only).
 * Link against libvkv4l2-emulator.so (or dlsym the names).  Every function
 * is thread-safe. */
#ifndef VKV4L2_EMU_CONTROL_H
#define VKV4L2_EMU_CONTROL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Attaches an unsignalled emulated fence to the dma-buf behind dmabuf_fd
 * (identified by inode).  write != 0 makes it a writer's fence (seen by
 * DMA_BUF_IOCTL_EXPORT_SYNC_FILE with DMA_BUF_SYNC_READ too); otherwise a
 * reader's fence (seen only with DMA_BUF_SYNC_WRITE).  While any fence is
 * unsignalled, queueing the dma-buf on CAPTURE is a violation.
 * Returns a fence id > 0, or -errno. */
int vkv4l2_emu_fence_attach(int dmabuf_fd, int write);
/* Signals a fence; sync files waiting only on signalled fences become
 * readable (POLLIN).  Returns 0 or -ENOENT. */
int vkv4l2_emu_fence_signal(int fence_id);
/* Fills the dma-buf with a repeating 32-bit pattern now. */
int vkv4l2_emu_dmabuf_fill(int dmabuf_fd, uint32_t pattern);
/* Arms a one-shot sentinel: right after the next decode whose CAPTURE
 * buffer is this dma-buf completes, the dma-buf is filled with pattern
 * (to prove a consumer does not read a stale or recycled buffer). */
int vkv4l2_emu_sentinel_after_decode(int dmabuf_fd, uint32_t pattern);
/* Strictness violations recorded since load or the last reset. */
unsigned vkv4l2_emu_violation_count(void);
/* Decodes started since load or the last reset. */
unsigned vkv4l2_emu_decode_count(void);
/* What the emulated decoder holds for the process right now: what a
 * kernel would hold on its behalf (teardown tests expect all zero). */
struct vkv4l2_emu_census {
    unsigned media_fds;   /* open media device fds */
    unsigned video_fds;   /* open video node fds (= m2m contexts) */
    unsigned requests;    /* request objects alive (a closed request lives on
                             while queued, as in the kernel) */
    unsigned buffers;     /* vb2 buffers allocated on any queue of any context */
    unsigned dmabufs_attached; /* CAPTURE buffers holding an imported dma-buf */
};
void vkv4l2_emu_census(struct vkv4l2_emu_census *out);
/* Zeroes the counters (decode / request numbering for VKV4L2_EMU_FAULT
 * too), re-reads the VKV4L2_EMU_* environment, signals and drops every
 * fence and sentinel. */
void vkv4l2_emu_reset(void);

#ifdef __cplusplus
}
#endif

#endif
