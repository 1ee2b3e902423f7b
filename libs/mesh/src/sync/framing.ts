/**
 * Length-prefixed CBOR frames over a libp2p stream, with a size bound per
 * read and a deadline per read and write.
 */
import type { AbortOptions, Stream } from '@libp2p/interface';
import {
  InvalidDataLengthError,
  InvalidDataLengthLengthError,
  InvalidMessageLengthError,
  lpStream,
} from '@libp2p/utils';
import { SYNC_TIMEOUTS } from './constants.js';
import { encodeMessage, type SyncMessage, SyncProtocolError } from './messages.js';

/** The remote end closed the stream (or it was reset) before a whole frame arrived. */
export class StreamEndedError extends Error {
  override name = 'StreamEndedError';
}

const STREAM_ENDINGS = new Set([
  'UnexpectedEOFError',
  'StreamResetError',
  'StreamStateError',
  'StreamAbortedError',
  'StreamClosedError',
  'StreamBufferError',
]);

function varintLength(n: number): number {
  let len = 1;
  for (let v = n; v >= 0x80; v = Math.floor(v / 128)) len += 1;
  return len;
}

/**
 * lpStream's length decoder, refusing a prefix longer than `maxBytes` as it arrives: lpStream checks
 * a prefix's length only once its varint ends, and reads (and holds) a garbled one, every byte with
 * the continuation bit set, for as long as it keeps coming.
 */
function boundedLengthDecoder(maxBytes: number) {
  return (data: { readonly byteLength: number; get(index: number): number }): number => {
    let value = 0;
    for (let i = 0; i < data.byteLength; i++) {
      if (i === maxBytes) throw new InvalidDataLengthLengthError(`length prefix over ${maxBytes} bytes`);
      const byte = data.get(i);
      value += (byte & 0x7f) * 2 ** (7 * i);
      if (byte < 0x80) return value;
    }
    throw new RangeError('incomplete length prefix'); // lpStream reads another byte
  };
}

/**
 * A signal that aborts after `ms` or with `parent`, and a function to call once
 * it is no longer needed: unlike AbortSignal.timeout, its timer (and what it
 * holds) goes as soon as the exchange ends, not minutes later.
 */
export function expiringSignal(parent: AbortSignal, ms: number): { signal: AbortSignal; clear(): void } {
  const timer = new AbortController();
  const handle = setTimeout(() => timer.abort(new DOMException('deadline passed', 'TimeoutError')), ms);
  handle.unref();
  return { signal: AbortSignal.any([parent, timer.signal]), clear: () => clearTimeout(handle) };
}

/** Whether an error means the stream went away under us (reset, closed, aborted), not a protocol fault. */
export function isStreamEnded(err: unknown): boolean {
  return err instanceof StreamEndedError || (err instanceof Error && STREAM_ENDINGS.has(err.name));
}

export class FramedStream {
  private readonly lp;
  private closing = false;

  constructor(
    readonly stream: Stream,
    maxFrameBytes: number,
  ) {
    // The byte buffer must hold a couple of frames that arrive before we read them.
    this.lp = lpStream(stream, {
      maxDataLength: maxFrameBytes,
      maxBufferSize: maxFrameBytes * 3,
      lengthDecoder: boundedLengthDecoder(varintLength(maxFrameBytes)),
    });
  }

  /** Reads the next frame's bytes; oversized frames become 'too-large', a closed stream StreamEndedError. */
  async read(options: AbortOptions): Promise<Uint8Array> {
    try {
      const list = await this.lp.read(options);
      return list.subarray();
    } catch (err) {
      if (err instanceof InvalidDataLengthError || err instanceof InvalidDataLengthLengthError) {
        throw new SyncProtocolError('too-large', (err as Error).message);
      }
      if (err instanceof InvalidMessageLengthError)
        throw new SyncProtocolError('malformed', (err as Error).message);
      if (options.signal?.aborted) throw new SyncProtocolError('timeout', 'no frame in time');
      const e = err as Error;
      if (STREAM_ENDINGS.has(e.name)) throw new StreamEndedError(e.message);
      throw err;
    }
  }

  /**
   * Writes one frame; returns its size on the wire (before Noise and Yamux framing). A peer that
   * does not take it before `options.signal` aborts gets 'timeout'.
   */
  async write(message: SyncMessage, options: AbortOptions): Promise<number> {
    const bytes = encodeMessage(message);
    try {
      await this.lp.write(bytes, options);
    } catch (err) {
      if (options.signal?.aborted) throw new SyncProtocolError('timeout', 'frame not taken in time');
      throw err;
    }
    return bytes.byteLength + varintLength(bytes.byteLength);
  }

  /** Best-effort error reply, then a close (see close()); never throws. */
  async fail(code: SyncProtocolError['code'], msg: string): Promise<void> {
    try {
      await this.write({ t: 'err', code, msg: msg.slice(0, 500) }, { signal: AbortSignal.timeout(2000) });
    } catch {
      this.stream.abort(new Error(`sync error: ${code}`));
      return;
    }
    await this.close();
  }

  /**
   * Closes our side, falling back to abort; never throws, and closes once. In libp2p 3 this is a
   * half-close: the stream, and the protocol stream slot it takes at both ends, lasts until the
   * peer closes its side too, so a peer that has not within SYNC_TIMEOUTS.closeMs gets an abort.
   */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    try {
      await this.stream.close({ signal: AbortSignal.timeout(5000) });
    } catch (err) {
      this.stream.abort(err as Error);
      return;
    }
    this.abortUnlessClosedWithin(SYNC_TIMEOUTS.closeMs);
  }

  private abortUnlessClosedWithin(ms: number): void {
    if (this.stream.status !== 'open') return;
    const timer = setTimeout(() => this.stream.abort(new Error('the peer kept its side open')), ms);
    timer.unref();
    this.stream.addEventListener('close', () => clearTimeout(timer), { once: true });
  }
}
