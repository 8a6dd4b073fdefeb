/**
 * Masking for people who may see that a value exists but not the value: lists, exports without
 * the reveal permission, logs. Pure functions; each returns '' for an empty input and never
 * throws, so a malformed stored value still renders as something masked.
 */

const STARS = '****';

// ITU country codes are prefix-free: these are the one- and two-digit ones; all others have three.
const CC1 = new Set(['1', '7']);
const CC2 = new Set(
  '20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98'.split(
    ' ',
  ),
);

function countryCode(digits: string): string {
  if (CC1.has(digits.slice(0, 1))) return digits.slice(0, 1);
  if (CC2.has(digits.slice(0, 2))) return digits.slice(0, 2);
  return digits.slice(0, 3);
}

function maskNational(n: string): string {
  if (n.length >= 9) return `${n.slice(0, 3)}${STARS}${n.slice(-4)}`;
  if (n.length >= 6) return `${STARS}${n.slice(-4)}`;
  return STARS;
}

/** `13812341234` → `138****1234`; `+86 138 1234 1234` → `+86 138****1234`; `+1 415-555-2671` → `+1 415****2671`. */
export function maskMobile(value: string): string {
  const v = value.trim();
  if (!v) return '';
  const international = v.startsWith('+') || v.startsWith('00');
  const digits = v.replace(/\D/g, '').replace(/^00/, international ? '' : '00');
  if (!international) return maskNational(digits);
  const cc = countryCode(digits);
  return `+${cc} ${maskNational(digits.slice(cc.length))}`;
}

/** `zhangsan@example.com` → `z***@example.com`: the first character and the domain stay. */
export function maskEmail(value: string): string {
  const v = value.trim();
  if (!v) return '';
  const at = v.lastIndexOf('@');
  if (at <= 0) return `${[...v][0] ?? ''}***`;
  return `${[...v.slice(0, at)][0]}***${v.slice(at)}`;
}

/** Chinese resident ID (18 or 15 characters): first 6 (region) and last 4 stay. Other IDs: last 4. */
export function maskIdNumber(value: string): string {
  const v = value.trim().replace(/\s/g, '');
  if (!v) return '';
  if (v.length >= 15) return `${v.slice(0, 6)}${'*'.repeat(v.length - 10)}${v.slice(-4)}`;
  if (v.length > 6) return `${'*'.repeat(v.length - 4)}${v.slice(-4)}`;
  return '*'.repeat(v.length);
}

// The common two-character (compound) Chinese surnames.
const COMPOUND_SURNAMES = new Set(
  '欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 轩辕 端木 百里 呼延 西门 南宫 独孤 万俟 闻人 澹台 公冶 太史 申屠 钟离 赫连 拓跋'.split(
    ' ',
  ),
);
const HAN = /\p{Script=Han}/u;

/** `张三` → `张*`, `张三丰` → `张**`, `欧阳娜娜` → `欧阳**`, `John Smith` → `J*** Smith`. */
export function maskName(value: string): string {
  const v = value.trim();
  if (!v) return '';
  const chars = [...v];
  if (HAN.test(chars[0])) {
    if (chars.length === 1) return '*';
    const surname = chars.length > 2 && COMPOUND_SURNAMES.has(chars.slice(0, 2).join('')) ? 2 : 1;
    return chars.slice(0, surname).join('') + '*'.repeat(chars.length - surname);
  }
  const words = v.split(/\s+/);
  const initial = (w: string) => `${[...w][0]}***`;
  if (words.length === 1) return initial(words[0]);
  // given names masked to their initial, the family name (last word) kept
  return [...words.slice(0, -1).map(initial), words[words.length - 1]].join(' ');
}

const PROVINCE =
  /^(北京市|天津市|上海市|重庆市|香港特别行政区|澳门特别行政区|台湾省|[^省市]{2,3}省|内蒙古自治区|广西壮族自治区|西藏自治区|宁夏回族自治区|新疆维吾尔自治区)/u;
const CITY = /^(.{1,10}?(市|自治州|地区|盟))/u;
const MUNICIPALITIES = new Set(['北京市', '天津市', '上海市', '重庆市']);

/**
 * Chinese addresses keep province and city (`广东省深圳市****`); municipalities keep the city
 * (`北京市****`). Other addresses keep their last two comma-separated parts (`****, Cupertino, CA 95014`).
 */
export function maskAddress(value: string): string {
  const v = value.trim();
  if (!v) return '';
  const province = PROVINCE.exec(v)?.[1];
  if (province) {
    if (MUNICIPALITIES.has(province)) return `${province}${STARS}`;
    const city = CITY.exec(v.slice(province.length))?.[1] ?? '';
    return `${province}${city}${STARS}`;
  }
  const parts = v.split(',').map((p) => p.trim());
  if (parts.length >= 3) return [STARS, ...parts.slice(-2)].join(', ');
  if (parts.length === 2) return `${STARS}, ${parts[1]}`;
  return STARS;
}
