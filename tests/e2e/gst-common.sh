# Sourced by the GStreamer e2e tests: runs `vulkanh264dec` through the
# layer and writes the decoded frames, packed yuv420p, as framemd5 lines.
#   gst_decode FILE OUTDIR   -> OUTDIR/hw.md5, OUTDIR/hw.log; returns gst's status
# y4menc keeps the frames tightly packed (a raw I420 buffer pads chroma rows
# to 4 bytes, e.g. 300-wide video), and FFmpeg reads the y4m back.

# The plugin registry lives in the build tree: the first scan loads every
# plugin, and a registry shared with the user's would hide what we test.
export GST_REGISTRY=${VKV4L2_E2E_OUT:?}/gst-registry.bin

# After validation_setup: the message GStreamer itself causes, set aside.
# vulkanh264dec makes new session parameters for every picture and destroys
# the previous ones right after submitting the decode that uses them
# (VUID-vkDestroyVideoSessionParametersKHR-videoSessionParameters-07212,
# reported by validation above the layer).  GPU drivers read the
# parameters while recording, so it goes unnoticed there; the layer keeps
# them alive while a recording uses them.  No call the layer makes is
# involved.
gst_validation_filter() {
    [ -n "${VK_KHRONOS_VALIDATION_MESSAGE_ID_FILTER:-}" ] || return 0
    export VK_KHRONOS_VALIDATION_MESSAGE_ID_FILTER=$VK_KHRONOS_VALIDATION_MESSAGE_ID_FILTER,VUID-vkDestroyVideoSessionParametersKHR-videoSessionParameters-07212
}

gst_decode() {
    local file=$1 out=$2
    # The sanitizer runtimes go into gst-launch (it loads our layer);
    # GLib's and GStreamer's own allocations at exit are not ours to judge:
    # the layer's leaks are checked in the FFmpeg tests.
    LD_PRELOAD="${VKV4L2_TEST_PRELOAD:-}" \
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        timeout -k 10 600 gst-launch-1.0 -q filesrc location="$file" ! h264parse ! \
        vulkanh264dec ! vulkandownload ! videoconvert ! video/x-raw,format=I420 ! y4menc ! \
        filesink location="$out/hw.y4m" >"$out/hw.log" 2>&1
    local rc=$?
    env -u VK_INSTANCE_LAYERS ffmpeg -nostdin -loglevel error -i "$out/hw.y4m" \
        -f framemd5 "$out/hw.md5" 2>>"$out/hw.log" || return 1
    return $rc
}

# Lines of the decode log that tell of an error (printed; status 0 when any).
gst_log_errors() {
    grep -E "vkv4l2: (warn|error)|^ERROR|CRITICAL|Caught SIG" "$1"
}

# "size,md5" of every frame of a framemd5 file, one per line.
frame_hashes() {
    grep -v '^#' "$1" | awk -F, '{gsub(/ /,""); print $5","$6}'
}
