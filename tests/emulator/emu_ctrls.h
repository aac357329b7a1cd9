/* The control handler of the emulated decoder: hantro's H.264 control set,
 * validated like v4l2-ctrls-core.c std_validate_compound + hantro_try_ctrl.
 * Pure functions over a value store; no locking, no fds. */
#ifndef VKV4L2_EMU_CTRLS_H
#define VKV4L2_EMU_CTRLS_H

#include <linux/v4l2-controls.h>
#include <linux/videodev2.h>
#include <stdint.h>

enum emu_ctrl_index {
    EMU_CTRL_DECODE_PARAMS,
    EMU_CTRL_SPS,
    EMU_CTRL_PPS,
    EMU_CTRL_SCALING_MATRIX,
    EMU_CTRL_DECODE_MODE,
    EMU_CTRL_START_CODE,
    EMU_CTRL_PROFILE,
    EMU_CTRL_COUNT
};
#define EMU_CTRL_BIT(i) (1u << (i))

struct emu_ctrl_store {
    struct v4l2_ctrl_h264_decode_params decode_params;
    struct v4l2_ctrl_h264_sps sps;
    struct v4l2_ctrl_h264_pps pps;
    struct v4l2_ctrl_h264_scaling_matrix scaling_matrix;
    int32_t decode_mode, start_code, profile;
    uint32_t set_mask; /* which values were set (meaningful for requests) */
};

/* Default values (the kernel's std_init). */
void emu_ctrls_init(struct emu_ctrl_store *s);
int emu_ctrls_query(struct v4l2_query_ext_ctrl *qc);
int emu_ctrls_querymenu(struct v4l2_querymenu *qm);
/* Validates every control in cs and, when store is not NULL, writes them
 * into store (setting set_mask bits).  Atomic: nothing is written unless all
 * are valid.  Returns 0 or -errno with cs->error_idx set. */
int emu_ctrls_set(struct emu_ctrl_store *store, struct v4l2_ext_controls *cs);
/* Reads the controls in cs from s (or the defaults with which=DEF_VAL). */
int emu_ctrls_get(const struct emu_ctrl_store *s, struct v4l2_ext_controls *cs);
/* Copies the values set in src over dst (request -> current). */
void emu_ctrls_apply(struct emu_ctrl_store *dst, const struct emu_ctrl_store *src);
/* std_validate_compound + hantro_try_ctrl for one compound value (may
 * normalise fields, like the kernel).  Returns 0 or -EINVAL. */
int emu_ctrl_validate_compound(uint32_t id, void *p);

#endif
