/**
 * Block formats: sizes agree with the ggml type table; dequantizers decode
 * hand-built blocks exactly (decoders here are written from the format
 * definitions, independently of the addon); quantize -> dequantize round
 * trips are exact where the format allows; real F16 tensors convert exactly.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import { cpu, makeRng, f16ToNumber, numberToF16, runnableLevels, randomArray } from './kernel-helpers';
import { fixture } from '../helpers/fixtures';

const f = Math.fround;
const COMPUTABLE = ['F32', 'F16', 'BF16', 'Q4_0', 'Q4_1', 'Q5_0', 'Q5_1', 'Q8_0', 'Q2_K', 'Q3_K', 'Q4_K', 'Q5_K', 'Q6_K', 'Q8_K',
  'IQ4_NL', 'IQ4_XS', 'MXFP4'];
// The non-linear formats' value tables, from the format definitions (ggml-common.h's facts).
const IQ4_NL_VALUES = [-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113];
const MXFP4_VALUES = [0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12];  // E2M1 x 2

class Bytes {
  readonly b: Uint8Array;
  private o = 0;
  constructor(n: number) { this.b = new Uint8Array(n); }
  u8(v: number): void { this.b[this.o++] = v & 0xff; }
  u16(v: number): void { this.u8(v); this.u8(v >> 8); }
  f32(v: number): void { new DataView(this.b.buffer).setFloat32(this.o, v, true); this.o += 4; }
  get offset(): number { return this.o; }
}

function randInt(rng: () => number, lo: number, hi: number): number {
  return lo + Math.floor(((rng() + 1) / 2) * (hi - lo + 1));
}

/** A random f16 scale of moderate size, as bits and value. */
function randScale(rng: () => number): [number, number] {
  const bits = numberToF16((0.01 + (rng() + 1) / 2) * 0.05);
  return [bits, f16ToNumber(bits)];
}

function assertExact(got: Float32Array, want: number[], what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i]) && got[i] !== want[i]) {
      assert.fail(`${what}: element ${i} is ${got[i]}, want ${want[i]}`);
    }
  }
}

describe('kernels: block formats', () => {
  it('every level quantizes activations as the reference (Q8_K bit for bit; Q8_0/Q8_1 up to ties)', () => {
    // Random rows plus exact halves (x.5 after scaling: nearest-even ties),
    // a negative largest magnitude, and an all-zero block.
    const x = new Float32Array(1024);
    x.set(randomArray(512, 21, 3), 0);
    for (let i = 0; i < 256; i++) x[512 + i] = ((i % 9) - 4) + 0.5;
    x[512] = 127;
    for (let i = 0; i < 256; i++) x[768 + i] = i === 100 ? -9 : (i % 5) - 2;
    const zeros = new Float32Array(256);
    for (const type of ['Q8_0', 'Q8_1', 'Q8_K']) {
      const ref = cpu.cpuQuantize(type, x);
      for (const level of runnableLevels()) {
        const got = cpu.cpuQuantize(type, x, level);
        assert.deepEqual(cpu.cpuQuantize(type, zeros, level), cpu.cpuQuantize(type, zeros), `${type} zeros on ${level}`);
        if (type === 'Q8_K') {
          assert.deepEqual(got, ref, `${type} on ${level}`);
          continue;
        }
        // The reference rounds halves away from zero (ggml's reference); the
        // vector paths round them to even, as ggml's x86 path does. Elsewhere equal.
        const bytes = type === 'Q8_0' ? 34 : 36, head = type === 'Q8_0' ? 2 : 4;
        let ties = 0;
        for (let b = 0; b < x.length / 32; b++) {
          const blk = x.subarray(32 * b, 32 * b + 32);
          const id = Math.fround(1 / Math.fround(Math.max(...Array.from(blk, Math.abs)) / 127));
          for (let i = 0; i < 32; i++) {
            const o = b * bytes + head + i;
            if (got[o] === ref[o]) continue;
            const v = Math.abs(Math.fround(blk[i] * id));
            assert.equal(v - Math.floor(v), 0.5, `${type} on ${level}: block ${b} quant ${i} differs off a tie`);
            assert.equal(Math.abs(((got[o] << 24) >> 24) - ((ref[o] << 24) >> 24)), 1);
            ties++;
          }
          if (type === 'Q8_0') assert.deepEqual(got.subarray(b * bytes, b * bytes + 2), ref.subarray(b * bytes, b * bytes + 2), `${type} scale, block ${b}`);
        }
        if (level === 'generic') assert.equal(ties, 0);
      }
    }
  });


  it('block structs match the ggml type table for every computable type', () => {
    for (const t of COMPUTABLE) {
      const info = cpu.cpuTypeInfo(t);
      assert.equal(info.structBytes, info.blockBytes, `${t}: sizeof(block) vs table`);
      assert.ok(info.hasReference, `${t} has a reference quantizer`);
    }
  });

  it('Q4_0 / Q4_1 / Q5_0 / Q5_1 / Q8_0 / Q8_K: hand-built blocks decode exactly and round-trip bit-exactly', () => {
    const rng = makeRng(7);
    for (let trial = 0; trial < 20; trial++) {
      // Q4_0: d = 0.5, q in 0..15 with one q = 0 (the -8d extreme sets d on re-quantize).
      {
        const q = Array.from({ length: 32 }, () => randInt(rng, 1, 15));
        q[randInt(rng, 0, 31)] = 0;
        const blk = new Bytes(18);
        blk.u16(0x3800);
        for (let j = 0; j < 16; j++) blk.u8(q[j] | (q[j + 16] << 4));
        const want = q.map((v) => (v - 8) * 0.5);
        const got = cpu.cpuDequantize('Q4_0', blk.b, 32);
        assertExact(got, want, 'Q4_0 decode');
        assert.deepEqual(cpu.cpuQuantize('Q4_0', got), blk.b, 'Q4_0 round trip');
      }
      // Q4_1: d = 0.25, m = -1.5, q 0 and 15 both present.
      {
        const q = Array.from({ length: 32 }, () => randInt(rng, 0, 15));
        q[0] = 0;
        q[17] = 15;
        const blk = new Bytes(20);
        blk.u16(numberToF16(0.25));
        blk.u16(numberToF16(-1.5));
        for (let j = 0; j < 16; j++) blk.u8(q[j] | (q[j + 16] << 4));
        const got = cpu.cpuDequantize('Q4_1', blk.b, 32);
        assertExact(got, q.map((v) => f(f(v * 0.25) + -1.5)), 'Q4_1 decode');
        assert.deepEqual(cpu.cpuQuantize('Q4_1', got), blk.b, 'Q4_1 round trip');
      }
      // Q5_0: d = 0.125, 5-bit q with the high bit in qh (bit j = element j).
      {
        const q = Array.from({ length: 32 }, () => randInt(rng, 1, 31));
        q[randInt(rng, 0, 31)] = 0;
        const blk = new Bytes(22);
        blk.u16(numberToF16(0.125));
        let qh = 0;
        for (let j = 0; j < 32; j++) if (q[j] & 16) qh |= 1 << j;
        blk.u8(qh); blk.u8(qh >>> 8); blk.u8(qh >>> 16); blk.u8(qh >>> 24);
        for (let j = 0; j < 16; j++) blk.u8((q[j] & 15) | ((q[j + 16] & 15) << 4));
        const got = cpu.cpuDequantize('Q5_0', blk.b, 32);
        assertExact(got, q.map((v) => (v - 16) * 0.125), 'Q5_0 decode');
        assert.deepEqual(cpu.cpuQuantize('Q5_0', got), blk.b, 'Q5_0 round trip');
      }
      // Q5_1: d = 0.25, m = -2.
      {
        const q = Array.from({ length: 32 }, () => randInt(rng, 0, 31));
        q[3] = 0;
        q[30] = 31;
        const blk = new Bytes(24);
        blk.u16(numberToF16(0.25));
        blk.u16(numberToF16(-2));
        let qh = 0;
        for (let j = 0; j < 32; j++) if (q[j] & 16) qh |= 1 << j;
        blk.u8(qh); blk.u8(qh >>> 8); blk.u8(qh >>> 16); blk.u8(qh >>> 24);
        for (let j = 0; j < 16; j++) blk.u8((q[j] & 15) | ((q[j + 16] & 15) << 4));
        const got = cpu.cpuDequantize('Q5_1', blk.b, 32);
        assertExact(got, q.map((v) => f(f(v * 0.25) - 2)), 'Q5_1 decode');
        assert.deepEqual(cpu.cpuQuantize('Q5_1', got), blk.b, 'Q5_1 round trip');
      }
      // Q8_0: d = 2^-7, one |q| = 127.
      {
        const q = Array.from({ length: 32 }, () => randInt(rng, -126, 126));
        q[randInt(rng, 0, 31)] = rng() < 0 ? -127 : 127;
        const blk = new Bytes(34);
        blk.u16(numberToF16(2 ** -7));
        for (const v of q) blk.u8(v);
        const got = cpu.cpuDequantize('Q8_0', blk.b, 32);
        assertExact(got, q.map((v) => v * 2 ** -7), 'Q8_0 decode');
        assert.deepEqual(cpu.cpuQuantize('Q8_0', got), blk.b, 'Q8_0 round trip');
      }
      // Q8_K: f32 d, 256 int8, 16 int16 sums. The quantizer's scale takes the
      // sign of minus the largest-magnitude value, so that value is negative here.
      {
        const q = Array.from({ length: 256 }, () => randInt(rng, -126, 126));
        q[randInt(rng, 0, 255)] = -127;
        const blk = new Bytes(292);
        blk.f32(2 ** -7);
        for (const v of q) blk.u8(v);
        for (let g = 0; g < 16; g++) blk.u16(q.slice(16 * g, 16 * g + 16).reduce((s, v) => s + v, 0));
        const got = cpu.cpuDequantize('Q8_K', blk.b, 256);
        assertExact(got, q.map((v) => v * 2 ** -7), 'Q8_K decode');
        assert.deepEqual(cpu.cpuQuantize('Q8_K', got), blk.b, 'Q8_K round trip');
      }
    }
  });

  it('Q2_K / Q3_K / Q4_K / Q5_K / Q6_K: random hand-packed blocks decode exactly', () => {
    const rng = makeRng(99);
    const rb = (): number => randInt(rng, 0, 255);
    for (let trial = 0; trial < 10; trial++) {
      // Q2_K: scales[16] (lo nibble scale, hi nibble min), qs[64], d, dmin.
      {
        const blk = new Bytes(84);
        const scales = Array.from({ length: 16 }, rb);
        const qs = Array.from({ length: 64 }, rb);
        scales.forEach((v) => blk.u8(v));
        qs.forEach((v) => blk.u8(v));
        const [db, d] = randScale(rng);
        const [mb, dmin] = randScale(rng);
        blk.u16(db);
        blk.u16(mb);
        const want: number[] = [];
        for (let e = 0; e < 256; e++) {
          // element e: 2 bits at byte 32*(e/128) + e%32, shift 2*((e/32)%4); sub-block e/16
          const q = (qs[32 * Math.floor(e / 128) + (e % 32)] >> (2 * (Math.floor(e / 32) % 4))) & 3;
          const sc = scales[Math.floor(e / 16)];
          want.push(f(f(f(d * (sc & 15)) * q) - f(dmin * (sc >> 4))));
        }
        assertExact(cpu.cpuDequantize('Q2_K', blk.b, 256), want, 'Q2_K decode');
      }
      // Q3_K: hmask[32], qs[64], scales[12] (6-bit signed, offset 32), d.
      {
        const blk = new Bytes(110);
        const hmask = Array.from({ length: 32 }, rb);
        const qs = Array.from({ length: 64 }, rb);
        const sc6 = Array.from({ length: 16 }, () => randInt(rng, 0, 63));
        const packed = new Array(12).fill(0);
        for (let j = 0; j < 16; j++) {
          if (j < 8) packed[j] |= sc6[j] & 15;
          else packed[j - 8] |= (sc6[j] & 15) << 4;
          packed[8 + (j % 4)] |= (sc6[j] >> 4) << (2 * Math.floor(j / 4));
        }
        hmask.forEach((v) => blk.u8(v));
        qs.forEach((v) => blk.u8(v));
        packed.forEach((v) => blk.u8(v));
        const [db, d] = randScale(rng);
        blk.u16(db);
        const want: number[] = [];
        for (let e = 0; e < 256; e++) {
          const q = (qs[32 * Math.floor(e / 128) + (e % 32)] >> (2 * (Math.floor(e / 32) % 4))) & 3;
          const h = (hmask[e % 32] >> Math.floor(e / 32)) & 1;
          want.push(f(f(d * (sc6[Math.floor(e / 16)] - 32)) * (q - (h ? 0 : 4))));
        }
        assertExact(cpu.cpuDequantize('Q3_K', blk.b, 256), want, 'Q3_K decode');
      }
      // Q4_K / Q5_K: d, dmin, 8 x (6-bit scale, 6-bit min) in 12 bytes, 4-bit q (+1 bit in qh for Q5_K).
      for (const five of [false, true]) {
        const blk = new Bytes(five ? 176 : 144);
        const [db, d] = randScale(rng);
        const [mb, dmin] = randScale(rng);
        const sc = Array.from({ length: 8 }, () => randInt(rng, 0, 63));
        const mn = Array.from({ length: 8 }, () => randInt(rng, 0, 63));
        const packed = new Array(12).fill(0);
        for (let j = 0; j < 8; j++) {
          if (j < 4) {
            packed[j] |= sc[j];
            packed[j + 4] |= mn[j];
          } else {
            packed[j + 4] |= (sc[j] & 15) | ((mn[j] & 15) << 4);
            packed[j - 4] |= (sc[j] >> 4) << 6;
            packed[j] |= (mn[j] >> 4) << 6;
          }
        }
        const qh = Array.from({ length: 32 }, rb);
        const qs = Array.from({ length: 128 }, rb);
        blk.u16(db);
        blk.u16(mb);
        packed.forEach((v) => blk.u8(v));
        if (five) qh.forEach((v) => blk.u8(v));
        qs.forEach((v) => blk.u8(v));
        const want: number[] = [];
        for (let e = 0; e < 256; e++) {
          const s = Math.floor(e / 32);
          const byte = qs[32 * Math.floor(e / 64) + (e % 32)];
          let q = s & 1 ? byte >> 4 : byte & 15;
          if (five) q |= ((qh[e % 32] >> s) & 1) << 4;
          want.push(f(f(f(d * sc[s]) * q) - f(dmin * mn[s])));
        }
        const t = five ? 'Q5_K' : 'Q4_K';
        assertExact(cpu.cpuDequantize(t, blk.b, 256), want, `${t} decode`);
      }
      // Q6_K: ql[128], qh[64], int8 scales[16], d; q = 6 bits - 32.
      {
        const blk = new Bytes(210);
        const ql = Array.from({ length: 128 }, rb);
        const qh = Array.from({ length: 64 }, rb);
        const scales = Array.from({ length: 16 }, () => randInt(rng, -128, 127));
        ql.forEach((v) => blk.u8(v));
        qh.forEach((v) => blk.u8(v));
        scales.forEach((v) => blk.u8(v));
        const [db, d] = randScale(rng);
        blk.u16(db);
        const want: number[] = [];
        for (let e = 0; e < 256; e++) {
          const c = Math.floor(e / 128);
          const p = Math.floor(e / 32) % 4;
          const l = e % 32;
          const byte = ql[64 * c + 32 * (p & 1) + l];
          const lo = p >= 2 ? byte >> 4 : byte & 15;
          const hi = (qh[32 * c + l] >> (2 * p)) & 3;
          want.push(f(f(d * scales[Math.floor(e / 16)]) * ((lo | (hi << 4)) - 32)));
        }
        assertExact(cpu.cpuDequantize('Q6_K', blk.b, 256), want, 'Q6_K decode');
      }
    }
  });

  it('IQ4_NL / IQ4_XS / MXFP4: random hand-packed blocks decode exactly; IQ4_NL and MXFP4 round-trip', () => {
    const rng = makeRng(123);
    const rb = (): number => randInt(rng, 0, 255);
    for (let trial = 0; trial < 20; trial++) {
      // IQ4_NL: f16 d, qs[16]; element j low nibble of qs[j], j + 16 the high one. One nibble 0
      // (-127, the largest magnitude) so the quantizer's first scale is d itself.
      {
        const q = Array.from({ length: 32 }, () => randInt(rng, 1, 15));
        q[randInt(rng, 0, 31)] = 0;
        const [db, d] = randScale(rng);
        const blk = new Bytes(18);
        blk.u16(db);
        for (let j = 0; j < 16; j++) blk.u8(q[j] | (q[j + 16] << 4));
        const got = cpu.cpuDequantize('IQ4_NL', blk.b, 32);
        assertExact(got, q.map((v) => f(d * IQ4_NL_VALUES[v])), 'IQ4_NL decode');
        assert.deepEqual(cpu.cpuQuantize('IQ4_NL', got), blk.b, 'IQ4_NL round trip');
      }
      // IQ4_XS: f16 d, u16 scales_h, scales_l[4], qs[128]; sub-block ib has the 6-bit
      // scale (nibble ib%2 of scales_l[ib/2]) | (bits 2ib..2ib+1 of scales_h) << 4, offset 32.
      {
        const ls = Array.from({ length: 8 }, () => randInt(rng, 0, 63));
        const qs = Array.from({ length: 128 }, rb);
        const [db, d] = randScale(rng);
        let sh = 0;
        const sl = [0, 0, 0, 0];
        for (let ib = 0; ib < 8; ib++) {
          sl[ib >> 1] |= (ls[ib] & 15) << (4 * (ib & 1));
          sh |= (ls[ib] >> 4) << (2 * ib);
        }
        const blk = new Bytes(136);
        blk.u16(db);
        blk.u16(sh);
        sl.forEach((v) => blk.u8(v));
        qs.forEach((v) => blk.u8(v));
        const want: number[] = [];
        for (let e = 0; e < 256; e++) {
          const ib = Math.floor(e / 32), j = e % 32;
          const byte = qs[16 * ib + (j % 16)];
          want.push(f(f(d * (ls[ib] - 32)) * IQ4_NL_VALUES[j < 16 ? byte & 15 : byte >> 4]));
        }
        assertExact(cpu.cpuDequantize('IQ4_XS', blk.b, 256), want, 'IQ4_XS decode');
      }
      // MXFP4: E8M0 byte e (scale 2^(e - 127) on E2M1 values, i.e. 2^(e - 128) on the
      // doubled table), qs[16] as IQ4_NL. A magnitude-12 code (the largest) is present;
      // the zero code is always 0, never 8 (-0).
      {
        const q = Array.from({ length: 32 }, () => randInt(rng, 1, 15));
        q[randInt(rng, 0, 31)] = rng() < 0 ? 7 : 15;
        for (let j = 0; j < 32; j++) if (q[j] === 8) q[j] = 0;
        const e = trial === 0 ? 1 : randInt(rng, 100, 140);  // e = 1: a subnormal scale
        const blk = new Bytes(17);
        blk.u8(e);
        for (let j = 0; j < 16; j++) blk.u8(q[j] | (q[j + 16] << 4));
        const got = cpu.cpuDequantize('MXFP4', blk.b, 32);
        assertExact(got, q.map((v) => MXFP4_VALUES[v] * 2 ** (e - 128)), 'MXFP4 decode');
        assert.deepEqual(cpu.cpuQuantize('MXFP4', got), blk.b, 'MXFP4 round trip');
      }
    }
  });

  it('quantizers keep their error within each format\'s bound on gaussian-like data', () => {
    // Loose upper bounds (NMSE); the byte-exact check against ggml is in ggml-oracle.test.ts.
    const bounds: Record<string, number> = {
      Q4_0: 1e-2, Q4_1: 1e-2, Q5_0: 3e-3, Q5_1: 3e-3, Q8_0: 1e-4, Q2_K: 0.15, Q3_K: 4e-2,
      Q4_K: 1e-2, Q5_K: 3e-3, Q6_K: 1e-3, Q8_K: 1e-4, F16: 1e-6, BF16: 1e-4,
      IQ4_NL: 1e-2, IQ4_XS: 1e-2, MXFP4: 3e-2,
    };
    const rng = makeRng(3);
    const x = new Float32Array(4096);
    for (let i = 0; i < x.length; i++) x[i] = rng() + rng() + rng();
    for (const [t, bound] of Object.entries(bounds)) {
      const y = cpu.cpuDequantize(t, cpu.cpuQuantize(t, x), x.length);
      let e = 0;
      let s = 0;
      for (let i = 0; i < x.length; i++) { e += (y[i] - x[i]) ** 2; s += x[i] ** 2; }
      assert.ok(e / s < bound, `${t}: nmse ${(e / s).toExponential(2)} >= ${bound}`);
    }
  });

  it('rejects rows that are not whole blocks and types without a reference', () => {
    assert.throws(() => cpu.cpuQuantize('Q4_K', new Float32Array(100)), { code: 'E_INVALID_ARGUMENT' });
    assert.throws(() => cpu.cpuDequantize('Q8_0', new Uint8Array(34), 33), { code: 'E_INVALID_ARGUMENT' });
    assert.throws(() => cpu.cpuQuantize('IQ2_XS', new Float32Array(256)), { code: 'E_INVALID_ARGUMENT' });
  });

  it('F16 tensors of llama-2-tiny-random.gguf convert to f32 exactly and back', function () {
    const buf = fs.readFileSync(fixture('tiny-llama/llama-2-tiny-random.gguf'));
    const tensors = readGgufTensors(buf);
    const f16s = tensors.filter((t) => t.type === 1);
    assert.ok(f16s.length >= 9, `expected the 9 F16 tensors, found ${f16s.length}`);
    for (const t of f16s) {
      const bytes = new Uint8Array(buf.buffer, buf.byteOffset + t.offset, t.count * 2);
      const got = cpu.cpuDequantize('F16', bytes.slice(), t.count);
      const view = new DataView(buf.buffer, buf.byteOffset + t.offset, t.count * 2);
      for (let i = 0; i < t.count; i++) {
        const want = f16ToNumber(view.getUint16(2 * i, true));
        if (got[i] !== want) assert.fail(`${t.name}[${i}]: ${got[i]} != ${want}`);
      }
      assert.deepEqual(cpu.cpuQuantize('F16', got), bytes.slice(), `${t.name}: f32 -> f16 round trip`);
    }
  });
});

interface TensorRef { name: string; type: number; count: number; offset: number }

/** Minimal GGUF v2/v3 walk: skips metadata, returns tensor types and absolute data offsets. */
function readGgufTensors(b: Buffer): TensorRef[] {
  let o = 0;
  const u32 = (): number => { const v = b.readUInt32LE(o); o += 4; return v; };
  const u64 = (): number => { const v = Number(b.readBigUInt64LE(o)); o += 8; return v; };
  const str = (): string => { const n = u64(); const s = b.toString('utf8', o, o + n); o += n; return s; };
  const scalarSize: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
  let alignment = 32;
  const skipValue = (type: number): number | undefined => {
    if (type === 8) { str(); return undefined; }
    if (type === 9) {
      const et = u32();
      const n = u64();
      for (let i = 0; i < n; i++) skipValue(et);
      return undefined;
    }
    const size = scalarSize[type];
    if (size === undefined) throw new Error(`bad GGUF value type ${type}`);
    const v = size === 4 ? b.readUInt32LE(o) : undefined;
    o += size;
    return v;
  };
  assert.equal(b.toString('ascii', 0, 4), 'GGUF');
  o = 4;
  const version = u32();
  assert.ok(version >= 2, 'GGUF v2+');
  const nTensors = u64();
  const nKv = u64();
  for (let i = 0; i < nKv; i++) {
    const key = str();
    const v = skipValue(u32());
    if (key === 'general.alignment' && v !== undefined) alignment = v;
  }
  const out: TensorRef[] = [];
  for (let i = 0; i < nTensors; i++) {
    const name = str();
    const nd = u32();
    let count = 1;
    for (let d = 0; d < nd; d++) count *= u64();
    const type = u32();
    const offset = u64();
    out.push({ name, type, count, offset });
  }
  const dataStart = Math.ceil(o / alignment) * alignment;
  for (const t of out) t.offset += dataStart;
  return out;
}
