/* Access units per IDR epoch, in decode order (see emu_gop.h). */
#include "emu_gop.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void epoch_free(struct emu_epoch *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->aus[i].data);
    free(e->aus);
    memset(e, 0, sizeof(*e));
}

void emu_gops_clear(struct emu_gops *g)
{
    for (unsigned i = 0; i < g->count; i++)
        epoch_free(&g->epochs[i]);
    g->count = 0;
}

/* The access unit a reference timestamp names: the latest arrival that
 * carries it, as the CAPTURE buffer holding it holds the latest decode. */
static bool find_ts(struct emu_gops *g, uint64_t ts, struct emu_epoch **epoch, struct emu_au **au)
{
    *au = NULL;
    for (unsigned i = 0; i < g->count; i++) {
        struct emu_epoch *e = &g->epochs[i];
        for (size_t j = 0; j < e->n; j++)
            if (e->aus[j].ts == ts && (!*au || e->aus[j].arrival > (*au)->arrival)) {
                *au = &e->aus[j];
                *epoch = e;
            }
    }
    return *au != NULL;
}

static struct emu_epoch *newest_epoch(struct emu_gops *g)
{
    struct emu_epoch *best = NULL;
    for (unsigned i = 0; i < g->count; i++)
        if (!best || g->epochs[i].created > best->created)
            best = &g->epochs[i];
    return best;
}

/* A fresh epoch keyed by ts: replaces one with the same key, else takes a
 * free slot, else evicts the oldest. */
static struct emu_epoch *start_epoch(struct emu_gops *g, uint64_t ts, uint64_t arrival)
{
    struct emu_epoch *e = NULL;
    for (unsigned i = 0; i < g->count && !e; i++)
        if (g->epochs[i].idr_ts == ts)
            e = &g->epochs[i];
    if (!e && g->count < EMU_GOP_EPOCHS)
        e = &g->epochs[g->count++];
    if (!e) {
        e = &g->epochs[0];
        for (unsigned i = 1; i < g->count; i++)
            if (g->epochs[i].created < e->created)
                e = &g->epochs[i];
    }
    epoch_free(e);
    e->idr_ts = ts;
    e->created = arrival;
    return e;
}

/* frame_num unwrapped forward from anchor: the smallest value >= anchor
 * congruent to fn (a picture's frame_num never precedes its references'). */
static int64_t unwrap_forward(int64_t anchor, uint32_t fn, uint32_t max)
{
    int64_t d = ((int64_t)fn - anchor) % (int64_t)max;
    return anchor + (d < 0 ? d + (int64_t)max : d);
}

/* frame_num unwrapped to the value nearest anchor. */
static int64_t unwrap_nearest(int64_t anchor, uint32_t fn, uint32_t max)
{
    int64_t v = unwrap_forward(anchor, fn, max);
    return v - anchor >= (int64_t)max / 2 ? v - (int64_t)max : v;
}

/* Epoch and unwrapped frame_num of a non-IDR picture. */
static int place(struct emu_gops *g, const struct emu_gop_picture *pic, struct emu_epoch **epoch,
                 int64_t *frame_num, char *why, size_t why_size)
{
    struct emu_epoch *target = NULL;
    uint64_t target_ref = 0;
    int64_t anchor = INT64_MIN;
    for (unsigned i = 0; i < pic->nrefs; i++) {
        struct emu_epoch *e;
        struct emu_au *au;
        if (!find_ts(g, pic->ref_ts[i], &e, &au)) {
            snprintf(why, why_size,
                     "picture %" PRIu64 " ns (frame_num %u) references timestamp %" PRIu64
                     " ns, which no decoded picture of the last %u IDR periods carries",
                     pic->ts, pic->frame_num, pic->ref_ts[i], EMU_GOP_EPOCHS);
            return -ENOENT;
        }
        if (target && e != target) {
            snprintf(why, why_size,
                     "picture %" PRIu64 " ns (frame_num %u) references pictures of two IDR "
                     "periods: %" PRIu64 " ns (IDR %" PRIu64 " ns) and %" PRIu64
                     " ns (IDR %" PRIu64 " ns)",
                     pic->ts, pic->frame_num, target_ref, target->idr_ts, pic->ref_ts[i], e->idr_ts);
            return -EXDEV;
        }
        target = e;
        target_ref = pic->ref_ts[i];
        if (au->frame_num > anchor)
            anchor = au->frame_num;
    }
    if (target) {
        *epoch = target;
        *frame_num = unwrap_forward(anchor, pic->frame_num, pic->max_frame_num);
        return 0;
    }
    /* An I picture: the epoch of the latest IDR before it in decode order,
     * taken as the newest; unwrapped around that epoch's last arrival. */
    target = newest_epoch(g);
    if (!target) {
        *epoch = NULL;
        *frame_num = pic->frame_num;
        return 0;
    }
    const struct emu_au *last = &target->aus[0];
    for (size_t j = 1; j < target->n; j++)
        if (target->aus[j].arrival > last->arrival)
            last = &target->aus[j];
    *epoch = target;
    *frame_num = unwrap_nearest(last->frame_num, pic->frame_num, pic->max_frame_num);
    return 0;
}

static bool sorts_after(const struct emu_au *a, int64_t frame_num, bool reference)
{
    return a->frame_num > frame_num || (a->frame_num == frame_num && a->reference && !reference);
}

int emu_gops_add(struct emu_gops *g, const struct emu_gop_picture *pic, uint8_t *data, size_t size,
                 struct emu_epoch **epoch, size_t *pos, char *why, size_t why_size)
{
    uint64_t arrival = ++g->arrivals;
    struct emu_epoch *e = NULL;
    int64_t frame_num = 0;
    int ret = 0;
    if (!pic->idr)
        ret = place(g, pic, &e, &frame_num, why, why_size);
    if (ret < 0) {
        free(data);
        return ret;
    }
    if (!e)
        e = start_epoch(g, pic->ts, arrival);
    /* A timestamp decoded again replaces its earlier access unit here. */
    for (size_t j = 1; j < e->n; j++)
        if (e->aus[j].ts == pic->ts) {
            free(e->aus[j].data);
            memmove(&e->aus[j], &e->aus[j + 1], (e->n - j - 1) * sizeof(e->aus[0]));
            e->n--;
            break;
        }
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 32;
        struct emu_au *a = realloc(e->aus, cap * sizeof(*a));
        if (!a) {
            free(data);
            snprintf(why, why_size, "out of memory");
            return -ENOMEM;
        }
        e->aus = a;
        e->cap = cap;
    }
    /* The epoch's first picture stays first; others after every access
     * unit that does not sort after them (equal keys: arrival order). */
    size_t at = e->n;
    for (size_t j = 1; j < e->n; j++)
        if (sorts_after(&e->aus[j], frame_num, pic->reference)) {
            at = j;
            break;
        }
    memmove(&e->aus[at + 1], &e->aus[at], (e->n - at) * sizeof(e->aus[0]));
    e->aus[at] = (struct emu_au){.ts = pic->ts, .frame_num = frame_num, .reference = pic->reference,
                                 .arrival = arrival, .data = data, .size = size};
    e->n++;
    *epoch = e;
    *pos = at;
    return 0;
}
