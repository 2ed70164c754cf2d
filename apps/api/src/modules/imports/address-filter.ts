/**
 * A Bloom filter over email addresses: "definitely never added" or "maybe added". An import into
 * an organization that had no contacts uses it to skip the database lookup for every address it
 * has not placed yet — nearly all of them. A false "maybe" only costs that lookup.
 *
 * 8 MiB of bits and 7 probes: ~1 in 10 million false positives at 1M addresses, ~6% at 10M
 * (a 1 GB file), never a false negative.
 */
const BITS = 64 * 1024 * 1024;
const PROBES = 7;

export class AddressFilter {
  private readonly words = new Uint32Array(BITS / 32);

  add(address: string): void {
    const [h1, h2] = hashes(address);
    for (let i = 0; i < PROBES; i++) {
      const bit = ((h1 + i * h2) >>> 0) & (BITS - 1);
      this.words[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  mayContain(address: string): boolean {
    const [h1, h2] = hashes(address);
    for (let i = 0; i < PROBES; i++) {
      const bit = ((h1 + i * h2) >>> 0) & (BITS - 1);
      if ((this.words[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

/** Two independent 32-bit hashes (FNV-1a and a multiplicative variant) for double hashing. */
function hashes(value: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  // An odd step visits distinct bits for every probe.
  return [a >>> 0, (b | 1) >>> 0];
}
