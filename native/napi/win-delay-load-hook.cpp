// Windows (mingw-w64 build only): the addon's N-API imports name "node.exe"
// and are delay-loaded (scripts/prebuild/win32-x64.mjs links a delay import
// library). Inside VS Code the host executable is Code.exe (Electron), which
// exports the same napi_* functions; a plain import of "node.exe" would fail
// there with "module not found". This hook answers the loader's request for
// "node.exe" with the module of the running executable, whatever its name,
// and binds the ones taking a double when the addon loads (see
// BindDoubleImportsAtLoad).
// (MSVC builds by node-gyp add an equivalent hook of their own.)
#if defined(_WIN32) && defined(__MINGW32__)

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <delayimp.h>

#include <node_api.h>

namespace {

FARPROC WINAPI hearth_delay_load_hook(unsigned event, PDelayLoadInfo info) {
    // Only the "about to LoadLibrary" notification for node.exe is ours;
    // returning null lets the loader do its default for everything else.
    if (event != dliNotePreLoadLibrary || !info || !info->szDll) return nullptr;
    if (lstrcmpiA(info->szDll, "node.exe") != 0) return nullptr;
    return reinterpret_cast<FARPROC>(GetModuleHandleW(nullptr));
}

// dlltool's x86-64 delay-load thunk (binutils 2.40) saves the integer
// argument registers but not XMM0-XMM3, so the call that binds an import
// passes a clobbered double: the first napi_create_double would create
// garbage. (MSVC's __HrLoadAllImportsForDll cannot help: GNU ld leaves the
// delay-import directory empty.) So the only two imports that take a double
// are bound while the addon loads, by calls that need no value: with a null
// env they return napi_invalid_arg at once. Loader-lock safe: binding is the
// hook's GetModuleHandle plus GetProcAddress.
struct BindDoubleImportsAtLoad {
    BindDoubleImportsAtLoad() {
        (void)napi_create_double(nullptr, 0.0, nullptr);
        (void)napi_create_date(nullptr, 0.0, nullptr);
    }
} bind_double_imports_at_load;

} // namespace

// The delay-load helper reads this well-known variable (declared extern "C"
// by delayimp.h).
PfnDliHook __pfnDliNotifyHook2 = hearth_delay_load_hook;

#endif
