#!/usr/bin/env python3
"""Shrinks a CUDA shared library for one GPU generation, for transfer only.

usage: fatbin-keep.py IN.so OUT.so KIND:SM [KIND:SM ...]   (KIND 1 = PTX, 2 = SASS)

Every fatbin entry not listed keeps its header but gets its payload zeroed,
so the file keeps its size and layout (offsets, ELF sections) and the driver
still sees every entry; it only ever reads the one it picks for the device,
which stays intact. Zeros compress to nothing: llama.cpp's 159 MB CUDA build
packs to ~24 MB with compute_90 PTX kept. Prints what it kept and zeroed.
"""
import struct
import sys

FATBIN_MAGIC = struct.pack('<I', 0xBA55ED50)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    src, dst = sys.argv[1], sys.argv[2]
    keep = {tuple(int(x) for x in spec.split(':')) for spec in sys.argv[3:]}
    data = bytearray(open(src, 'rb').read())
    kept = zeroed = fatbins = 0
    i = 0
    while True:
        j = data.find(FATBIN_MAGIC, i)
        if j < 0:
            break
        # Header: magic u32, version u16, header size u16, size of the entries u64.
        version, header_size, fat_size = struct.unpack_from('<HHQ', data, j + 4)
        if version != 1 or header_size != 16:
            i = j + 4
            continue
        fatbins += 1
        p, end = j + header_size, j + header_size + fat_size
        while p < end:
            # Entry: kind u16, u16, header size u32, payload size u64, ..., sm u32 at +28.
            kind, _, entry_header, payload = struct.unpack_from('<HHIQ', data, p)
            sm = struct.unpack_from('<I', data, p + 28)[0]
            if (kind, sm) in keep:
                kept += payload
            else:
                data[p + entry_header:p + entry_header + payload] = bytes(payload)
                zeroed += payload
            p += entry_header + payload
        i = end
    if not kept:
        sys.exit(f'{src}: no fatbin entry matches {sorted(keep)}; nothing written')
    open(dst, 'wb').write(data)
    print(f'{fatbins} fatbins: kept {kept} bytes, zeroed {zeroed}')


if __name__ == '__main__':
    main()
