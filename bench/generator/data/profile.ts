// Profile attributes with rough weights for a consumer brand's customer base.

export const occupations: readonly (readonly [string, number])[] = [
  ['企业职员', 24], ['自由职业', 9], ['个体经营', 9], ['教师', 5], ['医护人员', 4], ['公务员', 4],
  ['工程师', 7], ['销售', 6], ['设计师', 3], ['学生', 10], ['退休', 6], ['工人', 6], ['金融从业者', 3],
  ['家庭主妇/主夫', 4],
];

/** Monthly income bands (codes are what the API and database store). */
export const incomeBands: readonly (readonly [string, number])[] = [
  ['lt_5k', 24], ['5k_10k', 34], ['10k_20k', 25], ['20k_50k', 13], ['gte_50k', 4],
];

export const educations: readonly (readonly [string, number])[] = [
  ['high_school', 22], ['college', 30], ['bachelor', 38], ['master', 8], ['doctorate', 2],
];

/** Age bands of a consumer base: most customers are 22–45. */
export const ageBands: readonly (readonly [min: number, max: number, weight: number])[] = [
  [18, 21, 7], [22, 25, 14], [26, 30, 20], [31, 35, 19], [36, 40, 14], [41, 45, 10], [46, 55, 10], [56, 70, 6],
];

export const emailDomains: readonly (readonly [string, number])[] = [
  ['qq.com', 40], ['163.com', 20], ['126.com', 8], ['sina.com', 4], ['foxmail.com', 5], ['outlook.com', 6],
  ['gmail.com', 4], ['139.com', 3], ['aliyun.com', 2],
];

/** Mobile number prefixes (first three digits) in use by the three carriers, 13x–19x. */
export const mobilePrefixes: readonly string[] = [
  // China Mobile
  '134', '135', '136', '137', '138', '139', '150', '151', '152', '157', '158', '159', '172', '178', '182', '183',
  '184', '187', '188', '195', '197', '198',
  // China Unicom
  '130', '131', '132', '155', '156', '175', '176', '185', '186', '196',
  // China Telecom
  '133', '153', '173', '177', '180', '181', '189', '190', '191', '193', '199',
];

export const acquisitionSources: readonly (readonly [string, number])[] = [
  ['store', 38], ['tmall', 18], ['jd', 9], ['douyin', 10], ['wechat_mini_program', 15], ['website', 5], ['event', 3], ['referral', 2],
];
