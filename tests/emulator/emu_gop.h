/* Arrival-order independence of the pixel decode.  Hardware decodes each
 * request on its own, finding its references by timestamp; a client may
 * queue pictures out of decode order as long as each picture's references
 * come first (FFmpeg's frame threads do).  The replay decoder therefore
 * keeps access units per IDR "epoch", each epoch sorted in decode order
 * reconstructed from the syntax:
 *   - an IDR starts an epoch keyed by its timestamp;
 *   - any other picture joins the epoch of its references (which must all
 *     be known and agree), or, without references, the newest epoch;
 *   - inside an epoch, order is (unwrapped frame_num, nal_ref_idc != 0):
 *     after the reference picture with frame_num n come the non-reference
 *     pictures with frame_num n+1, then the reference picture with n+1;
 *     pictures with equal keys (non-reference B's) keep arrival order.
 * frame_num is unwrapped (MaxFrameNum = 1 << (log2_max_frame_num_minus4 + 4))
 * forward from the newest of the picture's references, or, without
 * references, to the value nearest the epoch's last arrival.
 * Not modelled: MMCO 5 (frame_num restarts without an IDR) and field pairs.
 * Pure bookkeeping: the access unit bytes are opaque here. */
#ifndef VKV4L2_EMU_GOP_H
#define VKV4L2_EMU_GOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EMU_GOP_EPOCHS 4 /* older epochs are dropped: late pictures of the
                          * previous GOPs still decode */
#define EMU_GOP_MAX_REFS 16

struct emu_au {
    uint64_t ts;
    int64_t frame_num; /* unwrapped, 0 at the IDR */
    bool reference;    /* nal_ref_idc != 0 */
    uint64_t arrival;  /* arrival counter, for the frame_num anchor */
    uint8_t *data;     /* owned; freed with free() */
    size_t size;
};

struct emu_epoch {
    uint64_t idr_ts;
    uint64_t created; /* arrival counter of its IDR: newest = largest */
    struct emu_au *aus; /* decode order; aus[0] is the IDR (or the first I picture) */
    size_t n, cap;
};

struct emu_gops {
    struct emu_epoch epochs[EMU_GOP_EPOCHS];
    unsigned count; /* epochs in use: epochs[0..count) */
    uint64_t arrivals;
};

/* What the decode parameters say about one picture. */
struct emu_gop_picture {
    uint64_t ts;
    bool idr;
    bool reference; /* nal_ref_idc != 0 */
    uint16_t frame_num;
    uint32_t max_frame_num; /* a power of two >= 16 */
    uint64_t ref_ts[EMU_GOP_MAX_REFS];
    unsigned nrefs;
};

/* Places pic (taking ownership of data: freed on success and on failure)
 * and returns its epoch and position in *epoch / *pos.  Errors, with a
 * sentence in why: -ENOENT a reference timestamp is in no kept epoch,
 * -EXDEV references in different epochs, -ENOMEM. */
int emu_gops_add(struct emu_gops *g, const struct emu_gop_picture *pic, uint8_t *data, size_t size,
                 struct emu_epoch **epoch, size_t *pos, char *why, size_t why_size);
void emu_gops_clear(struct emu_gops *g);

#endif
