import { pinyin } from 'pinyin-pro';

/**
 * Chinese names cannot be found by PostgreSQL full-text search (it does not segment Chinese),
 * and a trigram index cannot serve the 1–2 character queries people type most (王, 小明).
 * So each name carries `name_terms`, indexed with GIN: every CJK character, every pair of
 * adjacent CJK characters, and (marked with `~`) every run of up to four pinyin initials
 * (王小明 → ~w ~wx ~wxm ~x ~xm ~m), so `wxm` or `xm` finds 王小明.
 */
const CJK = /\p{Script=Han}/u;
export const INITIALS_MARK = '~';
const MAX_INITIALS = 4;

export function isCjk(ch: string): boolean {
  return CJK.test(ch);
}

export function nameTermsOf(name: string): string[] {
  const chars = [...name.normalize('NFKC')];
  const terms = new Set<string>();
  const initials: string[] = [];
  chars.forEach((ch, i) => {
    if (!isCjk(ch)) return;
    terms.add(ch);
    const next = chars[i + 1];
    if (next !== undefined && isCjk(next)) terms.add(ch + next);
  });
  const han = chars.filter(isCjk);
  if (han.length > 0) {
    const letters = pinyin(han.join(''), { pattern: 'first', toneType: 'none', type: 'array' });
    for (const l of letters) if (/^[a-z]$/i.test(l)) initials.push(l.toLowerCase());
    for (let start = 0; start < initials.length; start++) {
      for (let len = 1; len <= MAX_INITIALS && start + len <= initials.length; len++) {
        terms.add(INITIALS_MARK + initials.slice(start, start + len).join(''));
      }
    }
  }
  return [...terms];
}
