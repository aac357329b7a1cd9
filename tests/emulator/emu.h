/* Internal state of the emulated hantro-class stateless H.264 decoder.
 *
 * One global lock (emu.lock) guards every object below; the worker drops it
 * while decoding.  Objects are reached from real kernel fds (eventfds for the
 * media device, video node and request fds; memfds for buffer memory) through
 * a registry indexed by fd number.  dma-bufs are memfds and are identified by
 * inode, never by fd number. */
#ifndef VKV4L2_EMU_H
#define VKV4L2_EMU_H

#include <linux/media.h>
#include <linux/videodev2.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "emu_ctrls.h"
#include "emu_settings.h"

#define EMU_HIDDEN __attribute__((visibility("hidden")))
#define EMU_EXPORT __attribute__((visibility("default")))

#define EMU_MAX_BUFFERS 32 /* VB2_MAX_FRAME */
#define EMU_PAGE_SHIFT 12
/* vb2 mmap cookies: buffer index above the plane bits; v4l2-mem2mem adds
 * DST_QUEUE_OFF_BASE to CAPTURE offsets so one fd can serve both queues. */
#define EMU_PLANE_INDEX_SHIFT (EMU_PAGE_SHIFT + 3)
#define EMU_DST_QUEUE_OFF_BASE (1u << 30)

/* Character device numbers of the emulated nodes (st_rdev and topology). */
#define EMU_VIDEO_MAJOR 81
#define EMU_MEDIA_MAJOR 239

enum emu_buf_state {
    EMU_BUF_DEQUEUED,
    EMU_BUF_IN_REQUEST, /* QBUF'd into a request not queued yet */
    EMU_BUF_QUEUED,     /* owned by the driver, waiting for a job */
    EMU_BUF_ACTIVE,     /* in the running job */
    EMU_BUF_DONE,       /* on the done list, waiting for DQBUF */
};

struct emu_request;

struct emu_buf {
    unsigned index;
    enum emu_buf_state state;
    bool error;
    bool has_ts;     /* a timestamp was ever set (QBUF OUTPUT / decode) */
    uint64_t ts_ns;  /* vb2 timestamp (ns) */
    uint32_t length; /* plane length */
    uint32_t bytesused;
    uint32_t sequence;
    uint32_t user_flags; /* KEYFRAME/PFRAME/BFRAME/TIMECODE copied around */
    /* MMAP memory */
    int memfd;
    void *map;
    /* DMABUF memory (a dup of the queued fd, mapped while attached) */
    int dmabuf_fd;
    int dmabuf_user_fd; /* fd number the user queued, reported back */
    dev_t dmabuf_dev;
    ino_t dmabuf_ino;
    void *dmabuf_map;
    size_t dmabuf_size;
    /* request binding (OUTPUT) */
    struct emu_request *req;
    int request_fd;
};

struct emu_queue {
    uint32_t type;
    uint32_t memory; /* 0 = none yet */
    unsigned count;
    struct emu_buf *bufs[EMU_MAX_BUFFERS];
    bool streaming;
    unsigned ready[EMU_MAX_BUFFERS]; /* driver FIFO (m2m rdy_queue) */
    unsigned nready;
    unsigned done[EMU_MAX_BUFFERS]; /* done_list in completion order */
    unsigned ndone;
    uint32_t sequence;
};

struct emu_ctx {
    int fd;
    bool nonblock;
    struct v4l2_pix_format_mplane src_fmt, dst_fmt;
    struct emu_queue out, cap;
    struct emu_ctrl_store ctrls; /* current values */
    bool job_running;
    bool job_hung;
    struct emu_decoder *decoder; /* libav replay state (pixels mode) */
    struct emu_ctx *next;
};

enum emu_req_state {
    EMU_REQ_IDLE,
    EMU_REQ_QUEUED,
    EMU_REQ_COMPLETE,
};

struct emu_request {
    int fd; /* -1 once closed by the user */
    unsigned media_index;
    enum emu_req_state state;
    struct emu_ctx *ctx; /* the handler whose objects it holds, or NULL */
    struct emu_ctrl_store ctrls; /* values set in the request (set_mask) */
    struct emu_buf *bufs[4];
    unsigned nbufs;
    struct emu_request *next;
};

/* Global emulator state. */
struct emu_state {
    pthread_mutex_t lock;
    pthread_cond_t cond; /* broadcast on every state change */
    bool worker_started;
    pthread_t worker;
    struct emu_settings settings;
    struct emu_ctx *ctxs;
    struct emu_request *reqs;
    unsigned decode_count;  /* decodes started since reset */
    unsigned request_count; /* MEDIA_REQUEST_IOC_QUEUE calls since reset */
    unsigned violations;
};

EMU_HIDDEN extern struct emu_state emu;

/* emu_core.c: fd registry and wake-ups (lock held). */
enum emu_file_kind { EMU_FILE_NONE, EMU_FILE_MEDIA, EMU_FILE_VIDEO, EMU_FILE_REQUEST };
EMU_HIDDEN int emu_registry_add(int fd, enum emu_file_kind kind, void *obj);
EMU_HIDDEN void *emu_registry_get(int fd, enum emu_file_kind kind);
EMU_HIDDEN void emu_registry_del(int fd);
EMU_HIDDEN void emu_notify(void);
EMU_HIDDEN void emu_ensure_worker(void);

/* emu_media.c */
EMU_HIDDEN int emu_media_ioctl(unsigned media_index, unsigned long req, void *arg);

/* emu_video.c */
EMU_HIDDEN struct emu_ctx *emu_ctx_create(int fd, bool nonblock);
EMU_HIDDEN void emu_ctx_destroy(struct emu_ctx *ctx);
EMU_HIDDEN int emu_video_ioctl(struct emu_ctx *ctx, unsigned long req, void *arg);
EMU_HIDDEN short emu_video_poll(struct emu_ctx *ctx, short events);

/* emu_queue.c */
EMU_HIDDEN struct emu_queue *emu_ctx_queue(struct emu_ctx *ctx, uint32_t type);
EMU_HIDDEN int emu_reqbufs(struct emu_ctx *ctx, struct v4l2_requestbuffers *rb);
EMU_HIDDEN int emu_create_bufs(struct emu_ctx *ctx, struct v4l2_create_buffers *cb);
EMU_HIDDEN int emu_querybuf(struct emu_ctx *ctx, struct v4l2_buffer *b);
EMU_HIDDEN int emu_qbuf(struct emu_ctx *ctx, struct v4l2_buffer *b);
EMU_HIDDEN int emu_dqbuf(struct emu_ctx *ctx, struct v4l2_buffer *b);
EMU_HIDDEN int emu_expbuf(struct emu_ctx *ctx, struct v4l2_exportbuffer *eb);
EMU_HIDDEN int emu_streamon(struct emu_ctx *ctx, uint32_t type);
EMU_HIDDEN int emu_streamoff(struct emu_ctx *ctx, uint32_t type);
EMU_HIDDEN void emu_queue_free(struct emu_queue *q);
EMU_HIDDEN void *emu_buf_mmap(struct emu_ctx *ctx, size_t len, int prot, int flags,
                              off_t offset);
EMU_HIDDEN void *emu_buf_mem(struct emu_buf *b);
EMU_HIDDEN void emu_buf_done(struct emu_queue *q, struct emu_buf *b, bool error);

/* emu_request.c */
EMU_HIDDEN int emu_request_alloc(unsigned media_index, int *fd_out);
EMU_HIDDEN int emu_request_ioctl(struct emu_request *r, unsigned long req, void *arg);
EMU_HIDDEN short emu_request_poll(struct emu_request *r, short events);
EMU_HIDDEN void emu_request_close(struct emu_request *r);
EMU_HIDDEN void emu_request_complete(struct emu_request *r);
EMU_HIDDEN void emu_request_unbind_ctx(struct emu_ctx *ctx);
/* Resolves a request fd for QBUF / ext ctrls: -EINVAL when not a request. */
EMU_HIDDEN int emu_request_for_update(int fd, struct emu_ctx *ctx, struct emu_request **out);

/* emu_worker.c */
EMU_HIDDEN void *emu_worker_main(void *arg);
/* True when a queued or running decode of ctx references timestamp ts. */
EMU_HIDDEN bool emu_ts_referenced_by_pending(struct emu_ctx *ctx, uint64_t ts);
/* True when ts names a CAPTURE buffer now, or a pending decode will give one
 * that timestamp. */
EMU_HIDDEN bool emu_ts_resolvable(struct emu_ctx *ctx, uint64_t ts);

/* emu_fence.c (lock held) */
EMU_HIDDEN bool emu_fences_pending(dev_t dev, ino_t ino, bool writers_only);
EMU_HIDDEN int emu_dmabuf_ioctl(int fd, unsigned long req, void *arg, bool *handled);
EMU_HIDDEN void emu_sentinel_after_decode(dev_t dev, ino_t ino, void *mem, size_t size);
EMU_HIDDEN void emu_fences_reset(void);

/* Monotonic time in microseconds. */
EMU_HIDDEN uint64_t emu_now_us(void);

#endif
