// Windows (mingw-w64 build only): the addon's N-API imports name "node.exe"
// and are delay-loaded (scripts/prebuild/win32-x64.mjs links a delay import
// library). Inside VS Code the host executable is Code.exe (Electron), which
// exports the same napi_* functions; a plain import of "node.exe" would fail
// there with "module not found". This hook answers the loader's request for
// "node.exe" with the module of the running executable, whatever its name.
// (MSVC builds by node-gyp add an equivalent hook of their own.)
#if defined(_WIN32) && defined(__MINGW32__)

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <delayimp.h>

namespace {

FARPROC WINAPI hearth_delay_load_hook(unsigned event, PDelayLoadInfo info) {
    // Only the "about to LoadLibrary" notification for node.exe is ours;
    // returning null lets the loader do its default for everything else.
    if (event != dliNotePreLoadLibrary || !info || !info->szDll) return nullptr;
    if (lstrcmpiA(info->szDll, "node.exe") != 0) return nullptr;
    return reinterpret_cast<FARPROC>(GetModuleHandleW(nullptr));
}

} // namespace

// The delay-load helper reads this well-known variable (declared extern "C"
// by delayimp.h).
PfnDliHook __pfnDliNotifyHook2 = hearth_delay_load_hook;

#endif
