/**
 * Shopify writes Chinese addresses with English (pinyin) province names (`Zhejiang`, code `ZJ`)
 * or whatever the buyer typed; Kehu stores the full Chinese names of its region tree
 * (`浙江省`). What is not recognised here is left out of the profile rather than guessed.
 */
const provinces: [string, string[]][] = [
  ['北京市', ['beijing', 'bj']],
  ['天津市', ['tianjin', 'tj']],
  ['河北省', ['hebei', 'he']],
  ['山西省', ['shanxi', 'sx']],
  ['内蒙古自治区', ['inner mongolia', 'nei mongol', 'neimenggu', 'nm']],
  ['辽宁省', ['liaoning', 'ln']],
  ['吉林省', ['jilin', 'jl']],
  ['黑龙江省', ['heilongjiang', 'hl']],
  ['上海市', ['shanghai', 'sh']],
  ['江苏省', ['jiangsu', 'js']],
  ['浙江省', ['zhejiang', 'zj']],
  ['安徽省', ['anhui', 'ah']],
  ['福建省', ['fujian', 'fj']],
  ['江西省', ['jiangxi', 'jx']],
  ['山东省', ['shandong', 'sd']],
  ['河南省', ['henan', 'ha']],
  ['湖北省', ['hubei', 'hb']],
  ['湖南省', ['hunan', 'hn']],
  ['广东省', ['guangdong', 'gd']],
  ['广西壮族自治区', ['guangxi', 'gx']],
  ['海南省', ['hainan', 'hi']],
  ['重庆市', ['chongqing', 'cq']],
  ['四川省', ['sichuan', 'sc']],
  ['贵州省', ['guizhou', 'gz']],
  ['云南省', ['yunnan', 'yn']],
  ['西藏自治区', ['tibet', 'xizang', 'xz', 'yz']],
  ['陕西省', ['shaanxi', 'sn']],
  ['甘肃省', ['gansu', 'gs']],
  ['青海省', ['qinghai', 'qh']],
  ['宁夏回族自治区', ['ningxia', 'nx']],
  ['新疆维吾尔自治区', ['xinjiang', 'xj']],
  ['香港特别行政区', ['hong kong', 'hk']],
  ['澳门特别行政区', ['macau', 'macao', 'mo']],
  ['台湾省', ['taiwan', 'tw']],
];
const byAlias = new Map(provinces.flatMap(([name, aliases]) => aliases.map((a) => [a, name] as const)));
const municipalities = new Set(['北京市', '天津市', '上海市', '重庆市']);
const cjk = /[\u3400-\u9fff]/;

/** `Zhejiang`, `ZJ`, `CN-ZJ`, `浙江`, `浙江省` → `浙江省`; null when unknown. */
export function chineseProvince(given: string): string | null {
  const value = given.trim();
  if (cjk.test(value)) {
    const hit = provinces.find(([name]) => name === value || (value.length >= 2 && name.startsWith(value)));
    return hit ? hit[0] : null;
  }
  const key = value
    .toLowerCase()
    .replace(/^cn-/, '')
    .replace(/\s+(province|shi|sheng)$/, '');
  return byAlias.get(key) ?? null;
}

/**
 * A city of a province as the region tree names it: a municipality's only city bears its own
 * name; a Chinese name gains 市 when it has no suffix (杭州 → 杭州市). Pinyin city names are not
 * translated (null). The customers module checks the pair against the tree and drops a miss.
 */
export function chineseCity(province: string, given: string): string | null {
  if (municipalities.has(province)) return province;
  const value = given.trim();
  if (!cjk.test(value)) return null;
  return /(市|自治州|盟|地区|区|县)$/.test(value) ? value : `${value}市`;
}
