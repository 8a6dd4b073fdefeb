/**
 * JSON.parse that keeps integers too large for a JavaScript number as their exact digits.
 * Shopify's ids (`820982911946154508`) exceed 2^53: parsed as numbers they silently become
 * `820982911946154500`, and two different orders could collapse into one external id. Such
 * integers become strings; every other value parses as JSON.parse would parse it. Throws
 * SyntaxError on malformed JSON, as JSON.parse does.
 */
export function parseJsonKeepingBigIds(text: string): unknown {
  // fast path: no run of 16+ digits anywhere, so no integer can be unsafe
  if (!/\d{16}/.test(text)) return JSON.parse(text);
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    if (c !== 0x2d /* - */ && (c < 0x30 || c > 0x39)) continue;
    let end = i + 1;
    while (end < text.length && /[0-9eE.+-]/.test(text[end])) end++;
    const token = text.slice(i, end);
    if (/^-?(0|[1-9]\d*)$/.test(token) && !Number.isSafeInteger(Number(token))) {
      out += `${text.slice(from, i)}"${token}"`;
      from = end;
    }
    i = end - 1;
  }
  return JSON.parse(out + text.slice(from));
}
