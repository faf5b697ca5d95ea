/**
 * Per-process pools of the buffers message bodies are read into and stuffed into (issue 7). Fresh
 * 1 MiB buffers per chunk cost an allocation, page faults on new memory and GC work (about 15% of a
 * RETR in the bench profile); a buffer that went back to the pool is reused warm.
 *
 * The rule that keeps this safe: a buffer goes back only once nothing refers to it any more, i.e.
 * after the socket.write() it was handed to has called back. A buffer given back twice is a bug and
 * throws, since handing one buffer to two users would corrupt a message.
 */

export class BufferPool {
  private readonly free: Buffer[] = [];

  /**
   * @param size octets of every buffer of this pool
   * @param keep buffers kept while idle; more may be in use at once (they are allocated then and
   *   left to the garbage collector when given back to a full pool), so this bounds only what an
   *   idle server keeps: keep * size.
   */
  constructor(
    readonly size: number,
    private readonly keep: number,
  ) {}

  take(): Buffer {
    // allocUnsafeSlow: a buffer of its own, never a slice of Node's shared 8 KiB slab.
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }

  give(buf: Buffer): void {
    if (buf.length !== this.size) throw new Error(`a ${buf.length}-octet buffer given to the ${this.size}-octet pool`);
    if (this.free.includes(buf)) throw new Error('a pooled buffer was given back twice');
    if (this.free.length < this.keep) this.free.push(buf);
  }

  /** Buffers held idle now (tests). */
  get idle(): number {
    return this.free.length;
  }
}

/**
 * Large messages are read this much at a time: few enough reads and socket writes that their fixed
 * cost (a thread-pool round trip, a syscall, a loopback delivery) is small next to the copying, and
 * small enough that a session streaming one holds a few MiB at most (see body-writer.ts).
 */
export const READ_CHUNK_OCTETS = 1024 * 1024;

/**
 * Messages below this size (most mail; the bench's session message is 2 KiB) are read in one call
 * and sent with their status line and terminator in one write: no stream, one syscall, one
 * loopback delivery. Small enough that the buffer is held only for that one write.
 */
export const SMALL_MESSAGE_OCTETS = 128 * 1024;

/**
 * Room after the text read into a buffer, for the stuffing dots (chunks are stuffed in place): one
 * per line starting with "." (1/64 of the octets: more than one such line per 64 octets is not
 * mail; a chunk that needs more is stuffed into a buffer of its own, see StuffState).
 */
const stuffingRoom = (octets: number): number => octets / 64;

/**
 * Idle buffers kept per pool: enough for four RETRs of large messages at once (each holds two or
 * three, see body-writer.ts) while keeping at most about 12 MiB around when idle.
 */
const KEEP_LARGE = 12;
/** A small message holds one buffer for an instant; 64 idle ones are about 8 MiB. */
const KEEP_SMALL = 64;

/** Read buffers of large messages. */
export const largeBuffers = new BufferPool(READ_CHUNK_OCTETS + stuffingRoom(READ_CHUNK_OCTETS), KEEP_LARGE);
/** Read buffers of small messages (the read asks for one octet more, to see growth). */
export const smallBuffers = new BufferPool(SMALL_MESSAGE_OCTETS + stuffingRoom(SMALL_MESSAGE_OCTETS), KEEP_SMALL);
