import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import iconv from 'iconv-lite';

/**
 * What an uploaded file is, found while its bytes stream to disk: its hash, its format from its
 * first bytes (never from its name), and for text whether every byte is valid UTF-8. Chinese
 * Excel saves CSV in GBK (GB18030 is its superset); a file that is not valid UTF-8 is read as
 * GB18030. A file whose lines are partly one and partly the other (rows pasted from two exports)
 * cannot be read either way and is refused, naming a line of each.
 */
export type FileFormat = 'csv' | 'xlsx';
export type TextEncoding = 'utf-8' | 'gb18030';

export type Sniffed =
  | { kind: 'empty' }
  | { kind: 'xlsx' }
  | { kind: 'xls' }
  | { kind: 'utf16' }
  | { kind: 'binary' }
  | { kind: 'text'; encoding: TextEncoding; hasBom: boolean; firstInvalidLine: number | null };

export type ScanResult = { size: number; hash: string; sniffed: Sniffed };

/**
 * A streaming UTF-8 validator that counts lines, so it sees a 100 MB file in one pass with a few
 * bytes of state. `firstInvalidLine` is the first physical line (1-based) holding a byte
 * sequence that is not UTF-8.
 */
export function createScanner() {
  const hash = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  let line = 1;
  let need = 0; // continuation bytes still expected
  let firstInvalidLine: number | null = null;
  let hasNul = false;

  function invalid() {
    if (firstInvalidLine === null) firstInvalidLine = line;
  }

  return {
    update(chunk: Buffer) {
      hash.update(chunk);
      if (head.length < 8) head = Buffer.concat([head, chunk.subarray(0, 8 - head.length)]);
      size += chunk.length;
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i];
        if (need > 0) {
          if ((b & 0xc0) === 0x80) {
            need--;
            continue;
          }
          need = 0;
          invalid();
        }
        if (b < 0x80) {
          if (b === 0x0a) line++;
          else if (b === 0) hasNul = true;
        } else if (b >= 0xc2 && b <= 0xdf) need = 1;
        else if (b >= 0xe0 && b <= 0xef) need = 2;
        else if (b >= 0xf0 && b <= 0xf4) need = 3;
        else invalid();
      }
    },
    finish(): ScanResult {
      if (need > 0) invalid();
      const digest = hash.digest('hex');
      const result = (sniffed: Sniffed): ScanResult => ({ size, hash: digest, sniffed });
      if (head.length >= 4 && head.readUInt32BE(0) === 0x504b0304) return result({ kind: 'xlsx' });
      if (head.length >= 4 && head.readUInt32BE(0) === 0xd0cf11e0) return result({ kind: 'xls' });
      if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)))
        return result({ kind: 'utf16' });
      if (hasNul) return result({ kind: 'binary' });
      const hasBom = head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
      if (size === 0 || (hasBom && size === 3)) return result({ kind: 'empty' });
      return result({
        kind: 'text',
        encoding: firstInvalidLine === null ? 'utf-8' : 'gb18030',
        hasBom,
        firstInvalidLine,
      });
    },
  };
}

/** The 3,755 most used characters (GB 2312 level 1, lead bytes B0–D7): what names and addresses are written with. */
let common: Set<string> | null = null;
function commonHan(): Set<string> {
  if (common) return common;
  const set = new Set<string>();
  for (let lead = 0xb0; lead <= 0xd7; lead++) {
    for (let trail = 0xa1; trail <= 0xfe; trail++) {
      const ch = iconv.decode(Buffer.from([lead, trail]), 'gb18030');
      if (ch.length === 1 && ch !== '\ufffd') set.add(ch);
    }
  }
  common = set;
  return set;
}

const HAN = /\p{Script=Han}/u;
/** Share of common characters among the Han characters of a text (0 when it has none). */
function commonShare(text: string): number {
  const set = commonHan();
  let han = 0;
  let hits = 0;
  for (const ch of text) {
    if (!HAN.test(ch)) continue;
    han++;
    if (set.has(ch)) hits++;
  }
  return han === 0 ? 0 : hits / han;
}

/**
 * In a file that is not all UTF-8, finds a line that IS UTF-8 Chinese: valid UTF-8 whose
 * characters read as everyday Chinese, and not as everyday Chinese when read as GB18030. Such a
 * file mixes encodings. GBK text is valid UTF-8 by accident only on short lines, and then reads
 * as rare characters in UTF-8, which is what the comparison rules out.
 */
export async function findUtf8Line(path: string): Promise<number | null> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 0;
  let rest = Buffer.alloc(0);
  const check = (bytes: Buffer): boolean => {
    line++;
    if (!bytes.some((b) => b >= 0x80)) return false;
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      return false;
    }
    const asUtf8 = commonShare(text);
    return asUtf8 >= 0.6 && asUtf8 > commonShare(iconv.decode(bytes, 'gb18030'));
  };
  for await (const chunk of createReadStream(path)) {
    let buf = rest.length ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    let nl = buf.indexOf(0x0a);
    while (nl >= 0) {
      if (check(buf.subarray(0, nl))) return line;
      buf = buf.subarray(nl + 1);
      nl = buf.indexOf(0x0a);
    }
    // a line longer than this is no data row of ours; the reader refuses it later
    rest = Buffer.from(buf.subarray(0, 1 << 20));
  }
  if (rest.length && check(rest)) return line;
  return null;
}
