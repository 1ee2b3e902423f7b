/**
 * A CBOR tokenizer that hands out byte strings as views into the message
 * instead of copies. A batch frame carries hundreds of op bodies; cborg
 * copies each into an ArrayBuffer of its own, and those allocations (and
 * collecting them) cost more than the rest of the frame's decoding. The
 * views keep the frame's buffer alive for as long as an op is held, which is
 * until its batch is stored.
 */
import { Token, Tokenizer, Type } from 'cborg';

const BYTES_MAJOR = 2;

/** Header bytes after the initial byte for minors 24, 25, 26, and the least length each may carry (strict CBOR). */
const LENGTH_FORMS: Record<number, { size: number; least: number }> = {
  24: { size: 1, least: 24 },
  25: { size: 2, least: 0x100 },
  26: { size: 4, least: 0x10000 },
};

export class ByteViewTokenizer extends Tokenizer {
  constructor(data: Uint8Array, options: ConstructorParameters<typeof Tokenizer>[1]) {
    // A Buffer's subarrays are Buffers: plain views, as cborg's own byte strings are.
    super(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), options);
  }

  override next(): Token {
    const data = this.data;
    const at = this._pos;
    const initial = data[at];
    const minor = initial & 31;
    // Anything else (other types, 8-byte or indefinite lengths) keeps cborg's checks and errors.
    if (initial >>> 5 !== BYTES_MAJOR || minor > 26) return super.next();
    let length = minor;
    let header = 1;
    if (minor >= 24) {
      const form = LENGTH_FORMS[minor];
      if (at + 1 + form.size > data.length) return super.next();
      length = 0;
      for (let i = 1; i <= form.size; i++) length = length * 256 + data[at + i];
      if (length < form.least) return super.next();
      header += form.size;
    }
    if (at + header + length > data.length) return super.next();
    this._pos = at + header + length;
    return new Token(Type.bytes, data.subarray(at + header, at + header + length), header + length);
  }
}
