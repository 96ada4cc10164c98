# Per-OS build settings for every target, kept apart from the engine modules.
# Linux (glibc): bind the few symbols newer than our floor to old versions
# (src/common/glibc-floor.h; -include<file> is one argument so gyp keeps it
# whole). The win32-x64 prebuild is built by scripts/prebuild/win32-x64.mjs,
# which reads these same gyp files.
{
  "target_defaults": {
    "conditions": [
      ["OS=='linux'", {
        "cflags": ["-includecommon/glibc-floor.h"]
      }]
    ]
  }
}
